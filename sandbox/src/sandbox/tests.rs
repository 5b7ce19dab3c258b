//! End-to-end tests of loading and running hand-written components (WAT),
//! one behaviour per test: what is refused at load, and how each kind of
//! misbehaviour ends a case.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{
    AgentErrorKind, Case, HostServices, Limits, LoadError, NoServices, Outcome, Sandbox,
    SandboxConfig,
};

/// A component implementing the agent world whose core `decide` runs `BODY`.
///
/// `decide` gets `$sp $sl $pp $pl` (scenario and payload pointer/length) and
/// returns the address of the return area (always 0): byte 0 is the result
/// discriminant, then `ok` string ptr/len at 4/8, or `err` kind/ptr/len at
/// 4/8/12. Memory holds `{"decision":"ok"}` (17 bytes) at 16 and `not json`
/// (8 bytes) at 48. `$log(level, ptr, len)` calls the host's `log`.
const TEMPLATE: &str = r#"
(component
  (import "govlab:pilot/types@0.1.0" (instance $types
    (type $ek (enum "invalid-input" "unsupported" "internal"))
    (export "error-kind" (type $ek-e (eq $ek)))
    (type $ae (record (field "kind" $ek-e) (field "message" string)))
    (export "agent-error" (type $ae-e (eq $ae)))
    (type $ll (enum "debug" "info" "warn" "error"))
    (export "log-level" (type $ll-e (eq $ll)))
  ))
  (alias export $types "agent-error" (type $agent-error))
  (alias export $types "log-level" (type $log-level))
  (import "govlab:pilot/host@0.1.0" (instance $host
    (alias outer 1 $log-level (type $ll))
    (export "log-level" (type $ll-e (eq $ll)))
    (export "log" (func (param "level" $ll-e) (param "message" string)))
  ))
  EXTRA
  (core module $memory-module (memory (export "memory") 1))
  (core instance $memory-instance (instantiate $memory-module))
  (alias core export $memory-instance "memory" (core memory $memory))
  (alias export $host "log" (func $host-log))
  (core func $log (canon lower (func $host-log) (memory $memory)))
  (core module $m
    (import "env" "memory" (memory 1))
    (import "host" "log" (func $log (param i32 i32 i32)))
    CORE_IMPORTS
    (global $bump (mut i32) (i32.const 4096))
    (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      global.get $bump
      i32.const 7
      i32.add
      i32.const -8
      i32.and
      local.tee $ptr
      local.get 3
      i32.add
      global.set $bump
      local.get $ptr)
    (func $recurse (param i64) (result i64)
      local.get 0
      i64.const 1
      i64.add
      call $recurse
      i64.const 1
      i64.add)
    (func $shadow-stack (param i32) (result i32)
      local.get 0
      i32.const 0
      i32.store
      local.get 0
      i32.const 256
      i32.sub
      call $shadow-stack)
    (func $ok (result i32)
      i32.const 0
      i32.const 0
      i32.store8
      i32.const 4
      i32.const 16
      i32.store
      i32.const 8
      i32.const 17
      i32.store
      i32.const 0)
    (data (i32.const 16) "{\"decision\":\"ok\"}")
    (data (i32.const 48) "not json")
    (func (export "decide") (param $sp i32) (param $sl i32) (param $pp i32) (param $pl i32) (result i32)
      BODY)
  )
  (core instance $i (instantiate $m
    (with "env" (instance (export "memory" (memory $memory))))
    (with "host" (instance (export "log" (func $log))))
    CORE_WITH
  ))
  (type $decide-type (func (param "scenario" string) (param "payload" string)
    (result (result string (error $agent-error)))))
  (func $decide (type $decide-type)
    (canon lift (core func $i "decide") (memory $memory) (realloc (core func $i "realloc"))))
  (export "decide" (func $decide))
)
"#;

fn agent_bytes(body: &str) -> Vec<u8> {
    wat::parse_str(plain(TEMPLATE).replace("BODY", body)).unwrap()
}

