//! `service-finder` scoring: top-3 accuracy and mean reciprocal rank of the
//! ranked service ids, catalogue-id validity for interoperability, and
//! fairness across languages.

use std::collections::{BTreeMap, BTreeSet};

use govlab_scoring::metrics::{RankedQuery, fairness, mean_reciprocal_rank, top_k_accuracy};
use serde_json::Value;

use super::{Evaluation, Report, figures, share};
use crate::cases::{ServiceTruth, catalogue};

#[derive(Debug, Default)]
pub(super) struct Finder {
    queries: Vec<RankedQuery<String>>,
    languages: Vec<String>,
    ids_returned: u64,
    ids_known: u64,
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
        for (position, id) in ranking.iter().enumerate() {
            self.ids_returned += 1;
            if known.contains(id) {
                self.ids_known += 1;
            } else {
                report(
                    "GL-SF-001",
                    format!("/services/{position}"),
                    format!("`{id}` is not in the catalogue"),
                );
            }
        }
        self.queries.push(RankedQuery {
            ranking,
            relevant: truth.relevant.clone(),
        });
        self.languages.push(truth.language.clone());
    }

    pub(super) fn finish(self) -> Evaluation {
        let rows: Vec<(String, RankedQuery<String>)> = self
            .languages
            .iter()
            .cloned()
            .zip(self.queries.iter().cloned())
            .collect();
        let language = fairness(
            &rows,
            |queries: &[RankedQuery<String>]| top_k_accuracy(queries, 3),
            |query: &RankedQuery<String>| !query.ranking.is_empty(),
        );
        let mut fidelity = BTreeMap::new();
        if self.ids_returned > 0 {
            fidelity.insert(
                "known_service_ids".to_owned(),
                share(self.ids_known, self.ids_returned),
            );
        }
        Evaluation {
            metrics: BTreeMap::from([
                ("top3_accuracy".to_owned(), top_k_accuracy(&self.queries, 3)),
                ("mrr".to_owned(), mean_reciprocal_rank(&self.queries)),
            ]),
            fidelity,
            compliance: BTreeMap::new(),
            fairness: BTreeMap::from([("language".to_owned(), figures(&language))]),
        }
    }
}
