//! `govlab adapters`: being built in its own issue.

use std::process::ExitCode;

/// Subcommands of `govlab adapters`.
#[derive(clap::Subcommand)]
pub enum AdaptersCommand {}

/// Runs one `govlab adapters` subcommand.
pub fn run(cmd: AdaptersCommand) -> anyhow::Result<ExitCode> {
    match cmd {}
}
