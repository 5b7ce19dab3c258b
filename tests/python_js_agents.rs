//! Agents written in Python and JavaScript work end to end: each example
//! (`sdk/examples/python-appeals`, `sdk/examples/js-appeals`) is built with
//! its language's tool (componentize-py, componentize-js), accepted by
//! `govlab agent check`, and scores well above the trivial baseline in a
//! 200-case practice pilot of `appeals-triage`, with its typed error on a
//! case without text.
//!
//! When a tool is missing the test says so and passes, unless
//! `GOVLAB_REQUIRE_PY_JS` is set (CI sets it, after installing the pinned
//! tools: `pip install componentize-py==0.25.1` and `npm ci` in
//! `sdk/examples/js-appeals`).
//!
//! Each test compiles a 13–19 MB component that embeds a language runtime
//! (30–40 s on a quiet 2-core machine, once: the pilot reuses the check's
//! compile through the cache), so the compile deadline is raised.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use serde_json::Value;
use support::{assert_exit, text};

/// Generous for a loaded CI machine; the default is 60 s.
const COMPILE_TIMEOUT_SECS: &str = "600";

/// Margin a real agent must clear over the trivial baseline's composite.
const MARGIN_OVER_TRIVIAL: f64 = 25.0;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary with its own lab key and compiled-code cache in `home`.
fn govlab(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govlab"))
        .args(args)
        .env("GOVLAB_KEY_DIR", home.join("keys"))
        .env("GOVLAB_CACHE_DIR", home.join("cache"))
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .output()
        .unwrap()
}

/// `Some(why)` when the tool is missing: the test is skipped, or fails
/// when `GOVLAB_REQUIRE_PY_JS` is set.
fn skip(language: &str, why: Option<String>) -> bool {
    let Some(why) = why else { return false };
    assert!(
        std::env::var_os("GOVLAB_REQUIRE_PY_JS").is_none(),
        "GOVLAB_REQUIRE_PY_JS is set but the {language} agent cannot be built: {why}"
    );
    eprintln!("skipping the {language} agent: {why} (set GOVLAB_REQUIRE_PY_JS=1 to fail instead)");
    true
}

