//! Small helpers the reference agents share: text folding and stems, and
//! typed access to JSON payload fields.

use govlab_sdk::AgentError;
use govlab_sdk::serde_json::Value;

/// Lower case with Spanish accents and `ё` folded, so noisy text compares.
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

/// A string field of an object, or an `invalid_input` error naming it.
pub fn str_field<'a>(value: &'a Value, key: &str) -> Result<&'a str, AgentError> {
    value
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| AgentError::invalid_input(format!("the case has no `{key}` string")))
}

/// An object field, or an `invalid_input` error naming it.
pub fn object_field<'a>(value: &'a Value, key: &str) -> Result<&'a Value, AgentError> {
    value
        .get(key)
        .filter(|field| field.is_object())
        .ok_or_else(|| AgentError::invalid_input(format!("the case has no `{key}` object")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_fold_accents_and_case() {
        assert_eq!(
            stems("Contaminación ALTA en Madrid"),
            vec!["contam", "alta", "madrid"]
        );
        assert_eq!(fold("Ёлка"), "елка");
    }
}
