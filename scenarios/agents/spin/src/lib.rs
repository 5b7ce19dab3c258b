//! Test agent `spin`: never answers. Every case, in every scenario, runs a
//! tight loop over a `black_box`ed counter until the sandbox stops it (fuel
//! or deadline). The runner must score it as unreliable, not hang.

use govlab_sdk::serde_json::Value;
use govlab_sdk::{Agent, AgentError};

/// The spinner.
pub struct Spin;

impl Agent for Spin {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        let mut counter: u64 = 0;
        loop {
            counter = std::hint::black_box(counter.wrapping_add(1));
        }
    }
}

govlab_sdk::export_agent!(Spin);
