//! Data-driven conversion cases: `tests/data/cases/*.json`, each with
//! `from`, `to`, `input`, and either `expect` (JSON pointer → value) or
//! `error` (the rule id of the failing finding), plus the rule ids of all
//! findings in order.

use govlab_adapters::{AdapterError, Adapters, ConvertConfig};
use serde_json::Value;

fn check(path: &std::path::Path, adapters: &Adapters) -> Result<(), String> {
    let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let from = case["from"].as_str().unwrap();
    let to = case["to"].as_str().unwrap();
    let want_findings: Vec<&str> = case["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let result = adapters.convert_with(from, to, &case["input"], &ConvertConfig::default());
    match (result, case.get("error")) {
        (Ok(conversion), None) => {
            let mut problems = Vec::new();
            for (pointer, want) in case["expect"].as_object().unwrap() {
                let got = conversion.value.pointer(pointer).unwrap_or(&Value::Null);
                if got != want {
                    problems.push(format!("{pointer}: got {got}, want {want}"));
                }
            }
            let got_findings: Vec<&str> = conversion
                .findings
                .iter()
                .map(|f| f.rule_id.as_str())
                .collect();
            if got_findings != want_findings {
                problems.push(format!(
                    "findings: got {got_findings:?}, want {want_findings:?} ({:?})",
                    conversion.findings
                ));
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("\n  "))
            }
        }
        (Err(AdapterError::Record { findings, .. }), Some(error)) => {
            let got: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
            if findings.first().map(|f| f.rule_id.as_str()) != error.as_str() {
                return Err(format!("first finding {got:?}, want {error}"));
            }
            let mut got_sorted = got.clone();
            got_sorted.sort_unstable();
            let mut want_sorted = want_findings.clone();
            want_sorted.sort_unstable();
            if got_sorted != want_sorted {
                return Err(format!("findings: got {got:?}, want {want_findings:?}"));
            }
            Ok(())
        }
        (Ok(conversion), Some(error)) => {
            Err(format!("expected error {error}, got {}", conversion.value))
        }
        (Err(err), _) => Err(format!("unexpected error: {err}")),
    }
}

#[test]
fn conversion_cases() {
    let adapters = Adapters::shared().unwrap();
    let mut paths: Vec<_> = std::fs::read_dir(crate::data("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "cases went missing");
    let failures: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            check(p, &adapters)
                .err()
                .map(|e| format!("{}:\n  {e}", p.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
