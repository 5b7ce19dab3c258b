//! `govlab adapters`: list the mapping directions, map records between
//! data models, and check how well a dataset survives a mapping (the
//! interoperability report).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use govlab_adapters::madrid_csv;
use govlab_adapters::{
    Adapters, CheckConfig, ConvertConfig, InputRecord, Status, codelists, schema_names,
};

use crate::cli::progress;

/// Subcommands of `govlab adapters`.
#[derive(clap::Subcommand)]
pub enum AdaptersCommand {
    /// List schemas, mapping directions and code lists
    List(ListArgs),
    /// Map records from one schema to another (through the canonical model)
    Map(MapArgs),
    /// Report coverage, information loss, round-trip fidelity and validation for a mapping
    Check(CheckArgs),
}

/// Where mapping specs come from.
#[derive(clap::Args)]
pub struct SpecArgs {
    /// Directory of extra mapping specs (*.toml) loaded over the built-in ones
    #[arg(long, value_name = "DIR")]
    mappings: Option<PathBuf>,
}

/// Arguments of `govlab adapters list`.
#[derive(clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    specs: SpecArgs,
}

/// What to do with a record that cannot be mapped.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnError {
    /// Report the record with its line number and go on
    Skip,
    /// Report the record with its line number and stop
    Fail,
}

/// Arguments of `govlab adapters map`.
#[derive(clap::Args)]
pub struct MapArgs {
    /// Source schema, e.g. madrid.request
    #[arg(long, value_name = "SCHEMA")]
    from: String,
    /// Target schema, e.g. kz.appeal
    #[arg(long, value_name = "SCHEMA")]
    to: String,
    /// Input: JSON lines (one record per line); a .csv file for madrid.air, madrid.resident and madrid.request
    #[arg(long = "in", value_name = "FILE")]
    input: PathBuf,
    /// Output JSON lines (standard output when left out)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// What to do with a record that cannot be mapped
    #[arg(long, value_enum, default_value = "fail")]
    on_error: OnError,
    /// Also validate each record against the source and target schemas
    #[arg(long)]
    validate: bool,
    #[command(flatten)]
    specs: SpecArgs,
}

/// Arguments of `govlab adapters check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// Source schema, e.g. madrid.request
    #[arg(long, value_name = "SCHEMA")]
    from: String,
    /// Target schema, e.g. kz.appeal
    #[arg(long, value_name = "SCHEMA")]
    to: String,
    /// Input: JSON lines (one record per line); a .csv file for madrid.air, madrid.resident and madrid.request
    #[arg(long = "in", value_name = "FILE")]
    input: PathBuf,
    /// Print the report as JSON instead of a table
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    specs: SpecArgs,
}

/// Runs one `govlab adapters` subcommand.
pub fn run(cmd: AdaptersCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AdaptersCommand::List(args) => list(&args),
        AdaptersCommand::Map(args) => map(&args),
        AdaptersCommand::Check(args) => check(&args),
    }
}

fn load(specs: &SpecArgs) -> anyhow::Result<Arc<Adapters>> {
    match &specs.mappings {
        None => Adapters::shared().context("cannot load the built-in mapping specs"),
        Some(dir) => Adapters::with_mapping_dir(dir)
            .map(Arc::new)
            .with_context(|| format!("cannot load mapping specs from {}", dir.display())),
    }
}

fn list(args: &ListArgs) -> anyhow::Result<ExitCode> {
    let adapters = load(&args.specs)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "schemas:")?;
    for name in schema_names() {
        writeln!(out, "  {name}")?;
    }
    writeln!(
        out,
        "\nmappings (any two schemas of one family convert through canonical):"
    )?;
    for mapping in adapters.mappings() {
        writeln!(
            out,
            "  {:<22} → {:<22} {} ({})",
            mapping.from, mapping.to, mapping.description, mapping.file
        )?;
    }
    writeln!(out, "\ncode lists:")?;
    for name in codelists::list_names() {
        writeln!(out, "  {name}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the input file as records: JSON lines, or the Madrid portal's
/// hourly air CSV when the source is `madrid.air` and the file ends in `.csv`.
fn read_records(path: &Path, from: &str) -> anyhow::Result<Vec<InputRecord>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read input file {}", path.display()))?;
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let parse = match from {
            "madrid.air" => madrid_csv::parse_air,
            "madrid.resident" => madrid_csv::parse_residents,
            "madrid.request" => madrid_csv::parse_requests,
            _ => bail!(
                "{} is a CSV file; only madrid.air, madrid.resident and madrid.request have a CSV layout (docs/records.md), give JSON lines for {from}",
                path.display()
            ),
        };
        let (rows, _) = parse(&bytes)
            .with_context(|| format!("cannot read {} as a {from} CSV file", path.display()))?;
        return Ok(rows
            .into_iter()
            .map(|(line, row)| InputRecord {
                line: usize::try_from(line).unwrap_or(usize::MAX),
                value: row,
            })
            .collect());
    }
    let (text, _) = madrid_csv::decode(&bytes);
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(idx, line)| InputRecord {
            line: idx + 1,
            value: serde_json::from_str(line).map_err(|err| format!("not a JSON record: {err}")),
        })
        .collect())
}

/// Skipped records named one per line with `--on-error skip`; the rest are
/// counted.
const SKIPPED_SHOWN: usize = 10;

