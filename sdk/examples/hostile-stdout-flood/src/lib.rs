//! `hostile-stdout-flood`: prints to stdout until the host's pipe is full.
//!
//! stdout is a capped in-memory pipe; filling it ends the case as
//! `host_limit` (Rust's `println!` then panics with "failed printing to
//! stdout", which is the flood's doing, not a bug of the agent's logic).
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-stdout-flood`

use std::hint::black_box;

use govlab_sdk::serde_json::Value;
use govlab_sdk::{Agent, AgentError};

/// Prints forever.
pub struct HostileStdoutFlood;

impl Agent for HostileStdoutFlood {
    #[allow(
        clippy::print_stdout,
        reason = "flooding stdout is what this test agent is for"
    )]
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        let line = "x".repeat(1000);
        while black_box(true) {
            println!("{line}");
        }
        Err(AgentError::internal("unreachable"))
    }
}

govlab_sdk::export_agent!(HostileStdoutFlood);
