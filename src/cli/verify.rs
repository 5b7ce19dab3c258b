//! `govlab verify CARD [--rerun --agent FILE.wasm]`: checks a scorecard's
//! signature against the lab key (any edit of the signed contents is
//! rejected) and, with `--rerun`, re-executes the pilot and compares the
//! results byte for byte.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use govlab_scenarios::runner::{RunnerConfig, rerun, rerun_baseline, split_seed};
use govlab_scoring::certificate::{LabPublicKey, verify};

use crate::cli::run::compiled_cache_dir;
use crate::cli::scenarios::lab_key_dir;

/// Arguments of `govlab verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The signed scorecard (`scorecard.json` from `govlab run --scenario`)
    #[arg(value_name = "CARD")]
    card: PathBuf,
    /// Also re-run the pilot and compare the results
    #[arg(long)]
    rerun: bool,
    /// The agent the pilot ran (needed by --rerun, except for the oracle and
    /// trivial reference rows)
    #[arg(long, value_name = "FILE.wasm", requires = "rerun")]
    agent: Option<PathBuf>,
    /// The lab's evaluation key, for --rerun of an evaluation scorecard
    /// (else the GOVLAB_EVAL_KEY environment variable); lab staff only
    #[arg(long, value_name = "FILE")]
    eval_key_file: Option<PathBuf>,
    /// No longer accepted: the evaluation split is keyed by the lab's key
    #[arg(long, hide = true)]
    seed: Option<String>,
    /// Directory of the lab's public key (default: the lab key directory)
    #[arg(long, value_name = "DIR")]
    key_dir: Option<PathBuf>,
}

/// Runs `govlab verify`.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    crate::cli::lab::refuse_evaluation_seed(args.seed.as_deref())?;
    let text = std::fs::read_to_string(&args.card)
        .with_context(|| format!("cannot read the scorecard {}", args.card.display()))?;
    let key_dir = match &args.key_dir {
        Some(dir) => dir.clone(),
        None => lab_key_dir()?,
    };
    let public_key = LabPublicKey::load(&key_dir).with_context(|| {
        format!(
            "cannot load the lab's public key from {}",
            key_dir.display()
        )
    })?;
    let verified = verify(&text, &public_key)
        .with_context(|| format!("{} is not genuine", args.card.display()))?;
    let card = &verified.scorecard;
    let interval = card.composite_interval.map_or_else(String::new, |iv| {
        format!(" [95% {:.2}, {:.2}]", iv.low, iv.high)
    });
    println!(
        "genuine: {} {} · split {} · agent {} · {} cases · composite {}{interval} · {} · signed by key {}",
        card.scenario_id,
        card.scenario_version,
        card.split,
        card.agent_sha256,
        card.cases,
        card.composite
            .map_or_else(|| "n/a".to_owned(), |c| format!("{c:.2}")),
        card.format,
        verified.key_id
    );
    if !args.rerun {
        return Ok(ExitCode::SUCCESS);
    }
    let key = crate::cli::lab::key_for(&card.split, args.eval_key_file.as_deref())?;
    let split = split_seed(&card.split, key)?;
    let config = RunnerConfig {
        cache_dir: compiled_cache_dir(),
        compiler: crate::cli::run::compiler(),
        ..RunnerConfig::default()
    };
    let report = match (&args.agent, card.reference()) {
        (Some(agent), _) => {
            let bytes = std::fs::read(agent)
                .with_context(|| format!("cannot read the agent {}", agent.display()))?;
            eprintln!("re-running {} cases of {} …", card.cases, card.scenario_id);
            rerun(card, &bytes, split, &config)
        }
        (None, Some(_)) => {
            eprintln!(
                "re-running the {} reference row of {} …",
                card.agent_sha256, card.scenario_id
            );
            rerun_baseline(card, split, &config)
        }
        (None, None) => bail!("--rerun needs --agent FILE.wasm: the agent the pilot ran"),
    }
    .context("the rerun did not complete")?;
    if report.identical {
        println!("rerun: identical results (wall time aside)");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("rerun: the results differ from the scorecard:");
        for line in &report.differences {
            println!("  {line}");
        }
        Ok(ExitCode::FAILURE)
    }
}
