//! The `appeals-triage` know-how the reference agents share: the
//! bag-of-words models trained on the practice split (`models/`, written
//! by `govlab-scenarios`' `learned` module), routing by category and
//! region, and the competent triage used by `appeals_competent` and
//! `name_biased` (which changes its priorities on purpose).
//!
//! The competent triage reads Kazakh Latin back in Cyrillic, keeps the
//! first issue (what follows "кроме того", "сонымен қатар", "además"… is a
//! second issue), classifies it with the category model, routes it, flags
//! a mismatch with the addressee as misrouted, reads the evidence the
//! scenario description names (a danger, vulnerable persons, harm done, an
//! earlier unanswered appeal) and applies its priority rule, and drafts a
//! reply marked as AI-generated.

mod evidence;

use govlab_sdk::AgentError;
use govlab_sdk::serde_json::{Value, json};
use govlab_textmodel::{Model, appeal_features};

pub use evidence::{Evidence, Gravity};

/// The category model's bytes.
const CATEGORY_MODEL: &[u8] = include_bytes!("../models/category.bin");
/// The priority model's bytes.
const PRIORITY_MODEL: &[u8] = include_bytes!("../models/priority.bin");

/// The category model trained on the practice split.
pub fn category_model() -> Result<Model, AgentError> {
    Model::from_bytes(CATEGORY_MODEL)
        .map_err(|err| AgentError::internal(format!("category model: {err}")))
}

/// The priority model trained on the practice split.
pub fn priority_model() -> Result<Model, AgentError> {
    Model::from_bytes(PRIORITY_MODEL)
        .map_err(|err| AgentError::internal(format!("priority model: {err}")))
}

/// `(category, Madrid unit, Kazakh body kind)`, from `appeal_categories.csv`.
const CATEGORIES: &[(&str, &str, &str)] = &[
    ("roads", "AG-OEQ", "roads_transport"),
    ("street_lighting", "AG-OEQ", "housing_utilities"),
    ("waste_cleaning", "AG-UMM", "housing_utilities"),
    ("green_areas", "AG-UMM", "akimat"),
    ("public_transport", "EM-EMT", "roads_transport"),
    ("traffic_parking", "AG-UMM", "police"),
    ("noise", "AG-UMM", "ecology"),
    ("air_quality", "AG-UMM", "ecology"),
    ("taxes", "OA-ATM", "state_revenue"),
    ("social_services", "AG-PSF", "social_protection"),
    ("public_health", "OA-MSA", "health"),
    ("education", "JMD", "education"),
    ("housing", "EM-EMVS", "housing_utilities"),
    ("public_safety", "PM", "police"),
    ("culture_sports", "JMD", "culture_sports"),
    ("citizen_services", "DG-ATC", "public_services"),
    ("employment", "OA-AEM", "social_protection"),
    ("animals", "OA-MSA", "akimat"),
];

/// What the triage reads from a case.
pub struct Appeal<'a> {
    /// The whole payload.
    pub case: &'a Value,
    /// The appeal or request record.
    pub record: &'a Value,
    /// A Madrid request (else a Kazakh appeal).
    pub madrid: bool,
    /// `kk`, `ru` or `es`.
    pub language: &'a str,
    /// The applicant's text.
    pub text: &'a str,
    /// The body it was sent to.
    pub addressee: &'a str,
    /// The appeal type (`type` or `tipo`).
    pub kind: &'a str,
}

