//! `appeals-triage` learned baseline: what a data scientist gets from the
//! practice split alone — bag-of-words logistic regression over the text
//! and the structured fields, one model for the category and one for the
//! priority (trained by `govlab-scenarios`' `learned` module, embedded as
//! bytes) — with the body routed by category and region, a mismatch with
//! the addressee flagged as misrouted, and a reply marked as AI-generated.
//! No rules: it shows how far the data alone takes an agent, and that a
//! learned model runs in the sandbox.

use govlab_sdk::serde_json::Value;
use govlab_sdk::{Agent, AgentError};
use govlab_textmodel::appeal_features;

/// The learned baseline.
pub struct Learned;

impl Agent for Learned {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let appeal = appeals_rules::Appeal::read(&case)?;
        let tokens = appeal_features(&case);
        let category = appeals_rules::category_model()?.predict(&tokens).to_owned();
        let priority = appeals_rules::priority_model()?.predict(&tokens).to_owned();
        appeal.decision(&category, &priority)
    }
}

govlab_sdk::export_agent!(Learned);
