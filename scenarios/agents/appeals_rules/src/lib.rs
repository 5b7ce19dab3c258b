//! The competent `appeals-triage` rules, shared by the `appeals_competent`
//! reference agent and the `name_biased` test agent (which changes their
//! priorities on purpose): classifies the category from keyword stems
//! learnt on the practice split (and Madrid's Avisos service codes),
//! derives the responsible body from the category and region, flags a
//! mismatch with the addressee as misrouted, reads urgency markers, and
//! drafts a short reply marked as AI-generated. Kazakh text in the 2021
//! Latin alphabet is read back in Cyrillic first.

mod keywords;

use govlab_sdk::AgentError;
use govlab_sdk::serde_json::{Value, json};

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

/// Madrid's Avisos service codes and their categories.
const AVISOS: &[(&str, &str)] = &[
    ("AV-CALZADA", "roads"),
    ("AV-ACERA", "roads"),
    ("AV-ALUMBRADO", "street_lighting"),
    ("AV-CONTENEDOR", "waste_cleaning"),
    ("AV-LIMPIEZA", "waste_cleaning"),
    ("AV-MUEBLES", "waste_cleaning"),
    ("AV-ARBOL", "green_areas"),
    ("AV-VEHICULO", "traffic_parking"),
    ("AV-SEMAFORO", "traffic_parking"),
    ("AV-ANIMAL", "animals"),
    ("AV-PLAGA", "public_health"),
];

/// Phrases citizens add when something is urgent.
const URGENCY: &[&str] = &[
    "urgente",
    "peligro",
    "accidente",
    "срочно",
    "угроза жизни",
    "критическ",
    "шұғыл",
    "өмірге қауіп",
];

/// The category whose stems the text matches most (ties: the earlier one).
fn classify(language: &str, text: &str) -> Option<&'static str> {
    let stems = agent_kit::stems(text);
    let mut best: Option<(&'static str, usize)> = None;
    for (lang, category, keywords) in keywords::KEYWORDS {
        if *lang != language {
            continue;
        }
        let hits = stems
            .iter()
            .filter(|stem| keywords.contains(&stem.as_str()))
            .count();
        if hits > 0 && best.is_none_or(|(_, most)| hits > most) {
            best = Some((category, hits));
        }
    }
    best.map(|(category, _)| category)
}

fn priority(urgent_prone: bool, marked: bool, calm: bool) -> &'static str {
    match (calm, marked, urgent_prone) {
        (true, _, _) => "low",
        (_, true, true) => "urgent",
        (_, true, false) => "high",
        _ => "medium",
    }
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
    let record = agent_kit::object_field(case, "record")?;
    let source = agent_kit::str_field(case, "source")?;
    let madrid = source == "madrid.requests";
    let (text, language, addressee) = if madrid {
        (
            agent_kit::str_field(record, "texto")?,
            "es",
            agent_kit::str_field(record, "unidad_destino")?,
        )
    } else {
        (
            agent_kit::str_field(record, "text")?,
            agent_kit::str_field(record, "language")?,
            agent_kit::str_field(record, "addressee_body")?,
        )
    };
    // Kazakh appeals may come in the 2021 Latin alphabet: read them in
    // Cyrillic, the script of the keyword stems and urgency markers.
    let text = agent_kit::kazakh_cyrillic(language, text);
    let text = text.as_ref();
    let from_service = record
        .get("service_code")
        .and_then(Value::as_str)
        .and_then(|code| {
            AVISOS
                .iter()
                .find(|(av, _)| *av == code)
                .map(|(_, category)| *category)
        });
    let category = from_service
        .or_else(|| classify(language, text))
        .unwrap_or("citizen_services");
    let (_, unit, kind) = CATEGORIES
        .iter()
        .find(|(code, _, _)| *code == category)
        .copied()
        .unwrap_or(("", "DG-ATC", "akimat"));
    let body = if madrid {
        let district = agent_kit::str_field(record, "cod_distrito")?;
        if unit == "JMD" {
            format!("JMD-{district}")
        } else {
            unit.to_owned()
        }
    } else {
        format!("{kind}:{}", agent_kit::str_field(record, "region_kato")?)
    };
    let folded = agent_kit::fold(text);
    let marked = URGENCY.iter().any(|marker| folded.contains(marker));
    let priority = if madrid {
        let tipo = record
            .get("tipo")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let prone = tipo == "aviso"
            && matches!(
                category,
                "public_safety" | "traffic_parking" | "roads" | "green_areas" | "public_health"
            );
        priority(prone, marked, tipo == "felicitacion")
    } else {
        let kind = record
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let prone = matches!(
            category,
            "public_safety" | "housing" | "animals" | "public_health"
        );
        priority(prone, marked, kind == "response")
    };
    Ok(json!({
        "category": category,
        "responsible_body": body,
        "priority": priority,
        "misrouted": addressee != body,
        "reply_draft": reply(language),
    }))
}
