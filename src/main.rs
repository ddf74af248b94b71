//! The `gudang` binary: parses the command line and hands over to [`cli`]. With no
//! subcommand it opens the full-screen app.

mod cli;

// Postings allocate many small, short-lived values on several threads at once; mimalloc's
// per-thread heaps serve that faster than the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> color_eyre::Result<()> {
    // Like other Unix tools, end quietly when the reader of our output goes away
    // (`gudang stock | head`) instead of panicking on a broken pipe.
    // SAFETY: setting a signal's disposition to the default has no memory-safety preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    color_eyre::install()?;
    let parsed = match <cli::Cli as clap::Parser>::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let code = rt.block_on(cli::run(parsed));
    rt.shutdown_timeout(std::time::Duration::from_secs(2));
    std::process::exit(code)
}
