//! `govlab data`: being built in its own issue.

use std::process::ExitCode;

/// Subcommands of `govlab data`.
#[derive(clap::Subcommand)]
pub enum DataCommand {}

/// Runs one `govlab data` subcommand.
pub fn run(cmd: DataCommand) -> anyhow::Result<ExitCode> {
    match cmd {}
}
