//! `govlab verify CARD [--portal URL | --key FILE] [--rerun --agent FILE.wasm]`:
//! checks a scorecard's signature against the lab key (the local lab key,
//! a key file, or the key a portal publishes at `/api/lab-key`) (any edit of the signed contents is
//! rejected) and, with `--rerun`, re-executes the pilot and compares the
//! results byte for byte.

use std::io::Read as _;
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
    #[arg(long, value_name = "DIR", conflicts_with_all = ["key", "portal"])]
    key_dir: Option<PathBuf>,
    /// The lab's public key: a file holding it in hex or base64, or the JSON
    /// the portal serves at /api/lab-key
    #[arg(long, value_name = "FILE", conflicts_with = "portal")]
    key: Option<PathBuf>,
    /// Fetch the lab's public key from this portal (its /api/lab-key), e.g.
    /// https://lab.example, to verify a scorecard downloaded from it
    #[arg(long, value_name = "URL")]
    portal: Option<String>,
}

/// The most bytes read of a `--key` file.
const KEY_FILE_MAX_BYTES: u64 = 4096;

/// The public key to verify against, and where it came from.
fn public_key(args: &VerifyArgs) -> anyhow::Result<(LabPublicKey, String)> {
    if let Some(path) = &args.key {
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(KEY_FILE_MAX_BYTES).read_to_string(&mut text))
            .with_context(|| format!("cannot read the key file {}", path.display()))?;
        let text = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(json) => json
                .get("public_key_hex")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .with_context(|| {
                    format!("{} is JSON without a public_key_hex field", path.display())
                })?,
            Err(_) => text,
        };
        let key = LabPublicKey::parse(&text)
            .with_context(|| format!("{} does not hold a lab public key", path.display()))?;
        return Ok((key, path.display().to_string()));
    }
    if let Some(portal) = &args.portal {
        let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
        let (hex, key_id) = runtime
            .block_on(govlab_portal::auth::client::lab_public_key(portal))
            .context("cannot fetch the lab's public key")?;
        let key = LabPublicKey::parse(&hex).context("the portal's lab key is malformed")?;
        if key.key_id() != key_id {
            bail!(
                "the portal's lab key does not match the key id it names ({key_id}); do not trust it"
            );
        }
        return Ok((key, format!("{portal}/api/lab-key")));
    }
    let key_dir = match &args.key_dir {
        Some(dir) => dir.clone(),
        None => lab_key_dir()?,
    };
    let key = LabPublicKey::load(&key_dir).with_context(|| {
        format!(
            "cannot load the lab's public key from {} (for a scorecard downloaded from a portal, give --portal URL or --key FILE)",
            key_dir.display()
        )
    })?;
    Ok((key, key_dir.display().to_string()))
}

/// Runs `govlab verify`.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    crate::cli::lab::refuse_evaluation_seed(args.seed.as_deref())?;
    let text = std::fs::read_to_string(&args.card)
        .with_context(|| format!("cannot read the scorecard {}", args.card.display()))?;
    let (public_key, key_source) = public_key(&args)?;
    let verified = verify(&text, &public_key).with_context(|| {
        format!(
            "{} is not genuine under the lab key {} (from {key_source})",
            args.card.display(),
            public_key.key_id()
        )
    })?;
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
