//! `hostile-recursion`: attacks the stack with recursion that never stops.
//!
//! The recursion lives on the wasm (native) stack, which the sandbox caps
//! (`max_wasm_stack_bytes`), so the case must end as `stack_overflow`. Two
//! details keep it honest: the result is combined with a subtraction, which
//! is not associative, so the optimiser cannot turn the recursion into a
//! loop with an accumulator; and each frame keeps only one 8-byte value on
//! Rust's shadow stack in linear memory (for `black_box`), so the 1 MiB
//! shadow stack outlasts the native one instead of running into address 0
//! (which would be an out-of-bounds trap, a `panic`).
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-recursion`

use std::hint::black_box;

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// Recurses until the stack runs out.
pub struct HostileRecursion;

#[inline(never)]
fn descend(depth: u64) -> u64 {
    // Opaque to the optimiser: it cannot prove the base case never comes.
    let depth = black_box(depth);
    if depth == u64::MAX {
        return 0;
    }
    depth.wrapping_sub(descend(depth + 1))
}

impl Agent for HostileRecursion {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        Ok(json!({ "depth": descend(0) }))
    }
}

govlab_sdk::export_agent!(HostileRecursion);
