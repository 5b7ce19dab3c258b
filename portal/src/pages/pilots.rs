//! A pilot: live status, scorecard, telemetry charts, findings, per-case
//! rows and the certificate, with server-side verification.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use govlab_scoring::certificate::{self, SignedScorecard};
use maud::{Markup, html};
use serde::Deserialize;

use super::scoreboard::{dim_key, split_key};
use super::{Ctx, charts, layout, score, short, when};
use crate::actions::{self, PilotAccess};
use crate::error::PortalError;
use crate::model::{FindingsDoc, Pilot, PilotStatus, TelemetryDoc};
use crate::state::AppState;

/// Rows per page of the per-case table.
const CASES_PER_PAGE: i64 = 50;

/// Which page of cases.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CasesPage {
    page: Option<i64>,
}

/// The i18n key of a pilot status.
pub(crate) fn status_key(status: PilotStatus) -> &'static str {
    match status {
        PilotStatus::Queued => "status.queued",
        PilotStatus::Running => "status.running",
        PilotStatus::Done => "status.done",
        PilotStatus::Failed => "status.failed",
    }
}

/// `GET /pilots/{id}`.
pub(crate) async fn pilot(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(page): Query<CasesPage>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let portal = portal_origin(&state, &headers);
    let (pilot, access) = actions::pilot_for(&state, ctx.who.as_ref(), &id).await?;
    let page_no = page.page.unwrap_or(0).max(0);
    let cases = if access == PilotAccess::Full && pilot.status == PilotStatus::Done {
        actions::pilot_cases(
            &state,
            ctx.who.as_ref(),
            &id,
            page_no.saturating_mul(CASES_PER_PAGE),
            CASES_PER_PAGE + 1,
        )
        .await?
    } else {
        Vec::new()
    };
    let signed: Option<SignedScorecard> = pilot
        .scorecard
        .as_deref()
        .and_then(|json| SignedScorecard::from_json(json).ok());
    let telemetry: Option<TelemetryDoc> = pilot
        .telemetry
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let findings: Option<FindingsDoc> = pilot
        .findings
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let lang = ctx.lang;
    let live = !pilot.status.is_final();
    let title = format!(
        "{} {}/{} v{}",
        ctx.t("pilot.title"),
        pilot.team,
        pilot.agent_name,
        pilot.version
    );
    let head = html! {
        @if live {
            noscript { meta http-equiv="refresh" content="5"; }
            script src=(super::assets::PILOT_JS_URL) defer {}
        }
    };
    let more = cases.len() as i64 > CASES_PER_PAGE;
    let body = html! {
        h1 { (title) }
        dl.facts {
            dt { (ctx.t("pilot.scenario")) } dd {
                @let scenario_title = lang.scenario_title(&pilot.scenario, "");
                @if !scenario_title.is_empty() { (scenario_title) " · " }
                (pilot.scenario) " " (pilot.scenario_version)
            }
            dt { (ctx.t("pilot.split")) } dd { (lang.t(split_key(&pilot.split))) }
            dt { (ctx.t("pilot.requested")) } dd { (when(pilot.created_at)) }
            @if let Some(done) = pilot.finished_at { dt { (ctx.t("pilot.finished")) } dd { (when(done)) } }
        }
        (status_section(&ctx, &pilot))
        @if let Some(signed) = &signed {
            (scorecard_section(&ctx, &pilot, signed, portal.as_deref()))
        }
        @if let Some(t) = &telemetry {
            (telemetry_section(&ctx, t))
        }
        @if let Some(f) = &findings {
            (findings_section(&ctx, f, access))
        }
        @if access == PilotAccess::Full && pilot.status == PilotStatus::Done {
            section {
                h2 { (ctx.t("pilot.cases")) }
                p.ai-note { span.badge { (ctx.t("ai.badge")) } " " (ctx.t("pilot.cases_note")) }
                div.table-wrap tabindex="0" role="region" aria-label=(ctx.t("pilot.cases")) {
                    table {
                        caption { (ctx.t("pilot.cases")) " — " (ctx.t("pilot.page")) " " (page_no + 1) }
                        thead { tr {
                            th scope="col" class="num" { "#" }
                            th scope="col" { (ctx.t("case.id")) }
                            th scope="col" { (ctx.t("case.outcome")) }
                            th scope="col" class="num" { (ctx.t("case.fuel")) }
                            th scope="col" class="num" { (ctx.t("case.memory")) }
                            th scope="col" class="num" { (ctx.t("case.latency")) }
                            th scope="col" class="num" { (ctx.t("case.findings")) }
                        } }
                        tbody {
                            @for case in cases.iter().take(CASES_PER_PAGE as usize) {
                                tr {
                                    td class="num" { (case.idx) }
                                    th scope="row" { code { (case.case_id) } }
                                    td { span class={ "outcome o-" (case.outcome) } { (case.outcome) } }
                                    td class="num" { (case.fuel) }
                                    td class="num" { (super::bytes(lang, case.peak_memory_bytes)) }
                                    td class="num" { (case.latency_us) }
                                    td class="num" { (case.findings) }
                                }
                            }
                            @if cases.is_empty() { tr { td colspan="7" { (ctx.t("pilot.no_cases")) } } }
                        }
                    }
                }
                nav.pager aria-label=(ctx.t("pilot.pages")) {
                    @if page_no > 0 { a rel="prev" href={ "/pilots/" (pilot.id) "?page=" (page_no - 1) } { "← " (ctx.t("pilot.prev")) } }
                    @if more { a rel="next" href={ "/pilots/" (pilot.id) "?page=" (page_no + 1) } { (ctx.t("pilot.next")) " →" } }
                }
            }
        }
    };
    Ok(layout(&ctx, &title, head, body).into_response())
}

