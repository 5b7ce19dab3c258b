//! Invariants of ARCHITECTURE.md that a test can check: no crate reads
//! another crate's files by path (`include_str!`/`include_bytes!` outside
//! its own directory) — a file two crates need belongs to the lower one and
//! is reached through its API.

#![allow(clippy::unwrap_used)]

use std::path::{Component, Path, PathBuf};

/// Paths allowed to leave their crate, each with its reason.
const ALLOWED: &[(&str, &str)] = &[(
    "scenarios/agents/finder_competent/src/lib.rs",
    "a guest agent embeds the public service catalogue of its scenario definition; guests cannot depend on host crates",
)];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | "node_modules" | ".git") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The directory of the crate `file` belongs to (nearest `Cargo.toml`).
fn crate_root(file: &Path) -> PathBuf {
    let mut dir = file.parent().unwrap().to_path_buf();
    while !dir.join("Cargo.toml").is_file() {
        assert!(dir.pop(), "{} is in no crate", file.display());
    }
    dir
}

/// The string literals of `include_str!("…")` and `include_bytes!("…")`.
fn included(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for macro_name in ["include_str!(\"", "include_bytes!(\""] {
        let mut rest = text;
        while let Some(at) = rest.find(macro_name) {
            rest = &rest[at + macro_name.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_owned());
            }
        }
    }
    out
}

#[test]
fn no_crate_reads_another_crates_files_by_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "adapters",
        "portal",
        "sandbox",
        "scenarios",
        "sdk",
        "src",
        "tests",
    ] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 100, "{} files", files.len());
    let mut escapes = Vec::new();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if ALLOWED.iter().any(|(path, _)| *path == relative) {
            continue;
        }
        let home = normalise(&crate_root(file));
        for literal in included(&text) {
            checked += 1;
            let target = normalise(&file.parent().unwrap().join(&literal));
            if !target.starts_with(&home) {
                escapes.push(format!("{relative}: {literal}"));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} includes found: is the scan broken?"
    );
    assert!(
        escapes.is_empty(),
        "files read across crates (give the owning crate an API instead):\n{}",
        escapes.join("\n")
    );
}
