//! `govlab demo`: builds the reference agents, runs every scenario's
//! practice split with the oracle and trivial baselines and the naive and
//! competent agents, prints one board per scenario (with 95 % intervals and
//! statistical ties) and writes the signed scorecards, one HTML report per
//! scenario and an index with the next steps.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use govlab_scenarios::baselines::Baseline;
use govlab_scenarios::cases::SplitSeed;
use govlab_scenarios::reference::{BuildConfig, REFERENCE_AGENTS, build_reference_agents};
use govlab_scenarios::runner::{PilotResult, html_report_named};
use govlab_scenarios::scenario::list;
use govlab_scoring::bootstrap::{Interval, board_order, tie_ranks};
use govlab_scoring::certificate::LabKey;
use govlab_scoring::report::{IndexEntry, render_index};
use govlab_scoring::scorecard::REFERENCE_PREFIX;

use crate::cli::scenarios::{baseline_with_progress, lab_key_dir, pilot_with_progress};

/// Arguments of `govlab demo`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// Where to write the scorecards, the reports and `index.html`
    #[arg(long, value_name = "DIR", default_value = "out/demo")]
    out: PathBuf,
    /// Run only the first N cases of each practice split (below a
    /// scenario's minimum its scorecards are not signed)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
}

/// Runs `govlab demo`.
pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    eprintln!("building the reference agents (cargo, wasm32-wasip2) …");
    let built = build_reference_agents(&BuildConfig::default())
        .context("cannot build the reference agents")?;
    let key_dir = lab_key_dir()?;
    let key = LabKey::load_or_create(&key_dir)
        .with_context(|| format!("cannot load the lab key from {}", key_dir.display()))?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output directory {}", args.out.display()))?;
    let mut index: Vec<(String, String, String)> = Vec::new();
    let mut unsigned = Vec::new();
    for scenario in list().context("the built-in scenario definitions do not load")? {
        let size = scenario.def().splits.practice;
        let cases = args.limit.map_or(size, |limit| limit.min(size));
        let mut rows: Vec<(String, PilotResult)> = Vec::new();
        for baseline in Baseline::ALL {
            eprintln!("{} · {baseline} baseline · {cases} cases", scenario.id());
            let result = baseline_with_progress(scenario, SplitSeed::practice(), cases, baseline)?;
            rows.push((baseline.agent_id(), result));
        }
        for agent in REFERENCE_AGENTS
            .iter()
            .filter(|agent| agent.scenario == scenario.kind())
        {
            let path = built.path(agent.package);
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            eprintln!(
                "{} · {} agent · {cases} cases",
                scenario.id(),
                agent.level.as_str()
            );
            let result = pilot_with_progress(
                scenario,
                SplitSeed::practice(),
                cases,
                &bytes,
                govlab_sandbox::DEFAULT_COMPILE_TIMEOUT,
            )
            .with_context(|| format!("the pilot of {} did not complete", agent.package))?;
            rows.push((agent.package.to_owned(), result));
        }
        for (name, result) in &rows {
            // Reference rows exist in every scenario: name their files by it.
            let file = match name.strip_prefix(REFERENCE_PREFIX) {
                Some(baseline) => format!("{}.{baseline}", scenario.id()),
                None => name.clone(),
            };
            let (path, json) = match result.sign(&key) {
                Ok(signed) => (format!("{file}.scorecard.json"), signed.to_json()),
                Err(why) => {
                    unsigned.push(why.to_string());
                    (
                        format!("{file}.scorecard.unsigned.json"),
                        result.scorecard.to_json(),
                    )
                }
            };
            let card = args.out.join(path);
            std::fs::write(&card, json)
                .with_context(|| format!("cannot write {}", card.display()))?;
        }
        print!("{}", board(scenario.id(), &rows));
        let file = format!("{}.html", scenario.id());
        let named: Vec<(Option<&str>, &PilotResult)> = rows
            .iter()
            .map(|(name, result)| (Some(name.as_str()), result))
            .collect();
        let path = args.out.join(&file);
        std::fs::write(&path, html_report_named(&named))
            .with_context(|| format!("cannot write {}", path.display()))?;
        index.push((file, scenario.def().title.clone(), leader(&rows)));
    }
    if let Some(why) = unsigned.first() {
        eprintln!("not signed ({} scorecards): {why}", unsigned.len());
    }
    let entries: Vec<IndexEntry<'_>> = index
        .iter()
        .map(|(href, title, summary)| IndexEntry {
            href,
            title,
            summary: summary.clone(),
        })
        .collect();
    let report = args.out.join("index.html");
    std::fs::write(&report, render_index("govlab demo", &entries, &NEXT_STEPS))
        .with_context(|| format!("cannot write {}", report.display()))?;
    println!("\nreports:    {} (one page per scenario)", report.display());
    println!(
        "scorecards: {}/*.scorecard.json (check one with `govlab verify FILE`)",
        args.out.display()
    );
    println!("\nnext, as a startup:");
    let width = NEXT_STEPS
        .iter()
        .map(|(command, _)| command.len())
        .max()
        .unwrap_or(0);
    for (command, what) in NEXT_STEPS {
        println!("  {command:<width$}  # {what}");
    }
    Ok(ExitCode::SUCCESS)
}

