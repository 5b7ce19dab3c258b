//! `service-finder` naive baseline: always proposes the three services
//! newcomers ask for most, whatever the message says.

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// The baseline.
pub struct Naive;

impl Agent for Naive {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        agent_kit::str_field(&case, "text")?;
        Ok(json!({"services": ["ES-MAD-EMPADRONAMIENTO", "ES-NIE", "KZ-ADDRESS-REG"]}))
    }
}

govlab_sdk::export_agent!(Naive);
