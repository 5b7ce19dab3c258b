//! `govlab lab init`: makes the lab's evaluation key, the secret the
//! evaluation split is drawn from and evaluation scorecards are committed
//! with (see `govlab_scenarios::secrecy`). Lab staff only.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use govlab_scenarios::datasets::Split;
use govlab_scenarios::secrecy::{self, EVAL_KEY_ENV, EvalKey};

/// Subcommands of `govlab lab`.
#[derive(clap::Subcommand)]
pub enum LabCommand {
    /// Write a fresh random evaluation key (lab staff only; keep it secret)
    Init(InitArgs),
}

/// Arguments of `govlab lab init`.
#[derive(clap::Args)]
pub struct InitArgs {
    /// Where to write the key (created with mode 0600)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace an existing key file (its evaluation splits and scorecards
    /// can then no longer be rerun)
    #[arg(long)]
    force: bool,
}

/// Runs one `govlab lab` subcommand.
pub fn run(cmd: LabCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        LabCommand::Init(args) => init(&args),
    }
}

fn init(args: &InitArgs) -> anyhow::Result<ExitCode> {
    if args.out.exists() {
        if !args.force {
            bail!(
                "{} already exists: keep it, or pass --force to replace it (evaluation scorecards made with the old key can then no longer be rerun)",
                args.out.display()
            );
        }
        std::fs::remove_file(&args.out).with_context(|| {
            format!(
                "cannot replace {}: check that it is a file you may delete",
                args.out.display()
            )
        })?;
    }
    let key = EvalKey::generate()?;
    key.write_new_file(&args.out)?;
    let path = args.out.display();
    println!("wrote a new evaluation key to {path} (mode 0600)");
    println!("keep it secret: whoever has it can generate the evaluation split's truth");
    println!("next:");
    println!("  portal: add to the configuration file:");
    println!("    [scenarios]");
    println!("    evaluation_key_file = \"{path}\"");
    println!("  CLI:    pass --eval-key-file {path} (or set {EVAL_KEY_ENV} to the file's content)");
    Ok(ExitCode::SUCCESS)
}

/// The evaluation key a command on `split` needs: for evaluation, from
/// `--eval-key-file` or the environment (none when neither is given; the
/// split then refuses to resolve, saying what to do); for practice, none.
pub fn key_for(split: &str, eval_key_file: Option<&Path>) -> anyhow::Result<Option<EvalKey>> {
    let split: Split = split.parse()?;
    Ok(match split {
        Split::Practice => None,
        Split::Evaluation => secrecy::resolve_key(eval_key_file)?,
    })
}

/// Refuses the old `--seed` of the evaluation split.
pub fn refuse_evaluation_seed(seed: Option<&str>) -> anyhow::Result<()> {
    if seed.is_some() {
        bail!(
            "--seed is not accepted for the evaluation split: it is keyed by the lab's evaluation key; pass --eval-key-file FILE or set {EVAL_KEY_ENV} (lab staff make the key once with `govlab lab init --out FILE`)"
        );
    }
    Ok(())
}
