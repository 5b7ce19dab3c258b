//! `service-finder` scoring: top-3 accuracy and mean reciprocal rank of the
//! ranked service ids, catalogue-id validity for interoperability, and
//! fairness across languages.

use std::collections::{BTreeMap, BTreeSet};

use govlab_scoring::fairness::{AttributeFairness, ErrorMeasure};
use govlab_scoring::metrics::{RankedQuery, mean_reciprocal_rank, top_k_accuracy};
use serde_json::Value;

use super::{Evaluation, Report, share};
use crate::cases::{ServiceTruth, catalogue};

#[derive(Debug, Clone)]
struct Row {
    query: RankedQuery<String>,
    language: String,
    ids_returned: u64,
    ids_known: u64,
}

#[derive(Debug, Default)]
pub(super) struct Finder {
    rows: Vec<Row>,
    /// The catalogue's ids, read on the first case.
    known: Option<BTreeSet<String>>,
}

impl Finder {
    pub(super) fn observe(
        &mut self,
        truth: &ServiceTruth,
        output: Option<&Value>,
        report: &mut Report<'_>,
    ) {
        let known = self.known.get_or_insert_with(|| {
            catalogue()
                .map(|c| c.services.iter().map(|s| s.id.clone()).collect())
                .unwrap_or_default()
        });
        let ranking: Vec<String> = output
            .and_then(|o| o.get("services"))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut ids_known = 0;
        for (position, id) in ranking.iter().enumerate() {
            if known.contains(id) {
                ids_known += 1;
            } else {
                report(
                    "GL-SF-001",
                    format!("/services/{position}"),
                    format!("`{id}` is not in the catalogue"),
                );
            }
        }
        self.rows.push(Row {
            ids_returned: ranking.len() as u64,
            ids_known,
            query: RankedQuery {
                ranking,
                relevant: truth.relevant.clone(),
            },
            language: truth.language.clone(),
        });
    }

    pub(super) fn cases(&self) -> usize {
        self.rows.len()
    }

    pub(super) fn evaluate(&self, sample: Option<&[u32]>) -> Evaluation {
        let rows = super::pick(&self.rows, sample);
        let queries: Vec<RankedQuery<String>> = rows.iter().map(|row| row.query.clone()).collect();
        let mut language = AttributeFairness::new(ErrorMeasure::Accuracy);
        for (row, query) in rows.iter().zip(&queries) {
            let hit = top_k_accuracy(std::slice::from_ref(query), 3) >= 1.0;
            language.group(&row.language).add_decision(hit);
        }
        let returned: u64 = rows.iter().map(|row| row.ids_returned).sum();
        let known: u64 = rows.iter().map(|row| row.ids_known).sum();
        Evaluation {
            metrics: BTreeMap::from([
                ("top3_accuracy".to_owned(), top_k_accuracy(&queries, 3)),
                ("mrr".to_owned(), mean_reciprocal_rank(&queries)),
            ]),
            fidelity: BTreeMap::from([("known_service_ids".to_owned(), share(known, returned))]),
            compliance: BTreeMap::new(),
            fairness: BTreeMap::from([("language".to_owned(), language)]),
        }
    }
}
