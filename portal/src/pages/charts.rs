//! Inline SVG charts rendered on the server, so they need no JavaScript:
//! sparklines, horizontal bars, grouped bars, histograms and lines.
//!
//! Every chart is an `<svg role="img">` with an `aria-label` and a `<title>`
//! that say in words what it shows; colours come from CSS classes
//! (`s0`…`s5`) so the stylesheet controls contrast.

use std::fmt::Write as _;

use maud::{Markup, html};

use crate::i18n::Lang;
use crate::model::HistogramDoc;

/// Pixels per SVG unit at full size (charts shrink to fit narrow screens).
const SCALE: f64 = 1.3;

/// A small trend line of composites by version (0–100).
pub(crate) fn sparkline(lang: Lang, history: &[(i64, f64)]) -> Markup {
    let label = history
        .iter()
        .map(|(v, c)| format!("v{v}: {}", lang.number(*c, 1)))
        .collect::<Vec<_>>()
        .join(", ");
    let (w, h) = (96.0, 24.0);
    let n = history.len();
    let mut points = String::new();
    for (i, (_, c)) in history.iter().enumerate() {
        let x = if n > 1 {
            2.0 + (w - 4.0) * i as f64 / (n - 1) as f64
        } else {
            w / 2.0
        };
        let y = h - 2.0 - (h - 4.0) * c.clamp(0.0, 100.0) / 100.0;
        let _ = write!(points, "{x:.1},{y:.1} ");
    }
    let last = history.last().map(|(_, c)| *c).unwrap_or(0.0);
    let last_x = if n > 1 { w - 2.0 } else { w / 2.0 };
    let last_y = h - 2.0 - (h - 4.0) * last.clamp(0.0, 100.0) / 100.0;
    html! {
        svg.spark width="96" height="24" viewBox="0 0 96 24" role="img" aria-label=(format!("{}: {label}", lang.t("chart.trend"))) {
            title { (lang.t("chart.trend")) ": " (label) }
            @if n > 1 {
                polyline points=(points.trim_end()) fill="none" {}
            }
            circle cx=(format!("{last_x:.1}")) cy=(format!("{last_y:.1}")) r="2.5" {}
        }
    }
}

/// Horizontal bars on a 0–100 scale, one per labelled value.
pub(crate) fn bars(lang: Lang, title: &str, items: &[(String, Option<f64>)]) -> Markup {
    let row = 26.0;
    let label_w = 130.0;
    let bar_w = 200.0;
    let height = row * items.len() as f64 + 8.0;
    let width = label_w + bar_w + 90.0;
    html! {
        svg.chart width=(format!("{:.0}", width * SCALE)) viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) {
            title { (title) }
            @for (i, (label, value)) in items.iter().enumerate() {
                @let y = 4.0 + row * i as f64;
                text x=(label_w - 6.0) y=(format!("{:.1}", y + 16.0)) text-anchor="end" { (label) }
                rect.track x=(label_w) y=(format!("{:.1}", y + 4.0)) width=(bar_w) height="16" {}
                @if let Some(v) = value {
                    rect class=(format!("bar s{}", i % 6)) x=(label_w) y=(format!("{:.1}", y + 4.0)) width=(format!("{:.1}", bar_w * v.clamp(0.0, 100.0) / 100.0)) height="16" {}
                }
                text x=(label_w + bar_w + 6.0) y=(format!("{:.1}", y + 16.0)) {
                    (value.map_or_else(|| lang.t("dim.na").to_owned(), |v| lang.number(v, 1)))
                }
            }
        }
    }
}

/// Grouped vertical bars on a 0–100 scale: one group per category (its
/// name, and the short label under its group), one bar per series, with a
/// legend.
pub(crate) fn grouped(
    lang: Lang,
    title: &str,
    categories: &[(&str, &str)],
    series: &[(String, Vec<Option<f64>>)],
) -> Markup {
    let plot_h = 160.0;
    let top = 10.0;
    let left = 34.0;
    // Wide enough for the short label under each group.
    let group_w = (20.0 + 14.0 * series.len() as f64).max(46.0);
    let width = left + group_w * categories.len() as f64 + 10.0;
    let height = top + plot_h + 60.0;
    let bar_w = 12.0;
    let y_of = |v: f64| top + plot_h - plot_h * v.clamp(0.0, 100.0) / 100.0;
    html! {
        figure.chart-figure {
            svg.chart width=(format!("{:.0}", width * SCALE)) viewBox=(format!("0 0 {width:.0} {height:.0}")) role="img" aria-label=(title) {
                title { (title) }
                @for tick in [0.0, 50.0, 100.0] {
                    line.grid x1=(left) x2=(format!("{:.0}", width - 6.0)) y1=(format!("{:.1}", y_of(tick))) y2=(format!("{:.1}", y_of(tick))) {}
                    text x=(left - 4.0) y=(format!("{:.1}", y_of(tick) + 4.0)) text-anchor="end" { (tick) }
                }
                @for (ci, (category, label)) in categories.iter().enumerate() {
                    @let gx = left + group_w * ci as f64 + 10.0;
                    @for (si, (name, values)) in series.iter().enumerate() {
                        @if let Some(Some(v)) = values.get(ci) {
                            rect class=(format!("bar s{}", si % 6)) x=(format!("{:.1}", gx + 14.0 * si as f64)) y=(format!("{:.1}", y_of(*v))) width=(bar_w) height=(format!("{:.1}", top + plot_h - y_of(*v))) {
                                title { (name) ", " (category) ": " (lang.number(*v, 1)) }
                            }
                        }
                    }
                    text.cat x=(format!("{:.1}", gx + 7.0 * series.len() as f64)) y=(format!("{:.1}", top + plot_h + 14.0)) text-anchor="middle" { (label) }
                }
            }
            figcaption {
                ul.legend {
                    @for (si, (name, _)) in series.iter().enumerate() {
                        li { span class=(format!("swatch s{}", si % 6)) aria-hidden="true" {} (name) }
                    }
                }
            }
        }
    }
}

