//! End-to-end: the example agents in `sdk/examples`, built for
//! `wasm32-wasip2`, run in the sandbox. Every hostile agent is contained and
//! classified, well-behaved agents keep working next to them, runs are
//! deterministic, network attempts are recorded and the environment is empty.
//!
//! The first test to need the agents builds them once with
//! `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release`.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use govlab_sandbox::{
    Case, CaseReport, HostServices, Limits, LoadedAgent, NoServices, Outcome, Sandbox,
    SandboxConfig,
};
use serde_json::Value;

const CLOCK_START_UNIX_NS: u64 = 1_750_000_000_000_000_000;

/// Builds the example agents once per test process and returns the
/// directory holding `<crate_name>.wasm`. Concurrent test processes are
/// serialized by cargo's own build-directory lock.
fn agents_dir() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let manifest = root.join("sdk/examples/Cargo.toml");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "--target",
                "wasm32-wasip2",
                "--release",
                "--manifest-path",
            ])
            .arg(&manifest)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .unwrap();
        assert!(status.success(), "building sdk/examples failed: {status}");
        root.join("sdk/examples/target/wasm32-wasip2/release")
    })
}

fn limits() -> Limits {
    Limits {
        fuel: Some(100_000_000),
        timeout: Duration::from_secs(10),
        max_memory_bytes: 64 << 20,
        ..Limits::default()
    }
}

fn sandbox() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        Sandbox::new(SandboxConfig {
            limits: limits(),
            max_concurrent_cases: 4,
            ..SandboxConfig::default()
        })
        .unwrap()
    })
}

fn load_into(sandbox: &Sandbox, crate_name: &str) -> LoadedAgent {
    let path = agents_dir().join(format!("{crate_name}.wasm"));
    let bytes = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    sandbox
        .load(&bytes)
        .unwrap_or_else(|err| panic!("{crate_name}: {err}"))
}

fn load(crate_name: &str) -> LoadedAgent {
    load_into(sandbox(), crate_name)
}

fn services() -> Arc<dyn HostServices> {
    Arc::new(NoServices)
}

fn case(scenario: &str, payload: &str, seed: u64) -> Case {
    Case {
        scenario: scenario.to_owned(),
        payload: payload.to_owned(),
        seed,
        clock_start_unix_ns: CLOCK_START_UNIX_NS,
    }
}

fn hello_case() -> Case {
    case("hello", r#"{"a":1,"b":2}"#, 1)
}

fn output_json(report: &CaseReport) -> Value {
    assert_eq!(report.outcome, Outcome::Ok, "{:?}", report.detail);
    serde_json::from_str(report.output.as_deref().unwrap()).unwrap()
}

/// The appeals in the agent's own test data, as `Case`s.
fn appeal_cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sdk/examples/appeals-triage/testdata/appeals.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(index, line)| {
            let row: Value = serde_json::from_str(line).unwrap();
            case("appeals-triage", &row["case"].to_string(), index as u64)
        })
        .collect()
}

#[test]
fn well_behaved_agents_decide() {
    let report = load("hello").run_case(&hello_case(), &services());
    let output = output_json(&report);
    assert_eq!(output["fields"], 2);
    assert_eq!(report.logs.len(), 1);
    assert_eq!(report.logs[0].message, "hello from hello: 2 fields");
    assert!(report.denied.is_empty(), "{:?}", report.denied);

    let triage = load("appeals_triage");
    let cases = appeal_cases();
    assert!(cases.len() > 10);
    for report in triage.run_cases(&cases, &services(), |_, _| {}) {
        let output = output_json(&report);
        assert!(output.is_object(), "{output}");
        assert!(report.fuel_used > 0);
    }
    let wrong = triage.run_case(&case("other-scenario", "{}", 0), &services());
    assert_eq!(wrong.outcome, Outcome::AgentError);
    assert_eq!(wrong.agent_error.unwrap().kind.as_str(), "unsupported");
}

#[test]
fn every_hostile_agent_is_contained_and_classified() {
    let hello = load("hello");
    let triage = load("appeals_triage");
    let appeal = appeal_cases().remove(0);
    let deadline = limits().timeout + Duration::from_secs(2);
    let expected = [
        ("hostile_loop", Outcome::OutOfFuel),
        ("hostile_memory", Outcome::MemoryLimit),
        ("hostile_recursion", Outcome::StackOverflow),
        ("hostile_panic", Outcome::Panic),
        ("hostile_panic_flood", Outcome::Panic),
        ("hostile_stdout_flood", Outcome::HostLimit),
        ("hostile_output_flood", Outcome::HostLimit),
        ("hostile_log_flood", Outcome::HostLimit),
    ];
    for (name, outcome) in expected {
        let agent = load(name);
        let first = agent.run_case(&case("appeals-triage", "{}", 3), &services());
        assert_eq!(first.outcome, outcome, "{name}: {:?}", first.detail);
        assert!(first.detail.is_some(), "{name}");
        assert!(
            first.wall_time < deadline,
            "{name} took {:?}",
            first.wall_time
        );
        // The same agent again: same verdict, same cost; nothing carried over.
        let second = agent.run_case(&case("appeals-triage", "{}", 3), &services());
        assert_eq!(second.outcome, outcome, "{name}");
        assert_eq!(second.fuel_used, first.fuel_used, "{name}");
        // Well-behaved agents on the same sandbox are unaffected.
        output_json(&hello.run_case(&hello_case(), &services()));
        output_json(&triage.run_case(&appeal, &services()));
    }

    let panic = load("hostile_panic").run_case(&case("appeals-triage", "{}", 3), &services());
    let stderr = String::from_utf8_lossy(&panic.stderr);
    assert!(stderr.contains("deliberate panic"), "{stderr}");

    let flood = load("hostile_panic_flood").run_case(&case("appeals-triage", "{}", 3), &services());
    assert!(flood.stderr.len() <= limits().max_stdio_bytes);

    let memory = load("hostile_memory").run_case(&case("appeals-triage", "{}", 3), &services());
    assert!(
        memory.peak_memory_bytes <= 64 << 20,
        "{}",
        memory.peak_memory_bytes
    );
    assert!(
        memory.peak_memory_bytes > 32 << 20,
        "{}",
        memory.peak_memory_bytes
    );

    let logs = load("hostile_log_flood").run_case(&case("appeals-triage", "{}", 3), &services());
    assert!(logs.logs.iter().all(|line| line.message.len() <= 1024));
    assert!(logs.logs.iter().any(|line| line.truncated));
}