impl<'a> Appeal<'a> {
    /// Reads the fields of an `appeals-triage` case.
    pub fn read(case: &'a Value) -> Result<Appeal<'a>, AgentError> {
        let record = agent_kit::object_field(case, "record")?;
        let madrid = agent_kit::str_field(case, "source")? == "madrid.requests";
        let field = |key: &str| record.get(key).and_then(Value::as_str).unwrap_or_default();
        Ok(if madrid {
            Appeal {
                case,
                record,
                madrid,
                language: "es",
                text: agent_kit::str_field(record, "texto")?,
                addressee: agent_kit::str_field(record, "unidad_destino")?,
                kind: field("tipo"),
            }
        } else {
            Appeal {
                case,
                record,
                madrid,
                language: agent_kit::str_field(record, "language")?,
                text: agent_kit::str_field(record, "text")?,
                addressee: agent_kit::str_field(record, "addressee_body")?,
                kind: field("type"),
            }
        })
    }

    /// The body responsible for `category` where this appeal comes from.
    pub fn route(&self, category: &str) -> Result<String, AgentError> {
        let (_, unit, kind) = CATEGORIES
            .iter()
            .find(|(code, _, _)| *code == category)
            .copied()
            .unwrap_or(("", "DG-ATC", "akimat"));
        Ok(if self.madrid {
            let district = agent_kit::str_field(self.record, "cod_distrito")?;
            if unit == "JMD" {
                format!("JMD-{district}")
            } else {
                unit.to_owned()
            }
        } else {
            format!(
                "{kind}:{}",
                agent_kit::str_field(self.record, "region_kato")?
            )
        })
    }

    /// The decision for a category and priority.
    pub fn decision(&self, category: &str, priority: &str) -> Result<Value, AgentError> {
        let body = self.route(category)?;
        Ok(json!({
            "category": category,
            "responsible_body": body,
            "priority": priority,
            "misrouted": self.addressee != body,
            "reply_draft": reply(self.language),
        }))
    }
}

/// Phrases that introduce a second, different issue (folded).
const SECOND_ISSUE: &[&str] = &[
    "кроме того",
    "также хочу сообщить",
    "и еще один вопрос",
    "пользуясь случаем",
    "отдельно прошу обратить",
    "отдельно обращаю",
    "сонымен катар",
    "тагы бир масе",
    "айта кетейин",
    "коса айтайын",
    "ademas,",
    "aprovecho para comentar",
    "por otro lado",
    "otra cosa:",
];

/// The text up to the first phrase that opens a second issue.
fn first_issue(folded: &str) -> &str {
    let cut = SECOND_ISSUE
        .iter()
        .filter_map(|marker| folded.find(marker))
        .min()
        .unwrap_or(folded.len());
    &folded[..cut]
}

fn reply(language: &str) -> Value {
    let text = match language {
        "kk" => {
            "Өтінішіңіз тіркелді және жауапты органға жіберілді. Бұл жауапты жасанды интеллект дайындаған."
        }
        "ru" => {
            "Ваше обращение зарегистрировано и направлено в ответственный орган. Ответ подготовлен искусственным интеллектом."
        }
        _ => {
            "Su solicitud ha sido registrada y enviada a la unidad responsable. Respuesta generada por inteligencia artificial."
        }
    };
    json!({"language": language, "text": text, "ai_generated": true})
}

/// The competent decision on an `appeals-triage` case.
pub fn triage(case: &Value) -> Result<Value, AgentError> {
    let appeal = Appeal::read(case)?;
    // Kazakh appeals may come in the 2021 Latin alphabet: read them in
    // Cyrillic, the script the models and the evidence phrases use.
    let text = agent_kit::kazakh_cyrillic(appeal.language, appeal.text);
    let folded = govlab_textmodel::fold(&text);
    // Classify the first issue only, with the structured fields.
    let mut first = case.clone();
    let key = if appeal.madrid { "texto" } else { "text" };
    if let Some(record) = first.get_mut("record").and_then(Value::as_object_mut) {
        record.insert(key.to_owned(), Value::from(first_issue(&folded)));
    }
    let category = category_model()?
        .predict(&appeal_features(&first))
        .to_owned();
    let gravity = Gravity::of(appeal.kind);
    let priority = Evidence::read(&folded).priority(gravity);
    appeal.decision(&category, priority)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_first_issue_ends_where_a_second_one_starts() {
        let text = govlab_textmodel::fold("Hay un bache. Además, las farolas no van.");
        assert_eq!(first_issue(&text), "hay un bache. ");
        assert_eq!(first_issue("solo un tema"), "solo un tema");
    }

    #[test]
    fn the_embedded_models_load() {
        let category = category_model().unwrap();
        assert_eq!(category.classes().len(), CATEGORIES.len());
        let priority = priority_model().unwrap();
        assert_eq!(priority.classes(), ["high", "low", "medium", "urgent"]);
    }
}
