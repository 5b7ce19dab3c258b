//! The zoo: hostile components, written here in WAT and built by the test,
//! one per attack class, each pinned to how the sandbox must contain it —
//! the outcome, the deadline margin, the fuel it is charged and what the
//! host keeps of it. Refusals at load name the limit. The Rust-built
//! hostile agents (files, sockets, environment, clocks, floods through
//! std) are in `tests/sandbox_agents.rs` at the workspace root.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use govlab_sandbox::{
    Case, CaseReport, CodeEntry, HostServices, Limits, LoadedAgent, NoServices, Outcome, Sandbox,
    SandboxConfig,
};

/// A component of the agent world whose core module has `FUNCS` beside a
/// `decide` running `BODY`. The memory and a growing bump allocator live
/// in their own module so the host functions can be lowered with them:
/// `$log(level, ptr, len)`, `$lookup(lp, ll, cp, cl, ret)`,
/// `$convert(fp, fl, tp, tl, rp, rl, ret)`. `decide` gets
/// `$sp $sl $pp $pl` and returns the return area's address (0): byte 0 the
/// discriminant, then `ok` ptr/len at 4/8, or `err` kind/ptr/len at
/// 4/8/12. `call $ok` answers `{"decision":"ok"}`; `$fill(ptr, len, byte)`
/// writes bytes; `$alloc(len)` returns fresh memory.
const TEMPLATE: &str = include_str!("zoo/agent.wat");

fn component(funcs: &str, body: &str) -> Vec<u8> {
    let text = TEMPLATE.replace("FUNCS", funcs).replace("BODY", body);
    wat::parse_str(text).unwrap()
}

fn limits() -> Limits {
    Limits {
        fuel: Some(100_000_000),
        timeout: Duration::from_secs(10),
        max_memory_bytes: 16 << 20,
        ..Limits::default()
    }
}

