//! The reference rows of every scoreboard: the oracle (the ceiling) and the
//! trivial baseline (the floor) of each enabled scenario and split, run by
//! the same runner and scoring as the agents
//! ([`govlab_scenarios::runner::run_baseline`]).
//!
//! They are computed in memory, in the background after startup, on nodes
//! that run workers ([`start`]); the runs are deterministic, so every process
//! computes the same rows. Evaluation rows are computed only when the portal
//! can resolve the evaluation split the way the workers do
//! ([`crate::jobs::split_for`]). A baseline that fails is logged and left
//! out. At most 2 rows × scenarios × 2 splits are kept.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use govlab_scenarios::baselines::Baseline;
use govlab_scenarios::runner::{self, PilotSpec, RunnerConfig};
use govlab_scenarios::scenario::Scenario;

use crate::error::PortalError;
use crate::model;
use crate::state::AppState;

/// The splits reference rows are computed for.
pub const SPLITS: [&str; 2] = ["practice", "evaluation"];

/// One reference row of a scoreboard.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReferenceRow {
    /// `oracle` or `trivial`.
    pub name: &'static str,
    /// Cases run.
    pub cases: u64,
    /// Composite.
    pub composite: Option<f64>,
    /// Its 95 % interval, `(low, high)`.
    pub composite_interval: Option<(f64, f64)>,
    /// Dimension scores.
    pub dimensions: BTreeMap<&'static str, Option<f64>>,
}

impl ReferenceRow {
    /// Whether this row is the trivial baseline (the floor).
    pub fn is_trivial(&self) -> bool {
        self.name == Baseline::Trivial.name()
    }
}

/// Reference rows by (scenario, split).
type RowsBySplit = BTreeMap<(String, String), Arc<[ReferenceRow]>>;

/// The reference rows by (scenario, split), with a generation number that
/// changes whenever rows are added (the scoreboard cache rebuilds a board
/// whose generation is stale).
#[derive(Debug, Default)]
pub struct References {
    rows: RwLock<RowsBySplit>,
    generation: AtomicU64,
}

impl References {
    /// No rows yet.
    pub fn new() -> References {
        References::default()
    }

    /// The rows of `scenario` and `split` (oracle first), empty until they
    /// are computed.
    pub fn get(&self, scenario: &str, split: &str) -> Arc<[ReferenceRow]> {
        self.rows
            .read()
            .ok()
            .and_then(|rows| rows.get(&(scenario.to_owned(), split.to_owned())).cloned())
            .unwrap_or_else(|| Arc::from(Vec::new()))
    }

    /// Changes whenever rows are stored.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn store(&self, scenario: &str, split: &str, rows: Vec<ReferenceRow>) {
        if let Ok(mut all) = self.rows.write() {
            all.insert((scenario.to_owned(), split.to_owned()), Arc::from(rows));
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

/// Starts computing every enabled scenario's reference rows in the
/// background, when this process runs workers (`workers.count > 0`).
pub fn start(state: &AppState) {
    if state.config.workers.count == 0 {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(err) = compute_all(&state).await {
            tracing::warn!("cannot compute the scoreboards' reference rows: {err}");
        }
    });
}

/// Computes the reference rows of every enabled scenario: practice always,
/// evaluation when the lab key is set; the full split each, one run at a
/// time.
pub async fn compute_all(state: &AppState) -> Result<(), PortalError> {
    let all = govlab_scenarios::scenario::list().map_err(PortalError::internal)?;
    for scenario in all {
        if !model::scenario_enabled(&state.db, scenario.id()).await? {
            continue;
        }
        for split in SPLITS {
            compute(state, scenario.id(), split, None).await?;
        }
    }
    Ok(())
}

/// Computes and stores the reference rows of one scenario and split on a
/// blocking thread. `cases` limits the run (tests); `None` runs the split's
/// full size. A split that cannot be resolved (no lab key) is skipped (logged); a
/// baseline that fails is logged and left out.
pub async fn compute(
    state: &AppState,
    scenario_id: &str,
    split: &str,
    cases: Option<u64>,
) -> Result<(), PortalError> {
    let scenario = Scenario::builtin(scenario_id).map_err(PortalError::internal)?;
    let split_seed = match crate::jobs::split_for(state, scenario, split) {
        Ok(split_seed) => split_seed,
        Err(message) => {
            tracing::info!(
                scenario = scenario_id,
                split,
                "no reference rows for this split: {message}"
            );
            return Ok(());
        }
    };
    let started = std::time::Instant::now();
    let rows = tokio::task::spawn_blocking(move || {
        let spec = PilotSpec {
            scenario,
            split: split_seed,
            cases: Some(cases.unwrap_or_else(|| scenario.split_size(split_seed.split))),
        };
        let config = RunnerConfig::default();
        Baseline::ALL
            .into_iter()
            .filter_map(|baseline| {
                match runner::run_baseline(&spec, baseline, &config, |_, _| {}) {
                    Ok(result) => Some(row(baseline, &result.scorecard)),
                    Err(err) => {
                        tracing::warn!(
                            scenario = scenario.id(),
                            split = %split_seed.split,
                            baseline = baseline.name(),
                            "reference run failed: {err}"
                        );
                        None
                    }
                }
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(PortalError::internal)?;
    tracing::info!(
        scenario = scenario_id,
        split,
        rows = rows.len(),
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "reference rows computed"
    );
    state.references.store(scenario_id, split, rows);
    Ok(())
}

fn row(baseline: Baseline, card: &govlab_scoring::scorecard::Scorecard) -> ReferenceRow {
    ReferenceRow {
        name: baseline.name(),
        cases: card.cases,
        composite: card.composite,
        composite_interval: card.composite_interval.map(|i| (i.low, i.high)),
        dimensions: card
            .dimensions
            .iter()
            .map(|(name, dimension)| (name, dimension.score))
            .collect(),
    }
}

/// Whether a composite interval (or, without one, the composite itself)
/// overlaps the trivial row's interval: the agent is statistically
/// indistinguishable from the floor.
pub fn near_trivial(
    composite: Option<f64>,
    interval: Option<(f64, f64)>,
    references: &[ReferenceRow],
) -> bool {
    let Some((floor_low, floor_high)) = references
        .iter()
        .find(|r| r.is_trivial())
        .and_then(|r| r.composite_interval)
    else {
        return false;
    };
    let Some((low, high)) = interval.or(composite.map(|c| (c, c))) else {
        return false;
    };
    low <= floor_high && floor_low <= high
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trivial(low: f64, high: f64) -> ReferenceRow {
        ReferenceRow {
            name: "trivial",
            cases: 200,
            composite: Some((low + high) / 2.0),
            composite_interval: Some((low, high)),
            dimensions: BTreeMap::new(),
        }
    }

    #[test]
    fn overlap_with_the_floor() {
        let refs = [trivial(40.0, 50.0)];
        assert!(near_trivial(Some(52.0), Some((49.0, 55.0)), &refs));
        assert!(near_trivial(Some(45.0), None, &refs));
        assert!(!near_trivial(Some(60.0), Some((55.0, 65.0)), &refs));
        assert!(!near_trivial(None, None, &refs));
        assert!(!near_trivial(Some(45.0), Some((40.0, 50.0)), &[]));
    }
}
