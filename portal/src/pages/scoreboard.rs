//! The scoreboard: each agent's best finished pilot per scenario and split,
//! with filters, trends and charts.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use govlab_scenarios::scenario::{self, Scenario};
use maud::html;
use serde::Deserialize;

use super::{Ctx, charts, layout, score, when};
use crate::actions;
use crate::error::PortalError;
use crate::model::{DIMENSIONS, ScoreboardRow};
use crate::references::{self, ReferenceRow};
use crate::state::AppState;

/// Filters of the scoreboard.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Filters {
    scenario: Option<String>,
    split: Option<String>,
    country: Option<String>,
    dimension: Option<String>,
}

/// Countries whose data a scenario uses, from its datasets' prefixes.
pub(crate) fn countries(scenario: &Scenario) -> Vec<&'static str> {
    let mut out = Vec::new();
    for dataset in &scenario.def().datasets {
        let country = match dataset.split('.').next() {
            Some("madrid") => "ES",
            Some("kz") => "KZ",
            _ => continue,
        };
        if !out.contains(&country) {
            out.push(country);
        }
    }
    out
}

/// `GET /`: the scoreboard, or the login page when it is not public.
pub(crate) async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    query: Query<Filters>,
) -> Result<Response, PortalError> {
    if !actions::can_view_scoreboard(&state, ctx.who.as_ref()) {
        return Ok(axum::response::Redirect::to("/login").into_response());
    }
    scoreboard(State(state), ctx, query).await
}

/// `GET /scoreboard?scenario&split&country&dimension`.
pub(crate) async fn scoreboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filters): Query<Filters>,
) -> Result<Response, PortalError> {
    actions::require_scoreboard(&state, ctx.who.as_ref())?;
    let all = scenario::list().map_err(PortalError::internal)?;
    let country = filters
        .country
        .as_deref()
        .filter(|c| matches!(*c, "ES" | "KZ"));
    let shown: Vec<&Scenario> = all
        .iter()
        .filter(|s| country.is_none_or(|c| countries(s).contains(&c)))
        .collect();
    let current = filters
        .scenario
        .as_deref()
        .and_then(|id| shown.iter().find(|s| s.id() == id))
        .or_else(|| shown.first())
        .copied();
    let split = match (filters.split.as_deref(), current) {
        (Some("practice"), _) => "practice",
        (Some(_), _) | (None, None) => "evaluation",
        // No split asked for: the evaluation board once it has results,
        // the practice board until then (a new lab is not an empty page).
        (None, Some(s)) => {
            let evaluation = state
                .scoreboard_cache
                .get(&state.db, &state.references, s.id(), "evaluation")
                .await?;
            if evaluation.rows.is_empty() {
                "practice"
            } else {
                "evaluation"
            }
        }
    };
    let dimension = filters
        .dimension
        .as_deref()
        .and_then(|d| DIMENSIONS.iter().find(|(name, _)| *name == d))
        .map(|(name, _)| *name);
    let title = ctx.t("sb.title");
    let view = View {
        shown: &shown,
        current,
        split,
        country,
        dimension,
    };
    // The body depends on the board, the language and the filters, not on
    // who is looking: render it once per board and key.
    let body = match current {
        Some(s) => {
            let board = state
                .scoreboard_cache
                .get(&state.db, &state.references, s.id(), split)
                .await?;
            let key = format!(
                "{}|{}|{}",
                ctx.lang.code(),
                country.unwrap_or("-"),
                dimension.unwrap_or("-")
            );
            let page = board.rendered_page(&key, |rows, refs| {
                render_body(&ctx, &view, rows, refs).into_string()
            });
            maud::PreEscaped(page.to_string())
        }
        None => render_body(&ctx, &view, &[], &[]),
    };
    Ok(layout(&ctx, title, html! {}, body).into_response())
}

/// `GET /scoreboard.csv?scenario&split`: the board as CSV, one row per
/// agent then the reference rows, for spreadsheets.
pub(crate) async fn scoreboard_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(filters): Query<Filters>,
) -> Result<Response, PortalError> {
    actions::require_scoreboard(&state, ctx.who.as_ref())?;
    let scenario = match filters.scenario.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => actions::scenario_by_id(id)?,
        None => scenario::list()
            .map_err(PortalError::internal)?
            .first()
            .ok_or_else(|| PortalError::internal("no scenarios are built in"))?,
    };
    let split = match filters.split.as_deref() {
        Some("practice") => "practice",
        None | Some("evaluation") => "evaluation",
        Some(other) => {
            return Err(PortalError::bad_request(format!(
                "unknown split {other:?}: use practice or evaluation"
            )));
        }
    };
    let board = state
        .scoreboard_cache
        .get(&state.db, &state.references, scenario.id(), split)
        .await?;
    let csv = board_csv(scenario.id(), split, &board.rows, &board.references);
    let disposition = format!(
        "attachment; filename=\"scoreboard-{}-{split}.csv\"",
        scenario.id()
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )
        .into_response())
}

