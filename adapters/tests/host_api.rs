//! The API the sandbox's host hook calls: `Adapters::convert` over named
//! schemas and `codelists::lookup`, shared across threads.

use std::sync::Arc;

use govlab_adapters::{
    AdapterError, Adapters, ConvertConfig, MAX_SCHEMA_FINDINGS, MAX_SCHEMA_MESSAGE_BYTES,
    codelists, lookup, schema_names,
};
use serde_json::json;

fn request() -> serde_json::Value {
    json!({"id":"MAD-2025-0000001","tipo":"reclamacion","canal":"web","service_code":null,
        "service_name":null,"cod_distrito":"01","direccion":"Calle de Toledo 12","lat":40.41,
        "lon":-3.707,"texto":"Farola apagada.","fecha_registro":"2025-03-04T10:15:00+01:00",
        "fecha_respuesta":null,"fecha_limite":"2025-06-04T10:15:00+02:00","estado":"respondida",
        "unidad_destino":"AG-OEQ"})
}

#[test]
fn adapters_are_send_sync_and_shared() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Adapters>();
    let first = Adapters::shared().unwrap();
    let second = Adapters::shared().unwrap();
    assert!(Arc::ptr_eq(&first, &second), "loaded once");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let adapters = Arc::clone(&first);
            std::thread::spawn(move || {
                adapters
                    .convert("madrid.request", "kz.appeal", &request())
                    .unwrap()
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap()["type"], "complaint");
    }
}

#[test]
fn every_named_schema_is_routable_within_its_family() {
    let adapters = Adapters::shared().unwrap();
    let families = [
        ["madrid.resident", "canonical.person", "kz.citizen"],
        ["madrid.request", "canonical.appeal", "kz.appeal"],
        ["madrid.air", "canonical.observation", "kz.air"],
    ];
    for family in families {
        for from in family {
            for to in family {
                if from != to {
                    let listed = adapters
                        .mappings()
                        .iter()
                        .any(|m| m.from == from && m.to == to);
                    let direct = from.starts_with("canonical.") || to.starts_with("canonical.");
                    assert_eq!(listed, direct, "{from} → {to}");
                }
            }
        }
    }
    for name in [
        "madrid.resident",
        "canonical.person",
        "kz.citizen",
        "madrid.request",
        "canonical.appeal",
        "kz.appeal",
        "madrid.air",
        "canonical.observation",
        "kz.air",
        "canonical.public_service",
    ] {
        assert!(schema_names().contains(&name), "{name}");
    }
}

#[test]
fn unknown_schemas_and_missing_routes_say_what_to_do() {
    let adapters = Adapters::shared().unwrap();
    let err = adapters
        .convert("madrid.requests", "kz.appeal", &request())
        .unwrap_err();
    assert!(matches!(err, AdapterError::UnknownSchema { .. }));
    assert!(
        err.to_string().starts_with(
            "unknown schema 'madrid.requests' (did you mean 'madrid.request'? schema names are singular, dataset names plural); known schemas are: madrid.resident"
        ),
        "{err}"
    );
    // A slip of a letter or two is caught too; a name far from every
    // schema gets the list alone.
    let err = adapters
        .convert("kz.apeal", "madrid.request", &request())
        .unwrap_err();
    assert!(
        err.to_string().contains("did you mean 'kz.appeal'?"),
        "{err}"
    );
    let err = adapters
        .convert("weather", "madrid.request", &request())
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("unknown schema 'weather'; known schemas are:"),
        "{err}"
    );
    let err = adapters
        .convert("madrid.request", "kz.citizen", &request())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no mapping from madrid.request to kz.citizen; run `govlab adapters list` to see the pairs"
    );
}

#[test]
fn record_errors_name_the_field() {
    let adapters = Adapters::shared().unwrap();
    let mut bad = request();
    bad["tipo"] = json!("queja");
    bad["fecha_registro"] = json!("yesterday");
    let err = adapters
        .convert("madrid.request", "kz.appeal", &bad)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "record cannot be mapped from madrid.request to canonical.appeal: 'queja' for /requestType is not in code list appeal_types at /tipo (1 more errors)"
    );
}

#[test]
fn validation_on_request() {
    let adapters = Adapters::shared().unwrap();
    let config = ConvertConfig {
        validate_source: true,
        validate_target: true,
        provenance: false,
    };
    // Madrid → canonical is valid on both sides.
    adapters
        .convert_with("madrid.request", "canonical.appeal", &request(), &config)
        .unwrap();
    // Madrid → Kazakh cannot fill the region, body and applicant.
    let err = adapters
        .convert_with("madrid.request", "kz.appeal", &request(), &config)
        .unwrap_err();
    let AdapterError::Invalid { schema, findings } = err else {
        panic!("expected a validation error")
    };
    assert_eq!(schema, "kz.appeal");
    let locations: Vec<&str> = findings.iter().map(|f| f.location.as_str()).collect();
    assert!(locations.contains(&"/region_kato"), "{locations:?}");
    assert!(
        findings.iter().all(|f| f.rule_id.starts_with("GL-SCHEMA-")),
        "{findings:?}"
    );
    let region = findings
        .iter()
        .find(|f| f.location == "/region_kato")
        .unwrap();
    assert_eq!(region.rule_id, "GL-SCHEMA-TYPE");
    // A bad source is refused before mapping.
    let mut bad = request();
    bad["lat"] = json!("north");
    let err = adapters
        .convert_with("madrid.request", "kz.appeal", &bad, &config)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("record is not a valid madrid.request: "),
        "{err}"
    );
}