fn sandbox_with(limits: Limits) -> Sandbox {
    Sandbox::new(SandboxConfig {
        limits,
        max_concurrent_cases: 4,
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn case() -> Case {
    Case {
        scenario: "zoo".to_owned(),
        payload: "{}".to_owned(),
        seed: 1,
        clock_start_unix_ns: 1_750_000_000_000_000_000,
    }
}

fn run(agent: &LoadedAgent) -> CaseReport {
    run_with(agent, Arc::new(NoServices))
}

fn run_with(agent: &LoadedAgent, services: Arc<dyn HostServices>) -> CaseReport {
    let report = agent.run_case(&case(), &services);
    assert_bounded(&report, &limits());
    report
}

/// Fuel that never runs out within `timeout`: the deadline ends the case.
fn deadline_only(timeout: Duration) -> Limits {
    Limits {
        fuel: Some(u64::MAX / 4),
        timeout,
        ..limits()
    }
}

/// What the host keeps of any case stays within the caps, whatever the
/// agent did: output, error message, detail, logs, stdio, denied list.
fn assert_bounded(report: &CaseReport, limits: &Limits) {
    let kept = report.output.as_ref().map_or(0, String::len)
        + report.agent_error.as_ref().map_or(0, |e| e.message.len())
        + report.detail.as_ref().map_or(0, String::len)
        + report.logs.iter().map(|l| l.message.len()).sum::<usize>()
        + report.stdout.len()
        + report.stderr.len();
    let cap = limits.max_output_bytes
        + govlab_sandbox::MAX_AGENT_MESSAGE_BYTES
        + (8 << 10)
        + limits.max_log_bytes
        + 2 * limits.max_stdio_bytes;
    assert!(kept <= cap, "the host kept {kept} bytes of one case");
}

/// The deadline margin every case must keep, even with every core busy.
fn margin(timeout: Duration) -> Duration {
    timeout / 10 + Duration::from_millis(50)
}

fn load(limits: Limits, funcs: &str, body: &str) -> LoadedAgent {
    sandbox_with(limits).load(&component(funcs, body)).unwrap()
}

fn refusal(bytes: &[u8]) -> String {
    match sandbox_with(limits()).load(bytes) {
        Ok(_) => panic!("the component was accepted"),
        Err(err) => err.to_string(),
    }
}

const SPIN: &str = "(loop br 0) call $ok";

// ---------------------------------------------------------------- time

#[test]
fn zoo_spin_is_stopped_at_the_deadline_with_the_fuel_it_burnt() {
    let mut fuel = Vec::new();
    for millis in [200, 600] {
        let timeout = Duration::from_millis(millis);
        let agent = load(deadline_only(timeout), "", SPIN);
        let report = run(&agent);
        assert_eq!(report.outcome, Outcome::Timeout, "{:?}", report.detail);
        assert!(report.wall_time >= timeout, "{:?}", report.wall_time);
        assert!(
            report.wall_time <= timeout + margin(timeout),
            "{:?} past a {timeout:?} deadline",
            report.wall_time
        );
        fuel.push(report.fuel_used);
    }
    // Three times the deadline burns about three times the fuel (not the
    // few units wasmtime's counter shows after an epoch trap).
    assert!(fuel[0] > 1_000_000, "{fuel:?}");
    assert!(fuel[1] > 2 * fuel[0], "{fuel:?}");
}

#[test]
fn zoo_start_function_spin_is_stopped_at_the_deadline_with_its_fuel() {
    let timeout = Duration::from_millis(300);
    let agent = load(
        deadline_only(timeout),
        "(func $spin (loop br 0)) (start $spin)",
        "call $ok",
    );
    let report = run(&agent);
    assert_eq!(report.outcome, Outcome::Timeout, "{:?}", report.detail);
    assert!(report.wall_time <= timeout + margin(timeout));
    assert!(report.fuel_used > 1_000_000, "{}", report.fuel_used);
}

#[test]
fn zoo_spin_without_fuel_is_stopped_by_the_clock() {
    let timeout = Duration::from_millis(300);
    let agent = load(
        Limits {
            fuel: None,
            timeout,
            ..limits()
        },
        "",
        SPIN,
    );
    let report = run(&agent);
    assert_eq!(report.outcome, Outcome::Timeout, "{:?}", report.detail);
    assert_eq!(report.fuel_used, 0);
    assert!(report.wall_time <= timeout + margin(timeout));
}

#[test]
fn zoo_more_spinning_cases_than_cores_all_keep_their_deadline() {
    let timeout = Duration::from_millis(500);
    let agent = load(deadline_only(timeout), "", SPIN);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let reports: Vec<CaseReport> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..cores * 2)
            .map(|_| scope.spawn(|| run(&agent)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for report in reports {
        assert_eq!(report.outcome, Outcome::Timeout);
        assert!(
            report.wall_time <= timeout + margin(timeout),
            "{:?} past a {timeout:?} deadline with {} spinning cases on {cores} cores",
            report.wall_time,
            cores * 2
        );
        assert!(report.fuel_used > 0);
    }
}

#[test]
fn zoo_fuel_bomb_runs_out_at_exactly_the_budget() {
    let agent = load(limits(), "", SPIN);
    let report = run(&agent);
    assert_eq!(report.outcome, Outcome::OutOfFuel);
    assert_eq!(report.fuel_used, 100_000_000);
}

/// Services whose `convert` takes longer than a case's whole deadline.
struct Slow;

impl HostServices for Slow {
    fn lookup_code(&self, _list: &str, _code: &str) -> Option<CodeEntry> {
        None
    }
    fn convert(&self, _from: &str, _to: &str, record: &str) -> Result<String, String> {
        std::thread::sleep(Duration::from_millis(150));
        Ok(record.to_owned())
    }
}

/// `convert("madrid.air", "madrid.air", <the payload>)`, results at 1024.
const CONVERT_PAYLOAD: &str = "(call $convert (i32.const 48) (i32.const 10) (i32.const 48) (i32.const 10) (local.get $pp) (local.get $pl) (i32.const 1024))";

#[test]
fn zoo_host_call_loop_ends_at_the_deadline_after_the_call_in_flight() {
    let timeout = Duration::from_millis(200);
    let agent = load(
        deadline_only(timeout),
        "",
        &format!("(loop {CONVERT_PAYLOAD} br 0) call $ok"),
    );
    let started = Instant::now();
    let report = run_with(&agent, Arc::new(Slow));
    assert_eq!(report.outcome, Outcome::Timeout, "{:?}", report.detail);
    // The call that straddles the deadline finishes; the next one is refused.
    assert!(started.elapsed() < timeout + Duration::from_millis(150) + margin(timeout));
}

// ---------------------------------------------------------------- host calls

/// Services that answer every conversion with ten times the input.
struct Amplifier;

impl HostServices for Amplifier {
    fn lookup_code(&self, list: &str, code: &str) -> Option<CodeEntry> {
        Some(CodeEntry {
            code: code.to_owned(),
            labels: vec![(list.to_owned(), code.repeat(4))],
        })
    }
    fn convert(&self, _from: &str, _to: &str, record: &str) -> Result<String, String> {
        Ok(record.repeat(10))
    }
}

#[test]
fn zoo_convert_amplification_is_refused_past_the_output_cap() {
    // A 60 KiB record converted to 600 KiB: over the 256 KiB output cap, so
    // the agent gets an error (discriminant 1 at 1024) and says so.
    let body = "(local.set $p (call $alloc (i32.const 61440)))
        (call $fill (local.get $p) (i32.const 61440) (i32.const 32))
        (call $convert (i32.const 48) (i32.const 10) (i32.const 48) (i32.const 10)
          (local.get $p) (i32.const 61440) (i32.const 1024))
        (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 1))
          (then (return (call $answer (i32.const 16) (i32.const 17)))))
        unreachable";
    let agent = load(limits(), "", body);
    let report = run_with(&agent, Arc::new(Amplifier));
    assert_eq!(report.outcome, Outcome::Ok, "{:?}", report.detail);
    // Charged for the bytes it sent and got back, not a flat call.
    assert!(report.fuel_used > 61_440 * 200, "{}", report.fuel_used);
}

#[test]
fn zoo_oversized_convert_input_is_refused_without_reaching_the_services() {
    let body = "(local.set $p (call $alloc (i32.const 100000)))
        (call $fill (local.get $p) (i32.const 100000) (i32.const 32))
        (call $convert (i32.const 48) (i32.const 10) (i32.const 48) (i32.const 10)
          (local.get $p) (i32.const 100000) (i32.const 1024))
        (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 1))
          (then (return (call $ok))))
        unreachable";
    let agent = load(limits(), "", body);
    let report = run_with(&agent, Arc::new(Slow));
    assert_eq!(report.outcome, Outcome::Ok, "{:?}", report.detail);
    assert!(report.wall_time < Duration::from_millis(150));
}