/// The CSV text of a board: a header, the ranked rows, then the reference
/// rows (rank empty, team `reference`). Scores with a point, no rounding
/// beyond the scorecard's.
fn board_csv(scenario: &str, split: &str, rows: &[ScoreboardRow], refs: &[ReferenceRow]) -> String {
    let mut out = String::from(
        "scenario,split,rank,tied,team,agent,version,pilots,composite,composite_low,composite_high",
    );
    for (name, _) in DIMENSIONS {
        out.push(',');
        out.push_str(name);
    }
    out.push_str("\r\n");
    let number = |value: Option<f64>| value.map_or_else(String::new, |v| v.to_string());
    // Who the row is, then the scores every row has.
    let mut line =
        |who: [String; 6],
         composite: Option<f64>,
         interval: Option<(f64, f64)>,
         dimensions: &std::collections::BTreeMap<&'static str, Option<f64>>| {
            let scores = [
                number(composite),
                number(interval.map(|iv| iv.0)),
                number(interval.map(|iv| iv.1)),
            ];
            let dims = DIMENSIONS
                .iter()
                .map(|(name, _)| number(dimensions.get(name).copied().flatten()));
            let cells: Vec<String> = [scenario.to_owned(), split.to_owned()]
                .into_iter()
                .chain(who)
                .chain(scores)
                .chain(dims)
                .map(|cell| csv_cell(&cell))
                .collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
    for row in rows {
        let who = [
            row.rank.to_string(),
            row.tied.to_string(),
            row.team.clone(),
            row.agent_name.clone(),
            row.version.to_string(),
            row.pilots.to_string(),
        ];
        line(who, row.composite, row.composite_interval, &row.dimensions);
    }
    for row in refs {
        let who = [
            String::new(),
            String::new(),
            "reference".to_owned(),
            row.name.to_owned(),
            String::new(),
            String::new(),
        ];
        line(who, row.composite, row.composite_interval, &row.dimensions);
    }
    out
}

/// One CSV cell: quoted when it holds a comma, quote or line break, and
/// with a leading `'` when a spreadsheet would read it as a formula.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The filters in effect, validated.
#[derive(Clone, Copy)]
struct View<'a> {
    shown: &'a [&'a Scenario],
    current: Option<&'a Scenario>,
    split: &'a str,
    country: Option<&'a str>,
    dimension: Option<&'static str>,
}

