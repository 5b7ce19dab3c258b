//! The models the reference learned agent carries: bag-of-words
//! classifiers of an appeal's category and priority (`govlab-textmodel`),
//! trained on the public practice split of `appeals-triage` as any startup
//! could train them. `scenarios/agents/appeals_rules` embeds their bytes
//! for `appeals_learned` (the models alone) and `appeals_competent` (the
//! category model on the first issue); `scenarios/tests/learned.rs` checks that the committed
//! bytes are what training on today's generators gives, so a change to a
//! generator that moves them is a visible decision.

use govlab_textmodel::{Model, Training, appeal_features};
use serde_json::Value;

use crate::cases::{CaseError, CaseTruth, SplitSeed, build_cases};
use crate::scenario::{Scenario, ScenarioError};

/// Practice cases the models are trained on (the practice seed gives any
/// number of cases; the practice split scores the first 600).
pub const TRAINING_CASES: u64 = 4_000;

/// Where the agent keeps its models, from the `scenarios` directory.
pub const MODEL_DIR: &str = "agents/appeals_rules/models";

/// The file names of the category and priority models in [`MODEL_DIR`].
pub const MODEL_FILES: [&str; 2] = ["category.bin", "priority.bin"];

/// Why the models could not be trained.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The scenario definition did not load.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The practice cases could not be built.
    #[error(transparent)]
    Cases(#[from] CaseError),
}

/// The two models, in [`MODEL_FILES`] order.
#[derive(Debug, Clone)]
pub struct AppealModels {
    /// Category code (`appeal_categories`).
    pub category: Model,
    /// `low`, `medium`, `high` or `urgent`.
    pub priority: Model,
}

/// Trains both models on the first `cases` practice cases.
pub fn train_appeal_models(cases: u64) -> Result<AppealModels, TrainError> {
    let scenario = Scenario::builtin("appeals-triage")?;
    let built = build_cases(scenario, SplitSeed::practice(), 0..cases)?;
    let mut by_category = Vec::with_capacity(built.len());
    let mut by_priority = Vec::with_capacity(built.len());
    for case in built {
        let CaseTruth::Appeal(truth) = case.truth else {
            continue;
        };
        let payload: Value = serde_json::from_str(&case.payload).unwrap_or(Value::Null);
        let tokens = appeal_features(&payload);
        by_category.push((tokens.clone(), truth.category));
        by_priority.push((tokens, truth.priority));
    }
    let options = Training::default();
    Ok(AppealModels {
        category: Model::train(&by_category, &options),
        priority: Model::train(&by_priority, &options),
    })
}

impl AppealModels {
    /// The models' bytes, in [`MODEL_FILES`] order.
    pub fn to_bytes(&self) -> [Vec<u8>; 2] {
        [self.category.to_bytes(), self.priority.to_bytes()]
    }
}
