//! `air-quality-alerts` competent agent: forecasts the next 48 hours from
//! the history and the weather forecast. It follows the air's build-up
//! with its own ventilation model (the air keeps more of what it holds the
//! stiller it is), learns from the observed days how much the station
//! measures per unit of built-up air at each hour of the day, projects that
//! onto the forecast weather, and alerts where the predicted 24-hour mean
//! (observed hours plus predicted ones) breaks the WHO 2021 guideline.
//! Each alert is written in the city's languages.

use govlab_sdk::serde_json::{Map, Value, json};
use govlab_sdk::{Agent, AgentError};

/// Valid values a 24-hour mean needs.
const MIN_VALID: usize = 18;
/// Alert when the predicted mean is above this share of the level: a
/// missed episode costs more than an early warning.
const MARGIN: f64 = 0.97;
/// Weights of the same hour one, two and three days before.
const DAY_WEIGHTS: [f64; 3] = [0.5, 0.3, 0.2];

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

/// The share of what the air holds that it keeps over an hour with this
/// ventilation (wind × mixing height, m²/s): fitted on the practice split.
fn kept(ventilation: f64) -> f64 {
    (-(0.05 + 0.45 * (1.0 - (-ventilation / 2_500.0).exp()))).exp()
}

fn message(language: &str, pollutant: &str, level: f64, unit: &str) -> String {
    match language {
        "es" => format!(
            "Previsión de calidad del aire: la media de 24 horas de {pollutant} llegará a {level:.1} {unit}, por encima del valor guía de la OMS. Evite el ejercicio al aire libre."
        ),
        "kk" => format!(
            "Ауа сапасы туралы ескерту: {pollutant} деңгейі {level:.1} {unit} болады деп күтілуде, шекті мәннен жоғары. Далада жаттығу жасамаңыз."
        ),
        "ru" => format!(
            "Прогноз качества воздуха: среднесуточный уровень {pollutant} достигнет {level:.1} {unit}, выше допустимого уровня. Избегайте физической нагрузки на улице."
        ),
        _ => format!("Air quality forecast: {pollutant} at {level:.1} {unit}, above the limit."),
    }
}

/// Reads `key` of an hour as a number.
fn number(hour: &Value, key: &str) -> Option<f64> {
    hour.get(key).and_then(Value::as_f64)
}

/// The built-up air over every hour (observed, then forecast), per unit of
/// hourly emission, from the ventilation of each hour.
fn build_up(weather: &[&Value]) -> Vec<f64> {
    let mut held: Option<f64> = None;
    weather
        .iter()
        .map(|hour| {
            let ventilation = number(hour, "wind_ms").unwrap_or(0.0).max(0.0)
                * number(hour, "mixing_height_m").unwrap_or(0.0).max(0.0);
            let keep = kept(ventilation);
            let next = match held {
                None => 1.0 / (1.0 - keep),
                Some(held) => held * keep + 1.0,
            };
            held = Some(next);
            next
        })
        .collect()
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
        let forecast = case
            .get("forecast")
            .and_then(Value::as_array)
            .ok_or_else(|| AgentError::invalid_input("no forecast"))?;
        let observed = hours.len();
        let weather: Vec<&Value> = hours.iter().chain(forecast).collect();
        let held = build_up(&weather);
        let mut values: Vec<Option<f64>> = hours
            .iter()
            .map(|hour| {
                let valid = hour.get("valid").and_then(Value::as_bool).unwrap_or(false);
                number(hour, "value").filter(|_| valid)
            })
            .collect();
        // What the station measures per unit of built-up air, over the day.
        let overall = {
            let ratios: Vec<f64> = values
                .iter()
                .zip(&held)
                .filter_map(|(value, held)| value.map(|v| v / held))
                .collect();
            ratios.iter().sum::<f64>() / ratios.len().max(1) as f64
        };
        if observed < 24 {
            return Err(AgentError::invalid_input("fewer than 24 observed hours"));
        }
        for at in observed..weather.len() {
            // The same hour on the observed days, the latest first.
            let latest = observed - 24 + (at - observed) % 24;
            let (mut sum, mut weights) = (0.0, 0.0);
            for (days, weight) in DAY_WEIGHTS.iter().enumerate() {
                let Some(back) = latest.checked_sub(24 * days) else {
                    continue;
                };
                if let Some(value) = values[back] {
                    sum += weight * value / held[back];
                    weights += weight;
                }
            }
            let ratio = if weights > 0.0 {
                sum / weights
            } else {
                overall
            };
            values.push(Some(ratio * held[at]));
        }
        let mut alerts = Vec::new();
        for (offset, hour) in forecast.iter().enumerate() {
            let at = observed + offset;
            if at < 23 {
                continue;
            }
            let window: Vec<f64> = values[at - 23..=at].iter().flatten().copied().collect();
            let mean = window.iter().sum::<f64>() / window.len().max(1) as f64;
            if window.len() >= MIN_VALID && mean > limit * MARGIN {
                let mut messages = Map::new();
                for language in &languages {
                    messages.insert(
                        (*language).to_owned(),
                        Value::String(message(language, pollutant, mean, unit)),
                    );
                }
                alerts.push(json!({"time": hour["time"], "level": "forecast_exceedance", "messages": messages}));
            }
        }
        Ok(json!({ "alerts": alerts }))
    }
}

govlab_sdk::export_agent!(Competent);
