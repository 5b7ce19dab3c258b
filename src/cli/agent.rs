//! `govlab agent`: being built in its own issue.

use std::process::ExitCode;

/// Subcommands of `govlab agent`.
#[derive(clap::Subcommand)]
pub enum AgentCommand {}

/// Runs one `govlab agent` subcommand.
pub fn run(cmd: AgentCommand) -> anyhow::Result<ExitCode> {
    match cmd {}
}
