//! `appeals-triage` naive baseline: trusts the routing it was given, files
//! everything under the most common category at medium priority, and
//! drafts a reply it forgets to mark as AI-generated.

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// The baseline.
pub struct Naive;

impl Agent for Naive {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let record = agent_kit::object_field(&case, "record")?;
        let (addressee, language) = match agent_kit::str_field(&case, "source")? {
            "madrid.requests" => (agent_kit::str_field(record, "unidad_destino")?, "es"),
            _ => (
                agent_kit::str_field(record, "addressee_body")?,
                agent_kit::str_field(record, "language")?,
            ),
        };
        Ok(json!({
            "category": "waste_cleaning",
            "responsible_body": addressee,
            "priority": "medium",
            "misrouted": false,
            "reply_draft": {
                "language": language,
                "text": "Thank you, your appeal has been registered.",
                "ai_generated": false,
            },
        }))
    }
}

govlab_sdk::export_agent!(Naive);