/// The template without extra imports.
fn plain(template: &str) -> String {
    template
        .replace("EXTRA", "")
        .replace("CORE_IMPORTS", "")
        .replace("CORE_WITH", "")
}

const OK: &str = "call $ok";

fn test_config() -> SandboxConfig {
    SandboxConfig {
        limits: Limits {
            fuel: Some(10_000_000),
            timeout: Duration::from_secs(10),
            max_memory_bytes: 4 << 20,
            max_output_bytes: 1_000,
            hostcall_bytes: 10_000,
            max_log_bytes: 1_000,
            max_log_line_bytes: 20,
            ..Limits::default()
        },
        max_concurrent_cases: 2,
        ..SandboxConfig::default()
    }
}

fn sandbox() -> Sandbox {
    Sandbox::new(test_config()).unwrap()
}

fn case(payload: &str) -> Case {
    Case {
        scenario: "test".to_owned(),
        payload: payload.to_owned(),
        seed: 42,
        clock_start_unix_ns: 1_750_000_000_000_000_000,
    }
}

fn services() -> Arc<dyn HostServices> {
    Arc::new(NoServices)
}

fn load_err(bytes: &[u8]) -> String {
    match sandbox().load(bytes) {
        Ok(_) => panic!("the component was accepted"),
        Err(err) => err.to_string(),
    }
}

/// A component that imports `name` (an empty instance) and exports a valid `decide`.
fn importing(name: &str) -> Vec<u8> {
    let text = plain(TEMPLATE).replace("BODY", OK).replacen(
        "(component",
        &format!("(component\n  (import \"{name}\" (instance))"),
        1,
    );
    wat::parse_str(text).unwrap()
}

#[test]
fn refuses_core_modules_corrupt_empty_and_oversized_files() {
    let module = wat::parse_str("(module (func (export \"decide\")))").unwrap();
    assert!(load_err(&module).contains("core WebAssembly module, not a component"));
    assert!(load_err(b"").contains("empty"));
    assert!(load_err(b"MZ\x90\x00 definitely not wasm").contains("not WebAssembly"));

    // A valid header followed by garbage, and a valid component cut short.
    let mut garbage = b"\0asm\x0d\x00\x01\x00".to_vec();
    garbage.extend((0..200u8).map(|n| n.wrapping_mul(37)));
    assert!(
        load_err(&garbage).contains("malformed"),
        "{}",
        load_err(&garbage)
    );
    let good = agent_bytes(OK);
    for cut in [9, good.len() / 2, good.len() - 1] {
        let err = load_err(&good[..cut]);
        assert!(
            err.contains("malformed") || err.contains("could not compile"),
            "{cut}: {err}"
        );
    }

    let config = SandboxConfig {
        max_component_bytes: 100,
        ..test_config()
    };
    let err = Sandbox::new(config).unwrap().load(&good).err().unwrap();
    assert!(
        matches!(err, LoadError::TooLarge { limit: 100, .. }),
        "{err}"
    );
}

#[test]
fn refuses_imports_outside_the_policy_naming_them() {
    let cases = [
        ("wasi:http/outgoing-handler@0.2.0", "wasi:http"),
        ("acme:spy/exfiltrate@1.0.0", "unknown package `acme:spy`"),
        ("govlab:pilot/host@0.2.0", "not version 0.2.0"),
    ];
    for (name, reason) in cases {
        let err = load_err(&importing(name));
        assert!(err.contains(&format!("`{name}`")), "{name}: {err}");
        assert!(err.contains(reason), "{name}: {err}");
    }
}

#[test]
fn refuses_a_decide_of_the_wrong_type_or_none_at_all() {
    let wrong = plain(TEMPLATE).replace("BODY", OK).replace(
        "(param \"payload\" string)\n    (result (result string (error $agent-error)))",
        "(param \"payload\" string)\n    (result (result string (error string)))",
    );
    let err = load_err(&wat::parse_str(wrong).unwrap());
    assert!(
        err.contains("does not match the govlab:pilot/agent@0.1.0 world"),
        "{err}"
    );

    let renamed = plain(TEMPLATE).replace("BODY", OK).replace(
        "(export \"decide\" (func $decide))",
        "(export \"decid\" (func $decide))",
    );
    let err = load_err(&wat::parse_str(renamed).unwrap());
    assert!(err.contains("does not export `decide`"), "{err}");
}

