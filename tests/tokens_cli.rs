//! `govlab tokens create|list|revoke` against a portal data directory: the
//! hints it prints work when copied (they carry the same `--data-dir`),
//! the list shows every token without its secret, and the wording is
//! right ("an investor token").

#![allow(clippy::unwrap_used)]

mod support;

use std::process::{Command, Output};

use support::{assert_exit, text};

fn govlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govlab"))
        .args(args)
        .env("USER", "lab-admin")
        .output()
        .unwrap()
}

#[test]
fn create_list_and_revoke_with_hints_that_reach_the_same_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("portal-data");
    let data = data.to_str().unwrap();

    let created = govlab(&[
        "tokens",
        "create",
        "--role",
        "investor",
        "--label",
        "fund-a",
        "--data-dir",
        data,
    ]);
    assert_exit(&created, 0, "tokens create");
    let secret = text(&created.stdout).trim().to_owned();
    assert!(secret.starts_with("glt_"), "{secret}");
    let hints = text(&created.stderr);
    assert!(hints.contains("Created an investor token"), "{hints}");
    let revoke_hint = hints
        .lines()
        .find_map(|line| line.trim().strip_prefix("Revoke it: govlab "))
        .unwrap()
        .to_owned();
    assert!(
        revoke_hint.ends_with(&format!("--data-dir {data}")),
        "{revoke_hint}"
    );

    let listed = govlab(&["tokens", "list", "--data-dir", data]);
    assert_exit(&listed, 0, "tokens list");
    let list = text(&listed.stdout);
    assert!(
        list.contains("investor") && list.contains("fund-a") && list.contains("active"),
        "{list}"
    );
    assert!(!list.contains(&secret), "the list shows a secret: {list}");

    // The hint, copied as printed, revokes the token in the same database.
    let args: Vec<&str> = revoke_hint.split(' ').collect();
    let revoked = govlab(&args);
    assert_exit(&revoked, 0, "the printed revoke command");
    let listed = text(&govlab(&["tokens", "list", "--data-dir", data]).stdout);
    assert!(listed.contains("revoked"), "{listed}");
}
