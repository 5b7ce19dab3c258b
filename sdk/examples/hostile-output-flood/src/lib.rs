//! `hostile-output-flood`: returns a 60 MiB decision.
//!
//! It overrides [`Agent::decide_raw`] to build the JSON text directly (one
//! allocation, no second serialised copy), so what it tests is the
//! sandbox's decision caps (`max_output_bytes`, and the host-call copy
//! budget that ends the case as `host_limit`), not the memory limit. The
//! size is 60 MiB rather than 64 so that the string itself still fits in a
//! 64 MiB memory cap next to the program's stack and data.
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-output-flood`

use govlab_sdk::serde_json::Value;
use govlab_sdk::{Agent, AgentError};

/// Answers every case with a 60 MiB JSON string.
pub struct HostileOutputFlood;

/// Size of the returned decision in bytes, quotes included.
const DECISION_BYTES: usize = 60 << 20;

impl Agent for HostileOutputFlood {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        Err(AgentError::internal("decide_raw is the entry point"))
    }

    fn decide_raw(_scenario: &str, _payload: &str) -> Result<String, AgentError> {
        // `repeat` fills the buffer with bulk copies (cheap in fuel) and
        // allocates exactly its length, so the bindings hand it to the host
        // without another copy; the quotes make it a JSON string.
        let mut decision = "x".repeat(DECISION_BYTES);
        decision.replace_range(..1, "\"");
        decision.replace_range(DECISION_BYTES - 1.., "\"");
        Ok(decision)
    }
}

govlab_sdk::export_agent!(HostileOutputFlood);