/// The scoreboard's `<main>` content: filters, table, reference rows and
/// charts.
fn render_body(
    ctx: &Ctx,
    view: &View<'_>,
    rows: &[ScoreboardRow],
    refs: &[ReferenceRow],
) -> maud::Markup {
    let View {
        shown,
        current,
        split,
        country,
        dimension,
    } = *view;
    let mut rows = rows.to_vec();
    if let Some(dim) = dimension {
        rows.sort_by(|a, b| {
            let get = |r: &ScoreboardRow| r.dimensions.get(dim).copied().flatten().unwrap_or(-1.0);
            get(b).total_cmp(&get(a)).then(a.rank.cmp(&b.rank))
        });
    }
    let lang = ctx.lang;
    let title = ctx.t("sb.title");
    let dim_labels: Vec<(&str, &str)> = DIMENSIONS
        .iter()
        .map(|(name, _)| dimension_labels(lang, name))
        .collect();
    let top: Vec<(String, Vec<Option<f64>>)> = rows
        .iter()
        .take(6)
        .map(|r| {
            (
                format!("{}/{} v{}", r.team, r.agent_name, r.version),
                DIMENSIONS
                    .iter()
                    .map(|(n, _)| r.dimensions.get(n).copied().flatten())
                    .collect(),
            )
        })
        .collect();
    let history: Vec<(String, &[(i64, f64)])> = rows
        .iter()
        .take(6)
        .map(|r| (format!("{}/{}", r.team, r.agent_name), r.history.as_slice()))
        .collect();
    html! {
        h1 { (title) }
        form.filters method="get" action="/scoreboard" {
            div.field {
                label for="f-scenario" { (ctx.t("sb.scenario")) }
                select #f-scenario name="scenario" {
                    @for s in shown {
                        option value=(s.id()) selected[current.is_some_and(|c| c.id() == s.id())] { (ctx.scenario_title(s)) " (" (s.id()) ")" }
                    }
                }
            }
            div.field {
                label for="f-split" { (ctx.t("sb.split")) }
                select #f-split name="split" {
                    option value="evaluation" selected[split == "evaluation"] { (ctx.t("split.evaluation")) }
                    option value="practice" selected[split == "practice"] { (ctx.t("split.practice")) }
                }
            }
            div.field {
                label for="f-country" { (ctx.t("sb.country")) }
                select #f-country name="country" {
                    option value="" selected[country.is_none()] { (ctx.t("sb.any_country")) }
                    option value="ES" selected[country == Some("ES")] { (ctx.t("country.ES")) }
                    option value="KZ" selected[country == Some("KZ")] { (ctx.t("country.KZ")) }
                }
            }
            div.field {
                label for="f-dimension" { (ctx.t("sb.sort_by")) }
                select #f-dimension name="dimension" {
                    option value="" selected[dimension.is_none()] { (ctx.t("sb.composite")) }
                    @for (name, _) in DIMENSIONS {
                        option value=(name) selected[dimension == Some(name)] { (lang.t(dim_key(name))) }
                    }
                }
            }
            div.field.actions { button type="submit" { (ctx.t("sb.apply")) } }
        }
        @if let Some(s) = current {
            p.lead {
                (ctx.scenario_title(s)) " · " (ctx.t("sb.version")) " " (s.version()) " · "
                (ctx.t("sb.data_from")) " "
                @for (i, c) in countries(s).iter().enumerate() {
                    @if i > 0 { ", " }
                    (lang.t(country_key(c)))
                }
                @if countries(s).is_empty() { (ctx.t("sb.no_country")) }
            }
        }
        div.table-wrap tabindex="0" role="region" aria-label=(title) {
            table.scoreboard {
                caption {
                    (title) ": " (current.map_or("—", |s| s.id())) ", " (lang.t(split_key(split)))
                    @if let Some(dim) = dimension { " — " (ctx.t("sb.sorted_by")) " " (lang.t(dim_key(dim))) }
                }
                thead {
                    tr {
                        th scope="col" { (ctx.t("sb.rank")) }
                        th scope="col" { (ctx.t("sb.team")) }
                        th scope="col" { (ctx.t("sb.agent")) }
                        th scope="col" class="num" title=(ctx.t("sb.pilots_help")) { (ctx.t("sb.pilots")) }
                        th scope="col" class="num" { (ctx.t("sb.composite")) }
                        @for (name, _) in DIMENSIONS {
                            th scope="col" class="num" aria-sort=[(dimension == Some(name)).then_some("descending")] { (lang.t(dim_key(name))) }
                        }
                        th scope="col" { (ctx.t("sb.trend")) }
                        th scope="col" { (ctx.t("sb.finished")) }
                    }
                }
                tbody {
                    @for row in &rows {
                        tr {
                            td class="num" { @if row.tied { "=" } (row.rank) }
                            td { (row.team) }
                            th scope="row" { a href={ "/pilots/" (row.pilot_id) } { (row.agent_name) " v" (row.version) } }
                            td class="num" { (row.pilots) }
                            td class="num strong" {
                                (score(lang, row.composite))
                                @if let Some((low, high)) = row.composite_interval {
                                    br; small.interval { "[" (score(lang, Some(low))) ", " (score(lang, Some(high))) "]" }
                                }
                                @if references::near_trivial(row.composite, row.composite_interval, refs) {
                                    br; span.badge.near-trivial title=(ctx.t("sb.near_trivial_help")) { (ctx.t("sb.near_trivial")) }
                                }
                            }
                            @for (name, _) in DIMENSIONS {
                                td class="num" { (score(lang, row.dimensions.get(name).copied().flatten())) }
                            }
                            td { (charts::sparkline(lang, &row.history)) }
                            td { (row.finished_at.map(when).unwrap_or_default()) }
                        }
                    }
                    @if rows.is_empty() {
                        tr { td colspan="12" { (ctx.t("sb.empty")) } }
                    }
                }
            }
        }
        @if !refs.is_empty() {
            (reference_table(ctx, refs))
        }
        @if let Some(s) = current {
            p.exports {
                (ctx.t("sb.download")) " "
                a href={ "/scoreboard.csv?scenario=" (s.id()) "&split=" (split) } download { "CSV" }
                " · "
                a href={ "/api/scoreboard?scenario=" (s.id()) "&split=" (split) } { "JSON" }
            }
            (dimension_definitions(ctx, s))
        }
        @if !rows.is_empty() {
            p.note { (ctx.t("sb.ties")) }
            section.charts {
                div {
                    h2 { (ctx.t("sb.chart_dims")) }
                    (charts::grouped(lang, ctx.t("sb.chart_dims"), &dim_labels, &top))
                }
                div {
                    h2 { (ctx.t("sb.chart_history")) }
                    (charts::history_lines(lang, ctx.t("sb.chart_history"), &history))
                }
            }
        }
    }
}

