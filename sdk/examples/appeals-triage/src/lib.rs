//! `appeals-triage`: a rules-based triage agent for citizen appeals in
//! Spanish, Russian and Kazakh (Madrid *Sugerencias y Reclamaciones* and
//! Kazakh *e-Otinish* appeals).
//!
//! It shows a realistic agent with no model weights: detect the language
//! (script, Kazakh letters, function words), normalise the text (case,
//! accents, Kazakh letters typed on a Russian keyboard, look-alike letters,
//! doubled letters, one-letter typos), score every category of the lab's
//! `appeal_categories` code list with a keyword and stem lexicon
//! (`src/lexicon.txt`), route the category to the responsible body (a
//! `madrid_units` code, or a `kz_bodies` code `<kind>:<region KATO>`), set
//! the priority from danger words (gas leaks, fire, children in danger, no
//! heating in winter...), flag appeals sent to another body as misrouted,
//! and draft a short reply that is explicitly marked as AI-generated, as
//! Kazakhstan's 2025 law on artificial intelligence requires.
//!
//! The logic is the plain function [`triage`], so it runs natively too (the
//! sandbox benchmark compares it with the same code inside WebAssembly).
//!
//! Build, check and run it:
//!
//! ```text
//! cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p appeals-triage
//! govlab agent check sdk/examples/target/wasm32-wasip2/release/appeals_triage.wasm
//! govlab run --agent sdk/examples/target/wasm32-wasip2/release/appeals_triage.wasm --cases cases.jsonl
//! ```
//!
//! A case is either the scenario's envelope
//! `{"case_id", "source": "kz.appeals"|"madrid.requests", "record": {...}}`
//! or a bare appeal `{"text", "language"?, "addressee_body"?, "country": "ES"|"KZ"}`.
//! Madrid records use `texto`, `unidad_destino` and `cod_distrito`; Kazakh
//! ones `text`, `addressee_body` and `region_kato`. The decision follows the
//! scenario's output schema:
//!
//! ```json
//! {"category": "roads", "responsible_body": "AG-OEQ", "priority": "high",
//!  "misrouted": false, "confidence": 0.82,
//!  "reply_draft": {"language": "es", "text": "[Respuesta generada por IA...]\n...", "ai_generated": true}}
//! ```

mod fold;
mod lang;
#[cfg(test)]
mod lexicon_source;
mod normalize;
mod reply;
mod routing;

use govlab_sdk::serde_json::{Map, Value, json};
use govlab_sdk::{Agent, AgentError};

pub use lang::{Language, detect};
use normalize::{Stem, Term, Word};

/// The agent exported by this crate's component.
pub struct AppealsTriage;

impl Agent for AppealsTriage {
    fn decide(scenario: &str, case: Value) -> Result<Value, AgentError> {
        if scenario != "appeals-triage" {
            return Err(AgentError::unsupported(format!(
                "this agent only triages appeals (scenario appeals-triage), not {scenario}"
            )));
        }
        let appeal = Appeal::from_case(&case);
        if appeal.text.is_none() {
            return Err(AgentError::invalid_input(
                "the case has no appeal text (`text`, or `texto` for Madrid requests)",
            ));
        }
        Ok(appeal.triage())
    }
}

govlab_sdk::export_agent!(AppealsTriage);

/// Triages one appeal case and returns the decision as JSON (see the crate
/// docs for both shapes). Never fails: a case without text is routed to
/// general citizen services with a low confidence.
pub fn triage(case: &Value) -> Value {
    Appeal::from_case(case).triage()
}

/// Which country's administration an appeal is addressed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Country {
    Spain,
    Kazakhstan,
}

/// What the agent reads from a case.
#[derive(Debug, Default)]
struct Appeal<'a> {
    text: Option<&'a str>,
    language: Option<Language>,
    addressee: Option<&'a str>,
    country: Option<Country>,
    /// Madrid district (`cod_distrito`).
    district: Option<&'a str>,
    /// Region of a Kazakh appeal (`region_kato`).
    region_kato: Option<&'a str>,
    /// `tipo` (Madrid) or `type` (Kazakhstan).
    kind: Option<&'a str>,
}

