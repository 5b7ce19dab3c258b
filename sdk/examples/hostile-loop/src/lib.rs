//! `hostile-loop`: attacks the CPU with a loop that never ends.
//!
//! The sandbox must stop it through fuel (`out_of_fuel`) or its epoch
//! deadline (`timeout`) without stalling the host. The counter goes through
//! `black_box` so the optimiser keeps the loop body.
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-loop`

use std::hint::black_box;

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// Spins forever.
pub struct HostileLoop;

impl Agent for HostileLoop {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        let mut counter: u64 = 0;
        loop {
            counter = black_box(counter.wrapping_add(1));
            if black_box(counter) == 0 {
                // Unreachable in practice (2^64 iterations); keeps the
                // function's type honest without `!`.
                return Ok(json!({ "counter": counter }));
            }
        }
    }
}

govlab_sdk::export_agent!(HostileLoop);