fn map(args: &MapArgs) -> anyhow::Result<ExitCode> {
    let adapters = load(&args.specs)?;
    let records = read_records(&args.input, &args.from)?;
    let config = ConvertConfig {
        validate_source: args.validate,
        validate_target: args.validate,
        provenance: false,
    };
    let mut sink: Box<dyn Write> = match &args.out {
        Some(path) => {
            Box::new(BufWriter::new(File::create(path).with_context(|| {
                format!("cannot create output file {}", path.display())
            })?))
        }
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let bar = progress::bar(records.len() as u64, "records");
    let input_name = args.input.display().to_string();
    let (mut mapped, mut written, mut skipped) = (0usize, 0usize, 0usize);
    for record in records {
        bar.inc(1);
        let result = match record.value {
            Err(reason) => Err(reason),
            Ok(value) => adapters
                .convert_with(&args.from, &args.to, &value, &config)
                .map_err(|err| err.to_string()),
        };
        match result {
            Ok(conversion) => {
                mapped += 1;
                let outputs = match conversion.value {
                    serde_json::Value::Array(items) => items,
                    one => vec![one],
                };
                for output in outputs {
                    serde_json::to_writer(&mut sink, &output).context("cannot write output")?;
                    sink.write_all(b"\n").context("cannot write output")?;
                    written += 1;
                }
            }
            Err(reason) => {
                let message = format!("{input_name}:{}: {reason}", record.line);
                if args.on_error == OnError::Fail {
                    bar.finish_and_clear();
                    sink.flush().context("cannot write output")?;
                    bail!("{message}; stopped (use --on-error skip to go on past bad records)");
                }
                if skipped < SKIPPED_SHOWN {
                    bar.suspend(|| eprintln!("skipped {message}"));
                }
                skipped += 1;
            }
        }
    }
    bar.finish_and_clear();
    sink.flush().context("cannot write output")?;
    let shown = if skipped > SKIPPED_SHOWN {
        format!(" (the first {SKIPPED_SHOWN} shown above)")
    } else {
        String::new()
    };
    eprintln!(
        "mapped {mapped} records from {} to {} ({written} written), skipped {skipped}{shown}",
        args.from, args.to
    );
    Ok(ExitCode::SUCCESS)
}

fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let adapters = load(&args.specs)?;
    let records = read_records(&args.input, &args.from)?;
    let bar = progress::bar(records.len() as u64, "records");
    let report = adapters
        .check(
            &args.from,
            &args.to,
            records.into_iter().inspect(|_| bar.inc(1)),
            &CheckConfig::default(),
        )
        .with_context(|| format!("cannot check {} → {}", args.from, args.to))?;
    bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report).context("cannot write the report")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report.render_table())?;
    }
    Ok(if report.status == Status::Failure {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const GOOD: &str = r#"{"station_id":"ALA-001","city":"Almaty","station_name":"x","pollutant":"PM2.5","unit":"µg/m³","time_local":"2025-01-15T08:00:00+05:00","value":12.5,"valid":true}"#;
    const BAD: &str = r#"{"station_id":"ALA-001","city":"Almaty","station_name":"x","pollutant":"H2S","unit":"µg/m³","time_local":"2025-01-15T08:00:00+05:00","value":1.0,"valid":true}"#;

    fn map_args(dir: &Path, on_error: OnError) -> MapArgs {
        let input = dir.join("in.jsonl");
        std::fs::write(&input, format!("{GOOD}\n\n{BAD}\nnot json\n{GOOD}\n")).unwrap();
        MapArgs {
            from: "kz.air".to_owned(),
            to: "canonical.observation".to_owned(),
            input,
            out: Some(dir.join("out.jsonl")),
            on_error,
            validate: true,
            specs: SpecArgs { mappings: None },
        }
    }

    #[test]
    fn map_without_validation_reports_the_mapping_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut args = map_args(dir.path(), OnError::Fail);
        args.validate = false;
        let err = map(&args).unwrap_err().to_string();
        assert!(err.contains("in.jsonl:3: record cannot be mapped from kz.air to canonical.observation: 'H2S' for /pollutant is not in code list pollutants at /pollutant"), "{err}");
    }

    #[test]
    fn map_skips_bad_records_and_keeps_good_ones() {
        let dir = tempfile::tempdir().unwrap();
        let args = map_args(dir.path(), OnError::Skip);
        assert_eq!(map(&args).unwrap(), ExitCode::SUCCESS);
        let out = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["time"], "2025-01-15T03:00:00Z");
    }

    #[test]
    fn map_fails_on_the_first_bad_record_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let args = map_args(dir.path(), OnError::Fail);
        let err = map(&args).unwrap_err().to_string();
        assert!(
            err.contains("in.jsonl:3: record is not a valid kz.air: \"H2S\" is not one of"),
            "{err}"
        );
        assert!(
            err.ends_with("stopped (use --on-error skip to go on past bad records)"),
            "{err}"
        );
    }

    #[test]
    fn csv_input_is_for_the_madrid_layouts_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("appeals.csv");
        std::fs::write(&path, "a;b\n").unwrap();
        let err = read_records(&path, "kz.appeal").unwrap_err().to_string();
        assert!(err.ends_with("only madrid.air, madrid.resident and madrid.request have a CSV layout (docs/records.md), give JSON lines for kz.appeal"), "{err}");
        let path = dir.path().join("requests.csv");
        std::fs::write(&path, "a;b\n").unwrap();
        let err = format!("{:#}", read_records(&path, "madrid.request").unwrap_err());
        assert!(
            err.ends_with("line 1: missing column ID; is this a Madrid requests file?"),
            "{err}"
        );
    }

    #[test]
    fn a_malformed_mapping_dir_fails_at_load_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("broken.toml"),
            "[mapping]\nfrom = \"kz.air\"\nto = \"canonical.observation\"\n\n[[rule]]\nto = \"x\"\nsteps = [{ op = \"nope\" }]\n",
        )
        .unwrap();
        let err = load(&SpecArgs {
            mappings: Some(dir.path().to_owned()),
        })
        .unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("broken.toml:7: unknown op 'nope' in rule 'x'"),
            "{text}"
        );
    }
}
