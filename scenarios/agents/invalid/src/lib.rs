//! Test agent `invalid`: answers every case, in every scenario, with JSON
//! that no scenario's output schema accepts (`{"answer": 42}`: no required
//! field, and a property every schema forbids). The runner must count each
//! answer as invalid output.

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// The agent.
pub struct Invalid;

impl Agent for Invalid {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        Ok(json!({ "answer": 42 }))
    }
}

govlab_sdk::export_agent!(Invalid);
