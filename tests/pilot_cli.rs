//! End-to-end tests of scored pilots through the `govlab` binary: the
//! unedited scaffold scores no better than the trivial baseline, pilots
//! below a scenario's minimum are not signed, `--json` and `--out` both take
//! effect, and reference rows verify and rerun.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{assert_exit, text};

use serde_json::Value;

/// Runs the binary with its own lab key and compiled-code cache in `home`.
fn govlab(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govlab"))
        .args(args)
        .env("GOVLAB_KEY_DIR", home.join("keys"))
        .env("GOVLAB_CACHE_DIR", home.join("cache"))
        // The scaffold shares the agent CLI tests' target directory.
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("agent-cli-target"),
        )
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .output()
        .unwrap()
}

/// The composite of a `--json` run (signed or not).
fn composite(output: &Output) -> f64 {
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let card = json.get("scorecard").unwrap_or(&json);
    card["composite"].as_f64().unwrap()
}

#[test]
fn the_unedited_scaffold_scores_no_better_than_the_trivial_baseline() {
    let home = tempfile::tempdir().unwrap();
    let created = govlab(
        home.path(),
        &[
            "agent",
            "new",
            "scaffold",
            "--dir",
            home.path().to_str().unwrap(),
        ],
    );
    assert_exit(&created, 0, "agent new");
    let built = govlab(
        home.path(),
        &[
            "agent",
            "build",
            home.path().join("scaffold").to_str().unwrap(),
        ],
    );
    assert_exit(&built, 0, "agent build");
    let wasm = PathBuf::from(text(&built.stdout).lines().next().unwrap().trim());
    let scaffold = govlab(
        home.path(),
        &[
            "run",
            "--scenario",
            "appeals-triage",
            "--agent",
            wasm.to_str().unwrap(),
            "--limit",
            "200",
            "--json",
        ],
    );
    assert_exit(&scaffold, 0, "run scaffold");
    let trivial = govlab(
        home.path(),
        &[
            "run",
            "--scenario",
            "appeals-triage",
            "--baseline",
            "trivial",
            "--limit",
            "200",
            "--json",
        ],
    );
    assert_exit(&trivial, 0, "run trivial");
    let (scaffold, trivial) = (composite(&scaffold), composite(&trivial));
    assert!(
        scaffold <= trivial + 5.0,
        "scaffold {scaffold} vs trivial {trivial}"
    );
}

#[test]
fn pilots_below_the_minimum_are_shown_but_not_signed() {
    let home = tempfile::tempdir().unwrap();
    let zero = govlab(
        home.path(),
        &[
            "run",
            "--scenario",
            "appeals-triage",
            "--baseline",
            "oracle",
            "--limit",
            "0",
        ],
    );
    assert_exit(&zero, 2, "--limit 0");
    assert!(
        text(&zero.stderr).contains("--limit"),
        "{}",
        text(&zero.stderr)
    );

    let out = home.path().join("small");
    let small = govlab(
        home.path(),
        &[
            "run",
            "--scenario",
            "appeals-triage",
            "--baseline",
            "oracle",
            "--limit",
            "50",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_exit(&small, 0, "--limit 50");
    let stderr = text(&small.stderr);
    assert!(stderr.contains("not signed"), "{stderr}");
    assert!(stderr.contains("at least 200"), "{stderr}");
    assert!(out.join("scorecard.unsigned.json").is_file());
    assert!(!out.join("scorecard.json").exists());
    assert!(text(&small.stdout).contains("not certifiable"));
}

#[test]
fn json_and_out_both_take_effect_and_reference_rows_verify_and_rerun() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("oracle");
    let run = govlab(
        home.path(),
        &[
            "run",
            "--scenario",
            "service-finder",
            "--baseline",
            "oracle",
            "--limit",
            "200",
            "--json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_exit(&run, 0, "run --json --out");
    let printed: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(printed["scorecard"]["agent_sha256"], "reference:oracle");
    assert!(printed["scorecard"]["composite_interval"]["low"].is_number());
    let card = out.join("scorecard.json");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&card).unwrap()).unwrap();
    assert_eq!(written, printed);
    assert!(out.join("report.html").is_file());

    let verified = govlab(home.path(), &["verify", card.to_str().unwrap(), "--rerun"]);
    assert_exit(&verified, 0, "verify --rerun");
    let stdout = text(&verified.stdout);
    assert!(stdout.contains("genuine"), "{stdout}");
    assert!(stdout.contains("rerun: identical"), "{stdout}");

    // A scorecard verifies under the key a portal publishes at
    // /api/lab-key, given as that JSON document (`--key FILE`)…
    let public = std::fs::read_to_string(home.path().join("keys/lab-ed25519.pub")).unwrap();
    let served = home.path().join("lab-key.json");
    std::fs::write(
        &served,
        serde_json::json!({"algorithm": "ed25519", "public_key_hex": public.trim()}).to_string(),
    )
    .unwrap();
    let verified = govlab(
        home.path(),
        &[
            "verify",
            card.to_str().unwrap(),
            "--key",
            served.to_str().unwrap(),
        ],
    );
    assert_exit(&verified, 0, "verify --key lab-key.json");
    // …and not under another lab's key, which the error names.
    let other = tempfile::tempdir().unwrap();
    let other_card = other.path().join("card");
    let run = govlab(
        other.path(),
        &[
            "run",
            "--scenario",
            "service-finder",
            "--baseline",
            "trivial",
            "--limit",
            "200",
            "--out",
            other_card.to_str().unwrap(),
        ],
    );
    assert_exit(&run, 0, "run in another lab");
    let refused = govlab(
        home.path(),
        &[
            "verify",
            other_card.join("scorecard.json").to_str().unwrap(),
            "--key",
            served.to_str().unwrap(),
        ],
    );
    assert_exit(&refused, 1, "verify another lab's card");
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("is not genuine under the lab key"),
        "{stderr}"
    );
    assert!(stderr.contains("lab-key.json"), "{stderr}");
}