#[test]
fn a_good_agent_decides() {
    let agent = sandbox().load(&agent_bytes(OK)).unwrap();
    assert_eq!(agent.sha256().len(), 64);
    let report = agent.run_case(&case("{}"), &services());
    assert_eq!(report.outcome, Outcome::Ok, "{:?}", report.detail);
    assert_eq!(report.output.as_deref(), Some(r#"{"decision":"ok"}"#));
    assert!(report.fuel_used > 0);
    assert!(
        report.peak_memory_bytes >= 65_536,
        "{}",
        report.peak_memory_bytes
    );
    assert!(report.denied.is_empty());
}

#[test]
fn typed_errors_and_bad_output_are_outcomes() {
    let agent_error = "i32.const 0 i32.const 1 i32.store8
        i32.const 4 i32.const 1 i32.store8
        i32.const 8 i32.const 48 i32.store
        i32.const 12 i32.const 8 i32.store
        i32.const 0";
    let report = sandbox()
        .load(&agent_bytes(agent_error))
        .unwrap()
        .run_case(&case("{}"), &services());
    assert_eq!(report.outcome, Outcome::AgentError);
    let failure = report.agent_error.unwrap();
    assert_eq!(failure.kind, AgentErrorKind::Unsupported);
    assert_eq!(failure.message, "not json");

    let ok_string = |ptr: u32, len: u32| {
        format!(
            "i32.const 0 i32.const 0 i32.store8 i32.const 4 i32.const {ptr} i32.store
             i32.const 8 i32.const {len} i32.store i32.const 0"
        )
    };
    let cases = [
        (
            ok_string(48, 8),
            Outcome::InvalidOutput,
            "not a JSON document",
        ),
        // 5 000 zero bytes: over the 1 000-byte output cap, under the hostcall cap.
        (
            ok_string(1024, 5_000),
            Outcome::InvalidOutput,
            "over the 1000-byte output cap",
        ),
        // Starts with the return area, which holds 0x88 (5 000 = 0x1388).
        (
            ok_string(0, 5_000),
            Outcome::InvalidOutput,
            "not valid UTF-8",
        ),
        // The whole 64 KiB page: too big for the host to copy at all.
        (
            ok_string(0, 65_536),
            Outcome::HostLimit,
            "copy too much data",
        ),
    ];
    for (body, outcome, detail) in cases {
        let report = sandbox()
            .load(&agent_bytes(&body))
            .unwrap()
            .run_case(&case("{}"), &services());
        assert_eq!(report.outcome, outcome, "{body}: {:?}", report.detail);
        let got = report.detail.unwrap();
        assert!(got.contains(detail), "{body}: {got}");
    }
}

#[test]
fn traps_are_classified_and_the_next_case_is_unaffected() {
    // Misbehaves when the payload is longer than 2 bytes, decides otherwise.
    let misbehave =
        |bad: &str| format!("local.get $pl i32.const 2 i32.gt_u (if (then {bad})) call $ok");
    let cases = [
        ("(loop br 0)", Outcome::OutOfFuel),
        (
            "(loop (br_if 0 (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable",
            Outcome::MemoryLimit,
        ),
        ("i64.const 0 call $recurse drop", Outcome::StackOverflow),
        // A stack kept in linear memory, as Rust and C keep big frames,
        // overflowing into an out-of-bounds access.
        (
            "i32.const 60000 call $shadow-stack drop",
            Outcome::StackOverflow,
        ),
        ("unreachable", Outcome::Panic),
        // An out-of-bounds access without recursion is a crash, not a stack overflow.
        ("i32.const -1 i32.load drop", Outcome::Panic),
        (
            "(loop (call $log (i32.const 1) (i32.const 16) (i32.const 17)) br 0)",
            Outcome::HostLimit,
        ),
    ];
    let sandbox = sandbox();
    for (bad, outcome) in cases {
        let agent = sandbox.load(&agent_bytes(&misbehave(bad))).unwrap();
        let report = agent.run_case(&case("\"misbehave\""), &services());
        assert_eq!(report.outcome, outcome, "{bad}: {:?}", report.detail);
        assert!(report.detail.is_some(), "{bad}");
        let next = agent.run_case(&case("{}"), &services());
        assert_eq!(next.outcome, Outcome::Ok, "{bad}: {:?}", next.detail);
    }
}

#[test]
fn memory_limit_reports_the_refusal_and_the_peak() {
    let bomb = "(loop (br_if 0 (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))) unreachable";
    let report = sandbox()
        .load(&agent_bytes(bomb))
        .unwrap()
        .run_case(&case("{}"), &services());
    assert_eq!(report.outcome, Outcome::MemoryLimit);
    assert!(report.detail.unwrap().contains("was refused"));
    assert!(
        report.peak_memory_bytes <= 4 << 20,
        "{}",
        report.peak_memory_bytes
    );
    assert!(
        report.peak_memory_bytes > 3 << 20,
        "{}",
        report.peak_memory_bytes
    );
}

#[test]
fn logs_are_captured_truncated_and_budgeted() {
    let body = "(call $log (i32.const 2) (i32.const 16) (i32.const 17)) call $ok";
    let report = sandbox()
        .load(&agent_bytes(body))
        .unwrap()
        .run_case(&case("{}"), &services());
    assert_eq!(report.outcome, Outcome::Ok);
    assert_eq!(report.logs.len(), 1);
    assert_eq!(report.logs[0].level.as_str(), "warn");
    assert_eq!(report.logs[0].message, r#"{"decision":"ok"}"#);
    assert!(!report.logs[0].truncated);

    let flood = "(loop (call $log (i32.const 0) (i32.const 0) (i32.const 100)) br 0) unreachable";
    let report = sandbox()
        .load(&agent_bytes(flood))
        .unwrap()
        .run_case(&case("{}"), &services());
    assert_eq!(report.outcome, Outcome::HostLimit);
    assert!(report.detail.unwrap().contains("more than 1000 bytes"));
    assert_eq!(
        report.logs.len(),
        50,
        "20-byte lines in a 1 000-byte budget"
    );
    assert!(
        report
            .logs
            .iter()
            .all(|line| line.truncated && line.message.len() == 20)
    );
}

#[test]
fn a_busy_loop_without_fuel_hits_the_deadline() {
    let config = SandboxConfig {
        limits: Limits {
            fuel: None,
            timeout: Duration::from_millis(200),
            ..test_config().limits
        },
        ..test_config()
    };
    let agent = Sandbox::new(config)
        .unwrap()
        .load(&agent_bytes("(loop br 0) call $ok"))
        .unwrap();
    let report = agent.run_case(&case("{}"), &services());
    assert_eq!(report.outcome, Outcome::Timeout, "{:?}", report.detail);
    assert_eq!(report.fuel_used, 0);
    assert!(
        report.wall_time >= Duration::from_millis(200),
        "{:?}",
        report.wall_time
    );
    assert!(
        report.wall_time < Duration::from_secs(5),
        "{:?}",
        report.wall_time
    );
}

#[test]
fn fuel_exhaustion_is_deterministic() {
    let body = "(loop (br_if 0 (i32.ne (local.tee $pl (i32.sub (local.get $pl) (i32.const 1))) (i32.const 0)))) call $ok";
    let agent = sandbox().load(&agent_bytes(body)).unwrap();
    let short = agent.run_case(&case("{}"), &services());
    let again = agent.run_case(&case("{}"), &services());
    let longer = agent.run_case(&case("[1, 2, 3]"), &services());
    assert_eq!(short.outcome, Outcome::Ok);
    assert_eq!(short.fuel_used, again.fuel_used);
    assert_eq!(short.output, again.output);
    assert!(longer.fuel_used > short.fuel_used);

    let spin = sandbox()
        .load(&agent_bytes("(loop br 0) call $ok"))
        .unwrap();
    let first = spin.run_case(&case("{}"), &services());
    let second = spin.run_case(&case("{}"), &services());
    assert_eq!(first.outcome, Outcome::OutOfFuel);
    assert_eq!(first.fuel_used, 10_000_000);
    assert_eq!(first.fuel_used, second.fuel_used);
    assert_eq!(first.detail, second.detail);
}

#[test]
fn run_cases_keeps_input_order_and_reports_each_case() {
    let misbehave = "local.get $pl i32.const 2 i32.gt_u (if (then unreachable)) call $ok";
    let agent = sandbox().load(&agent_bytes(misbehave)).unwrap();
    let cases: Vec<Case> = (0..9)
        .map(|n| case(if n % 3 == 0 { "\"bad\"" } else { "{}" }))
        .collect();
    let seen = Mutex::new(Vec::new());
    let reports = agent.run_cases(&cases, &services(), |index, report| {
        seen.lock().unwrap().push((index, report.outcome));
    });
    let outcomes: Vec<_> = reports.iter().map(|report| report.outcome).collect();
    let want: Vec<_> = (0..9)
        .map(|n| {
            if n % 3 == 0 {
                Outcome::Panic
            } else {
                Outcome::Ok
            }
        })
        .collect();
    assert_eq!(outcomes, want);
    let mut seen = seen.into_inner().unwrap();
    seen.sort_by_key(|(index, _)| *index);
    assert_eq!(seen, want.into_iter().enumerate().collect::<Vec<_>>());
}

#[test]
fn compiled_code_is_cached_on_disk_privately_and_verified_before_loading() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let config = SandboxConfig {
        cache_dir: Some(cache.clone()),
        ..test_config()
    };
    let sandbox = Sandbox::new(config).unwrap();
    let bytes = agent_bytes(OK);
    let first = sandbox.load(&bytes).unwrap();
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cache), 0o700);
    let mut names: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].starts_with(first.sha256()), "{names:?}");
    assert_eq!(names[1], "cache.key");
    let artifact = cache.join(&names[0]);
    assert_eq!(mode(&artifact), 0o600);
    assert_eq!(mode(&cache.join("cache.key")), 0o600);

    // A second load comes from the cache.
    let second = sandbox.load(&bytes).unwrap();
    assert_eq!(
        second.run_case(&case("{}"), &services()).outcome,
        Outcome::Ok
    );
    // Flip bytes in the middle of the native code (what crashed a server
    // with SIGTRAP when the cache was trusted): the tag no longer matches,
    // so the file is deleted and recompiled, never run.
    let good = std::fs::read(&artifact).unwrap();
    let mut tampered = good.clone();
    let middle = tampered.len() / 2;
    for byte in &mut tampered[middle..middle + 64] {
        *byte = 0xcc;
    }
    std::fs::write(&artifact, &tampered).unwrap();
    let third = sandbox.load(&bytes).unwrap();
    assert_eq!(
        third.run_case(&case("{}"), &services()).outcome,
        Outcome::Ok
    );
    assert_eq!(std::fs::read(&artifact).unwrap(), good);
    // Garbage is recompiled the same way.
    std::fs::write(&artifact, b"garbage").unwrap();
    let fourth = sandbox.load(&bytes).unwrap();
    assert_eq!(
        fourth.run_case(&case("{}"), &services()).outcome,
        Outcome::Ok
    );
}

