//! Cross-dataset tests: schemas, determinism, splits, seeds and writing.

#![allow(clippy::unwrap_used)]

use super::*;

fn validator(schema: &str) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(schema).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::validator_for(&schema).unwrap()
}

fn rows_for(dataset: Dataset) -> u64 {
    match dataset {
        Dataset::KzFamilies => 600,
        Dataset::MadridAir => 1500,
        _ => 2500,
    }
}

#[test]
fn every_record_validates_against_its_schema() {
    for dataset in Dataset::ALL {
        let records_schema = validator(dataset.schema());
        let truth_schema = dataset.truth_schema().map(validator);
        assert_eq!(truth_schema.is_some(), dataset.has_truth(), "{dataset}");
        let config = GenConfig::new(dataset, Split::Practice, PRACTICE_SEED);
        for generated in records(&config, 0..rows_for(dataset)) {
            let json = generated.record.to_json();
            if let Some(error) = records_schema.iter_errors(&json).next() {
                panic!(
                    "{dataset} record {json} is invalid: {error} at {}",
                    error.instance_path()
                );
            }
            match (&truth_schema, &generated.truth) {
                (Some(schema), Some(truth)) => {
                    let json = truth.to_json();
                    if let Some(error) = schema.iter_errors(&json).next() {
                        panic!("{dataset} truth {json} is invalid: {error}");
                    }
                }
                (None, None) => {}
                _ => panic!("{dataset}: truth presence does not match has_truth"),
            }
        }
    }
}

#[test]
fn family_schema_lists_every_parameter() {
    let schema: serde_json::Value = serde_json::from_str(Dataset::KzFamilies.schema()).unwrap();
    let required: Vec<String> = schema["properties"]["params"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| name.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(required, *kz_families::PARAM_NAMES);
    assert!(required.len() >= 100, "{}", required.len());
}

fn bytes(config: WriteConfig) -> (Vec<u8>, Vec<u8>) {
    let (mut out, mut truth) = (Vec::new(), Vec::new());
    write(&config, &mut out, Some(&mut truth), &mut |_| {}).unwrap();
    (out, truth)
}

#[test]
fn same_seed_gives_same_bytes_whatever_the_threads() {
    for dataset in Dataset::ALL {
        let generate = GenConfig::new(dataset, Split::Practice, 42);
        let single = WriteConfig {
            threads: 1,
            chunk_rows: 64,
            ..WriteConfig::new(generate, 300)
        };
        let parallel = WriteConfig {
            threads: 3,
            chunk_rows: 7,
            ..single
        };
        let first = bytes(single);
        assert_eq!(first, bytes(parallel), "{dataset}");
        assert_eq!(first.0.iter().filter(|&&byte| byte == b'\n').count(), 300);
        let other_seed = WriteConfig {
            generate: GenConfig {
                seed: 43,
                ..generate
            },
            ..single
        };
        assert_ne!(first.0, bytes(other_seed).0, "{dataset}");
        let other_split = WriteConfig {
            generate: GenConfig {
                split: Split::Evaluation,
                ..generate
            },
            ..single
        };
        assert_ne!(first.0, bytes(other_split).0, "{dataset}");
    }
}

#[test]
fn ranges_generate_the_same_records_as_full_runs() {
    let config = GenConfig::new(Dataset::KzAppeals, Split::Practice, 5);
    let all: Vec<Generated> = records(&config, 0..50).collect();
    let tail: Vec<Generated> = records(&config, 30..50).collect();
    assert_eq!(&all[30..], &tail[..]);
    assert_eq!(generate(&config, 49), all[49]);
    let backwards: Vec<Generated> = records(&config, 0..50).rev().collect();
    assert_eq!(backwards.last(), all.first());
}

#[test]
fn truth_stays_out_of_inputs() {
    let generate = GenConfig::new(Dataset::KzFamilies, Split::Practice, 1);
    let (out, truth) = bytes(WriteConfig {
        threads: 1,
        ..WriteConfig::new(generate, 50)
    });
    let out = String::from_utf8(out).unwrap();
    for forbidden in ["risk", "top_factors", "RISK_WEIGHTS", "latent"] {
        assert!(!out.contains(forbidden), "input mentions {forbidden}");
    }
    assert_eq!(String::from_utf8(truth).unwrap().lines().count(), 50);
    let generate = GenConfig::new(Dataset::KzAppeals, Split::Practice, 1);
    let (out, _) = bytes(WriteConfig::new(generate, 50));
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains("correct_body") && !out.contains("misrouted"));
}