impl<'a> Appeal<'a> {
    fn from_case(case: &'a Value) -> Appeal<'a> {
        let Some(envelope) = case.as_object() else {
            return Appeal::default();
        };
        let record: &Map<String, Value> = envelope
            .get("record")
            .and_then(Value::as_object)
            .unwrap_or(envelope);
        let field = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| record.get(*name).or_else(|| envelope.get(*name)))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        let source_country = envelope
            .get("source")
            .and_then(Value::as_str)
            .and_then(|source| {
                if source.starts_with("madrid.") {
                    Some(Country::Spain)
                } else if source.starts_with("kz.") {
                    Some(Country::Kazakhstan)
                } else {
                    None
                }
            });
        let country = field(&["country"])
            .and_then(|code| match code.to_ascii_uppercase().as_str() {
                "ES" => Some(Country::Spain),
                "KZ" => Some(Country::Kazakhstan),
                _ => None,
            })
            .or(source_country)
            .or_else(|| {
                if record.contains_key("texto") || record.contains_key("unidad_destino") {
                    Some(Country::Spain)
                } else if record.contains_key("region_kato") {
                    Some(Country::Kazakhstan)
                } else {
                    None
                }
            });
        Appeal {
            text: field(&["text", "texto"]),
            language: field(&["language", "idioma"]).and_then(Language::from_code),
            addressee: field(&["addressee_body", "unidad_destino"]),
            country,
            district: field(&["cod_distrito"]),
            region_kato: field(&["region_kato"]),
            kind: field(&["type", "tipo"]),
        }
    }

    fn triage(&self) -> Value {
        let text = self.text.unwrap_or("");
        let language = self.language.unwrap_or_else(|| lang::detect(text));
        let country = self.country.unwrap_or(match language {
            Language::Es => Country::Spain,
            Language::Ru | Language::Kk => Country::Kazakhstan,
        });
        let words = normalize::word_chars(text);
        let lexicon = lexicon();

        let (category, confidence) = classify(lexicon, &words);
        let category = routing::category(category)
            .or_else(|| routing::category(routing::FALLBACK))
            .unwrap_or(&routing::CATEGORIES[0]);
        let body = match country {
            Country::Spain => routing::madrid_unit(category, self.district, self.addressee),
            Country::Kazakhstan => routing::kz_body(category, self.region_kato, self.addressee),
        };
        let priority = priority(lexicon, &words, self.kind);
        let misrouted = self.addressee.is_some_and(|addressee| addressee != body);
        let reply = reply::draft(&reply::Draft {
            language,
            category,
            body: &body,
            priority,
            misrouted,
        });
        json!({
            "category": category.code,
            "responsible_body": body,
            "priority": priority.as_str(),
            "misrouted": misrouted,
            "confidence": (confidence * 100.0).round() / 100.0,
            "reply_draft": {
                "language": language.code(),
                "text": reply,
                "ai_generated": true,
            },
        })
    }
}

/// Urgency of an appeal, as the scenario names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Priority {
    Low,
    Medium,
    High,
    Urgent,
}

impl Priority {
    fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

/// One lexicon rule: a category code or a `!marker`, a weight and terms.
struct Rule {
    target: &'static str,
    weight: f32,
    terms: &'static [Term],
}

/// The lexicon (`lexicon.txt`), parsed and folded at compile time by
/// `build.rs`: static data, so a fresh instance does no setup work.
static LEXICON: &[Rule] = include!(concat!(env!("OUT_DIR"), "/lexicon.rs"));

/// The lexicon's rules, in file order.
fn lexicon() -> &'static [Rule] {
    LEXICON
}

/// Summed weight of the terms of `target` rules found in `words`.
fn score(rules: &[Rule], words: &[Word], target: &str) -> f32 {
    rules
        .iter()
        .filter(|rule| rule.target == target)
        .map(|rule| {
            rule.weight
                * rule
                    .terms
                    .iter()
                    .filter(|term| term.occurs_in(words))
                    .count() as f32
        })
        .sum()
}

/// The best category and a confidence in 0..=1 from the margin over the
/// runner-up and the amount of evidence.
fn classify(rules: &[Rule], words: &[Word]) -> (&'static str, f64) {
    let mut best = (routing::FALLBACK, 0.0f32);
    let mut second = 0.0f32;
    for category in routing::CATEGORIES {
        let points = score(rules, words, category.code);
        if points > best.1 {
            second = best.1;
            best = (category.code, points);
        } else if points > second {
            second = points;
        }
    }
    if best.1 == 0.0 {
        return (routing::FALLBACK, 0.15);
    }
    let margin = f64::from((best.1 - second) / best.1);
    let evidence = f64::from(best.1.min(4.0) / 4.0);
    (best.0, (0.3 + 0.35 * margin + 0.3 * evidence).min(0.95))
}

/// Priority from danger markers, then the appeal type, then softer cues.
fn priority(rules: &[Rule], words: &[Word], kind: Option<&str>) -> Priority {
    if score(rules, words, "!urgent") > 0.0 {
        return Priority::Urgent;
    }
    let no_heating = score(rules, words, "!heating") > 0.0;
    if no_heating && score(rules, words, "!winter") > 0.0 {
        return Priority::Urgent;
    }
    if matches!(kind, Some("felicitacion" | "response")) {
        return Priority::Low;
    }
    if no_heating || score(rules, words, "!high") > 0.0 {
        return Priority::High;
    }
    if score(rules, words, "!low") >= 1.0 || matches!(kind, Some("sugerencia" | "proposal")) {
        return Priority::Low;
    }
    Priority::Medium
}

#[cfg(test)]
mod tests;
