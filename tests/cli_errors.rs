//! The `govlab` binary's answers to bad input: a clear error, said once,
//! with what to do next.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::{Command, Output};

use support::{assert_exit, text};

fn govlab(home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govlab"))
        .args(args)
        .env("GOVLAB_KEY_DIR", home.join("keys"))
        .env("GOVLAB_CACHE_DIR", home.join("cache"))
        .env_remove("GOVLAB_EVAL_KEY")
        .output()
        .unwrap()
}

#[test]
fn a_negative_record_count_is_refused_in_words() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("x.jsonl");
    let refused = govlab(
        home.path(),
        &[
            "data",
            "generate",
            "kz.appeals",
            "--rows",
            "-5",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_exit(&refused, 2, "--rows -5");
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("`-5` is not a record count"), "{stderr}");
    assert!(
        !stderr.contains("tip: to pass"),
        "clap's tip does not work here: {stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn verify_says_why_a_file_is_not_a_scorecard_once() {
    let home = tempfile::tempdir().unwrap();
    let card = home.path().join("card.json");
    std::fs::write(&card, "not json").unwrap();
    // A lab key to verify against.
    let run = govlab(
        home.path(),
        &[
            "run",
            "--scenario",
            "service-finder",
            "--baseline",
            "trivial",
            "--limit",
            "200",
            "--out",
            home.path().join("pilot").to_str().unwrap(),
        ],
    );
    assert_exit(&run, 0, "run");
    let refused = govlab(home.path(), &["verify", card.to_str().unwrap()]);
    assert_exit(&refused, 1, "verify a non-JSON file");
    let stderr = text(&refused.stderr);
    assert_eq!(stderr.matches("expected ident").count(), 1, "{stderr}");
    assert!(stderr.contains("not a signed govlab scorecard"), "{stderr}");
}

/// `--agent` is the component file in `run` and `verify`; `submit` names
/// the agent with `--name`, and says so to anyone using the old flag.
#[test]
fn submit_names_the_agent_with_name_and_says_so() {
    let home = tempfile::tempdir().unwrap();
    let refused = govlab(
        home.path(),
        &[
            "submit",
            "agent.wasm",
            "--portal",
            "http://127.0.0.1:9",
            "--agent",
            "triage",
            "--token",
            "glt_x",
        ],
    );
    assert_exit(&refused, 1, "submit --agent");
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("use --name triage"), "{stderr}");
}

/// A `--key` file is read up to 4 KiB: a huge file is refused as not a
/// key, without being read whole.
#[test]
fn a_huge_key_file_is_refused_at_its_cap() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("key.pub");
    std::fs::write(&key, "ab".repeat(8 << 20)).unwrap();
    let card = home.path().join("card.json");
    std::fs::write(&card, "{}").unwrap();
    let refused = govlab(
        home.path(),
        &[
            "verify",
            card.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    );
    assert_exit(&refused, 1, "verify --key huge");
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("does not hold a lab public key"),
        "{stderr}"
    );
    assert!(stderr.contains("2048 bytes instead of 32"), "{stderr}");
}
