//! Login, lockout, password hashing and roles, on SQLite and on PostgreSQL.

mod common;

use common::backend::{Db, PASSWORD, TestEnv, fresh_config, line, product};
use gudang::db::ShardName;
use gudang::domain::{Role, TxKind};
use gudang::service::auth::LOGIN_FAILED;
use gudang::service::posting::PostRequest;
use gudang::{Error, Services};

/// Pretends the user's last failed login happened an hour ago, so the next attempt is not
/// held back by the delay (tests move the clock instead of sleeping).
async fn forget_delay(env: &TestEnv, email: &str) {
    let n = env
        .exec(ShardName::Master, &format!("UPDATE users SET last_failed_at = last_failed_at - 3600000000 WHERE email = '{email}'"))
        .await;
    assert_eq!(n, 1);
}

fn auth_message(r: Result<gudang::Actor, Error>) -> String {
    match r {
        Err(Error::Auth(m)) => m,
        other => panic!("expected a login failure, got {other:?}"),
    }
}

async fn first_admin_only_once(db: Db) {
    let (config, _dir) = fresh_config(db).await;
    let s = Services::open(config).await.unwrap();
    assert!(!s.has_users().await.unwrap());
    let admin = s
        .create_first_admin("Boss@Example.test", "Boss", PASSWORD)
        .await
        .unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(admin.email, "boss@example.test");
    assert!(s.has_users().await.unwrap());
    let again = s
        .create_first_admin("other@example.test", "Other", PASSWORD)
        .await;
    assert!(
        matches!(&again, Err(Error::Conflict(m)) if m.contains("already exists")),
        "{again:?}"
    );
    // Weak passwords and bad emails are refused before anything is written.
    let (config, _dir2) = fresh_config(db).await;
    let s2 = Services::open(config).await.unwrap();
    assert!(matches!(
        s2.create_first_admin("a@b.test", "A", "short").await,
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        s2.create_first_admin("not-an-email", "A", PASSWORD).await,
        Err(Error::Invalid(_))
    ));
    assert!(!s2.has_users().await.unwrap());
}

async fn login_succeeds_case_insensitively(db: Db) {
    let env = TestEnv::new(db).await;
    let a = env
        .services
        .login(" ADMIN@example.test ", PASSWORD)
        .await
        .unwrap();
    assert_eq!(a, env.admin);
}

async fn every_login_failure_says_the_same(db: Db) {
    let env = TestEnv::new(db).await;
    let s = &env.services;
    let clerk = env.user(Role::Clerk, 1).await;
    let disabled = env.user(Role::Clerk, 2).await;
    let locked = env.user(Role::Clerk, 3).await;
    s.set_user_active(&env.admin, &disabled.email, false)
        .await
        .unwrap();
    env.exec(
        ShardName::Master,
        &format!(
            "UPDATE users SET locked = 1 WHERE email = '{}'",
            locked.email
        ),
    )
    .await;

    let unknown = auth_message(s.login("nobody@example.test", PASSWORD).await);
    let wrong = auth_message(s.login(&clerk.email, "not the password").await);
    let off = auth_message(s.login(&disabled.email, PASSWORD).await);
    let shut = auth_message(s.login(&locked.email, PASSWORD).await);
    for m in [&unknown, &wrong, &off, &shut] {
        assert_eq!(m, LOGIN_FAILED);
    }
    // Only the wrong password counted against its account.
    assert_eq!(
        env.int(
            ShardName::Master,
            &format!(
                "SELECT failed_logins FROM users WHERE email = '{}'",
                clerk.email
            )
        )
        .await,
        1
    );
    assert_eq!(
        env.int(
            ShardName::Master,
            &format!(
                "SELECT failed_logins FROM users WHERE email = '{}'",
                disabled.email
            )
        )
        .await,
        0
    );
}

