//! `appeals-triage` competent agent: the rules of the `appeals_rules`
//! crate (category from keyword stems learnt on the practice split and
//! Madrid's Avisos service codes, responsible body from category and
//! region, misrouting, urgency markers, a reply marked as AI-generated).

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