#[test]
fn provenance_names_source_fields_and_spec_lines() {
    let adapters = Adapters::shared().unwrap();
    let config = ConvertConfig {
        provenance: true,
        ..ConvertConfig::default()
    };
    let conversion = adapters
        .convert_with("madrid.request", "kz.appeal", &request(), &config)
        .unwrap();
    assert_eq!(conversion.provenance.len(), 2);
    let (hop, fields) = &conversion.provenance[0];
    assert_eq!(hop, "madrid.request → canonical.appeal");
    let requested = fields
        .iter()
        .find(|p| p.target == "/requestedDatetime")
        .unwrap();
    assert_eq!(requested.sources, vec!["/fecha_registro"]);
    assert!(
        requested
            .rule
            .starts_with("mappings/madrid_request_to_appeal.toml:")
    );
    let language = fields.iter().find(|p| p.target == "/language").unwrap();
    assert_eq!(language.how, "constant");
    let (_, kz) = &conversion.provenance[1];
    let body = kz.iter().find(|p| p.target == "/addressee_body").unwrap();
    assert_eq!(body.how, "code-default");
    assert_eq!(body.sources, vec!["/agencyResponsible"]);
}

#[test]
fn codelist_lookup_for_agents() {
    let entry = lookup("kato_regions", "750000000").unwrap();
    assert_eq!(entry.code, "750000000");
    assert!(
        entry
            .labels
            .contains(&("kk".to_owned(), "Алматы".to_owned()))
    );
    assert!(
        entry
            .labels
            .contains(&("kk-Latn".to_owned(), "Almaty".to_owned()))
    );
    let district = lookup("madrid_districts", "13").unwrap();
    assert_eq!(
        district.labels,
        vec![("es".to_owned(), "Puente de Vallecas".to_owned())]
    );
    assert!(lookup("pollutants", "8").is_some());
    assert!(
        lookup("pollutants", "NO2").is_none(),
        "keyed by Madrid magnitude"
    );
    assert!(codelists::list_names().contains(&"appeal_categories"));
    assert!(lookup("kz_bodies", "ecology:750000000").is_some());
}

#[test]
fn owned_conversion_gives_the_same_records() {
    let adapters = Adapters::shared().unwrap();
    let pairs = [
        ("madrid_residents.jsonl", "madrid.resident", "kz.citizen"),
        (
            "madrid_residents.jsonl",
            "madrid.resident",
            "canonical.person",
        ),
        ("kz_citizens.jsonl", "kz.citizen", "madrid.resident"),
        ("madrid_requests.jsonl", "madrid.request", "kz.appeal"),
        ("kz_appeals.jsonl", "kz.appeal", "madrid.request"),
        ("madrid_air.jsonl", "madrid.air", "kz.air"),
        ("kz_air.jsonl", "kz.air", "canonical.observation"),
    ];
    for (file, from, to) in pairs {
        for record in crate::jsonl(file) {
            let value = record.value.unwrap();
            let borrowed = adapters.convert(from, to, &value).unwrap();
            let owned = adapters.convert_owned(from, to, value).unwrap();
            assert_eq!(borrowed, owned, "{file} line {} {from} → {to}", record.line);
        }
    }
}

#[test]
fn a_record_built_to_fail_every_rule_gets_a_bounded_list_of_short_findings() {
    // 6,000 hours where the schema allows 24, each of them wrong twice: the
    // findings an agent can make the host build through `convert` stay few
    // and short, whatever the record's size.
    let hours: Vec<_> = (0..6_000)
        .map(|_| json!({"valor": -1, "validez": "X", "extra": "y".repeat(40)}))
        .collect();
    let record = json!({"provincia": "28", "municipio": "079", "estacion": "008",
        "magnitud": "08", "punto_muestreo": "28079008_8_8", "ano": 2024, "mes": 3, "dia": 5,
        "horas": hours});
    let adapters = Adapters::shared().unwrap();
    let outcome = adapters.validate("madrid.air", &record).unwrap();
    assert_eq!(outcome.findings.len(), MAX_SCHEMA_FINDINGS);
    for finding in &outcome.findings {
        assert!(
            finding.message.len() <= MAX_SCHEMA_MESSAGE_BYTES + '…'.len_utf8(),
            "{} bytes",
            finding.message.len()
        );
    }
}