#[test]
fn csv_layouts_have_a_header_and_one_line_per_record() {
    for dataset in [
        Dataset::MadridResidents,
        Dataset::MadridRequests,
        Dataset::MadridAir,
    ] {
        let config = WriteConfig {
            format: Format::Csv,
            threads: 2,
            chunk_rows: 16,
            ..WriteConfig::new(GenConfig::new(dataset, Split::Practice, 8), 100)
        };
        let (out, _) = bytes(config);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
        assert_eq!(lines.len(), 101, "{dataset}");
        let columns = lines[0].split(';').count();
        for line in &lines[1..] {
            if dataset != Dataset::MadridRequests {
                assert_eq!(line.split(';').count(), columns, "{dataset}: {line}");
            }
        }
    }
    let air = WriteConfig {
        format: Format::Csv,
        ..WriteConfig::new(GenConfig::new(Dataset::MadridAir, Split::Practice, 8), 1)
    };
    let text = String::from_utf8(bytes(air).0).unwrap();
    assert!(
        text.starts_with(
            "PROVINCIA;MUNICIPIO;ESTACION;MAGNITUD;PUNTO_MUESTREO;ANO;MES;DIA;H01;V01;"
        )
    );
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("28;079;4;1;28079004_1_38;2025;01;01;000"),
        "zero-padded municipality, date and values as datos.madrid.es writes them"
    );
    let residents = WriteConfig {
        format: Format::Csv,
        ..WriteConfig::new(
            GenConfig::new(Dataset::MadridResidents, Split::Practice, 8),
            3,
        )
    };
    let text = String::from_utf8(bytes(residents).0).unwrap();
    let row = text.lines().nth(1).unwrap();
    assert!(
        row.starts_with('"')
            && row
                .split(';')
                .all(|cell| cell.starts_with('"') && cell.ends_with('"')),
        "{row}"
    );
}

#[test]
fn unsupported_format_is_refused() {
    let config = WriteConfig {
        format: Format::Csv,
        ..WriteConfig::new(GenConfig::new(Dataset::KzCitizens, Split::Practice, 8), 3)
    };
    let err = write(&config, &mut Vec::new(), None, &mut |_| {}).unwrap_err();
    assert_eq!(err.to_string(), "kz.citizens has no csv layout: use jsonl");
}

#[test]
fn splits_and_seeds_parse() {
    assert_eq!(parse_seed("1_000").unwrap(), 1000);
    assert!(matches!(parse_seed("abc"), Err(DatasetError::BadSeed(_))));
    assert_eq!("eval".parse::<Split>().unwrap(), Split::Evaluation);
    assert!("test".parse::<Split>().is_err());
}

#[test]
fn dataset_names_parse_and_suggest() {
    for dataset in Dataset::ALL {
        assert_eq!(dataset.name().parse::<Dataset>().unwrap(), dataset);
    }
    assert_eq!(
        "KZ_CITIZENS".parse::<Dataset>().unwrap(),
        Dataset::KzCitizens
    );
    let err = "kz.citizen".parse::<Dataset>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown dataset `kz.citizen` (did you mean `kz.citizens`?); run `govlab data list` to see all"
    );
    let err = "madrid.request".parse::<Dataset>().unwrap_err();
    assert!(err.to_string().contains("`madrid.requests`"), "{err}");
    let err = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
        .parse::<Dataset>()
        .unwrap_err();
    assert!(!err.to_string().contains("did you mean"), "{err}");
}

#[test]
fn records_deserialise_back() {
    for dataset in Dataset::ALL {
        let config = GenConfig::new(dataset, Split::Practice, 2);
        let generated = generate(&config, 3);
        let text = serde_json::to_string(&generated.record).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json, generated.record.to_json());
        assert!(!generated.record.id().is_empty());
    }
}
