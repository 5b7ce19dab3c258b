//! govlab scenarios: synthetic government datasets, scenario definitions,
//! case building, the pilot runner and per-scenario scoring.
//!
//! [`datasets`] generates deterministic Madrid and Kazakh records from a
//! seed, one independent random stream per record. [`scenario`] loads the
//! versioned definitions in `scenarios/defs/`, [`cases`] turns dataset
//! records into case payloads (truth kept apart), and [`runner::run_pilot`]
//! runs an agent over a split in the sandbox and returns its scorecard.

pub mod datasets;

// Scenario definitions, case building, the pilot runner and per-scenario
// scoring (see each module's docs).
pub mod baselines;
pub mod cases;
pub mod counterfactual;
pub mod evaluate;
pub mod learned;
pub mod reference;
pub mod runner;
pub mod scenario;
pub mod secrecy;
pub mod services;
