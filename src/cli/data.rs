//! `govlab data`: lists the synthetic datasets and generates them to files
//! (JSONL, or the native `;`-separated CSV for the Madrid datasets), with
//! the ground truth of labelled datasets in a separate file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use govlab_scenarios::cases::SplitSeed;
use govlab_scenarios::datasets::{
    self, DEFAULT_POPULATION, Dataset, Format, GenConfig, PRACTICE_SEED, Split, WriteConfig,
};
use govlab_scenarios::secrecy::{self, EVAL_KEY_ENV};

use crate::cli::progress;

/// Subcommands of `govlab data`.
#[derive(clap::Subcommand)]
pub enum DataCommand {
    /// List the datasets with their formats and whether they have truth
    List,
    /// Generate a dataset deterministically (the evaluation split is for lab
    /// staff only and needs the lab's evaluation key)
    Generate(GenerateArgs),
}

/// Arguments of `govlab data generate`.
#[derive(clap::Args)]
pub struct GenerateArgs {
    /// Dataset name, e.g. `kz.citizens` (see `govlab data list`)
    dataset: String,
    /// Number of records: a positive integer, `_` separators and k/M
    /// suffixes allowed (e.g. 10_000, 50k, 10M)
    #[arg(long, value_parser = parse_rows, allow_negative_numbers = true)]
    rows: u64,
    /// Seed of the practice split (default: the public practice seed); not
    /// accepted for evaluation, which is keyed by the lab's evaluation key
    #[arg(long)]
    seed: Option<String>,
    /// Lab staff only: the lab's evaluation key, required by `--split
    /// evaluation` (else the GOVLAB_EVAL_KEY environment variable)
    #[arg(long, value_name = "FILE")]
    eval_key_file: Option<PathBuf>,
    /// Output file; labelled datasets also write `<stem>.truth.jsonl` next
    /// to it
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Output format (default: from the file extension, else jsonl)
    #[arg(long, value_parser = ["jsonl", "csv"])]
    format: Option<String>,
    /// Split: `practice` (public seed, truth shipped) or `evaluation` (lab
    /// staff only: drawn from the lab's secret evaluation key)
    #[arg(long, default_value = "practice")]
    split: String,
    /// Where to write the truth records instead of `<stem>.truth.jsonl`
    #[arg(long, value_name = "PATH")]
    truth: Option<PathBuf>,
    /// How many `kz.citizens` records appeals and families refer to
    #[arg(long, default_value_t = DEFAULT_POPULATION, value_parser = parse_rows, allow_negative_numbers = true)]
    population: u64,
    /// Generator threads (default: all cores); output is identical for any
    /// value
    #[arg(long)]
    threads: Option<usize>,
}

/// Runs one `govlab data` subcommand.
pub fn run(cmd: DataCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        DataCommand::List => {
            print!("{}", list_text());
            Ok(ExitCode::SUCCESS)
        }
        DataCommand::Generate(args) => generate(args),
    }
}

/// The table printed by `govlab data list`.
fn list_text() -> String {
    let mut text = format!(
        "{:<18} {:<10} {:<6} description\n",
        "dataset", "formats", "truth"
    );
    for dataset in Dataset::ALL {
        let formats = dataset
            .formats()
            .iter()
            .map(|format| format.name())
            .collect::<Vec<_>>()
            .join(",");
        let truth = if dataset.has_truth() { "yes" } else { "no" };
        text.push_str(&format!(
            "{:<18} {formats:<10} {truth:<6} {}\n",
            dataset.name(),
            dataset.description()
        ));
    }
    text.push_str(&format!(
        "\npractice seed: {PRACTICE_SEED}; the evaluation split (lab staff only) is drawn from the lab's evaluation key: --eval-key-file FILE or {EVAL_KEY_ENV}\n"
    ));
    text
}

/// Parses a positive record count (`10000`, `10_000`, `50k`, `10M`).
fn parse_rows(text: &str) -> Result<u64, String> {
    let cleaned = text.trim().replace('_', "");
    let (digits, multiplier) = match cleaned.char_indices().last() {
        Some((at, 'k' | 'K')) => (&cleaned[..at], 1_000),
        Some((at, 'm' | 'M')) => (&cleaned[..at], 1_000_000),
        _ => (cleaned.as_str(), 1),
    };
    let count = digits
        .parse::<u64>()
        .ok()
        .and_then(|count| count.checked_mul(multiplier))
        .ok_or_else(|| {
            format!("`{text}` is not a record count: use a positive integer like 1000, 50k or 10M")
        })?;
    if count == 0 {
        return Err("the record count must be at least 1".to_owned());
    }
    Ok(count)
}

