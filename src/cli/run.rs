//! `govlab run`: being built in its own issue.

use std::process::ExitCode;

/// Arguments of `govlab run`.
#[derive(clap::Args)]
pub struct RunArgs {}

/// Runs `govlab run`.
pub fn run(_args: RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("govlab run is not built yet")
}