async fn failures_delay_exponentially_then_lock(db: Db) {
    let env = TestEnv::with(db, |c| {
        c.security.max_failed_logins = 4;
        c.security.login_delay_base_ms = 1000;
        c.security.login_delay_max_ms = 60_000;
    })
    .await;
    let s = &env.services;
    let u = env.user(Role::Clerk, 1).await;
    for (failures, wait) in [(1, 1), (2, 2), (3, 4)] {
        assert_eq!(
            auth_message(s.login(&u.email, "wrong password!").await),
            LOGIN_FAILED
        );
        let n = env
            .int(
                ShardName::Master,
                &format!(
                    "SELECT failed_logins FROM users WHERE email = '{}'",
                    u.email
                ),
            )
            .await;
        assert_eq!(n, failures);
        // Straight away, even the right password is told to wait, and nothing is counted.
        let m = auth_message(s.login(&u.email, PASSWORD).await);
        assert_eq!(
            m,
            format!("Too many failed logins: wait {wait} s before trying again.")
        );
        forget_delay(&env, &u.email).await;
    }
    assert_eq!(
        auth_message(s.login(&u.email, "wrong password!").await),
        LOGIN_FAILED
    );
    assert_eq!(
        env.int(
            ShardName::Master,
            &format!("SELECT locked FROM users WHERE email = '{}'", u.email)
        )
        .await,
        1
    );
    forget_delay(&env, &u.email).await;
    // Locked: the right password no longer helps, and the message does not say why.
    assert_eq!(
        auth_message(s.login(&u.email, PASSWORD).await),
        LOGIN_FAILED
    );
    let view = s
        .list_users(&env.admin)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.email == u.email)
        .unwrap();
    assert!(view.locked);
    // An admin's password reset unlocks and clears the count.
    s.set_password(&env.admin, &u.email, "a brand new password")
        .await
        .unwrap();
    let back = s.login(&u.email, "a brand new password").await.unwrap();
    assert_eq!(back.email, u.email);
    assert_eq!(
        env.int(
            ShardName::Master,
            &format!(
                "SELECT failed_logins + locked FROM users WHERE email = '{}'",
                u.email
            )
        )
        .await,
        0
    );
    // A success resets the count too.
    assert!(s.login(&u.email, "wrong again!!").await.is_err());
    forget_delay(&env, &u.email).await;
    s.login(&u.email, "a brand new password").await.unwrap();
    assert_eq!(
        env.int(
            ShardName::Master,
            &format!(
                "SELECT failed_logins FROM users WHERE email = '{}'",
                u.email
            )
        )
        .await,
        0
    );
}

async fn unknown_emails_are_delayed_too(db: Db) {
    let env = TestEnv::new(db).await;
    let s = &env.services;
    assert_eq!(
        auth_message(s.login("ghost@example.test", "whatever it is").await),
        LOGIN_FAILED
    );
    let m = auth_message(s.login("ghost@example.test", "whatever it is").await);
    assert!(m.starts_with("Too many failed logins: wait "), "{m}");
}

async fn rehash_on_login_when_params_rise(db: Db) {
    let env = TestEnv::new(db).await;
    let q = "SELECT password_hash FROM users WHERE email = 'admin@example.test'";
    let before = env.text(ShardName::Master, q).await;
    assert!(
        before.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{before}"
    );
    // Same parameters: no rehash.
    env.services
        .login("admin@example.test", PASSWORD)
        .await
        .unwrap();
    assert_eq!(env.text(ShardName::Master, q).await, before);
    let stronger = env.reopen(|c| c.security.argon2_iterations = 3).await;
    stronger
        .login("admin@example.test", PASSWORD)
        .await
        .unwrap();
    let after = env.text(ShardName::Master, q).await;
    assert_ne!(after, before);
    assert!(
        after.starts_with("$argon2id$v=19$m=19456,t=3,p=1$"),
        "{after}"
    );
    // The new hash still verifies, under the stronger and the old configuration alike.
    stronger
        .login("admin@example.test", PASSWORD)
        .await
        .unwrap();
    env.services
        .login("admin@example.test", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        env.text(ShardName::Master, q).await,
        after,
        "a weaker config must not downgrade the hash"
    );
}

fn denied(r: Result<impl std::fmt::Debug, Error>) {
    assert!(
        matches!(r, Err(Error::Denied { .. })),
        "expected a denial, got {r:?}"
    );
}

