//! `cross-border-residency` scoring: validity against the target-country
//! schema (through the adapters' validators), field fidelity against the
//! expected record, identifier correctness, and fairness across directions.

use std::collections::BTreeMap;

use govlab_adapters::Adapters;
use govlab_scoring::fairness::{AttributeFairness, ErrorMeasure};
use serde_json::Value;

use super::{Evaluation, Report, share};
use crate::cases::ResidencyTruth;

#[derive(Debug, Clone)]
struct Row {
    valid: bool,
    fidelity: f64,
    identifiers: bool,
    direction: &'static str,
}

#[derive(Debug, Default)]
pub(super) struct Residency {
    rows: Vec<Row>,
}

/// Every leaf of a JSON value as `(pointer, value)`.
fn leaves<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                leaves(
                    item,
                    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                leaves(item, format!("{pointer}/{index}"), out);
            }
        }
        leaf => out.push((pointer, leaf)),
    }
}

impl Residency {
    pub(super) fn observe(
        &mut self,
        truth: &ResidencyTruth,
        output: Option<&Value>,
        report: &mut Report<'_>,
    ) {
        let record = output.and_then(|o| o.get("record"));
        if let Some(named) = output
            .and_then(|o| o.get("target_schema"))
            .and_then(Value::as_str)
            && named != truth.target_schema
        {
            report(
                "GL-CR-002",
                "/target_schema".to_owned(),
                format!("the target schema is {}, not {named}", truth.target_schema),
            );
        }
        let valid = match (record, Adapters::shared()) {
            (Some(record), Ok(adapters)) => {
                let valid = adapters
                    .is_valid(truth.target_schema, record)
                    .unwrap_or(false);
                if !valid {
                    let detail = adapters
                        .validate(truth.target_schema, record)
                        .ok()
                        .and_then(|outcome| {
                            outcome
                                .findings
                                .first()
                                .map(|f| format!("{}: {}", f.location, f.message))
                        })
                        .unwrap_or_default();
                    report(
                        "GL-CR-001",
                        "/record".to_owned(),
                        format!("not a valid {} record: {detail}", truth.target_schema),
                    );
                }
                valid
            }
            _ => false,
        };
        let mut expected = Vec::new();
        leaves(&truth.expected, String::new(), &mut expected);
        let matched = record.map_or(0, |record| {
            expected
                .iter()
                .filter(|(pointer, value)| record.pointer(pointer) == Some(*value))
                .count()
        });
        let identifiers = record.is_some_and(|record| {
            truth.identifier_pointers.iter().all(|pointer| {
                let want = truth.expected.pointer(pointer);
                want.is_some() && record.pointer(pointer) == want
            })
        });
        self.rows.push(Row {
            valid,
            fidelity: share(matched as u64, expected.len() as u64),
            identifiers,
            direction: truth.direction,
        });
    }

    pub(super) fn cases(&self) -> usize {
        self.rows.len()
    }

    pub(super) fn evaluate(&self, sample: Option<&[u32]>) -> Evaluation {
        let rows = super::pick(&self.rows, sample);
        let n = rows.len() as u64;
        let valid = share(rows.iter().filter(|row| row.valid).count() as u64, n);
        let fidelity = if n == 0 {
            0.0
        } else {
            rows.iter().map(|row| row.fidelity).sum::<f64>() / n as f64
        };
        let identifiers = share(rows.iter().filter(|row| row.identifiers).count() as u64, n);
        // A case is decided correctly when the record is valid and every
        // expected field arrived.
        let mut direction = AttributeFairness::new(ErrorMeasure::Accuracy);
        for row in &rows {
            direction
                .group(row.direction)
                .add_decision(row.valid && row.fidelity >= 1.0);
        }
        Evaluation {
            metrics: BTreeMap::from([
                ("target_schema_valid".to_owned(), valid),
                ("field_fidelity".to_owned(), fidelity),
                ("identifier_accuracy".to_owned(), identifiers),
            ]),
            fidelity: BTreeMap::from([
                ("target_schema_valid".to_owned(), valid),
                ("field_fidelity".to_owned(), fidelity),
                ("identifier_accuracy".to_owned(), identifiers),
            ]),
            compliance: BTreeMap::new(),
            fairness: BTreeMap::from([("direction".to_owned(), direction)]),
        }
    }
}