fn status_section(ctx: &Ctx, pilot: &Pilot) -> Markup {
    let lang = ctx.lang;
    let total = pilot.cases_total.max(0);
    html! {
        section.status #live
            data-events={ "/pilots/" (pilot.id) "/events" }
            data-live=(if pilot.status.is_final() { "0" } else { "1" })
            data-queued=(lang.t("status.queued")) data-running=(lang.t("status.running"))
            data-done=(lang.t("status.done")) data-failed=(lang.t("status.failed")) {
            h2 { (ctx.t("pilot.status")) }
            p {
                span class={ "pill st-" (pilot.status.as_str()) } data-status { (lang.t(status_key(pilot.status))) }
                " "
                span data-count { (pilot.cases_done) " / " (total) } " " (ctx.t("chart.cases"))
            }
            @if !pilot.status.is_final() || total > 0 {
                label.progress {
                    span.visually-hidden { (ctx.t("pilot.progress")) }
                    @if total > 0 {
                        progress max=(total) value=(pilot.cases_done.min(total)) { (pilot.cases_done) " / " (total) }
                    } @else {
                        progress { (ctx.t("status.queued")) }
                    }
                }
            }
            @if !pilot.status.is_final() { p.hint { (ctx.t("pilot.live_hint")) } }
            @if let Some(err) = &pilot.error { p.error-text role="alert" { (ctx.t("pilot.failed_because")) " " (err) } }
        }
    }
}

/// The portal's origin for the offline-verification hint: the configured
/// `public_url`, else `http://` and the request's `Host` (if it looks like
/// a host name), else none.
fn portal_origin(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = &state.config.public_url {
        return Some(url.trim_end_matches('/').to_owned());
    }
    headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .map(|host| format!("http://{host}"))
}

