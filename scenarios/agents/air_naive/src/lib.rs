//! `air-quality-alerts` naive baseline: alerts whenever one hourly reading
//! is above the pollutant's guideline number, ignoring averaging periods
//! and validity flags, and writes every alert in English.

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// The baseline.
pub struct Naive;

impl Agent for Naive {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let pollutant = agent_kit::str_field(&case, "pollutant")?;
        let limit = match pollutant {
            "NO2" => 25.0,
            "SO2" => 40.0,
            "PM2.5" => 15.0,
            "PM10" => 45.0,
            _ => 4.0,
        };
        let hours = case
            .get("hours")
            .and_then(Value::as_array)
            .ok_or_else(|| AgentError::invalid_input("no hours"))?;
        let alerts: Vec<Value> = hours
            .iter()
            .skip(24)
            .filter(|hour| hour.get("value").and_then(Value::as_f64).is_some_and(|v| v > limit))
            .map(|hour| json!({"time": hour["time"], "messages": {"en": format!("{pollutant} above {limit}")}}))
            .collect();
        Ok(json!({ "alerts": alerts }))
    }
}

govlab_sdk::export_agent!(Naive);
