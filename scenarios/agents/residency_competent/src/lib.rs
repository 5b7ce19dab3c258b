//! `cross-border-residency` competent agent: asks the lab's adapter to
//! convert the source record into the target country's schema, then applies
//! the registration facts of the new country (address, identifier, dates).

use govlab_sdk::host::{self, Level};
use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// The competent agent.
pub struct Competent;

impl Agent for Competent {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let source = agent_kit::str_field(&case, "source_schema")?;
        let target = agent_kit::str_field(&case, "target_schema")?;
        let record = agent_kit::object_field(&case, "record")?;
        let registration = agent_kit::object_field(&case, "registration")?;
        let mut converted = host::convert(source, target, record).map_err(|err| {
            AgentError::internal(format!("the adapter could not convert the record: {err}"))
        })?;
        let mut notes = Vec::new();
        if let (Some(out), Some(facts)) = (converted.as_object_mut(), registration.as_object()) {
            for (key, value) in facts {
                out.insert(key.clone(), value.clone());
                notes.push(format!("{key} from the registration"));
            }
        }
        host::log(Level::Debug, &format!("converted {source} to {target}"));
        Ok(json!({"target_schema": target, "record": converted, "notes": notes}))
    }
}

govlab_sdk::export_agent!(Competent);