#[test]
fn threads_compiling_the_same_agent_into_one_cache_all_load_it() {
    // Each thread used to write the same `<file>.tmp<pid>`: one thread's
    // rename took the file away from under another's, whose load then
    // failed with "No such file or directory" (seen in CI).
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::new(SandboxConfig {
        cache_dir: Some(dir.path().join("cache")),
        ..test_config()
    })
    .unwrap();
    let bytes = agent_bytes(OK);
    std::thread::scope(|scope| {
        let loads: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| sandbox.load(&bytes).map(|agent| agent.sha256().to_owned())))
            .collect();
        for load in loads {
            let loaded = load.join().unwrap();
            assert!(loaded.is_ok(), "{loaded:?}");
        }
    });
    let leftovers: Vec<String> = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sleeping_advances_the_virtual_clock_instead_of_blocking() {
    // `now`, then sleep an hour through `subscribe-duration` + `block`, then
    // `now` again: decides only if the clock moved by at least the hour.
    let extra = r#"
  (import "wasi:io/poll@0.2.0" (instance $poll
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow $p))))
  ))
  (alias export $poll "pollable" (type $pollable))
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock
    (alias outer 1 $pollable (type $p))
    (export "pollable" (type $p-e (eq $p)))
    (export "now" (func (result u64)))
    (export "subscribe-duration" (func (param "when" u64) (result (own $p-e))))
  ))
  (alias export $clock "now" (func $now))
  (alias export $clock "subscribe-duration" (func $subscribe))
  (alias export $poll "[method]pollable.block" (func $block))
  (core func $now-core (canon lower (func $now)))
  (core func $subscribe-core (canon lower (func $subscribe)))
  (core func $block-core (canon lower (func $block)))
  (core func $drop-core (canon resource.drop $pollable))
