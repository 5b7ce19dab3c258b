//! `appeals-triage` scoring: macro-F1 of category and priority, routing
//! accuracy, recall of urgent and misrouted appeals, the AI-label and
//! identifier-echo checks, and fairness across languages (category accuracy
//! per language; the positive decision is flagging an appeal as misrouted,
//! whose true rate is similar in every language).

use std::collections::BTreeMap;

use govlab_adapters::codelists::CodeLists;
use govlab_scoring::metrics::{binary_scores, fairness, macro_f1};
use govlab_scoring::scorecard::ComplianceCheck;
use serde_json::Value;

use super::{Evaluation, Report, contains_text, figures};
use crate::cases::AppealTruth;

/// What one case contributes.
#[derive(Debug, Clone)]
struct Row {
    category: (String, String),
    priority: (String, String),
    routed: bool,
    urgent: (bool, bool),
    misrouted: (bool, bool),
    language: String,
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
    ai_label: ComplianceCheck,
    no_echo: ComplianceCheck,
    /// Outputs whose category and body are codes of the shared code lists.
    known_codes: u64,
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
                .to_owned()
        };
        let category = text("category");
        let body = text("responsible_body");
        let priority = text("priority");
        let misrouted = output
            .and_then(|o| o.get("misrouted"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        self.rows.push(Row {
            category: (truth.category.clone(), category.clone()),
            priority: (truth.priority.clone(), priority.clone()),
            routed: !body.is_empty() && body == truth.responsible_body,
            urgent: (truth.priority == "urgent", priority == "urgent"),
            misrouted: (truth.misrouted, output.is_some() && misrouted),
            language: truth.language.clone(),
        });
        let Some(output) = output else { return };
        let body_list = if truth.language == "es" {
            "madrid_units"
        } else {
            "kz_bodies"
        };
        if is_code("appeal_categories", &category) && is_code(body_list, &body) {
            self.known_codes += 1;
        }
        if let Some(draft) = output.get("reply_draft").filter(|draft| !draft.is_null()) {
            self.ai_label.checked += 1;
            if draft.get("ai_generated").and_then(Value::as_bool) == Some(true) {
                self.ai_label.passed += 1;
            } else {
                report(
                    "GL-AT-001",
                    "/reply_draft/ai_generated".to_owned(),
                    "the drafted reply is not marked as AI-generated (set ai_generated: true)"
                        .to_owned(),
                );
            }
        }
        if let Some(iin) = &truth.applicant_iin {
            self.no_echo.checked += 1;
            if contains_text(output, iin) {
                report(
                    "GL-AT-002",
                    String::new(),
                    "the output repeats the applicant's IIN".to_owned(),
                );
            } else {
                self.no_echo.passed += 1;
            }
        }
    }

    pub(super) fn finish(self) -> Evaluation {
        let pairs =
            |pick: fn(&Row) -> (String, String)| self.rows.iter().map(pick).collect::<Vec<_>>();
        let categories = pairs(|row| row.category.clone());
        let priorities = pairs(|row| row.priority.clone());
        let urgent: Vec<(bool, bool)> = self.rows.iter().map(|row| row.urgent).collect();
        let misrouted = binary_scores(
            &self
                .rows
                .iter()
                .map(|row| row.misrouted)
                .collect::<Vec<_>>(),
        );
        let routed = self.rows.iter().filter(|row| row.routed).count() as u64;
        let metrics = BTreeMap::from([
            ("category_macro_f1".to_owned(), macro_f1(&categories)),
            ("priority_macro_f1".to_owned(), macro_f1(&priorities)),
            (
                "routing_accuracy".to_owned(),
                super::share(routed, self.rows.len() as u64),
            ),
            ("urgent_recall".to_owned(), binary_scores(&urgent).recall),
            ("misrouted_recall".to_owned(), misrouted.recall),
            ("misrouted_precision".to_owned(), misrouted.precision),
        ]);
        let by_language: Vec<(String, (bool, bool))> = self
            .rows
            .iter()
            .map(|row| {
                (
                    row.language.clone(),
                    (row.category.0 == row.category.1, row.misrouted.1),
                )
            })
            .collect();
        let language = fairness(
            &by_language,
            |rows: &[(bool, bool)]| {
                super::share(
                    rows.iter().filter(|r| r.0).count() as u64,
                    rows.len() as u64,
                )
            },
            |row: &(bool, bool)| row.1,
        );
        Evaluation {
            metrics,
            fidelity: BTreeMap::from([(
                "known_codes".to_owned(),
                super::share(self.known_codes, self.rows.len() as u64),
            )]),
            compliance: BTreeMap::from([
                ("ai_label".to_owned(), self.ai_label),
                ("no_identifier_echo".to_owned(), self.no_echo),
            ]),
            fairness: BTreeMap::from([("language".to_owned(), figures(&language))]),
        }
    }
}
