//! Test agent `lazy`, the "never flag" agent: schema-valid, constant answers
//! that ignore the case. It flags no household, raises no air alert, files
//! every appeal as a low-priority citizen-services request, always proposes
//! the same three services, and for residency returns an empty record of
//! the target schema (the one field it reads, since the schema fixes it).
//! A scoreboard that ranks by merit must put it near the bottom.

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// The agent.
pub struct Lazy;

impl Agent for Lazy {
    fn decide(scenario: &str, case: Value) -> Result<Value, AgentError> {
        match scenario {
            "appeals-triage" => Ok(json!({
                "category": "citizen_services",
                "responsible_body": "DG-ATC",
                "priority": "low",
                "misrouted": false,
            })),
            "family-support" => Ok(json!({
                "flag": false,
                "risk_score": 0.0,
                "top_factors": [],
            })),
            "air-quality-alerts" => Ok(json!({ "alerts": [] })),
            "service-finder" => Ok(json!({
                "services": ["ES-MAD-EMPADRONAMIENTO", "ES-NIE", "KZ-IIN"],
            })),
            "cross-border-residency" => {
                let target = match case.get("target_schema").and_then(Value::as_str) {
                    Some("kz.citizen") => "kz.citizen",
                    _ => "madrid.resident",
                };
                Ok(json!({ "target_schema": target, "record": { "id": "lazy" } }))
            }
            other => Err(AgentError::unsupported(format!(
                "lazy: unknown scenario `{other}`"
            ))),
        }
    }
}

govlab_sdk::export_agent!(Lazy);
