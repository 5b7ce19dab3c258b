//! Reports over records from the datasets generator (`govlab-scenarios`,
//! a dev-dependency only): the generator's records validate against the
//! dataset schemas, map to the canonical model without errors, and the
//! round trip keeps what both sides can represent.

use govlab_adapters::{Adapters, CheckConfig, InputRecord, InteropReport};
use govlab_scenarios::datasets::{self, Dataset, GenConfig, PRACTICE_SEED, Split};

fn generated(dataset: Dataset, n: u64) -> Vec<InputRecord> {
    let config = GenConfig::new(dataset, Split::Practice, PRACTICE_SEED);
    datasets::records(&config, 0..n)
        .enumerate()
        .map(|(i, generated)| InputRecord {
            line: i + 1,
            value: Ok(generated.record.to_json()),
        })
        .collect()
}

fn report(dataset: Dataset, from: &str, to: &str, n: u64) -> InteropReport {
    Adapters::shared()
        .unwrap()
        .check(from, to, generated(dataset, n), &CheckConfig::default())
        .unwrap()
}

fn fidelity(report: &InteropReport, field: &str) -> f64 {
    report
        .round_trip
        .fields
        .iter()
        .find(|f| f.field == field)
        .map(|f| f.ratio)
        .unwrap_or_else(|| panic!("no round-trip field {field}"))
}

fn errors_of_first_hop(report: &InteropReport) -> Vec<String> {
    let hop = format!("{} → {}", report.from, report.canonical);
    report
        .top_findings
        .iter()
        .filter(|f| f.stage == hop && f.severity == govlab_adapters::Severity::Error)
        .map(|f| format!("{} x{}: {}", f.rule_id, f.count, f.example_message))
        .collect()
}

#[test]
fn generated_madrid_requests_to_kazakh_appeals() {
    let r = report(Dataset::MadridRequests, "madrid.request", "kz.appeal", 300);
    assert_eq!(r.validation.source.passed, 300, "{:?}", r.top_findings);
    assert!(
        errors_of_first_hop(&r).is_empty(),
        "{:?}",
        errors_of_first_hop(&r)
    );
    assert_eq!(r.mapped, 300);
    assert_eq!(fidelity(&r, "/requestedDatetime"), 1.0);
    assert_eq!(fidelity(&r, "/requestType"), 1.0);
    assert_eq!(fidelity(&r, "/description"), 1.0);
    assert_eq!(r.coverage.ratio, 1.0, "{:?}", r.coverage.fields);
}

#[test]
fn generated_kazakh_appeals_to_madrid_requests() {
    let r = report(Dataset::KzAppeals, "kz.appeal", "madrid.request", 300);
    assert_eq!(r.validation.source.passed, 300, "{:?}", r.top_findings);
    assert!(
        errors_of_first_hop(&r).is_empty(),
        "{:?}",
        errors_of_first_hop(&r)
    );
    assert_eq!(r.mapped, 300);
    assert_eq!(fidelity(&r, "/requestedDatetime"), 1.0);
    assert_eq!(fidelity(&r, "/expectedDatetime"), 1.0);
}

#[test]
fn generated_people_both_ways() {
    let r = report(
        Dataset::MadridResidents,
        "madrid.resident",
        "kz.citizen",
        300,
    );
    assert_eq!(r.validation.source.passed, 300, "{:?}", r.top_findings);
    assert!(
        errors_of_first_hop(&r).is_empty(),
        "{:?}",
        errors_of_first_hop(&r)
    );
    let family = r
        .round_trip
        .fields
        .iter()
        .find(|f| f.field == "/familyName")
        .unwrap();
    assert_eq!(family.ratio, 1.0, "{family:?}");
    assert_eq!(fidelity(&r, "/birthDate"), 1.0);
    let r = report(Dataset::KzCitizens, "kz.citizen", "madrid.resident", 300);
    assert_eq!(r.validation.source.passed, 300, "{:?}", r.top_findings);
    assert!(
        errors_of_first_hop(&r).is_empty(),
        "{:?}",
        errors_of_first_hop(&r)
    );
    assert_eq!(fidelity(&r, "/givenName"), 1.0);
    assert_eq!(fidelity(&r, "/sex"), 1.0);
}

#[test]
fn generated_air_both_ways() {
    let r = report(Dataset::MadridAir, "madrid.air", "kz.air", 40);
    assert_eq!(r.validation.source.passed, 40, "{:?}", r.top_findings);
    assert!(
        errors_of_first_hop(&r).is_empty(),
        "{:?}",
        errors_of_first_hop(&r)
    );
    assert_eq!(fidelity(&r, "/*/time"), 1.0);
    assert_eq!(fidelity(&r, "/*/value"), 1.0);
    let r = report(Dataset::KzAir, "kz.air", "canonical.observation", 300);
    assert_eq!(r.validation.source.passed, 300, "{:?}", r.top_findings);
    assert_eq!(r.failed, 0, "{:?}", r.top_findings);
}
