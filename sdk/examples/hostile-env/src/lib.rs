//! `hostile-env`: looks for secrets and side channels in its environment.
//!
//! It returns the environment variables, the arguments, the wall-clock and
//! monotonic time and a random number as JSON. In the sandbox the
//! environment and arguments are empty, clocks are virtual (starting at the
//! case's clock and advancing 1 µs per read) and randomness is seeded per
//! case, so two runs of the same case return the same decision.
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-env`

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// Reports its environment, clocks and randomness.
pub struct HostileEnv;

impl Agent for HostileEnv {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        let args: Vec<String> = std::env::args().collect();
        let wall_clock_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_nanos().to_string())
            .unwrap_or_else(|err| format!("before the epoch: {err}"));
        let started = Instant::now();
        let monotonic_ns = started.elapsed().as_nanos().to_string();
        // `RandomState` keys come from the platform's secure random source
        // (`wasi:random` in a component).
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u8(0);
        let random = hasher.finish();
        Ok(json!({
            "env": vars,
            "args": args,
            "wall_clock_unix_ns": wall_clock_ns,
            "monotonic_elapsed_ns": monotonic_ns,
            "random_u64": random.to_string(),
            "current_dir": std::env::current_dir().map(|dir| dir.display().to_string()).ok(),
        }))
    }
}

govlab_sdk::export_agent!(HostileEnv);
