//! `air-quality-alerts` competent agent: applies the scenario's rule exactly
//! (WHO 2021 24-hour guideline levels over at least 18 valid hours; invalid
//! hours never alert) and writes each alert in the city's languages.

use govlab_sdk::serde_json::{Map, Value, json};
use govlab_sdk::{Agent, AgentError};

/// Hours from which alerts are scored.
const FIRST_SCORED_HOUR: usize = 24;
/// Valid values a 24-hour mean needs.
const MIN_VALID: usize = 18;

/// The WHO 2021 24-hour guideline level of a pollutant.
fn guideline(pollutant: &str) -> Option<f64> {
    Some(match pollutant {
        "NO2" => 25.0,
        "SO2" => 40.0,
        "PM2.5" => 15.0,
        "PM10" => 45.0,
        "CO" => 4.0,
        _ => return None,
    })
}

fn message(language: &str, pollutant: &str, level: f64, unit: &str) -> String {
    match language {
        "es" => format!(
            "Aviso de calidad del aire: {pollutant} en {level:.1} {unit}, por encima del valor límite. Evite el ejercicio al aire libre."
        ),
        "kk" => format!(
            "Ауа сапасы туралы ескерту: {pollutant} деңгейі {level:.1} {unit}, шекті мәннен жоғары. Далада жаттығу жасамаңыз."
        ),
        "ru" => format!(
            "Предупреждение о качестве воздуха: {pollutant} {level:.1} {unit}, выше допустимого уровня. Избегайте физической нагрузки на улице."
        ),
        _ => format!("Air quality alert: {pollutant} at {level:.1} {unit}, above the limit."),
    }
}

/// The competent agent.
pub struct Competent;

impl Agent for Competent {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let pollutant = agent_kit::str_field(&case, "pollutant")?;
        let unit = agent_kit::str_field(&case, "unit")?;
        let limit = guideline(pollutant)
            .ok_or_else(|| AgentError::unsupported(format!("no guideline for {pollutant}")))?;
        let languages: Vec<&str> = case
            .get("languages")
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |items| {
                items.iter().filter_map(Value::as_str).collect()
            });
        let hours = case
            .get("hours")
            .and_then(Value::as_array)
            .ok_or_else(|| AgentError::invalid_input("no hours"))?;
        let values: Vec<Option<f64>> = hours
            .iter()
            .map(|hour| {
                let valid = hour.get("valid").and_then(Value::as_bool).unwrap_or(false);
                hour.get("value").and_then(Value::as_f64).filter(|_| valid)
            })
            .collect();
        let mut alerts = Vec::new();
        for at in FIRST_SCORED_HOUR..values.len() {
            if values[at].is_none() {
                continue;
            }
            let window: Vec<f64> = values[at + 1 - 24..=at].iter().flatten().copied().collect();
            let mean = window.iter().sum::<f64>() / window.len().max(1) as f64;
            let level = (window.len() >= MIN_VALID && mean > limit).then_some(mean);
            if let Some(level) = level {
                let mut messages = Map::new();
                for language in &languages {
                    messages.insert(
                        (*language).to_owned(),
                        Value::String(message(language, pollutant, level, unit)),
                    );
                }
                alerts.push(json!({"time": hours[at]["time"], "level": "limit_exceeded", "messages": messages}));
            }
        }
        Ok(json!({ "alerts": alerts }))
    }
}

govlab_sdk::export_agent!(Competent);
