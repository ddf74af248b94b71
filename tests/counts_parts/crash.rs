//! A `count post` really killed (SIGKILL at a failpoint, in a child process: this test binary
//! re-executed) after its second document was decided and before the count heard of it; a
//! restarted process posts it again: exactly one set of adjustments, on every backend.

use crate::*;

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

pub(crate) const CHILD_CONFIG_ENV: &str = "GUDANG_COUNTS_CHILD_CONFIG";
pub(crate) const CHILD_COUNT_ENV: &str = "GUDANG_COUNTS_CHILD_COUNT";

/// The child: posts one count with the shards of the config file, as `gudang count post` would.
pub(crate) fn child_main(config: &str) {
    let number = std::env::var(CHILD_COUNT_ENV).expect("count number");
    let text = std::fs::read_to_string(config).expect("child config");
    let config = gudang::Config::from_sources(Some(&text), &[]).expect("config");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let s = gudang::Services::open(config).await.expect("open services");
        let a = s.first_admin().await.expect("admin");
        let out = s.count_post(&a, &number, false).await;
        println!("NOT KILLED: {out:?}");
    });
}

pub(crate) async fn post_killed_mid_way_then_finished(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let (s, a) = (&env.services, &env.admin);
    s.add_location(a, "W", "Warehouse W", None).await.unwrap();
    for z in ["W1", "W2", "W3"] {
        s.add_location(a, z, z, Some("W")).await.unwrap();
        post(
            &env,
            req(
                TxKind::Receipt,
                None,
                Some(z),
                vec![line("P1", 10), line("P2", 10)],
            ),
        )
        .await;
    }
    let c = s.count_start(a, &start("W", true, None)).await.unwrap();
    for (z, spec) in [("W1", "8*P1"), ("W2", "12*P2"), ("W3", "P1:9")] {
        s.count_scan(a, &c.number, Some(z), &scan(spec))
            .await
            .unwrap();
    }
    s.settled().await;
    let config = env.dir.path().join("counts-child.toml");
    std::fs::write(&config, toml::to_string(&env.config).expect("toml")).expect("write config");
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args([
        "--exact",
        "count_post_child",
        "--nocapture",
        "--include-ignored",
        "--test-threads=1",
    ])
    .env(CHILD_CONFIG_ENV, &config)
    .env(CHILD_COUNT_ENV, &c.number)
    .env("GUDANG_FAILPOINT", "count.after_doc_post@2")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("run child");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGKILL),
        "child not killed: {}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains("failpoint count.after_doc_post"),
        "{stderr}"
    );
    // As the kill left it: fixed, two documents decided, the count told of one.
    let shown = s.count_get(&c.number).await.unwrap();
    assert_eq!(shown.status, CountStatus::Posting);
    let told: Vec<&str> = shown.documents.iter().map(|d| d.status.as_str()).collect();
    assert_eq!(told, ["posted", "pending", "pending"]);
    let decided = env
        .int(
            ShardName::Location,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM outcomes WHERE txn_id IN ('{}', '{}', '{}')",
                shown.documents[0].txn_id, shown.documents[1].txn_id, shown.documents[2].txn_id
            ),
        )
        .await;
    assert_eq!(decided, 2);
    // A restarted process (recovery at start-up) finishes the post.
    let restarted = env.reopen(|_| {}).await;
    let done = restarted.count_post(a, &c.number, false).await.unwrap();
    assert!(done.is_posted(), "{done:?}");
    let replayed: Vec<bool> = done.documents.iter().map(|d| d.replayed).collect();
    assert_eq!(replayed, [true, true, false]);
    restarted.settled().await;
    assert_eq!(adjustments_of(&env, &c.number).await, 3);
    let moved = env
        .int(
            ShardName::Location,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM movements WHERE txn_id IN ('{}', '{}', '{}')",
                done.documents[0].txn_id, done.documents[1].txn_id, done.documents[2].txn_id
            ),
        )
        .await;
    assert_eq!(moved, 3);
    assert_eq!(stock(&env, "W1", "P1").await, 8000);
    assert_eq!(stock(&env, "W2", "P2").await, 12_000);
    assert_eq!(stock(&env, "W3", "P1").await, 9000);
    assert_eq!(stock(&env, "W3", "P2").await, 10_000);
    assert_clean(&env).await;
}