#[test]
fn a_spinning_agent_without_fuel_is_stopped_by_the_deadline() {
    let sandbox = Sandbox::new(SandboxConfig {
        limits: Limits {
            fuel: None,
            timeout: Duration::from_millis(300),
            ..limits()
        },
        max_concurrent_cases: 2,
        ..SandboxConfig::default()
    })
    .unwrap();
    let spin = load_into(&sandbox, "hostile_loop");
    let report = spin.run_case(&case("appeals-triage", "{}", 0), &services());
    assert_eq!(report.outcome, Outcome::Timeout, "{:?}", report.detail);
    assert!(
        report.wall_time >= Duration::from_millis(300),
        "{:?}",
        report.wall_time
    );
    assert!(
        report.wall_time < Duration::from_secs(3),
        "{:?}",
        report.wall_time
    );
    let hello = load_into(&sandbox, "hello");
    output_json(&hello.run_case(&hello_case(), &services()));
}

#[test]
fn files_are_out_of_reach() {
    let report = load("hostile_file").run_case(&case("appeals-triage", "{}", 0), &services());
    let output = output_json(&report);
    for probe in [
        "read_etc_passwd",
        "read_dir_root",
        "read_dir_current",
        "create_file",
    ] {
        assert_eq!(output[probe]["ok"], false, "{probe}: {output}");
    }
}

#[test]
fn network_attempts_are_denied_and_recorded() {
    let report = load("hostile_socket").run_case(&case("appeals-triage", "{}", 0), &services());
    let output = output_json(&report);
    for probe in [
        "tcp_connect_127_0_0_1_80",
        "resolve_example_com",
        "udp_bind",
    ] {
        assert_eq!(output[probe]["ok"], false, "{probe}: {output}");
    }
    let denied: Vec<(&str, &str, &str)> = report
        .denied
        .iter()
        .map(|it| (it.kind.as_str(), it.operation, it.target.as_str()))
        .collect();
    assert!(
        denied.contains(&("tcp", "create-socket", "ipv4")),
        "{denied:?}"
    );
    assert!(
        denied.contains(&("name_lookup", "resolve", "example.com")),
        "{denied:?}"
    );
    assert!(
        denied.contains(&("udp", "create-socket", "ipv4")),
        "{denied:?}"
    );
}

#[test]
fn the_environment_is_empty_and_virtual() {
    let agent = load("hostile_env");
    let report = agent.run_case(&case("appeals-triage", "{}", 5), &services());
    let output = output_json(&report);
    assert_eq!(output["env"], serde_json::json!([]), "{output}");
    assert_eq!(output["args"], serde_json::json!([]), "{output}");
    let wall: u64 = output["wall_clock_unix_ns"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (CLOCK_START_UNIX_NS..CLOCK_START_UNIX_NS + 1_000_000).contains(&wall),
        "{wall} is not the virtual clock"
    );
    // The seed drives randomness: another seed, another hash key.
    let other = output_json(&agent.run_case(&case("appeals-triage", "{}", 6), &services()));
    assert_ne!(output["random_u64"], other["random_u64"]);
}

#[test]
fn runs_are_deterministic() {
    let mut cases = appeal_cases();
    cases.push(case("appeals-triage", "{}", 9));
    let few = &cases[..2];
    let agents = [
        ("appeals_triage", &cases[..]),
        ("hello", few),
        ("hostile_env", few),
        ("hostile_socket", few),
        ("hostile_loop", few),
    ];
    for (name, cases) in agents {
        let agent = load(name);
        let first = agent.run_cases(cases, &services(), |_, _| {});
        let second = agent.run_cases(cases, &services(), |_, _| {});
        for (index, (a, b)) in first.iter().zip(&second).enumerate() {
            assert_eq!(a.outcome, b.outcome, "{name} case {index}");
            assert_eq!(a.output, b.output, "{name} case {index}");
            assert_eq!(a.detail, b.detail, "{name} case {index}");
            assert_eq!(a.fuel_used, b.fuel_used, "{name} case {index}");
            assert_eq!(a.stdout, b.stdout, "{name} case {index}");
            assert_eq!(a.logs, b.logs, "{name} case {index}");
            assert_eq!(a.denied, b.denied, "{name} case {index}");
        }
    }
}