fn scorecard_section(
    ctx: &Ctx,
    pilot: &Pilot,
    signed: &SignedScorecard,
    portal: Option<&str>,
) -> Markup {
    let lang = ctx.lang;
    let card = &signed.scorecard;
    let cert = &signed.certificate;
    let weights = [
        card.weights.effectiveness,
        card.weights.interoperability,
        card.weights.efficiency,
        card.weights.reliability,
        card.weights.compliance,
        card.weights.fairness,
    ];
    let bars: Vec<(String, Option<f64>)> = card
        .dimensions
        .iter()
        .map(|(name, dim)| (lang.t(dim_key(name)).to_owned(), dim.score))
        .collect();
    html! {
        section.scorecard {
            h2 { (ctx.t("card.title")) }
            p.composite {
                (ctx.t("sb.composite")) ": " strong { (score(lang, card.composite)) }
                @if let Some(iv) = card.composite_interval { " [" (score(lang, Some(iv.low))) ", " (score(lang, Some(iv.high))) "]" }
                " / 100 · " (card.cases) " " (ctx.t("chart.cases"))
            }
            @if let Err(why) = card.certifiable() { p.hint { (why.to_string()) } }
            (charts::bars(lang, ctx.t("card.chart"), &bars))
            div.table-wrap tabindex="0" role="region" aria-label=(ctx.t("card.title")) {
                table {
                    caption { (ctx.t("card.caption")) }
                    thead { tr {
                        th scope="col" { (ctx.t("card.dimension")) }
                        th scope="col" class="num" { (ctx.t("card.score")) }
                        th scope="col" class="num" { (ctx.t("card.weight")) }
                        th scope="col" { (ctx.t("card.figures")) }
                    } }
                    tbody {
                        @for ((name, dim), weight) in card.dimensions.iter().zip(weights) {
                            tr {
                                th scope="row" { (lang.t(dim_key(name))) }
                                td class="num" {
                                    @if dim.score.is_some() { (score(lang, dim.score)) } @else { (ctx.t("dim.na")) }
                                    @if let Some(iv) = dim.interval { br; small { "[" (score(lang, Some(iv.low))) ", " (score(lang, Some(iv.high))) "]" } }
                                }
                                td class="num" { (lang.number(weight, 2)) }
                                td {
                                    ul.figures {
                                        @for (figure, value) in &dim.figures {
                                            li {
                                                @let name = ctx.metric_name(figure);
                                                @if name == figure.as_str() { code { (figure) } } @else { span title=(figure) { (name) } }
                                                " = " (figure_value(lang, *value))
                                                @if let Some(iv) = dim.intervals.get(figure) { " [" (figure_value(lang, iv.low)) ", " (figure_value(lang, iv.high)) "]" }
                                            }
                                        }
                                    }
                                    @for note in &dim.notes { p.hint { (note) } }
                                }
                            }
                        }
                    }
                }
            }
            p.hint { (ctx.t("card.walltime")) " " (lang.number(card.wall_time.total_ms, 0)) " ms" }
        }
        section.certificate {
            h2 { (ctx.t("cert.title")) }
            dl.facts.mono {
                dt { (ctx.t("cert.agent_sha")) } dd { code { (card.agent_sha256) } }
                dt { (ctx.t("cert.scenario")) } dd { code { (card.scenario_id) " " (card.scenario_version) } }
                dt { (ctx.t("cert.dataset")) } dd { code { (card.dataset_hash) } }
                dt { (ctx.t("cert.key")) } dd { code { (cert.key_id) } }
                dt { (ctx.t("cert.algorithm")) } dd { code { (cert.algorithm) } }
                dt { (ctx.t("cert.signature")) } dd { code.wrap { (cert.signature) } }
            }
            p.buttons {
                a.button href={ "/pilots/" (pilot.id) "/verify" } { (ctx.t("cert.verify")) }
                " "
                a.button.secondary href={ "/pilots/" (pilot.id) "/scorecard.json" } download { (ctx.t("cert.download")) }
            }
            p.hint {
                (ctx.t("cert.verify_cli")) " "
                code { "govlab verify scorecard.json" @if let Some(portal) = portal { " --portal " (portal) } }
            }
        }
    }
}

/// A raw figure: whole numbers without decimals, others with up to four.
fn figure_value(lang: crate::i18n::Lang, value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        lang.number(value, 0)
    } else {
        let text = lang.number(value, 4);
        text.trim_end_matches('0').to_owned()
    }
}

fn telemetry_section(ctx: &Ctx, t: &TelemetryDoc) -> Markup {
    let lang = ctx.lang;
    let outcomes: Vec<(String, Option<f64>)> = t
        .by_outcome
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(name, n)| {
            let share = if t.cases > 0 {
                100.0 * *n as f64 / t.cases as f64
            } else {
                0.0
            };
            (format!("{name} ({n})"), Some(share))
        })
        .collect();
    html! {
        section.telemetry {
            h2 { (ctx.t("tel.title")) }
            div.charts {
                div {
                    h3 { (ctx.t("tel.latency")) }
                    (charts::histogram(lang, ctx.t("tel.latency"), "µs", &t.latency_histogram))
                    p.hint { (ctx.t("tel.median")) " " (t.latency_us.median) " µs · p95 " (t.latency_us.p95) " µs · max " (t.latency_us.max) " µs" }
                }
                div {
                    h3 { (ctx.t("tel.fuel")) }
                    (charts::histogram(lang, ctx.t("tel.fuel"), "", &t.fuel_histogram))
                    p.hint { (ctx.t("tel.median")) " " (t.fuel.median) " · p95 " (t.fuel.p95) " · max " (t.fuel.max) }
                }
                div {
                    h3 { (ctx.t("tel.outcomes")) }
                    (charts::bars(lang, ctx.t("tel.outcomes_chart"), &outcomes))
                }
            }
            p.hint { (ctx.t("tel.memory")) " " (super::bytes(lang, i64::try_from(t.peak_memory_bytes.max).unwrap_or(i64::MAX))) " · " (ctx.t("tel.machine")) }
        }
    }
}