#[test]
fn zoo_convert_loop_is_charged_until_the_fuel_runs_out() {
    let body = "(local.set $p (call $alloc (i32.const 60000)))
        (loop
          (call $convert (i32.const 48) (i32.const 10) (i32.const 48) (i32.const 10)
            (local.get $p) (i32.const 60000) (i32.const 1024))
          br 0)
        call $ok";
    let agent = load(limits(), "", body);
    let report = run_with(&agent, Arc::new(Amplifier));
    assert_eq!(report.outcome, Outcome::OutOfFuel, "{:?}", report.detail);
    assert_eq!(report.fuel_used, 100_000_000);
}

#[test]
fn zoo_lookup_loop_is_charged_per_call() {
    let body = "(loop
          (call $lookup (i32.const 48) (i32.const 10) (i32.const 48) (i32.const 10) (i32.const 1024))
          br 0)
        call $ok";
    let agent = load(limits(), "", body);
    let report = run_with(&agent, Arc::new(Amplifier));
    assert_eq!(report.outcome, Outcome::OutOfFuel, "{:?}", report.detail);
    // 1 000 fuel a call: about 100 000 calls, not the 10 million a
    // 10-instruction loop would get for free.
    assert!(report.wall_time < Duration::from_secs(5));
}

#[test]
fn zoo_log_flood_hits_the_log_budget() {
    let body = "(loop (call $log (i32.const 1) (i32.const 16) (i32.const 17)) br 0) call $ok";
    let agent = load(limits(), "", body);
    let report = run(&agent);
    assert_eq!(report.outcome, Outcome::HostLimit, "{:?}", report.detail);
    assert!(report.logs.len() <= limits().max_log_lines);
}

// ---------------------------------------------------------------- memory

#[test]
fn zoo_heap_bomb_is_refused_at_the_memory_cap() {
    let body = "(loop (br_if 0 (i32.ge_s (memory.grow (i32.const 16)) (i32.const 0)))) unreachable";
    let agent = load(limits(), "", body);
    let report = run(&agent);
    assert_eq!(report.outcome, Outcome::MemoryLimit, "{:?}", report.detail);
    assert!(report.peak_memory_bytes <= 16 << 20);
}

#[test]
fn zoo_one_huge_table_grow_returns_minus_one() {
    let funcs = "(table $t 1 funcref)";
    let body = "(if (i32.eq (table.grow $t (ref.null func) (i32.const 0x7fffffff)) (i32.const -1))
          (then (return (call $ok))))
        unreachable";
    let agent = load(limits(), funcs, body);
    let report = run(&agent);
    assert_eq!(report.outcome, Outcome::Ok, "{:?}", report.detail);
    assert!(report.fuel_used < 1_000_000, "{}", report.fuel_used);
}

