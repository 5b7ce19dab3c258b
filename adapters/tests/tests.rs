//! Integration tests of `govlab-adapters`, split by concern: data-driven
//! conversion cases, round trips and reports over realistic fixtures,
//! malformed specs, code-list policies, Madrid CSV quirks, the host API,
//! and a property test that the engine never panics.

#![allow(clippy::unwrap_used)]

mod cases;
mod csv_files;
mod generated;
mod host_api;
mod policies;
mod props;
mod reports;
mod specs;

use std::path::{Path, PathBuf};

use govlab_adapters::InputRecord;

/// Path of a file under `tests/data`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Reads a JSONL fixture as report input.
pub fn jsonl(name: &str) -> Vec<InputRecord> {
    std::fs::read_to_string(data(name))
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| InputRecord {
            line: i + 1,
            value: serde_json::from_str(line).map_err(|e| e.to_string()),
        })
        .collect()
}