/// What each dimension measures, with its weight in `scenario`.
fn dimension_definitions(ctx: &Ctx, scenario: &Scenario) -> maud::Markup {
    let lang = ctx.lang;
    let weights = &scenario.def().weights;
    let total = weights.effectiveness
        + weights.interoperability
        + weights.efficiency
        + weights.reliability
        + weights.compliance
        + weights.fairness;
    let weight = |name: &str| {
        let value = match name {
            "effectiveness" => weights.effectiveness,
            "interoperability" => weights.interoperability,
            "efficiency" => weights.efficiency,
            "reliability" => weights.reliability,
            "compliance" => weights.compliance,
            _ => weights.fairness,
        };
        if total > 0.0 {
            100.0 * value / total
        } else {
            0.0
        }
    };
    html! {
        section.dimensions #dimensions {
            h2 { (ctx.t("sb.dims_title")) }
            p { (ctx.t("sb.dims_intro")) }
            dl {
                @for (name, _) in DIMENSIONS {
                    dt { (lang.t(dim_key(name))) " · " (lang.number(weight(name), 0)) " %" }
                    dd { (lang.t(dimension_definition_key(name))) }
                }
            }
        }
    }
}

/// The i18n key of a dimension's one-sentence definition.
fn dimension_definition_key(name: &str) -> &'static str {
    match name {
        "effectiveness" => "dimdef.effectiveness",
        "interoperability" => "dimdef.interoperability",
        "efficiency" => "dimdef.efficiency",
        "reliability" => "dimdef.reliability",
        "compliance" => "dimdef.compliance",
        _ => "dimdef.fairness",
    }
}

/// The "Floor and ceiling" table: the oracle and trivial rows, unranked.
fn reference_table(ctx: &Ctx, refs: &[ReferenceRow]) -> maud::Markup {
    let lang = ctx.lang;
    let title = ctx.t("sb.refs_title");
    html! {
        h2 #references { (title) }
        div.table-wrap tabindex="0" role="region" aria-label=(title) {
            table.scoreboard.references {
                caption { (title) ": " (ctx.t("sb.refs_caption")) }
                thead {
                    tr {
                        th scope="col" { (ctx.t("sb.ref_name")) }
                        th scope="col" class="num" { (ctx.t("sb.composite")) }
                        @for (name, _) in DIMENSIONS {
                            th scope="col" class="num" { (lang.t(dim_key(name))) }
                        }
                    }
                }
                tbody {
                    @for row in refs {
                        tr data-reference=(row.name) {
                            th scope="row" {
                                @if row.is_trivial() { (ctx.t("sb.ref_trivial")) } @else { (ctx.t("sb.ref_oracle")) }
                                br;
                                small {
                                    @if row.is_trivial() { (ctx.t("sb.ref_trivial_help")) } @else { (ctx.t("sb.ref_oracle_help")) }
                                }
                            }
                            td class="num strong" {
                                (score(lang, row.composite))
                                @if let Some((low, high)) = row.composite_interval {
                                    br; small.interval { "[" (score(lang, Some(low))) ", " (score(lang, Some(high))) "]" }
                                }
                            }
                            @for (name, _) in DIMENSIONS {
                                td class="num" { (score(lang, row.dimensions.get(name).copied().flatten())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A dimension's name and its short chart label, in `lang`.
pub(crate) fn dimension_labels(
    lang: crate::i18n::Lang,
    name: &str,
) -> (&'static str, &'static str) {
    let short = match name {
        "effectiveness" => "dimshort.effectiveness",
        "interoperability" => "dimshort.interoperability",
        "efficiency" => "dimshort.efficiency",
        "reliability" => "dimshort.reliability",
        "compliance" => "dimshort.compliance",
        _ => "dimshort.fairness",
    };
    (lang.t(dim_key(name)), lang.t(short))
}

/// The i18n key of a dimension's name.
pub(crate) fn dim_key(name: &str) -> &'static str {
    match name {
        "effectiveness" => "dim.effectiveness",
        "interoperability" => "dim.interoperability",
        "efficiency" => "dim.efficiency",
        "reliability" => "dim.reliability",
        "compliance" => "dim.compliance",
        _ => "dim.fairness",
    }
}

/// The i18n key of a split's name.
pub(crate) fn split_key(split: &str) -> &'static str {
    if split == "practice" {
        "split.practice"
    } else {
        "split.evaluation"
    }
}

/// The i18n key of a country's name.
fn country_key(code: &str) -> &'static str {
    if code == "ES" {
        "country.ES"
    } else {
        "country.KZ"
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("acme"), "acme");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-12.5"), "-12.5");
        assert_eq!(csv_cell("@team"), "'@team");
    }
}
