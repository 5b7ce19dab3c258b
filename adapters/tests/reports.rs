//! Interoperability reports over realistic fixture records: coverage,
//! information loss, round-trip fidelity, validation rates, top findings,
//! JSON and table output.

use govlab_adapters::{Adapters, CheckConfig, InputRecord, Status};

fn report(from: &str, to: &str, file: &str) -> govlab_adapters::InteropReport {
    Adapters::shared()
        .unwrap()
        .check(from, to, crate::jsonl(file), &CheckConfig::default())
        .unwrap()
}

fn fidelity(report: &govlab_adapters::InteropReport, field: &str) -> (usize, usize) {
    report
        .round_trip
        .fields
        .iter()
        .find(|f| f.field == field)
        .map(|f| (f.equal, f.compared))
        .unwrap_or_else(|| panic!("no round-trip field {field}"))
}

#[test]
fn madrid_requests_to_kazakh_appeals() {
    let r = report("madrid.request", "kz.appeal", "madrid_requests.jsonl");
    assert_eq!((r.records, r.mapped, r.failed), (4, 4, 0));
    assert_eq!(r.canonical, "canonical.appeal");
    assert_eq!(r.validation.source.passed, 4);
    // Madrid requests have no applicant, region or Kazakh body.
    assert_eq!(r.validation.target.passed, 0);
    assert_eq!(r.status, Status::Failure);
    // Times survive the trip through UTC+5 exactly; dates of deadlines do not keep the hour.
    assert_eq!(fidelity(&r, "/requestedDatetime"), (4, 4));
    assert_eq!(fidelity(&r, "/description"), (4, 4));
    assert_eq!(fidelity(&r, "/requestType"), (4, 4));
    assert_eq!(fidelity(&r, "/expectedDatetime").0, 0);
    assert_eq!(
        fidelity(&r, "/language"),
        (0, 4),
        "e-Otinish has no Spanish"
    );
    assert_eq!(fidelity(&r, "/agencyResponsible"), (0, 4));
    // What cannot be represented in kz.appeal is listed as loss.
    let lost: Vec<(&str, &str)> = r
        .information_loss
        .iter()
        .map(|l| (l.hop.as_str(), l.field.as_str()))
        .collect();
    assert!(
        lost.contains(&("canonical.appeal → kz.appeal", "/location/lat")),
        "{lost:?}"
    );
    assert!(
        lost.contains(&("canonical.appeal → kz.appeal", "/status")),
        "{lost:?}"
    );
    // Every Madrid field is read by the mapping.
    assert_eq!(
        r.coverage.fields_used, r.coverage.fields_present,
        "{:?}",
        r.coverage.fields
    );
    let top = &r.top_findings[0];
    assert_eq!(top.severity, govlab_adapters::Severity::Error);
    assert!(top.rule_id.starts_with("GL-SCHEMA-"), "{top:?}");
}

#[test]
fn kazakh_appeals_round_trip_through_madrid() {
    let r = report("kz.appeal", "madrid.request", "kz_appeals.jsonl");
    assert_eq!((r.records, r.mapped), (3, 3));
    assert_eq!(r.validation.source.passed, 3);
    assert_eq!(fidelity(&r, "/requestedDatetime"), (3, 3));
    assert_eq!(
        fidelity(&r, "/expectedDatetime"),
        (3, 3),
        "full date-times survive Madrid"
    );
    assert_eq!(
        fidelity(&r, "/applicant/familyName"),
        (0, 3),
        "Madrid has no applicant"
    );
    assert!(r.information_loss.iter().any(
        |l| l.hop == "canonical.appeal → madrid.request" && l.field == "/applicant/identifier"
    ));
}