async fn roles_are_enforced(db: Db) {
    let env = TestEnv::new(db).await;
    env.seed(2).await;
    let s = &env.services;
    let viewer = env.user(Role::Viewer, 1).await;
    let clerk = env.user(Role::Clerk, 1).await;
    let sup = env.user(Role::Supervisor, 1).await;
    let receipt = |code: &str| PostRequest {
        kind: Some(TxKind::Receipt),
        dest: Some("A".into()),
        lines: vec![line(code, 10)],
        ..Default::default()
    };
    let adjust = PostRequest {
        kind: Some(TxKind::Adjustment),
        source: Some("A".into()),
        lines: vec![line("P1", 3)],
        ..Default::default()
    };

    // Viewers read, and nothing else.
    assert!(s.stock(None, None, false, 100).await.is_ok());
    assert!(s.dashboard().await.is_ok());
    denied(s.post(&viewer, &receipt("P1")).await);
    denied(s.post(&viewer, &adjust).await);
    denied(
        s.add_product(&viewer, &product("V1", "Viewer product", None))
            .await,
    );
    denied(s.add_location(&viewer, "V", "Viewer place", None).await);
    denied(
        s.add_user(&viewer, "x@example.test", "X", Role::Viewer, PASSWORD)
            .await,
    );
    // Clerks post receipts, issues and transfers, but do not adjust or manage.
    assert!(s.post(&clerk, &receipt("P1")).await.unwrap().is_posted());
    let issue = PostRequest {
        kind: Some(TxKind::Issue),
        source: Some("A".into()),
        lines: vec![line("P1", 1)],
        ..Default::default()
    };
    assert!(s.post(&clerk, &issue).await.unwrap().is_posted());
    let transfer = PostRequest {
        kind: Some(TxKind::Transfer),
        source: Some("A".into()),
        dest: Some("B".into()),
        lines: vec![line("P1", 1)],
        ..Default::default()
    };
    assert!(s.post(&clerk, &transfer).await.unwrap().is_posted());
    denied(s.post(&clerk, &adjust).await);
    denied(
        s.add_product(&clerk, &product("C1", "Clerk product", None))
            .await,
    );
    denied(
        s.update_product(&clerk, "P1", &product("P1", "Renamed", None))
            .await,
    );
    denied(s.add_category(&clerk, "Clerk things").await);
    denied(s.add_unit(&clerk, "BOX", "Box", 0).await);
    denied(s.add_location(&clerk, "C", "Clerk place", None).await);
    denied(s.list_users(&clerk).await);
    // Supervisors also adjust and manage products and locations, but not users.
    assert!(s.post(&sup, &adjust).await.unwrap().is_posted());
    s.add_product(&sup, &product("S1", "Supervisor product", None))
        .await
        .unwrap();
    s.add_location(&sup, "S", "Supervisor place", Some("A"))
        .await
        .unwrap();
    s.update_location(&sup, "S", Some("Renamed place"), None, None)
        .await
        .unwrap();
    denied(
        s.add_user(&sup, "y@example.test", "Y", Role::Clerk, PASSWORD)
            .await,
    );
    denied(s.set_user_active(&sup, &clerk.email, false).await);
    denied(s.set_password(&sup, &clerk.email, "another password").await);
    // Anyone may change their own password; admins manage users.
    s.set_password(&clerk, &clerk.email, "my own new password")
        .await
        .unwrap();
    s.add_user(&env.admin, "z@example.test", "Z", Role::Viewer, PASSWORD)
        .await
        .unwrap();
    s.set_user_role(&env.admin, "z@example.test", Role::Clerk)
        .await
        .unwrap();
    assert_eq!(
        s.actor_by_email("z@example.test").await.unwrap().role,
        Role::Clerk
    );
    // Denials changed nothing.
    assert!(s.product_by_code("V1").await.unwrap().is_none());
    assert!(s.product_by_code("C1").await.unwrap().is_none());
    assert!(s.location("V").await.is_err());
    assert_eq!(s.list_users(&env.admin).await.unwrap().len(), 5);
}

async fn user_admin_rules(db: Db) {
    let env = TestEnv::new(db).await;
    let s = &env.services;
    let dup = s
        .add_user(
            &env.admin,
            "ADMIN@example.test",
            "Again",
            Role::Clerk,
            PASSWORD,
        )
        .await;
    assert!(
        matches!(&dup, Err(Error::Conflict(m)) if m.contains("admin@example.test")),
        "{dup:?}"
    );
    assert!(matches!(
        s.set_user_active(&env.admin, &env.admin.email, false).await,
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        s.set_user_role(&env.admin, &env.admin.email, Role::Clerk)
            .await,
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        s.set_password(&env.admin, "nobody@example.test", PASSWORD)
            .await,
        Err(Error::NotFound(_))
    ));
    let hashes = env
        .int(
            ShardName::Master,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE password_hash LIKE '$argon2id$%'",
        )
        .await;
    assert_eq!(hashes, 1);
}

for_all_backends!(
    first_admin_only_once,
    login_succeeds_case_insensitively,
    every_login_failure_says_the_same,
    failures_delay_exponentially_then_lock,
    unknown_emails_are_delayed_too,
    rehash_on_login_when_params_rise,
    roles_are_enforced,
    user_admin_rules,
);
