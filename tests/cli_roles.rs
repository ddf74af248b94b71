//! Users and roles through the real binary: `user add/list/passwd/disable/enable/role`, and
//! `--as EMAIL` checked by role on every command.

mod cliutil;

use cliutil::{ADMIN, Gudang, PASSWORD};

const VIEWER: &str = "vera@example.test";
const CLERK: &str = "cici@example.test";
const SUPERVISOR: &str = "sani@example.test";

/// A seeded deployment with one user of each lower role, and stock of P1 at A.
fn with_roles() -> Gudang {
    let g = Gudang::seeded();
    g.add_user(VIEWER, "viewer");
    g.add_user(CLERK, "clerk");
    g.add_user(SUPERVISOR, "supervisor");
    g.ok(&["post", "receipt", "--to", "A", "--line", "P1:50"]);
    g
}

fn denied(g: &Gudang, who: &str, args: &[&str], what: &str) {
    let mut all = vec!["--as", who];
    all.extend_from_slice(args);
    let e = g.fail(&all);
    assert!(
        e.contains("permission denied") && e.contains(what),
        "{who} {args:?}: {e}"
    );
}

fn allowed(g: &Gudang, who: &str, args: &[&str]) -> String {
    let mut all = vec!["--as", who];
    all.extend_from_slice(args);
    g.ok(&all)
}

