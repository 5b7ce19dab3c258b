//! End-to-end tests of `govlab agent new|build|check`, running the built
//! `govlab` binary: a scaffolded agent builds into a component the sandbox
//! accepts, corrupt files and core modules are refused with the reason, and
//! `new` never overwrites a directory.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{assert_exit, text};

fn govlab(args: &[&str]) -> Output {
    govlab_in(Path::new("."), args)
}

/// `govlab ARGS` run from `dir`, as a user in that directory would.
fn govlab_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govlab"))
        .current_dir(dir)
        .args(args)
        // Share one target directory between runs so rebuilding the
        // scaffold only compiles the agent itself.
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("agent-cli-target"),
        )
        .output()
        .unwrap()
}

#[test]
fn new_build_check_accepts_the_scaffold() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().to_str().unwrap();

    let created = govlab(&["agent", "new", "demo-agent", "--dir", dir]);
    assert_exit(&created, 0, "agent new");
    let root = parent.path().join("demo-agent");
    for file in ["Cargo.toml", "src/lib.rs", "README.md", "cases.jsonl"] {
        assert!(root.join(file).is_file(), "missing {file}");
    }

    // The README's command, from the directory `agent new` ran in: a
    // relative path.
    let built = govlab_in(parent.path(), &["agent", "build", "demo-agent"]);
    assert_exit(&built, 0, "agent build");
    let stdout = text(&built.stdout);
    let wasm = PathBuf::from(stdout.lines().next().unwrap().trim());
    assert!(
        wasm.ends_with("wasm32-wasip2/release/demo_agent.wasm"),
        "{}",
        wasm.display()
    );
    let bytes = std::fs::read(&wasm).unwrap();
    // A component, not a core module: `\0asm`, version 0x0d, layer 1.
    assert_eq!(&bytes[..8], b"\0asm\x0d\x00\x01\x00");

    let checked = govlab(&["agent", "check", wasm.to_str().unwrap()]);
    assert_exit(&checked, 0, "agent check");
    let report = text(&checked.stdout);
    assert!(report.contains("govlab:pilot/host@0.1.0"), "{report}");
    assert!(report.contains("decide"), "{report}");
    assert!(report.contains("verdict: accepted"), "{report}");
}

#[test]
fn check_refuses_corrupt_files_and_core_modules() {
    let dir = tempfile::tempdir().unwrap();
    // (file name, bytes, what the error must say)
    let cases: &[(&str, &[u8], &str)] = &[
        ("notes.wasm", b"this is not webassembly", "not WebAssembly"),
        ("empty.wasm", b"", "empty"),
        // The smallest core module: magic and version 1.
        (
            "core.wasm",
            b"\0asm\x01\x00\x00\x00",
            "core WebAssembly module",
        ),
        // A component header followed by a truncated section.
        (
            "truncated.wasm",
            b"\0asm\x0d\x00\x01\x00\x07\x05",
            "malformed",
        ),
    ];
    for (name, bytes, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = govlab(&["agent", "check", path.to_str().unwrap()]);
        assert_exit(&out, 1, name);
        let stderr = text(&out.stderr);
        assert!(stderr.contains(want), "{name}: {stderr}");
        assert!(
            stderr.contains(name),
            "{name}: the error should name the file: {stderr}"
        );
    }

    let missing = dir.path().join("missing.wasm");
    let out = govlab(&["agent", "check", missing.to_str().unwrap()]);
    assert_exit(&out, 1, "missing file");
    assert!(
        text(&out.stderr).contains("could not read"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn new_refuses_existing_directories_and_bad_names() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().to_str().unwrap();
    let existing = parent.path().join("taken");
    std::fs::create_dir(&existing).unwrap();
    std::fs::write(existing.join("keep.txt"), "mine").unwrap();

    let out = govlab(&["agent", "new", "taken", "--dir", dir]);
    assert_exit(&out, 1, "agent new over an existing directory");
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(existing.join("keep.txt")).unwrap(),
        "mine"
    );
    assert!(!existing.join("Cargo.toml").exists());

    for name in ["Bad", "../escape", "test"] {
        let out = govlab(&["agent", "new", name, "--dir", dir]);
        assert_exit(&out, 1, name);
    }
    assert!(!parent.path().join("Bad").exists());
}

#[test]
fn build_explains_a_directory_without_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let out = govlab(&["agent", "build", dir.path().to_str().unwrap()]);
    assert_exit(&out, 1, "agent build on an empty directory");
    assert!(
        text(&out.stderr).contains("has no Cargo.toml"),
        "{}",
        text(&out.stderr)
    );
}
