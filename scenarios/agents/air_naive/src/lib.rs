//! `air-quality-alerts` naive baseline: looks at the latest hour only. When
//! its reading is above the pollutant's guideline number it alerts for every
//! forecast hour, else for none (no history, no averaging period, no
//! weather), and writes every alert in English.

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
        let forecast = case
            .get("forecast")
            .and_then(Value::as_array)
            .ok_or_else(|| AgentError::invalid_input("no forecast"))?;
        let latest = hours
            .iter()
            .rev()
            .find_map(|hour| hour.get("value").and_then(Value::as_f64));
        let alerts: Vec<Value> = if latest.is_some_and(|value| value > limit) {
            forecast
                .iter()
                .map(|hour| json!({"time": hour["time"], "messages": {"en": format!("{pollutant} above {limit}")}}))
                .collect()
        } else {
            Vec::new()
        };
        Ok(json!({ "alerts": alerts }))
    }
}

govlab_sdk::export_agent!(Naive);