/// What a startup runs after the demo, in order.
const NEXT_STEPS: [(&str, &str); 3] = [
    (
        "govlab agent new my-agent",
        "scaffold an agent in Rust; write its decide() in my-agent/src/lib.rs (sdk/README.md)",
    ),
    (
        "govlab agent build my-agent",
        "compile it to a WebAssembly component; prints the .wasm path used next",
    ),
    (
        "govlab run --scenario appeals-triage --agent my-agent/target/wasm32-wasip2/release/my_agent.wasm --out pilot/",
        "score it on the public practice split (the unedited scaffold scores at the floor)",
    ),
];

/// One line naming the best non-reference agent of a scenario and the
/// floor and ceiling it sits between.
fn leader(rows: &[(String, PilotResult)]) -> String {
    let composite = |name: &str| {
        rows.iter()
            .find(|(row, _)| row == name)
            .and_then(|(_, result)| result.scorecard.composite)
    };
    let best = rows
        .iter()
        .filter(|(name, _)| !name.starts_with(REFERENCE_PREFIX))
        .filter_map(|(name, result)| result.scorecard.composite.map(|c| (name, c)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let floor = composite(&Baseline::Trivial.agent_id());
    let ceiling = composite(&Baseline::Oracle.agent_id());
    let fmt = |value: Option<f64>| value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"));
    match best {
        Some((name, score)) => format!(
            "best agent {name}: {score:.1} (trivial floor {}, oracle ceiling {})",
            fmt(floor),
            fmt(ceiling)
        ),
        None => format!(
            "no composite (below the scenario's minimum); trivial {}, oracle {}",
            fmt(floor),
            fmt(ceiling)
        ),
    }
}

/// One scenario's board: rows ranked by composite, `=N` where 95 %
/// intervals overlap (a statistical tie), every score with its interval.
fn board(scenario: &str, rows: &[(String, PilotResult)]) -> String {
    let entries: Vec<_> = rows
        .iter()
        .map(|(_, result)| {
            (
                result.scorecard.composite,
                result.scorecard.composite_interval,
            )
        })
        .collect();
    let ranks = tie_ranks(&entries);
    let order = board_order(&entries);
    let score = |value: Option<f64>| value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"));
    let interval = |iv: Option<Interval>| {
        iv.map_or_else(String::new, |iv| format!("[{:.1}, {:.1}]", iv.low, iv.high))
    };
    let mut out = format!(
        "\n{scenario}\n{:<5} {:<22} {:>9} {:<14} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}\n",
        "rank",
        "agent",
        "composite",
        "95% interval",
        "effec",
        "inter",
        "effic",
        "relia",
        "compl",
        "fair"
    );
    for index in order {
        let (name, result) = &rows[index];
        let card = &result.scorecard;
        let dims = &card.dimensions;
        let (rank, tied) = ranks[index];
        let rank = if tied {
            format!("={rank}")
        } else {
            rank.to_string()
        };
        out.push_str(&format!(
            "{rank:<5} {name:<22} {:>9} {:<14} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}\n",
            score(card.composite),
            interval(card.composite_interval),
            score(dims.effectiveness.score),
            score(dims.interoperability.score),
            score(dims.efficiency.score),
            score(dims.reliability.score),
            score(dims.compliance.score),
            score(dims.fairness.score),
        ));
    }
    out
}
