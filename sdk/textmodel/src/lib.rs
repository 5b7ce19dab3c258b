//! Bag-of-words text classification, one definition for both sides: the
//! lab trains models on practice data (`govlab-scenarios`), agents compiled
//! to WebAssembly load them from bytes and predict. No I/O, no host crate:
//! this crate builds for `wasm32-wasip2` as well as for the host.
//!
//! - [`fold`] and [`stems`]: how a text is read (case, accents and Kazakh
//!   letters folded; six-letter stems of words of four letters or more).
//! - [`appeal_features`]: the tokens of an `appeals-triage` case.
//! - [`Model`]: multinomial logistic regression over binary token
//!   features, trained deterministically by [`Model::train`], stored by
//!   [`Model::to_bytes`] and read back by [`Model::from_bytes`].

mod model;

pub use model::{FormatError, Model, Training};

use serde_json::Value;

/// Lower case with Spanish accents, `ё` and the Kazakh letters folded to
/// their nearest Russian letter, so noisy text compares.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|ch| match ch {
            'á' | 'à' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            'ё' => 'е',
            'ә' => 'а',
            'ғ' => 'г',
            'қ' => 'к',
            'ң' => 'н',
            'ө' => 'о',
            'ұ' | 'ү' => 'у',
            'і' => 'и',
            'һ' => 'х',
            other => other,
        })
        .collect()
}

/// The stems (first six letters) of the words of at least four letters.
pub fn stems(text: &str) -> Vec<String> {
    fold(text)
        .split(|ch: char| !ch.is_alphabetic())
        .filter(|word| word.chars().count() >= 4)
        .map(|word| word.chars().take(6).collect())
        .collect()
}

/// The tokens of an `appeals-triage` case as the reference learned agent
/// and its trainer read it: the stems of the text (`texto` of a Madrid
/// request, `text` of a Kazakh appeal) and `field=value` tokens for the
/// source, language, type and Avisos service code.
pub fn appeal_features(case: &Value) -> Vec<String> {
    let record = case.get("record").unwrap_or(&Value::Null);
    let field = |key: &str| record.get(key).and_then(Value::as_str);
    let text = field("texto").or_else(|| field("text")).unwrap_or_default();
    let mut tokens = stems(text);
    let tagged = [
        ("source", case.get("source").and_then(Value::as_str)),
        ("language", field("language")),
        ("type", field("type").or_else(|| field("tipo"))),
        ("service", field("service_code")),
    ];
    for (name, value) in tagged {
        if let Some(value) = value {
            tokens.push(format!("{name}={value}"));
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn stems_fold_accents_case_and_kazakh_letters() {
        assert_eq!(
            stems("Contaminación ALTA en Madrid"),
            vec!["contam", "alta", "madrid"]
        );
        assert_eq!(fold("Ёлка"), "елка");
        assert_eq!(stems("Көшесінде шұңқыр"), vec!["кошеси", "шункыр"]);
    }

    #[test]
    fn appeal_features_tag_the_structured_fields() {
        let case = serde_json::json!({
            "source": "madrid.requests",
            "record": {"texto": "Farola apagada", "tipo": "aviso", "service_code": "AV-ALUMBRADO"}
        });
        assert_eq!(
            appeal_features(&case),
            vec![
                "farola",
                "apagad",
                "source=madrid.requests",
                "type=aviso",
                "service=AV-ALUMBRADO"
            ]
        );
    }
}
