//! `appeals-triage` competent agent: the rules of the `appeals_rules`
//! crate — the practice-trained category model applied to the first issue
//! only, routing by category and region, misrouting, the description's
//! priority rule over the evidence in the text, a reply marked as
//! AI-generated.

use govlab_sdk::serde_json::Value;
use govlab_sdk::{Agent, AgentError};

/// The competent agent.
pub struct Competent;

impl Agent for Competent {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        appeals_rules::triage(&case)
    }
}

govlab_sdk::export_agent!(Competent);
