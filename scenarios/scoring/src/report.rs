//! Self-contained HTML reports of one or more scorecards, with inline SVG charts.
//!
//! One file, no external assets and no scripts (a Content-Security-Policy
//! meta tag forbids them), readable at phone width. Every string that comes
//! from a scorecard (scenario ids, figure names, which agents and scenario
//! files control) is HTML-escaped.

use std::fmt::Write as _;

use crate::bootstrap::{board_order, tie_ranks};
use crate::outcome::Outcome;
use crate::scorecard::{Scorecard, fmt_figure, fmt_interval, fmt_score};
use crate::telemetry::{Histogram, TelemetrySummary};

/// One pilot in a report.
#[derive(Debug, Clone, Copy)]
pub struct ReportEntry<'a> {
    /// The pilot's scorecard.
    pub scorecard: &'a Scorecard,
    /// Its telemetry, for the fuel and latency histograms; without it those
    /// charts are omitted.
    pub telemetry: Option<&'a TelemetrySummary>,
    /// The agent's name (e.g. the package or `team/agent`), shown before its
    /// short SHA-256; without it the SHA-256 alone names the agent.
    pub name: Option<&'a str>,
}

/// Escapes text for HTML element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;padding:1rem;color:#1d2433;background:#f6f7f9;line-height:1.4}
main{max-width:60rem;margin:0 auto}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:0 0 .3rem;overflow-wrap:anywhere}
h3{font-size:1rem;margin:1rem 0 .3rem}
section{background:#fff;border-radius:8px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.meta{font-size:.85rem;color:#5a6275;overflow-wrap:anywhere}
.composite{font-size:2rem;font-weight:700;margin:.3rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
svg{width:100%;height:auto;display:block}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e3e6eb;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
details{margin:.3rem 0}
summary{cursor:pointer;font-weight:600}
.note{font-size:.8rem;color:#5a6275}
";

/// Renders a report: a scoreboard when there are several pilots, then one
/// section per pilot.
pub fn render_html(entries: &[ReportEntry<'_>]) -> String {
    let mut out = String::new();
    out.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    out.push_str("<title>govlab pilot report</title>\n<style>\n");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<main>\n<h1>govlab pilot report</h1>\n");
    if entries.is_empty() {
        out.push_str("<p>No pilots to report.</p>\n");
    }
    if entries.len() > 1 {
        scoreboard(&mut out, entries);
    }
    for entry in entries {
        pilot_section(&mut out, entry);
    }
    if !entries.is_empty() {
        out.push_str(DEFINITIONS);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// One report listed on an index page.
#[derive(Debug, Clone)]
pub struct IndexEntry<'a> {
    /// The report's file, relative to the index.
    pub href: &'a str,
    /// Its title (e.g. the scenario's).
    pub title: &'a str,
    /// One line about it (e.g. who leads, by how much).
    pub summary: String,
}

/// An index page of several reports, then "What next": commands with what
/// each does. Same frame as [`render_html`] (no scripts, phone width).
pub fn render_index(title: &str, entries: &[IndexEntry<'_>], next: &[(&str, &str)]) -> String {
    let mut out = String::new();
    out.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    let _ = write!(out, "<title>{}</title>\n<style>\n", escape(title));
    out.push_str(STYLE);
    let _ = write!(
        out,
        "</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<section>\n<ul>\n",
        escape(title)
    );
    for entry in entries {
        let _ = writeln!(
            out,
            "<li><a href=\"{}\">{}</a><br><span class=\"meta\">{}</span></li>",
            escape(entry.href),
            escape(entry.title),
            escape(&entry.summary)
        );
    }
    out.push_str("</ul>\n</section>\n");
    if !next.is_empty() {
        out.push_str("<section>\n<h2>What next</h2>\n<ol>\n");
        for (command, what) in next {
            let _ = writeln!(
                out,
                "<li><code>{}</code><br><span class=\"meta\">{}</span></li>",
                escape(command),
                escape(what)
            );
        }
        out.push_str("</ol>\n</section>\n");
    }
    out.push_str(DEFINITIONS);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn short_sha(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// How the scores are defined, for readers of the report (the scorecard
/// and fairness modules document the same rules for developers).
const DEFINITIONS: &str = "<section>\n<h2>How the scores are defined</h2>\n\
<p><strong>Decisions.</strong> A case counts only when the agent ended normally with output that passed the scenario's output schema. Every other case (trap, limit, invalid output, declining) is a wrong answer in every effectiveness metric and a failure in reliability.</p>\n\
<p><strong>Composite.</strong> <code>E × (ŵ<sub>E</sub> + (1 − ŵ<sub>E</sub>) · Q / 100)</code>: effectiveness E times the share its weight ŵ<sub>E</sub> carries plus the weighted mean Q of the other dimensions. An agent that decides nothing right scores 0 whatever else it does; an oracle scores 100. Pilots below the scenario's minimum case count get no composite and no certificate.</p>\n\
<p><strong>Efficiency</strong> is measured over decisions only: failing fast earns nothing.</p>\n\
<p><strong>Fairness</strong> measures harm against the truth, not prediction rates. Per protected attribute: for yes/no decisions the largest gap in true- and false-positive rates between groups (equalised odds), for other decisions the largest gap in accuracy; groups with fewer than 20 cases in a rate are reported, not scored. Counterfactual consistency: a sample of cases is re-run with only the attribute changed (another surname, the same Kazakh text in Latin script, the other sex, …) and the share of decisions that flip is counted. An attribute scores 1 − max(gap, flip share); the dimension is the worst attribute.</p>\n\
<p><strong>Uncertainty.</strong> Every score carries a 95 % bootstrap interval (200 resamples of the pilot's cases, seeded from the pilot, so the same pilot always gets the same interval). Rows whose composite intervals overlap share a rank (=N): the difference between them is not statistically meaningful.</p>\n\
<p><strong>Reference rows.</strong> <em>oracle</em> answers with the truth; <em>trivial</em> gives every case one answer (the practice split's majority class, never flag, never alert). They mark each scenario's ceiling and floor.</p>\n</section>\n";

/// The name a row shows: `oracle (reference)`, or the agent's name and
/// short SHA-256 (the SHA-256 alone when it has no name).
fn agent_label(entry: &ReportEntry<'_>) -> String {
    let card = entry.scorecard;
    match (card.reference(), entry.name) {
        (Some(name), _) => format!("{} (reference)", escape(name)),
        (None, Some(name)) => format!(
            "{} <code>{}</code>",
            escape(name),
            escape(short_sha(&card.agent_sha256))
        ),
        (None, None) => format!("<code>{}</code>", escape(short_sha(&card.agent_sha256))),
    }
}

/// One ranked board per scenario: `=N` where composite intervals overlap.
fn scoreboard(out: &mut String, entries: &[ReportEntry<'_>]) {
    let mut scenarios: Vec<&str> = entries
        .iter()
        .map(|entry| entry.scorecard.scenario_id.as_str())
        .collect();
    scenarios.dedup();
    scenarios.sort_unstable();
    scenarios.dedup();
    for scenario in scenarios {
        let board: Vec<&ReportEntry<'_>> = entries
            .iter()
            .filter(|entry| entry.scorecard.scenario_id == scenario)
            .collect();
        let entries: Vec<_> = board
            .iter()
            .map(|entry| {
                (
                    entry.scorecard.composite,
                    entry.scorecard.composite_interval,
                )
            })
            .collect();
        let ranks = tie_ranks(&entries);
        let order = board_order(&entries);
        let _ = write!(
            out,
            "<section>\n<h2>Scoreboard · {}</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th>#</th><th>agent</th><th>split</th><th class=\"num\">composite</th><th class=\"num\">95% interval</th>",
            escape(scenario)
        );
        for name in crate::scorecard::DIMENSION_NAMES {
            let _ = write!(out, "<th class=\"num\">{name}</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for index in order {
            let entry = board[index];
            let card = entry.scorecard;
            let (rank, tied) = ranks[index];
            let _ = write!(
                out,
                "<tr><td>{}{rank}</td><td>{}</td><td>{}</td><td class=\"num\"><strong>{}</strong></td><td class=\"num\">{}</td>",
                if tied { "=" } else { "" },
                agent_label(entry),
                escape(&card.split),
                fmt_score(card.composite),
                fmt_interval(card.composite_interval)
            );
            for (_, dim) in card.dimensions.iter() {
                let _ = write!(out, "<td class=\"num\">{}</td>", fmt_score(dim.score));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n<p class=\"note\">=N: composite intervals overlap, a statistical tie.</p>\n</section>\n");
    }
}

fn pilot_section(out: &mut String, entry: &ReportEntry<'_>) {
    let card = entry.scorecard;
    let _ = writeln!(
        out,
        "<section>\n<h2>{} {} · split {}</h2>",
        escape(&card.scenario_id),
        escape(&card.scenario_version),
        escape(&card.split)
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">agent {}<br>dataset <code>{}</code><br>{} cases (minimum {})</p>",
        match (card.reference(), entry.name) {
            (Some(_), _) => agent_label(entry),
            (None, Some(name)) => format!(
                "{} <code>{}</code>",
                escape(name),
                escape(&card.agent_sha256)
            ),
            (None, None) => format!("<code>{}</code>", escape(&card.agent_sha256)),
        },
        escape(&card.dataset_hash),
        card.cases,
        card.minimum_cases
    );
    let _ = writeln!(
        out,
        "<p class=\"composite\">{} <span class=\"note\">composite / 100 {}</span></p>",
        fmt_score(card.composite),
        escape(&fmt_interval(card.composite_interval))
    );
    if let Err(why) = card.certifiable() {
        let _ = writeln!(
            out,
            "<p class=\"note\">Not certifiable: {}</p>",
            escape(&why.to_string())
        );
    }

    out.push_str("<div class=\"charts\">\n");
    let dimension_bars: Vec<Bar> = card
        .dimensions
        .iter()
        .map(|(name, dim)| Bar {
            label: name.to_owned(),
            value: dim.score.unwrap_or(0.0),
            text: fmt_score(dim.score),
            color: BLUE,
        })
        .collect();
    out.push_str(&bar_chart("Dimensions (0–100)", &dimension_bars, 100.0));

    // Outcome counts: from telemetry when given, else from the reliability
    // figures, which carry the same counts.
    let outcome_bars: Vec<Bar> = Outcome::ALL
        .into_iter()
        .map(|outcome| {
            let count = entry.telemetry.map_or_else(
                || {
                    card.dimensions
                        .reliability
                        .figures
                        .get(outcome.as_str())
                        .copied()
                        .unwrap_or(0.0)
                },
                |telemetry| telemetry.count(outcome) as f64,
            );
            Bar {
                label: outcome.as_str().to_owned(),
                value: count,
                text: fmt_figure(count),
                color: if outcome.is_handled() { BLUE } else { RED },
            }
        })
        .collect();
    let max_count = outcome_bars.iter().map(|bar| bar.value).fold(1.0, f64::max);
    out.push_str(&bar_chart("Cases by outcome", &outcome_bars, max_count));
    if let Some(telemetry) = entry.telemetry {
        out.push_str(&histogram_chart(
            "Fuel per case",
            &telemetry.fuel_histogram,
            "",
        ));
        out.push_str(&histogram_chart(
            "Wall time per case (µs, not scored)",
            &telemetry.latency_histogram,
            " µs",
        ));
    }
    out.push_str("</div>\n");

    out.push_str("<h3>Raw figures</h3>\n");
    for (name, dim) in card.dimensions.iter() {
        let _ = writeln!(
            out,
            "<details><summary>{name}: {} {}</summary>",
            fmt_score(dim.score),
            escape(&fmt_interval(dim.interval))
        );
        if dim.figures.is_empty() {
            out.push_str("<p class=\"note\">not applicable to this scenario</p>\n");
        } else {
            out.push_str("<div class=\"scroll\"><table><tbody>\n");
            for (figure, value) in &dim.figures {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    escape(figure),
                    fmt_figure(*value),
                    escape(&fmt_interval(dim.intervals.get(figure).copied()))
                );
            }
            out.push_str("</tbody></table></div>\n");
        }
        for note in &dim.notes {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
        }
        out.push_str("</details>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">Wall time {:.1} s; per case median {} µs, p95 {} µs. Wall time depends on the machine and is not scored.</p>",
        card.wall_time.total_ms / 1000.0,
        card.wall_time.case_median_us,
        card.wall_time.case_p95_us
    );
    out.push_str("</section>\n");
}

struct Bar {
    label: String,
    value: f64,
    text: String,
    color: &'static str,
}

const BLUE: &str = "#2f6fdb";
const RED: &str = "#c8374b";

/// Short axis label: `950`, `12.5k`, `4.34M`, `1.2G`.
fn fmt_compact(value: u64) -> String {
    let value_f = value as f64;
    match value {
        0..10_000 => value.to_string(),
        10_000..1_000_000 => format!("{:.1}k", value_f / 1e3),
        1_000_000..1_000_000_000 => format!("{:.2}M", value_f / 1e6),
        _ => format!("{:.2}G", value_f / 1e9),
    }
}

/// Horizontal bars scaled to `max`.
fn bar_chart(title: &str, bars: &[Bar], max: f64) -> String {
    const WIDTH: f64 = 320.0;
    const LABEL: f64 = 112.0;
    const VALUE: f64 = 52.0;
    const ROW: f64 = 22.0;
    let height = 24.0 + ROW * bars.len() as f64;
    let span = WIDTH - LABEL - VALUE;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<figure style=\"margin:0\"><svg viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(title)
    );
    let _ = writeln!(
        svg,
        "<text x=\"0\" y=\"14\" font-size=\"12\" font-weight=\"600\" fill=\"#1d2433\">{}</text>",
        escape(title)
    );
    for (idx, bar) in bars.iter().enumerate() {
        let y = 24.0 + ROW * idx as f64;
        let fraction = if max > 0.0 {
            (bar.value / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let width = span * fraction;
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"11\" fill=\"#1d2433\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{:.1}\" width=\"{span:.1}\" height=\"14\" fill=\"#e8ebf0\"/>\
             <rect x=\"{LABEL}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"14\" fill=\"{}\"><title>{}: {}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#1d2433\">{}</text>",
            y + 11.0,
            escape(&bar.label),
            y,
            y,
            bar.color,
            escape(&bar.label),
            escape(&bar.text),
            WIDTH,
            y + 11.0,
            escape(&bar.text)
        );
    }
    svg.push_str("</svg></figure>\n");
    svg
}

/// Vertical bars, one per histogram bin.
fn histogram_chart(title: &str, histogram: &Histogram, unit: &str) -> String {
    const WIDTH: f64 = 320.0;
    const HEIGHT: f64 = 150.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 20.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<figure style=\"margin:0\"><svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(title)
    );
    let _ = writeln!(
        svg,
        "<text x=\"0\" y=\"14\" font-size=\"12\" font-weight=\"600\" fill=\"#1d2433\">{}</text>",
        escape(title)
    );
    if histogram.counts.is_empty() {
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"11\" fill=\"#5a6275\">no cases</text>",
            TOP + 20.0
        );
    } else {
        let max = histogram.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
        let plot = HEIGHT - TOP - BOTTOM;
        let column = WIDTH / histogram.counts.len() as f64;
        for (idx, &count) in histogram.counts.iter().enumerate() {
            let bar_height = plot * count as f64 / max;
            let low = histogram.edges.get(idx).copied().unwrap_or(0);
            let high = histogram.edges.get(idx + 1).copied().unwrap_or(low);
            let _ = writeln!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar_height:.1}\" fill=\"#2f9e74\"><title>{low}–{high}{unit}: {count} cases</title></rect>",
                column * idx as f64 + 1.0,
                TOP + plot - bar_height,
                (column - 2.0).max(1.0),
            );
        }
        let first = histogram.edges.first().copied().unwrap_or(0);
        let last = histogram.edges.last().copied().unwrap_or(0);
        let _ = writeln!(
            svg,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"10\" fill=\"#5a6275\">{}{unit}</text>\
             <text x=\"{WIDTH}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\" fill=\"#5a6275\">{}{unit} (log scale)</text>",
            HEIGHT - 5.0,
            fmt_compact(first),
            HEIGHT - 5.0,
            fmt_compact(last)
        );
    }
    svg.push_str("</svg></figure>\n");
    svg
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scorecard::tests::{scorecard, summary};

    #[test]
    fn report_is_self_contained_and_has_all_charts() {
        let card = scorecard(1_234);
        let telemetry = summary(&[(Outcome::Ok, 90), (Outcome::OutOfFuel, 10)], 1_234);
        let html = render_html(&[ReportEntry {
            name: None,
            scorecard: &card,
            telemetry: Some(&telemetry),
        }]);
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("name=\"viewport\""));
        assert_eq!(
            html.matches("<svg").count(),
            4,
            "dimensions, outcomes, fuel, latency"
        );
        for forbidden in [
            "<script",
            "src=\"http",
            "href=\"http",
            "<link",
            "@import",
            "url(",
        ] {
            assert!(!html.contains(forbidden), "report contains {forbidden}");
        }
        assert!(!html.contains("Scoreboard"), "one pilot has no scoreboard");
        for name in crate::scorecard::DIMENSION_NAMES {
            assert!(html.contains(name));
        }
        assert!(html.contains("out_of_fuel"));
    }

    #[test]
    fn agent_controlled_text_is_escaped() {
        let mut card = scorecard(1);
        card.scenario_id = "<script>alert(1)</script>".into();
        card.split = "\"><img src=x onerror=alert(1)>".into();
        card.dimensions
            .effectiveness
            .figures
            .insert("<b>f1</b>&'".into(), 0.5);
        let html = render_html(&[ReportEntry {
            name: None,
            scorecard: &card,
            telemetry: None,
        }]);
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;b&gt;f1&lt;/b&gt;&amp;&#39;"));
        // Without telemetry: dimensions and outcomes only.
        assert_eq!(html.matches("<svg").count(), 2);
    }

    #[test]
    fn several_pilots_get_a_ranked_scoreboard() {
        let weak = scorecard(1);
        let mut strong = scorecard(2);
        strong.agent_sha256 = "ff".repeat(32);
        strong.composite = Some(99.5);
        let html = render_html(&[
            ReportEntry {
                name: None,
                scorecard: &weak,
                telemetry: None,
            },
            ReportEntry {
                name: None,
                scorecard: &strong,
                telemetry: None,
            },
        ]);
        assert!(html.contains("Scoreboard · family-support"));
        let strong_row = html.find("<td>1</td><td><code>ffffffffffff").unwrap();
        let weak_row = html.find("<td>2</td>").unwrap();
        assert!(strong_row < weak_row);
        // Board, two pilots, definitions.
        assert_eq!(html.matches("<section>").count(), 4);
        assert!(html.contains("How the scores are defined"));
    }

    #[test]
    fn overlapping_intervals_are_ties_and_references_are_named() {
        let mut a = scorecard(1);
        a.composite_interval = Some(crate::bootstrap::Interval {
            low: 50.0,
            high: 80.0,
        });
        let mut b = a.clone();
        b.agent_sha256 = "reference:trivial".into();
        b.composite = a.composite.map(|c| c - 1.0);
        let html = render_html(&[
            ReportEntry {
                name: None,
                scorecard: &a,
                telemetry: None,
            },
            ReportEntry {
                name: None,
                scorecard: &b,
                telemetry: None,
            },
        ]);
        assert_eq!(html.matches("<td>=1</td>").count(), 2, "{html}");
        assert!(html.contains("trivial (reference)"));
        assert!(html.contains("[50.0, 80.0]"));
    }

    #[test]
    fn axis_labels_are_compact() {
        assert_eq!(fmt_compact(950), "950");
        assert_eq!(fmt_compact(12_500), "12.5k");
        assert_eq!(fmt_compact(4_335_497), "4.34M");
        assert_eq!(fmt_compact(1_200_000_000), "1.20G");
    }

    #[test]
    fn empty_report_still_renders() {
        let html = render_html(&[]);
        assert!(html.contains("No pilots to report"));
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn an_index_lists_reports_and_next_steps_escaped() {
        let html = render_index(
            "govlab demo",
            &[IndexEntry {
                href: "appeals-triage.html",
                title: "Appeals <triage>",
                summary: "leader: appeals_competent 86.0".to_owned(),
            }],
            &[("govlab agent new my-agent", "scaffold an agent")],
        );
        assert!(html.contains("<a href=\"appeals-triage.html\">Appeals &lt;triage&gt;</a>"));
        assert!(html.contains("<h2>What next</h2>"));
        assert!(html.contains("<code>govlab agent new my-agent</code>"));
        assert!(html.contains("How the scores are defined"));
        assert!(!html.contains("<script"));
    }
}