fn findings_section(ctx: &Ctx, f: &FindingsDoc, access: PilotAccess) -> Markup {
    html! {
        section.findings {
            h2 { (ctx.t("find.title")) }
            @if f.by_rule.is_empty() {
                p { (ctx.t("find.none")) }
            } @else {
                div.table-wrap tabindex="0" role="region" aria-label=(ctx.t("find.by_rule")) {
                    table {
                        caption { (ctx.t("find.by_rule")) }
                        thead { tr { th scope="col" { (ctx.t("find.rule")) } th scope="col" class="num" { (ctx.t("find.count")) } } }
                        tbody {
                            @for (rule, n) in &f.by_rule {
                                tr { th scope="row" { code { (rule) } } td class="num" { (n) } }
                            }
                        }
                    }
                }
            }
            @if access == PilotAccess::Full && !f.first.is_empty() {
                p.ai-note { span.badge { (ctx.t("ai.badge")) } " " (ctx.t("find.ai_note")) }
                div.table-wrap tabindex="0" role="region" aria-label=(ctx.t("find.first")) {
                    table {
                        caption { (ctx.t("find.first")) }
                        thead { tr {
                            th scope="col" { (ctx.t("case.id")) }
                            th scope="col" { (ctx.t("find.rule")) }
                            th scope="col" { (ctx.t("find.location")) }
                            th scope="col" { (ctx.t("find.message")) }
                        } }
                        tbody {
                            @for item in &f.first {
                                tr {
                                    th scope="row" { code { (item.case_id) } }
                                    td { code { (item.rule) } }
                                    td { code { (item.location) } }
                                    td { (item.message) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /pilots/{id}/verify`: re-verifies the stored signed scorecard with
/// the lab's public key and says the verdict in words.
pub(crate) async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let (pilot, _) = actions::pilot_for(&state, ctx.who.as_ref(), &id).await?;
    let json = pilot
        .scorecard
        .as_deref()
        .ok_or_else(|| PortalError::NotFound(format!("scorecard of pilot {id}")))?;
    let public = state.lab_key.public_key();
    let verdict = certificate::verify(json, &public).map_err(|err| err.to_string());
    let verdict = verdict.and_then(|verified| {
        if verified.scorecard.agent_sha256 == pilot.agent_sha256 {
            Ok(verified)
        } else {
            Err(ctx.t("verify.other_agent").to_owned())
        }
    });
    let title = ctx.t("verify.title");
    let body = html! {
        h1 { (title) }
        @match &verdict {
            Ok(verified) => {
                section.verdict.valid role="status" {
                    h2 { "✔ " (ctx.t("verify.valid")) }
                    p { (ctx.t("verify.valid_text")) }
                    dl.facts.mono {
                        dt { (ctx.t("cert.key")) } dd { code { (verified.key_id) } }
                        dt { (ctx.t("cert.agent_sha")) } dd { code { (verified.scorecard.agent_sha256) } }
                        dt { (ctx.t("sb.composite")) } dd { (score(ctx.lang, verified.scorecard.composite)) }
                    }
                }
            }
            Err(reason) => {
                section.verdict.invalid role="alert" {
                    h2 { "✘ " (ctx.t("verify.invalid")) }
                    p { (ctx.t("verify.invalid_text")) }
                    p { (reason) }
                }
            }
        }
        p { (ctx.t("verify.public_key")) " " code.wrap { (public.to_hex()) } " (" (short(&public.key_id())) ")" }
        p { a href={ "/pilots/" (pilot.id) } { "← " (ctx.t("verify.back")) } }
    };
    Ok(layout(&ctx, title, html! {}, body).into_response())
}

/// `GET /pilots/{id}/scorecard.json`: the signed scorecard as stored.
pub(crate) async fn scorecard_json(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let (pilot, _) = actions::pilot_for(&state, ctx.who.as_ref(), &id).await?;
    let json = pilot
        .scorecard
        .ok_or_else(|| PortalError::NotFound(format!("scorecard of pilot {id}")))?;
    let disposition = format!(
        "attachment; filename=\"scorecard-{}.json\"",
        short(&pilot.id)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        json,
    )
        .into_response())
}
