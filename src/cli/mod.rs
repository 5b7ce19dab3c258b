//! One module per `govlab` subcommand, plus the small helpers they share.

pub mod adapters;
pub mod agent;
pub mod data;
pub mod progress;
pub mod run;
