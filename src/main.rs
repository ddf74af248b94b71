//! The `gudang` binary: parses the command line and hands over to [`cli`]. With no
//! subcommand it opens the full-screen app.

mod cli;

fn main() -> color_eyre::Result<()> {
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
