//! Tests of the triage rules on real-looking appeals in Spanish, Russian
//! and Kazakh (`testdata/appeals.jsonl`), and of the decision's contract.

#![allow(clippy::unwrap_used)]

use govlab_sdk::serde_json::{self, Value, json};
use govlab_sdk::{ErrorKind, decide_json};

use super::*;

/// One line of `testdata/appeals.jsonl`: a case and the decision fields it
/// must get (`language` is the reply's language).
fn cases() -> Vec<(String, Value, Value)> {
    include_str!("../testdata/appeals.jsonl")
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let row: Value = serde_json::from_str(line).unwrap();
            (
                row["name"].as_str().unwrap().to_owned(),
                row["case"].clone(),
                row["expect"].clone(),
            )
        })
        .collect()
}

#[test]
fn appeals_in_three_languages_are_triaged() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 30, "{}", cases.len());
    for (name, case, expect) in &cases {
        let decision = triage(case);
        for (key, want) in expect.as_object().unwrap() {
            let got = if key == "language" {
                &decision["reply_draft"]["language"]
            } else {
                &decision[key]
            };
            if got != want {
                failures.push(format!("{name}: {key} = {got}, want {want}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn decisions_follow_the_scenario_output_schema() {
    let allowed = [
        "category",
        "responsible_body",
        "priority",
        "misrouted",
        "confidence",
        "reply_draft",
    ];
    for (name, case, _) in cases() {
        let decision = triage(&case);
        let object = decision.as_object().unwrap();
        for key in object.keys() {
            assert!(
                allowed.contains(&key.as_str()),
                "{name}: unexpected key {key}"
            );
        }
        assert!(
            routing::category(decision["category"].as_str().unwrap()).is_some(),
            "{name}"
        );
        assert!(
            ["low", "medium", "high", "urgent"].contains(&decision["priority"].as_str().unwrap()),
            "{name}"
        );
        let confidence = decision["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&confidence), "{name}: {confidence}");
        let reply = &decision["reply_draft"];
        assert_eq!(reply["ai_generated"], json!(true), "{name}");
        let language = Language::from_code(reply["language"].as_str().unwrap()).unwrap();
        let text = reply["text"].as_str().unwrap();
        assert!(text.starts_with(reply::label(language)), "{name}: {text}");
        assert!(text.chars().count() <= 4000, "{name}");
    }
}

#[test]
fn replies_never_repeat_the_applicant_identifiers() {
    let case = json!({
        "case_id": "c1",
        "source": "kz.appeals",
        "record": {
            "id": "OT-2025-0000001", "type": "complaint", "language": "ru",
            "applicant_iin": "900101300007", "applicant_name": "Сарсенбаев Ерлан",
            "region_kato": "750000000", "addressee_body": "akimat:750000000",
            "text": "Я, Сарсенбаев Ерлан, ИИН 900101300007, жалуюсь: мусор не вывозят."
        }
    });
    let out = triage(&case).to_string();
    assert!(!out.contains("900101300007"), "{out}");
    assert!(!out.contains("Сарсенбаев"), "{out}");
}

#[test]
fn the_lexicon_parses_completely() {
    let text = include_str!("lexicon.txt");
    let rule_lines = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .count();
    let rules = lexicon();
    assert_eq!(rules.len(), rule_lines, "a lexicon line did not parse");
    // The tables `build.rs` generated are the lexicon as parsed and folded
    // by the agent's own code.
    let source = lexicon_source::parse_lexicon(text);
    assert_eq!(rules.len(), source.len());
    for (rule, want) in rules.iter().zip(&source) {
        assert_eq!(rule.target, want.target);
        assert_eq!(
            rule.weight.to_bits(),
            want.weight.to_bits(),
            "{}",
            want.target
        );
        let terms: Vec<lexicon_source::TermSource> = rule
            .terms
            .iter()
            .map(|term| {
                term.stems
                    .iter()
                    .map(|stem| (stem.chars.iter().collect(), stem.whole_word))
                    .collect()
            })
            .collect();
        assert_eq!(terms, want.terms, "{}", want.target);
    }
    for rule in rules {
        let known = routing::category(rule.target).is_some()
            || ["!urgent", "!high", "!low", "!heating", "!winter"].contains(&rule.target);
        assert!(known, "unknown lexicon target {}", rule.target);
        assert!(!rule.terms.is_empty(), "{} has no terms", rule.target);
    }
    for category in routing::CATEGORIES {
        assert!(
            rules.iter().any(|rule| rule.target == category.code),
            "no terms for {}",
            category.code
        );
    }
}

#[test]
fn a_case_without_text_goes_to_citizen_services_with_low_confidence() {
    let decision = triage(&json!({"country": "KZ", "region_kato": "750000000"}));
    assert_eq!(decision["category"], "citizen_services");
    assert_eq!(decision["responsible_body"], "public_services:750000000");
    assert_eq!(decision["priority"], "medium");
    assert_eq!(decision["misrouted"], false);
    assert!(decision["confidence"].as_f64().unwrap() < 0.2, "{decision}");
    // Not even an object: still a decision, never a panic.
    assert_eq!(triage(&json!([1, 2]))["category"], "citizen_services");
}

#[test]
fn the_agent_checks_scenario_and_text() {
    let err = decide_json::<AppealsTriage>("air-quality-alerts", "{}").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unsupported);
    let err = decide_json::<AppealsTriage>("appeals-triage", r#"{"country":"ES"}"#).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    let out = decide_json::<AppealsTriage>(
        "appeals-triage",
        r#"{"text":"Hay un bache","country":"ES"}"#,
    )
    .unwrap();
    let decision: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(decision["category"], "roads");
}
