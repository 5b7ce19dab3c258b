//! `appeals-triage` scoring: macro-F1 of category and priority, routing
//! accuracy, recall of urgent and misrouted appeals, the AI-label and
//! identifier-echo checks, and fairness across languages (category accuracy
//! per language; the positive decision is flagging an appeal as misrouted,
//! whose true rate is similar in every language).

use std::collections::BTreeMap;

use govlab_adapters::codelists::CodeLists;
use govlab_scoring::fairness::{AttributeFairness, ErrorMeasure};
use govlab_scoring::metrics::{binary_scores, macro_f1};
use govlab_scoring::scorecard::ComplianceCheck;
use serde_json::Value;

use super::{Evaluation, Report, contains_text};
use crate::cases::AppealTruth;

/// What one case contributes; labels are [`Labels`] ids.
#[derive(Debug, Clone)]
struct Row {
    category: (u32, u32),
    priority: (u32, u32),
    routed: bool,
    urgent: (bool, bool),
    misrouted: (bool, bool),
    language: u32,
    /// Category and body are codes of the shared code lists.
    known_codes: bool,
    /// A drafted reply was marked as AI-generated.
    ai_label: Option<bool>,
    /// The output did not repeat the applicant's IIN.
    no_echo: Option<bool>,
}

/// The distinct labels (categories, priorities, languages) of a pilot, so
/// a row holds ids instead of its own copies of a few dozen strings.
#[derive(Debug, Default)]
struct Labels {
    names: Vec<String>,
    ids: BTreeMap<String, u32>,
}

impl Labels {
    fn id(&mut self, label: &str) -> u32 {
        if let Some(&id) = self.ids.get(label) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(label.to_owned());
        self.ids.insert(label.to_owned(), id);
        id
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

/// Whether `code` is in the shared code list `list` (without building its labels).
fn is_code(list: &str, code: &str) -> bool {
    CodeLists::builtin()
        .ok()
        .and_then(|lists| lists.get(list))
        .is_some_and(|list| {
            list.columns()
                .first()
                .is_some_and(|key| list.value(code, key).is_some())
        })
}

#[derive(Debug, Default)]
pub(super) struct Appeals {
    rows: Vec<Row>,
    labels: Labels,
}

impl Appeals {
    pub(super) fn observe(
        &mut self,
        truth: &AppealTruth,
        output: Option<&Value>,
        report: &mut Report<'_>,
    ) {
        let text = |key: &str| {
            output
                .and_then(|o| o.get(key))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let category = text("category");
        let body = text("responsible_body");
        let priority = text("priority");
        let misrouted = output
            .and_then(|o| o.get("misrouted"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let known_codes = output.is_some() && {
            let body_list = if truth.language == "es" {
                "madrid_units"
            } else {
                "kz_bodies"
            };
            is_code("appeal_categories", category) && is_code(body_list, body)
        };
        let mut ai_label = None;
        let mut no_echo = None;
        if let Some(output) = output {
            if let Some(draft) = output.get("reply_draft").filter(|draft| !draft.is_null()) {
                let labelled = draft.get("ai_generated").and_then(Value::as_bool) == Some(true);
                ai_label = Some(labelled);
                if !labelled {
                    report(
                        "GL-AT-001",
                        "/reply_draft/ai_generated".to_owned(),
                        "the drafted reply is not marked as AI-generated (set ai_generated: true)"
                            .to_owned(),
                    );
                }
            }
            if let Some(iin) = &truth.applicant_iin {
                let echoed = contains_text(output, iin);
                no_echo = Some(!echoed);
                if echoed {
                    report(
                        "GL-AT-002",
                        String::new(),
                        "the output repeats the applicant's IIN".to_owned(),
                    );
                }
            }
        }
        let labels = &mut self.labels;
        self.rows.push(Row {
            routed: !body.is_empty() && body == truth.responsible_body,
            urgent: (truth.priority == "urgent", priority == "urgent"),
            category: (labels.id(&truth.category), labels.id(category)),
            priority: (labels.id(&truth.priority), labels.id(priority)),
            misrouted: (truth.misrouted, output.is_some() && misrouted),
            language: labels.id(&truth.language),
            known_codes,
            ai_label,
            no_echo,
        });
    }

    pub(super) fn cases(&self) -> usize {
        self.rows.len()
    }

    pub(super) fn evaluate(&self, sample: Option<&[u32]>) -> Evaluation {
        let rows = super::pick(&self.rows, sample);
        let labels = &self.labels;
        let pairs = |pick: fn(&Row) -> (u32, u32)| {
            rows.iter()
                .map(|row| {
                    let (truth, predicted) = pick(row);
                    (labels.name(truth), labels.name(predicted))
                })
                .collect::<Vec<_>>()
        };
        let categories = pairs(|row| row.category);
        let priorities = pairs(|row| row.priority);
        let urgent: Vec<(bool, bool)> = rows.iter().map(|row| row.urgent).collect();
        let misrouted = binary_scores(&rows.iter().map(|row| row.misrouted).collect::<Vec<_>>());
        let n = rows.len() as u64;
        let routed = rows.iter().filter(|row| row.routed).count() as u64;
        let metrics = BTreeMap::from([
            ("category_macro_f1".to_owned(), macro_f1(&categories)),
            ("priority_macro_f1".to_owned(), macro_f1(&priorities)),
            ("routing_accuracy".to_owned(), super::share(routed, n)),
            ("urgent_recall".to_owned(), binary_scores(&urgent).recall),
            ("misrouted_recall".to_owned(), misrouted.recall),
            ("misrouted_precision".to_owned(), misrouted.precision),
        ]);
        // The decision compared across languages: category and body both right.
        let mut language = AttributeFairness::new(ErrorMeasure::Accuracy);
        let mut ai_label = ComplianceCheck::default();
        let mut no_echo = ComplianceCheck::default();
        for row in &rows {
            language
                .group(labels.name(row.language))
                .add_decision(row.category.0 == row.category.1 && row.routed);
            if let Some(passed) = row.ai_label {
                ai_label.add(passed);
            }
            if let Some(passed) = row.no_echo {
                no_echo.add(passed);
            }
        }
        let known = rows.iter().filter(|row| row.known_codes).count() as u64;
        Evaluation {
            metrics,
            fidelity: BTreeMap::from([("known_codes".to_owned(), super::share(known, n))]),
            compliance: BTreeMap::from([
                ("ai_label".to_owned(), ai_label),
                ("no_identifier_echo".to_owned(), no_echo),
            ]),
            fairness: BTreeMap::from([("language".to_owned(), language)]),
        }
    }
}