#[test]
fn each_role_does_what_it_may_and_nothing_more() {
    let g = with_roles();
    let txns_before = g.json(&["txn", "list", "--all"]).as_array().unwrap().len();

    // Viewers read everything readable, and change nothing.
    for args in [
        vec!["stock"],
        vec!["txn", "list"],
        vec!["product", "list"],
        vec!["location", "list"],
        vec!["check"],
        vec!["product", "export"],
    ] {
        allowed(&g, VIEWER, &args);
    }
    denied(
        &g,
        VIEWER,
        &["post", "receipt", "--to", "A", "--line", "P1:1"],
        "post receipts",
    );
    denied(
        &g,
        VIEWER,
        &["post", "issue", "--from", "A", "--line", "P1:1"],
        "post receipts",
    );
    denied(&g, VIEWER, &["user", "list"], "manage users");

    // Clerks post receipts, issues and transfers, but not adjustments or master data.
    allowed(
        &g,
        CLERK,
        &["post", "issue", "--from", "A", "--line", "P1:1"],
    );
    allowed(
        &g,
        CLERK,
        &[
            "post", "transfer", "--from", "A", "--to", "B", "--line", "P1:1",
        ],
    );
    denied(
        &g,
        CLERK,
        &["post", "adjust", "--at", "A", "--line", "P1:0"],
        "adjustments",
    );
    denied(
        &g,
        CLERK,
        &[
            "product", "add", "--sku", "C1", "--name", "By clerk", "--unit", "PCS",
        ],
        "manage products",
    );
    denied(
        &g,
        CLERK,
        &["product", "edit", "P1", "--price", "0.01"],
        "manage products",
    );
    denied(
        &g,
        CLERK,
        &["product", "deactivate", "P1"],
        "manage products",
    );
    denied(
        &g,
        CLERK,
        &["category", "add", "Clerkish"],
        "manage products",
    );
    denied(
        &g,
        CLERK,
        &["unit", "add", "BOX", "--name", "Box"],
        "manage products",
    );
    denied(
        &g,
        CLERK,
        &["location", "add", "C", "--name", "Clerk's"],
        "manage locations",
    );
    denied(&g, CLERK, &["recover"], "adjustments");

    // Supervisors also adjust and manage products and locations, but not users.
    allowed(
        &g,
        SUPERVISOR,
        &["post", "adjust", "--at", "A", "--line", "P1:40"],
    );
    allowed(
        &g,
        SUPERVISOR,
        &[
            "product",
            "add",
            "--sku",
            "S1",
            "--name",
            "By supervisor",
            "--unit",
            "PCS",
        ],
    );
    allowed(
        &g,
        SUPERVISOR,
        &["location", "add", "S", "--name", "Supervisor's"],
    );
    allowed(&g, SUPERVISOR, &["recover"]);
    let e = g.fail_stdin(
        &[
            "--as",
            SUPERVISOR,
            "user",
            "add",
            "new@example.test",
            "--name",
            "New",
            "--role",
            "clerk",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        e.contains("permission denied") && e.contains("manage users"),
        "{e}"
    );
    denied(&g, SUPERVISOR, &["user", "disable", CLERK], "manage users");
    denied(
        &g,
        SUPERVISOR,
        &["user", "role", CLERK, "admin"],
        "manage users",
    );

    // Denials changed nothing.
    assert_eq!(
        g.json(&["txn", "list", "--all"]).as_array().unwrap().len(),
        txns_before + 3
    );
    assert_eq!(g.product_count(), 4);
    assert_eq!(g.json(&["user", "list"]).as_array().unwrap().len(), 4);
    assert_eq!(g.json(&["category", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(g.stock("A", "P1").as_deref(), Some("40"));

    // The acting user is recorded on what they post.
    let last = &g.json(&["txn", "list", "--limit", "1"])[0];
    assert_eq!(last["kind"], "adjustment");
    let d = g.json(&["txn", "show", last["number"].as_str().unwrap()]);
    assert_eq!(d["header"]["created_by"], SUPERVISOR, "{d}");

    // Unknown users are refused, even for reading.
    let e = g.fail(&["--as", "ghost@example.test", "stock"]);
    assert!(
        e.contains("ghost@example.test") && e.contains("not found"),
        "{e}"
    );
    g.ok(&["check"]);
}

#[test]
fn users_are_added_listed_changed_and_disabled() {
    let g = Gudang::new();
    g.add_user(CLERK, "clerk");
    let users = g.json(&["user", "list"]);
    let clerk = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == CLERK)
        .expect("clerk listed")
        .clone();
    for (k, v) in [("role", "clerk"), ("name", CLERK)] {
        assert_eq!(clerk[k], v, "{clerk}");
    }
    assert_eq!(clerk["active"], true);
    assert_eq!(clerk["locked"], false);

    // Bad input: each refused, no user added.
    for (args, stdin, want) in [
        (
            vec![
                "user",
                "add",
                CLERK,
                "--name",
                "Again",
                "--role",
                "clerk",
                "--password-stdin",
            ],
            PASSWORD,
            "already exists",
        ),
        (
            vec![
                "user",
                "add",
                "boss@example.test",
                "--name",
                "Boss",
                "--role",
                "boss",
                "--password-stdin",
            ],
            PASSWORD,
            "unknown role 'boss'",
        ),
        (
            vec![
                "user",
                "add",
                "not-an-email",
                "--name",
                "X",
                "--role",
                "clerk",
                "--password-stdin",
            ],
            PASSWORD,
            "not a valid email",
        ),
        (
            vec![
                "user",
                "add",
                "weak@example.test",
                "--name",
                "Weak",
                "--role",
                "clerk",
                "--password-stdin",
            ],
            "short",
            "at least 10 characters",
        ),
        (
            vec![
                "user",
                "add",
                "none@example.test",
                "--name",
                "None",
                "--role",
                "clerk",
                "--password-stdin",
            ],
            "",
            "no password",
        ),
    ] {
        let e = g.fail_stdin(&args, &format!("{stdin}\n"));
        assert!(e.contains(want), "{args:?}: {e}");
    }
    assert_eq!(g.json(&["user", "list"]).as_array().unwrap().len(), 2);

    // passwd: an admin for anyone, a user for themselves only.
    g.ok_stdin(
        &["user", "passwd", CLERK, "--password-stdin"],
        "another long password\n",
    );
    g.ok_stdin(
        &["--as", CLERK, "user", "passwd", CLERK, "--password-stdin"],
        "clerk's own password\n",
    );
    let e = g.fail_stdin(
        &["--as", CLERK, "user", "passwd", ADMIN, "--password-stdin"],
        "taking over admin\n",
    );
    assert!(e.contains("permission denied"), "{e}");
    let e = g.fail_stdin(
        &["user", "passwd", "ghost@example.test", "--password-stdin"],
        "whatever it is\n",
    );
    assert!(e.contains("not found"), "{e}");
    let e = g.fail_stdin(&["user", "passwd", CLERK, "--password-stdin"], "tiny\n");
    assert!(e.contains("at least 10"), "{e}");

    // role
    g.ok(&["user", "role", CLERK, "supervisor"]);
    assert_eq!(
        g.json(&["user", "list"])
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == CLERK)
            .unwrap()["role"],
        "supervisor"
    );
    let e = g.fail(&["user", "role", CLERK, "overlord"]);
    assert!(e.contains("unknown role"), "{e}");
    let e = g.fail(&["user", "role", ADMIN, "clerk"]);
    assert!(e.contains("your own admin role"), "{e}");

    // disable: the user can no longer act; enable restores them.
    g.ok(&["user", "disable", CLERK]);
    let listed = g.json(&["user", "list"]);
    assert_eq!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == CLERK)
            .unwrap()["active"],
        false
    );
    assert!(
        g.ok(&["user", "list"])
            .lines()
            .any(|l| l.starts_with(CLERK) && l.ends_with("disabled"))
    );
    let e = g.fail(&["--as", CLERK, "stock"]);
    assert!(e.contains("disabled"), "{e}");
    let e = g.fail(&["user", "disable", ADMIN]);
    assert!(e.contains("your own account"), "{e}");
    let e = g.fail(&["user", "disable", "ghost@example.test"]);
    assert!(e.contains("not found"), "{e}");
    g.ok(&["user", "enable", CLERK]);
    g.ok(&["--as", CLERK, "stock"]);
}
