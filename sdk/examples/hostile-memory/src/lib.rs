//! `hostile-memory`: attacks memory by allocating until it dies.
//!
//! It grabs 1 MiB blocks and writes to every page so none can stay lazily
//! unmapped. The sandbox's memory limit must refuse the growth and end the
//! case as `memory_limit`, leaving the host untouched.
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-memory`

use std::hint::black_box;

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// Allocates 1 MiB blocks forever.
pub struct HostileMemory;

const BLOCK: usize = 1 << 20;
const PAGE: usize = 64 << 10;

impl Agent for HostileMemory {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        let mut blocks: Vec<Vec<u8>> = Vec::new();
        loop {
            let mut block = vec![0u8; BLOCK];
            for page in block.chunks_mut(PAGE) {
                page[0] = black_box(1);
            }
            blocks.push(black_box(block));
            if blocks.len() == usize::MAX {
                return Ok(json!({ "blocks": blocks.len() }));
            }
        }
    }
}

govlab_sdk::export_agent!(HostileMemory);