"#;
    let core_imports = r#"
    (import "clock" "now" (func $now (result i64)))
    (import "clock" "subscribe" (func $subscribe (param i64) (result i32)))
    (import "clock" "block" (func $block (param i32)))
    (import "clock" "drop" (func $drop (param i32)))
"#;
    let core_with = r#"
    (with "clock" (instance
      (export "now" (func $now-core))
      (export "subscribe" (func $subscribe-core))
      (export "block" (func $block-core))
      (export "drop" (func $drop-core))))
"#;
    let body = "(local $t0 i64) (local $h i32)
        call $now local.set $t0
        i64.const 3600000000000 call $subscribe local.tee $h call $block
        local.get $h call $drop
        call $now local.get $t0 i64.sub i64.const 3600000000000 i64.lt_u
        (if (then unreachable))
        call $ok";
    let text = TEMPLATE
        .replace("EXTRA", extra)
        .replace("CORE_IMPORTS", core_imports)
        .replace("CORE_WITH", core_with)
        .replace("BODY", body);
    let agent = sandbox().load(&wat::parse_str(text).unwrap()).unwrap();
    let report = agent.run_case(&case("{}"), &services());
    assert_eq!(report.outcome, Outcome::Ok, "{:?}", report.detail);
    assert!(
        report.wall_time < Duration::from_secs(5),
        "{:?}",
        report.wall_time
    );
}

#[test]
fn the_compile_deadline_is_a_setting_and_its_refusal_names_how_to_raise_it() {
    assert_eq!(
        SandboxConfig::default().compile_timeout,
        crate::DEFAULT_COMPILE_TIMEOUT
    );
    assert_eq!(crate::DEFAULT_COMPILE_TIMEOUT, Duration::from_secs(60));
    let bytes = agent_bytes(OK);
    let hurried = Sandbox::new(SandboxConfig {
        compile_timeout: Duration::ZERO,
        ..test_config()
    })
    .unwrap();
    let err = match hurried.load(&bytes) {
        Ok(_) => panic!("compiled within a zero deadline"),
        Err(err) => err,
    };
    assert!(
        matches!(err, LoadError::CompileTimeout { limit } if limit == Duration::ZERO),
        "{err:?}"
    );
    let message = err.to_string();
    for needle in [
        "0-second compile deadline",
        "--compile-timeout-secs",
        "compile_timeout_secs",
        "[limits]",
    ] {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
    // The same component within the default deadline.
    assert!(sandbox().load(&bytes).is_ok());
}
