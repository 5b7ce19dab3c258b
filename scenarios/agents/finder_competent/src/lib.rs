//! `service-finder` competent agent: embeds the public service catalogue,
//! scores every service by keyword stems found in the message (all three
//! languages, accents and case folded; Kazakh in the 2021 Latin alphabet
//! read back in Cyrillic), prefers the country the message points at, and
//! returns the five best.

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// The catalogue published with the scenario.
const CATALOGUE: &str = include_str!("../../../defs/service-finder/catalogue.json");

/// Words that place the citizen in Spain or in Kazakhstan.
const SPAIN: &[&str] = &["madrid", "espan", "spain", "мадрид", "испан"];
const KAZAKHSTAN: &[&str] = &[
    "almaty",
    "astana",
    "kazaj",
    "алмат",
    "астан",
    "казахст",
    "қазақст",
    "шымкент",
    "алматы",
];

/// The competent agent.
pub struct Competent;

impl Agent for Competent {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let text = agent_kit::str_field(&case, "text")?;
        // A Kazakh situation may be written in the 2021 Latin alphabet:
        // read it in Cyrillic, the script of the catalogue's Kazakh words.
        let language = case
            .get("language")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let text = agent_kit::kazakh_cyrillic(language, text);
        let text = text.as_ref();
        let catalogue: Value = govlab_sdk::serde_json::from_str(CATALOGUE).map_err(|err| {
            AgentError::internal(format!("the embedded catalogue is not JSON: {err}"))
        })?;
        let services = catalogue["services"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        let folded = agent_kit::fold(text);
        let stems = agent_kit::stems(text);
        let in_spain = SPAIN.iter().any(|cue| folded.contains(cue));
        let in_kazakhstan = KAZAKHSTAN.iter().any(|cue| folded.contains(cue));
        let mut scored: Vec<(f64, usize, &str)> = Vec::new();
        for (position, service) in services.iter().enumerate() {
            let Some(id) = service["id"].as_str() else {
                continue;
            };
            let mut score = 0.0;
            if let Some(keywords) = service["keywords"].as_object() {
                for words in keywords.values() {
                    for word in words
                        .as_array()
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .filter_map(Value::as_str)
                    {
                        let stem: String = agent_kit::fold(word).chars().take(6).collect();
                        if stem.chars().count() >= 3
                            && stems.iter().any(|s| {
                                s.starts_with(&stem)
                                    || stem.starts_with(s.as_str()) && s.chars().count() >= 4
                            })
                        {
                            score += 1.0;
                        } else if folded.contains(&agent_kit::fold(word)) {
                            score += 0.5;
                        }
                    }
                }
            }
            let country = service["country"].as_str().unwrap_or_default();
            if (country == "ES" && in_spain && !in_kazakhstan)
                || (country == "KZ" && in_kazakhstan && !in_spain)
            {
                score *= 1.5;
                score += 0.1;
            }
            if score > 0.0 {
                scored.push((score, position, id));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let ranking: Vec<&str> = scored.iter().take(5).map(|(_, _, id)| *id).collect();
        Ok(json!({ "services": ranking }))
    }
}

govlab_sdk::export_agent!(Competent);