#[test]
fn zoo_native_stack_bomb_overflows() {
    let funcs = "(func $recurse (param i64) (result i64)
        (i64.add (call $recurse (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))";
    let body = "(drop (call $recurse (i64.const 0))) call $ok";
    let report = run(&load(limits(), funcs, body));
    assert_eq!(
        report.outcome,
        Outcome::StackOverflow,
        "{:?}",
        report.detail
    );
}

// ---------------------------------------------------------------- output

#[test]
fn zoo_oversized_decision_is_invalid_output() {
    let body = "(local.set $p (call $alloc (i32.const 2000000)))
        (call $fill (local.get $p) (i32.const 2000000) (i32.const 32))
        (call $answer (local.get $p) (i32.const 2000000))";
    let report = run(&load(limits(), "", body));
    assert!(
        matches!(report.outcome, Outcome::InvalidOutput | Outcome::HostLimit),
        "{:?}",
        report.outcome
    );
    assert_eq!(report.output, None);
}

#[test]
fn zoo_deeply_nested_decision_is_invalid_output() {
    // 100 000 `[` then 100 000 `]`.
    let body = "(local.set $p (call $alloc (i32.const 200000)))
        (call $fill (local.get $p) (i32.const 100000) (i32.const 91))
        (call $fill (i32.add (local.get $p) (i32.const 100000)) (i32.const 100000) (i32.const 93))
        (call $answer (local.get $p) (i32.const 200000))";
    let report = run(&load(limits(), "", body));
    assert_eq!(report.outcome, Outcome::InvalidOutput);
    let detail = report.detail.unwrap();
    assert!(detail.contains("64-level limit"), "{detail}");
}

#[test]
fn zoo_error_flood_of_control_characters_is_cut_and_escaped() {
    let body = "(local.set $p (call $alloc (i32.const 1048576)))
        (call $fill (local.get $p) (i32.const 1048576) (i32.const 7))
        (call $fail (local.get $p) (i32.const 1048576))";
    let report = run(&load(limits(), "", body));
    assert_eq!(report.outcome, Outcome::AgentError);
    let message = report.agent_error.unwrap().message;
    assert!(message.len() <= govlab_sandbox::MAX_AGENT_MESSAGE_BYTES + 64);
    assert!(message.starts_with("\\u{7}"), "{}", &message[..20]);
    assert!(message.ends_with("[1048576 bytes in all]"), "{message}");
    assert!(!message.chars().any(|c| c == '\u{7}'));
}

// ---------------------------------------------------------------- compile bombs

#[test]
fn zoo_compile_bomb_huge_function_body_is_refused_before_compiling() {
    let body = "i32.const 0 drop ".repeat(400_000);
    let funcs = format!("(func $big {body})");
    let err = refusal(&component(&funcs, "call $ok"));
    assert!(err.contains("max_function_body_bytes"), "{err}");
}

#[test]
fn zoo_compile_bomb_deep_nesting_is_refused_before_compiling() {
    let funcs = format!(
        "(func $deep {} {})",
        "(loop ".repeat(6_000),
        ")".repeat(6_000)
    );
    let err = refusal(&component(&funcs, "call $ok"));
    assert!(err.contains("max_nesting_depth"), "{err}");
}

#[test]
fn zoo_compile_bomb_many_locals_is_refused() {
    let funcs = format!("(func $locals (local {}))", "i64 ".repeat(60_000));
    let err = refusal(&component(&funcs, "call $ok"));
    assert!(err.contains("locals"), "{err}");
}

#[test]
fn zoo_compile_bomb_many_functions_is_refused() {
    let funcs = "(func)".repeat(100_001);
    let err = refusal(&component(&funcs, "call $ok"));
    assert!(err.contains("max_functions"), "{err}");
}

#[test]
fn zoo_compile_bomb_huge_element_segment_is_refused() {
    let funcs = format!(
        "(func $f) (table $t 1 funcref) (elem funcref {})",
        "(ref.func $f) ".repeat(150_000)
    );
    let err = refusal(&component(&funcs, "call $ok"));
    assert!(err.contains("max_element_segment_items"), "{err}");
}

#[test]
fn zoo_compile_bomb_huge_data_segment_is_refused() {
    let funcs = format!("(data \"{}\")", "a".repeat(17 << 20));
    let err = refusal(&component(&funcs, "call $ok"));
    assert!(err.contains("max_data_segment_bytes"), "{err}");
}

// ---------------------------------------------------------------- forged files

#[test]
fn zoo_forged_files_are_refused_by_name() {
    let good = component("", "call $ok");
    let truncated = &good[..good.len() / 2];
    assert!(refusal(truncated).contains("malformed"));
    assert!(refusal(b"#!/bin/sh\nrm -rf /\n").contains("not WebAssembly"));
    let core = wat::parse_str("(module (func (export \"decide\")))").unwrap();
    assert!(refusal(&core).contains("core WebAssembly module"));
    let other_world = TEMPLATE
        .replace("govlab:pilot/host@0.1.0", "govlab:pilot/host@0.2.0")
        .replace("FUNCS", "")
        .replace("BODY", "call $ok");
    let err = refusal(&wat::parse_str(other_world).unwrap());
    assert!(err.contains("govlab:pilot/host@0.2.0"), "{err}");
    let http = TEMPLATE
        .replacen(
            "(component",
            "(component (import \"wasi:http/outgoing-handler@0.2.0\" (instance))",
            1,
        )
        .replace("FUNCS", "")
        .replace("BODY", "call $ok");
    let err = refusal(&wat::parse_str(http).unwrap());
    assert!(err.contains("wasi:http/outgoing-handler"), "{err}");
}