#[test]
fn residents_to_citizens_measure_the_second_surname() {
    let r = report("madrid.resident", "kz.citizen", "madrid_residents.jsonl");
    assert_eq!((r.records, r.mapped, r.failed), (4, 4, 0));
    assert_eq!(r.validation.source.passed, 4);
    // The second surname merges into surname_latin and splits back only
    // for Spanish citizens: fidelity is exact for them, and the Kazakh
    // residents have none.
    assert_eq!(fidelity(&r, "/matronymicName"), (2, 2));
    assert_eq!(fidelity(&r, "/familyName"), (4, 4));
    assert_eq!(
        fidelity(&r, "/identifier/*/notation"),
        (0, 4),
        "DNI/NIE do not fit kz.citizen"
    );
    assert_eq!(fidelity(&r, "/residency/locatorDesignator/floor").0, 0);
    assert!(
        r.information_loss
            .iter()
            .any(|l| l.field == "/residency/locatorDesignator/floor" && l.records == 3)
    );
}

#[test]
fn citizens_to_residents_lose_patronymics_and_scripts() {
    let r = report("kz.citizen", "madrid.resident", "kz_citizens.jsonl");
    assert_eq!((r.records, r.mapped), (3, 3));
    assert_eq!(r.validation.source.passed, 3);
    assert!(
        r.information_loss
            .iter()
            .any(|l| l.field == "/patronymicName" && l.records == 2)
    );
    assert!(
        r.information_loss
            .iter()
            .any(|l| l.field == "/alternativeName/kk/familyName")
    );
    assert_eq!(fidelity(&r, "/birthDate"), (3, 3));
    assert_eq!(
        fidelity(&r, "/matronymicName"),
        (1, 1),
        "the Spanish citizen keeps López"
    );
}

#[test]
fn air_rows_round_trip_hour_by_hour() {
    let r = report("madrid.air", "kz.air", "madrid_air.jsonl");
    assert_eq!((r.records, r.mapped, r.failed), (3, 3, 0));
    assert_eq!(r.validation.source.passed, 3);
    // kz.air knows only Almaty and Astana (and not O3): no Madrid row validates there.
    assert_eq!(r.validation.target.passed, 0);
    assert!(
        r.top_findings
            .iter()
            .any(|f| f.rule_id == "GL-SCHEMA-ENUM" && f.example_location == "/0/city")
    );
    assert_eq!(
        fidelity(&r, "/*/station/id"),
        (71, 71),
        "qualified Madrid ids survive kz.air"
    );
    assert_eq!(
        fidelity(&r, "/*/time"),
        (71, 71),
        "23 hours on the spring-forward day"
    );
    assert_eq!(fidelity(&r, "/*/value"), (71, 71));
    assert_eq!(fidelity(&r, "/*/samplingPoint"), (0, 71));
    assert!(
        r.top_findings
            .iter()
            .any(|f| f.rule_id == "GL-MAP-TIME-SKIPPED" && f.count == 1)
    );
    let r = report("kz.air", "madrid.air", "kz_air.jsonl");
    assert_eq!(r.failed, 3, "Kazakh stations have no Madrid code");
}

#[test]
fn unreadable_lines_are_counted_not_dropped() {
    let adapters = Adapters::shared().unwrap();
    let mut records = crate::jsonl("kz_air.jsonl");
    records.push(InputRecord {
        line: 4,
        value: Err("expected value at line 1 column 1".to_owned()),
    });
    let r = adapters
        .check(
            "kz.air",
            "canonical.observation",
            records,
            &CheckConfig::default(),
        )
        .unwrap();
    assert_eq!((r.records, r.unreadable, r.mapped), (4, 1, 3));
    assert!(!r.round_trip.available);
    let input = r
        .top_findings
        .iter()
        .find(|f| f.rule_id == "GL-INPUT-JSON")
        .unwrap();
    assert_eq!(input.example_line, 4);
}

#[test]
fn report_renders_as_json_and_table() {
    let r = report("madrid.request", "kz.appeal", "madrid_requests.jsonl");
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["status"], "FAILURE");
    assert_eq!(json["validation"]["source"]["rate"], 1.0);
    assert!(json["top_findings"][0]["rule_id"].is_string());
    let table = r.render_table();
    for section in [
        "interoperability report: madrid.request → kz.appeal (via canonical.appeal)",
        "source field coverage",
        "round-trip field fidelity",
        "information loss",
        "round trip: fields that change",
        "top findings",
    ] {
        assert!(table.contains(section), "missing {section}:\n{table}");
    }
}
