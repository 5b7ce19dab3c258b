//! End-to-end tests of the evaluation key from the `govlab` binary:
//! `lab init` writes a private key file and never overwrites one silently,
//! and `data generate --split evaluation` needs a strong key, refusing the
//! old integer `--seed`, a missing key and a guessable one in words.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{assert_exit, text};

fn govlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govlab"))
        .args(args)
        .env_remove("GOVLAB_EVAL_KEY")
        .output()
        .unwrap()
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `data generate` of 5 evaluation `kz.citizens` records to `out`.
fn generate_evaluation(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "data",
        "generate",
        "kz.citizens",
        "--rows",
        "5",
        "--split",
        "evaluation",
        "--out",
        path(out),
    ];
    args.extend_from_slice(extra);
    govlab(&args)
}

#[test]
fn lab_init_writes_a_private_key_and_refuses_to_overwrite_it() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("eval.key");
    let created = govlab(&["lab", "init", "--out", path(&key)]);
    assert_exit(&created, 0, "lab init");
    let stdout = text(&created.stdout);
    assert!(stdout.contains("evaluation_key_file"), "{stdout}");
    assert!(stdout.contains("GOVLAB_EVAL_KEY"), "{stdout}");
    let first = std::fs::read_to_string(&key).unwrap();
    assert!(first.starts_with("govlab-eval-key:"), "{first}");
    assert_eq!(first.trim().len(), "govlab-eval-key:".len() + 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    }

    let again = govlab(&["lab", "init", "--out", path(&key)]);
    assert_exit(&again, 1, "lab init over an existing key");
    let stderr = text(&again.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&key).unwrap(), first);

    let forced = govlab(&["lab", "init", "--out", path(&key), "--force"]);
    assert_exit(&forced, 0, "lab init --force");
    assert_ne!(std::fs::read_to_string(&key).unwrap(), first);
}

#[test]
fn evaluation_data_needs_a_strong_key_and_refuses_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("citizens.jsonl");

    let missing = generate_evaluation(&out, &[]);
    assert_exit(&missing, 1, "no key");
    let stderr = text(&missing.stderr);
    for hint in ["--eval-key-file FILE", "GOVLAB_EVAL_KEY", "govlab lab init"] {
        assert!(stderr.contains(hint), "{stderr}");
    }
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(!out.exists());

    let seeded = generate_evaluation(&out, &["--seed", "1"]);
    assert_exit(&seeded, 1, "--seed 1");
    let stderr = text(&seeded.stderr);
    assert!(stderr.contains("--seed is not accepted"), "{stderr}");
    assert!(stderr.contains("--eval-key-file"), "{stderr}");
    assert!(!out.exists());

    let weak = dir.path().join("weak.key");
    std::fs::write(&weak, format!("govlab-eval-key:{}\n", "0".repeat(64))).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&weak, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let refused = generate_evaluation(&out, &["--eval-key-file", path(&weak)]);
    assert_exit(&refused, 1, "weak key");
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("too easy to guess"), "{stderr}");
    assert!(
        stderr.contains("make one with `govlab lab init --out FILE`"),
        "{stderr}"
    );
    let from_env = Command::new(env!("CARGO_BIN_EXE_govlab"))
        .args(["data", "generate", "kz.citizens", "--rows", "5"])
        .args(["--split", "evaluation", "--out", path(&out)])
        .env("GOVLAB_EVAL_KEY", "govlab-eval-key:1234")
        .output()
        .unwrap();
    assert_exit(&from_env, 1, "short key in the environment");
    let stderr = text(&from_env.stderr);
    assert!(stderr.contains("GOVLAB_EVAL_KEY"), "{stderr}");
    assert!(stderr.contains("govlab lab init"), "{stderr}");

    let key = dir.path().join("eval.key");
    assert_exit(
        &govlab(&["lab", "init", "--out", path(&key)]),
        0,
        "lab init",
    );
    let generated = generate_evaluation(&out, &["--eval-key-file", path(&key)]);
    assert_exit(&generated, 0, "evaluation with the key");
    let first = std::fs::read_to_string(&out).unwrap();
    assert_eq!(first.lines().count(), 5);

    // The same key gives the same data; practice data differs.
    let again = dir.path().join("again.jsonl");
    assert_exit(
        &generate_evaluation(&again, &["--eval-key-file", path(&key)]),
        0,
        "evaluation again",
    );
    assert_eq!(std::fs::read_to_string(&again).unwrap(), first);
    let practice = dir.path().join("practice.jsonl");
    let practice_run = govlab(&[
        "data",
        "generate",
        "kz.citizens",
        "--rows",
        "5",
        "--out",
        path(&practice),
    ]);
    assert_exit(&practice_run, 0, "practice");
    assert_ne!(std::fs::read_to_string(&practice).unwrap(), first);
}

#[test]
fn verify_refuses_the_old_seed_flag() {
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("scorecard.json");
    std::fs::write(&card, "{}").unwrap();
    let verify = govlab(&["verify", path(&card), "--seed", "1"]);
    assert_exit(&verify, 1, "verify --seed");
    let stderr = text(&verify.stderr);
    assert!(stderr.contains("--seed is not accepted"), "{stderr}");
}
