//! One module per `govlab` subcommand, plus the small helpers they share.

pub mod adapters;
pub mod agent;
pub mod data;
pub mod demo;
pub mod lab;
pub mod progress;
pub mod run;
pub mod scenarios;
pub mod serve;
pub mod submit;
pub mod tokens;
pub mod verify;
