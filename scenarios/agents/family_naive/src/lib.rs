//! `family-support` naive baseline: more children means more risk. Flags
//! households with four or more children and names no other factor.

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// The baseline.
pub struct Naive;

impl Agent for Naive {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let family = agent_kit::object_field(&case, "family")?;
        let params = agent_kit::object_field(family, "params")?;
        let children = params
            .get("n_children")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        let flag = children >= 4.0;
        Ok(json!({
            "flag": flag,
            "risk_score": (children / 8.0).clamp(0.0, 1.0),
            "top_factors": if flag { vec!["n_children"] } else { Vec::new() },
        }))
    }
}

govlab_sdk::export_agent!(Naive);
