//! Compilation of untrusted components is bounded where uploads meet it:
//! `govlab agent check` (like `govlab run`, the demo and the portal)
//! compiles in a child process under a memory limit, refuses compile bombs
//! by name before compiling, and a refused compile frees its memory with
//! the child.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::{Command, Output};

use support::{assert_exit, text};

const TEMPLATE: &str = include_str!("../sandbox/tests/zoo/agent.wat");

fn component(funcs: &str) -> Vec<u8> {
    wat::parse_str(TEMPLATE.replace("FUNCS", funcs).replace("BODY", "call $ok")).unwrap()
}

fn check(bytes: &[u8], extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.wasm");
    std::fs::write(&path, bytes).unwrap();
    Command::new(env!("CARGO_BIN_EXE_govlab"))
        .args(["agent", "check"])
        .arg(&path)
        .args(extra)
        .output()
        .unwrap()
}

/// Just under the 1 MiB function-body limit: legal, but costly to compile.
fn heavy_function() -> String {
    let body = "local.get 0 local.get 0 i64.mul local.set 0 ".repeat(120_000);
    format!("(func $heavy (param i64) {body})")
}

#[test]
fn a_compile_over_the_memory_limit_is_refused_and_the_same_component_fits_the_default() {
    let bytes = component(&heavy_function());
    let refused = check(&bytes, &["--compile-memory-mib", "16"]);
    assert_exit(&refused, 1, "agent check under a 16 MiB compiler");
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("more than the compiler's 16777216-byte memory limit"),
        "{stderr}"
    );

    let accepted = check(&bytes, &[]);
    assert_exit(&accepted, 0, "agent check with the default compiler");
    assert!(text(&accepted.stdout).contains("verdict: accepted"));
}

#[test]
fn compile_bombs_are_refused_by_name_before_compiling() {
    let deep = format!("(func {} {})", "(block ".repeat(6_000), ")".repeat(6_000));
    let refused = check(&component(&deep), &[]);
    assert_exit(&refused, 1, "agent check of a deeply nested function");
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("`max_nesting_depth` limit (5001 > 5000)"),
        "{stderr}"
    );

    let out = check(&component("(func)"), &["--compile-memory-mib", "1"]);
    assert_exit(&out, 2, "agent check with a compiler limit below 16 MiB");
}