/// `dir/name.jsonl` → `dir/name.truth.jsonl` (also for `.csv`).
fn truth_path_for(out: &Path) -> PathBuf {
    let stem = out.file_stem().map_or_else(
        || "dataset".into(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    out.with_file_name(format!("{stem}.truth.jsonl"))
}

/// The format asked for, else the one the extension suggests, else JSONL.
fn format_for(requested: Option<&str>, out: &Path) -> anyhow::Result<Format> {
    if let Some(requested) = requested {
        return requested.parse::<Format>().map_err(anyhow::Error::msg);
    }
    let csv = out
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("csv"));
    Ok(if csv { Format::Csv } else { Format::Jsonl })
}

/// Creates `<path>.partial` for writing, with errors that say what to do.
fn create_partial(path: &Path) -> anyhow::Result<(PathBuf, BufWriter<File>)> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        && !parent.is_dir()
    {
        bail!(
            "the directory {} does not exist: create it first or choose another --out",
            parent.display()
        );
    }
    if path.is_dir() {
        bail!(
            "{} is a directory: pass a file name such as {}",
            path.display(),
            path.join("data.jsonl").display()
        );
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = File::create(&partial).with_context(|| {
        format!(
            "cannot create {}: check that the directory is writable",
            partial.display()
        )
    })?;
    Ok((partial, BufWriter::with_capacity(1 << 20, file)))
}

/// Flushes a writer and moves its partial file into place.
fn finish(mut writer: BufWriter<File>, partial: &Path, path: &Path) -> anyhow::Result<()> {
    writer
        .flush()
        .with_context(|| format!("cannot write {}", partial.display()))?;
    drop(writer);
    std::fs::rename(partial, path)
        .with_context(|| format!("cannot move {} to {}", partial.display(), path.display()))
}

fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let dataset: Dataset = args.dataset.parse()?;
    let split: Split = args.split.parse()?;
    let seed = match split {
        Split::Practice => match args.seed.as_deref() {
            Some(seed) => datasets::parse_seed(seed)?,
            None => PRACTICE_SEED,
        },
        Split::Evaluation => {
            crate::cli::lab::refuse_evaluation_seed(args.seed.as_deref())?;
            let key = secrecy::resolve_key(args.eval_key_file.as_deref())?;
            SplitSeed::resolve(split, key)?.seed
        }
    };
    let format = format_for(args.format.as_deref(), &args.out)?;
    if !dataset.formats().contains(&format) {
        bail!("{dataset} has no {format} layout: use --format jsonl or a .jsonl file name");
    }

    let mut config = WriteConfig::new(
        GenConfig {
            population: args.population,
            ..GenConfig::new(dataset, split, seed)
        },
        args.rows,
    );
    config.format = format;
    if let Some(threads) = args.threads {
        config.threads = threads.max(1);
    }

    let truth_path = dataset.has_truth().then(|| {
        args.truth
            .clone()
            .unwrap_or_else(|| truth_path_for(&args.out))
    });
    if truth_path.as_deref() == Some(args.out.as_path()) {
        bail!("--truth and --out name the same file: choose two different paths");
    }
    let (partial, mut out) = create_partial(&args.out)?;
    let mut truth = truth_path.as_deref().map(create_partial).transpose()?;

    let bar = progress::bar(args.rows, "records");
    let started = Instant::now();
    let result = datasets::write(
        &config,
        &mut out,
        truth.as_mut().map(|(_, writer)| writer as &mut dyn Write),
        &mut |written| bar.set_position(written),
    );
    bar.finish_and_clear();
    let stats = match result {
        Ok(stats) => stats,
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            if let Some((truth_partial, _)) = &truth {
                let _ = std::fs::remove_file(truth_partial);
            }
            return Err(err).with_context(|| format!("cannot generate {dataset}"));
        }
    };
    finish(out, &partial, &args.out)?;
    if let (Some((truth_partial, writer)), Some(path)) = (truth, truth_path.as_deref()) {
        finish(writer, &truth_partial, path)?;
    }

    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "wrote {} {dataset} records ({split} split, {format}, {:.1} MB) to {} in {seconds:.1} s",
        stats.records,
        stats.bytes as f64 / 1e6,
        args.out.display()
    );
    if let Some(path) = truth_path {
        eprintln!(
            "wrote {} truth records to {}",
            stats.truth_records,
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn row_counts_parse_with_suffixes_and_refuse_nonsense() {
        assert_eq!(parse_rows("1000"), Ok(1000));
        assert_eq!(parse_rows("10_000"), Ok(10_000));
        assert_eq!(parse_rows("50k"), Ok(50_000));
        assert_eq!(parse_rows("10M"), Ok(10_000_000));
        assert!(parse_rows("0").unwrap_err().contains("at least 1"));
        assert!(parse_rows("-5").unwrap_err().contains("positive integer"));
        assert!(parse_rows("ten").is_err());
        assert!(parse_rows("99999999999999999999").is_err());
    }

    #[test]
    fn truth_and_format_follow_the_output_name() {
        assert_eq!(
            truth_path_for(Path::new("out/appeals.jsonl")),
            PathBuf::from("out/appeals.truth.jsonl")
        );
        assert_eq!(
            truth_path_for(Path::new("requests.csv")),
            PathBuf::from("requests.truth.jsonl")
        );
        assert_eq!(format_for(None, Path::new("a.CSV")).unwrap(), Format::Csv);
        assert_eq!(
            format_for(None, Path::new("a.jsonl")).unwrap(),
            Format::Jsonl
        );
        assert_eq!(
            format_for(Some("jsonl"), Path::new("a.csv")).unwrap(),
            Format::Jsonl
        );
    }

    #[test]
    fn list_names_every_dataset() {
        let text = list_text();
        for dataset in Dataset::ALL {
            assert!(text.contains(dataset.name()), "{text}");
        }
        assert!(text.contains(&PRACTICE_SEED.to_string()));
    }

    fn args(dataset: &str, out: PathBuf) -> GenerateArgs {
        GenerateArgs {
            dataset: dataset.to_owned(),
            rows: 25,
            seed: None,
            eval_key_file: None,
            out,
            format: None,
            split: "practice".to_owned(),
            truth: None,
            population: 100,
            threads: Some(2),
        }
    }

    #[test]
    fn generate_writes_records_and_truth_apart() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("appeals.jsonl");
        generate(args("kz.appeals", out.clone())).unwrap();
        let records = std::fs::read_to_string(&out).unwrap();
        let truth = std::fs::read_to_string(dir.path().join("appeals.truth.jsonl")).unwrap();
        assert_eq!(records.lines().count(), 25);
        assert_eq!(truth.lines().count(), 25);
        assert!(!records.contains("correct_body"));
        assert!(!dir.path().join("appeals.jsonl.partial").exists());

        let csv = dir.path().join("air.csv");
        generate(args("madrid.air", csv.clone())).unwrap();
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(text.starts_with("PROVINCIA;MUNICIPIO;"));
        assert!(!dir.path().join("air.truth.jsonl").exists());
    }

    #[test]
    fn generate_explains_what_went_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let err = generate(args("kz.citizen", dir.path().join("a.jsonl"))).unwrap_err();
        assert!(
            format!("{err:#}").contains("did you mean `kz.citizens`"),
            "{err:#}"
        );

        let missing = dir.path().join("missing").join("a.jsonl");
        let err = generate(args("kz.citizens", missing)).unwrap_err();
        assert!(format!("{err:#}").contains("does not exist"), "{err:#}");

        let err = generate(args("kz.citizens", dir.path().to_path_buf())).unwrap_err();
        assert!(format!("{err:#}").contains("is a directory"), "{err:#}");

        let err = generate(args("kz.citizens", dir.path().join("a.csv"))).unwrap_err();
        assert!(format!("{err:#}").contains("no csv layout"), "{err:#}");

        let mut evaluation = args("kz.citizens", dir.path().join("e.jsonl"));
        evaluation.split = "evaluation".to_owned();
        evaluation.seed = Some(PRACTICE_SEED.to_string());
        let err = generate(evaluation).unwrap_err();
        assert!(format!("{err:#}").contains("--eval-key-file"), "{err:#}");
    }
}