/// A histogram of counts per bin (log-binned edges), with the edges under
/// the first, middle and last bins.
pub(crate) fn histogram(lang: Lang, title: &str, unit: &str, hist: &HistogramDoc) -> Markup {
    let n = hist.counts.len().max(1);
    let plot_h = 100.0;
    let width = 320.0;
    let left = 30.0;
    let bin_w = (width - left - 10.0) / n as f64;
    let max = hist.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let total: u64 = hist.counts.iter().sum();
    let label = format!("{title}: {total} {}", lang.t("chart.cases"));
    html! {
        svg.chart width=(format!("{:.0}", width * SCALE)) viewBox=(format!("0 0 {width} {}", plot_h + 40.0)) role="img" aria-label=(label) {
            title { (label) }
            text x=(left - 4.0) y="12" text-anchor="end" { (max as u64) }
            text x=(left - 4.0) y=(plot_h + 4.0) text-anchor="end" { "0" }
            @for (i, count) in hist.counts.iter().enumerate() {
                @let h = plot_h * *count as f64 / max;
                rect.bar.s0 x=(format!("{:.1}", left + bin_w * i as f64 + 1.0)) y=(format!("{:.1}", 4.0 + plot_h - h)) width=(format!("{:.1}", (bin_w - 2.0).max(1.0))) height=(format!("{h:.1}")) {
                    title {
                        (hist.edges.get(i).copied().unwrap_or(0)) "–" (hist.edges.get(i + 1).copied().unwrap_or(0)) " " (unit) ": " (count)
                    }
                }
            }
            @if let (Some(first), Some(last)) = (hist.edges.first(), hist.edges.last()) {
                text x=(left) y=(plot_h + 20.0) { (compact(*first)) " " (unit) }
                text x=(width - 10.0) y=(plot_h + 20.0) text-anchor="end" { (compact(*last)) " " (unit) }
            }
        }
    }
}

/// Lines of composite score by version, one per agent.
pub(crate) fn history_lines(lang: Lang, title: &str, series: &[(String, &[(i64, f64)])]) -> Markup {
    let max_version = series
        .iter()
        .flat_map(|(_, h)| h.iter().map(|(v, _)| *v))
        .max()
        .unwrap_or(1)
        .max(1);
    let (left, top, plot_w, plot_h) = (34.0, 10.0, 300.0, 140.0);
    // One version: its points in the middle, and no axis end naming a
    // version that does not exist.
    let x_of = |v: i64| {
        if max_version == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * (v - 1) as f64 / (max_version - 1) as f64
        }
    };
    let y_of = |c: f64| top + plot_h - plot_h * c.clamp(0.0, 100.0) / 100.0;
    html! {
        figure.chart-figure {
            svg.chart.lines width=(format!("{:.0}", (left + plot_w + 20.0) * SCALE)) viewBox=(format!("0 0 {} {}", left + plot_w + 20.0, top + plot_h + 30.0)) role="img" aria-label=(title) {
                title { (title) }
                @for tick in [0.0, 50.0, 100.0] {
                    line.grid x1=(left) x2=(left + plot_w) y1=(y_of(tick)) y2=(y_of(tick)) {}
                    text x=(left - 4.0) y=(y_of(tick) + 4.0) text-anchor="end" { (tick) }
                }
                @if max_version == 1 {
                    text x=(left + plot_w / 2.0) y=(top + plot_h + 20.0) text-anchor="middle" { "v1" }
                } @else {
                    text x=(left) y=(top + plot_h + 20.0) { "v1" }
                    text x=(left + plot_w) y=(top + plot_h + 20.0) text-anchor="end" { "v" (max_version) }
                }
                @for (si, (name, history)) in series.iter().enumerate() {
                    @let points = history.iter().map(|(v, c)| format!("{:.1},{:.1}", x_of(*v), y_of(*c))).collect::<Vec<_>>().join(" ");
                    polyline class=(format!("line s{}", si % 6)) points=(points) fill="none" {
                        title { (name) }
                    }
                    @for (v, c) in history.iter() {
                        circle class=(format!("dot s{}", si % 6)) cx=(format!("{:.1}", x_of(*v))) cy=(format!("{:.1}", y_of(*c))) r="3" {
                            title { (name) " v" (v) ": " (lang.number(*c, 1)) }
                        }
                    }
                }
            }
            figcaption {
                ul.legend {
                    @for (si, (name, _)) in series.iter().enumerate() {
                        li { span class=(format!("swatch s{}", si % 6)) aria-hidden="true" {} (name) }
                    }
                }
            }
        }
    }
}

/// 1234567 → `1.2M`.
fn compact(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.0}k", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}