/// Builds the example in `dir` with `program args`, returning the component.
fn build(dir: &Path, program: &Path, args: &[&str], out: &Path) -> PathBuf {
    let started = Instant::now();
    let output = Command::new(program)
        .args(args)
        .arg(out)
        .current_dir(dir)
        .output()
        .unwrap();
    assert_exit(&output, 0, &format!("building {}", dir.display()));
    let size = std::fs::metadata(out).unwrap().len();
    eprintln!(
        "built {} ({size} bytes) in {:.1} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    out.to_owned()
}

/// Checks, pilots and probes the component `wasm`; returns its composite.
fn check_and_pilot(home: &Path, wasm: &Path) -> f64 {
    let wasm = wasm.to_str().unwrap();
    let started = Instant::now();
    let check = govlab(
        home,
        &[
            "agent",
            "check",
            wasm,
            "--compile-timeout-secs",
            COMPILE_TIMEOUT_SECS,
        ],
    );
    assert_exit(&check, 0, "agent check");
    let report = text(&check.stdout);
    assert!(report.contains("verdict: accepted"), "{report}");
    assert!(!report.contains("wasi:http"), "{report}");
    eprintln!("agent check: {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let pilot = govlab(
        home,
        &[
            "run",
            "--scenario",
            "appeals-triage",
            "--agent",
            wasm,
            "--limit",
            "200",
            "--json",
            "--compile-timeout-secs",
            COMPILE_TIMEOUT_SECS,
        ],
    );
    assert_exit(&pilot, 0, "run --scenario appeals-triage");
    let json: Value = serde_json::from_slice(&pilot.stdout).unwrap();
    let card = json.get("scorecard").unwrap_or(&json);
    let composite = card["composite"].as_f64().unwrap();
    eprintln!(
        "pilot: composite {composite:.1} in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // A case without text is answered with the typed error, not a trap.
    let cases = home.join("bad.jsonl");
    std::fs::write(
        &cases,
        "{\"case_id\": \"c-1\", \"source\": \"kz.appeals\", \"record\": {\"id\": \"x\"}}\n",
    )
    .unwrap();
    let run = govlab(
        home,
        &[
            "run",
            "--agent",
            wasm,
            "--cases",
            cases.to_str().unwrap(),
            "--scenario-id",
            "appeals-triage",
            "--compile-timeout-secs",
            COMPILE_TIMEOUT_SECS,
        ],
    );
    assert_exit(&run, 0, "run --cases");
    let result: Value = serde_json::from_str(text(&run.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(result["outcome"], "agent_error", "{result}");
    assert_eq!(result["agent_error"]["kind"], "invalid_input", "{result}");
    composite
}

fn trivial_composite(home: &Path) -> f64 {
    let trivial = govlab(
        home,
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
    let json: Value = serde_json::from_slice(&trivial.stdout).unwrap();
    json.get("scorecard").unwrap_or(&json)["composite"]
        .as_f64()
        .unwrap()
}

fn assert_scores(language: &str, home: &Path, wasm: &Path) {
    let composite = check_and_pilot(home, wasm);
    let trivial = trivial_composite(home);
    assert!(
        composite > trivial + MARGIN_OVER_TRIVIAL,
        "the {language} agent scored {composite}, the trivial baseline {trivial}"
    );
}

#[test]
fn a_python_agent_builds_checks_and_scores() {
    let tool = PathBuf::from("componentize-py");
    let missing = match Command::new(&tool).arg("--version").output() {
        Ok(output) if output.status.success() => None,
        Ok(output) => Some(format!(
            "`componentize-py --version` failed: {}",
            text(&output.stderr)
        )),
        Err(err) => Some(format!(
            "componentize-py is not installed ({err}): pip install componentize-py==0.25.1"
        )),
    };
    if skip("Python", missing) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let dir = repo().join("sdk/examples/python-appeals");
    let wit = repo().join("sdk/wit");
    let wasm = build(
        &dir,
        &tool,
        &[
            "-d",
            wit.to_str().unwrap(),
            "-w",
            "agent",
            "componentize",
            "app",
            "-o",
        ],
        &home.path().join("python-agent.wasm"),
    );
    assert_scores("Python", home.path(), &wasm);
}

#[test]
fn a_javascript_agent_builds_checks_and_scores() {
    let dir = repo().join("sdk/examples/js-appeals");
    let tool = dir.join("node_modules/.bin/componentize-js");
    let missing = (!tool.exists()).then(|| {
        format!(
            "{} is missing: run `npm ci` in {}",
            tool.display(),
            dir.display()
        )
    });
    if skip("JavaScript", missing) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let wasm = build(
        &dir,
        &tool,
        &[
            "agent.js",
            "--wit",
            "../../wit",
            "--world-name",
            "agent",
            "--disable",
            "http",
            "fetch-event",
            "-o",
        ],
        &home.path().join("js-agent.wasm"),
    );
    assert_scores("JavaScript", home.path(), &wasm);
}

/// The Python and JavaScript examples carry copies of the Rust example's
/// lexicon (`lexicon.py`, `lexicon.js`): they must not drift from it.
#[test]
fn the_ports_carry_the_rust_examples_lexicon() {
    let examples = repo().join("sdk/examples");
    let lexicon = std::fs::read_to_string(examples.join("appeals-triage/src/lexicon.txt")).unwrap();
    let python = std::fs::read_to_string(examples.join("python-appeals/lexicon.py")).unwrap();
    let (_, rest) = python.split_once("TEXT = \"\"\"").unwrap();
    let (python_text, _) = rest.rsplit_once("\"\"\"").unwrap();
    assert!(
        python_text == lexicon,
        "python-appeals/lexicon.py differs from appeals-triage/src/lexicon.txt: run sdk/examples/sync-lexicon.py"
    );
    let js = std::fs::read_to_string(examples.join("js-appeals/lexicon.js")).unwrap();
    let (_, rest) = js.split_once("export const TEXT = ").unwrap();
    let js_text: String = serde_json::from_str(rest.trim_end().trim_end_matches(';')).unwrap();
    assert!(
        js_text == lexicon,
        "js-appeals/lexicon.js differs from appeals-triage/src/lexicon.txt: run sdk/examples/sync-lexicon.py"
    );
}
