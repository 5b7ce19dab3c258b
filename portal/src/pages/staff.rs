//! Lab staff: the review queue, scenarios on/off, recent pilots, the audit
//! log and side-by-side comparisons of two pilots.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use govlab_scenarios::scenario;
use govlab_scoring::certificate::SignedScorecard;
use govlab_scoring::scorecard;
use maud::html;
use serde::Deserialize;

use super::agents::{pilot_table, review_form};
use super::scoreboard::{dim_key, dimension_labels};
use super::{Ctx, layout, score, see_other, short, when};
use crate::actions;
use crate::auth;
use crate::error::PortalError;
use crate::model::{self, PilotFilter, PilotStatus};
use crate::state::AppState;

/// `GET /staff`.
pub(crate) async fn staff(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    // The audit log is staff-only: reading it first is the page's check.
    let audit = actions::audit_log(&state, principal, 50).await?;
    let queue = model::list_submitted(&state.db).await?;
    let pilots = actions::list_pilots(
        &state,
        principal,
        PilotFilter {
            limit: 30,
            ..PilotFilter::default()
        },
    )
    .await?;
    let done: Vec<&model::Pilot> = pilots
        .iter()
        .filter(|p| p.status == PilotStatus::Done)
        .collect();
    let scenarios = scenario::list().map_err(PortalError::internal)?;
    let mut enabled = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        enabled.push(model::scenario_enabled(&state.db, s.id()).await?);
    }
    let title = ctx.t("staff.title");
    let body = html! {
        h1 { (title) }
        section #queue {
            h2 { (ctx.t("staff.queue")) }
            div.table-wrap tabindex="0" role="region" aria-label=(ctx.t("staff.queue")) {
                table {
                    caption { (ctx.t("staff.queue_caption")) }
                    thead { tr {
                        th scope="col" { (ctx.t("sb.agent")) }
                        th scope="col" { (ctx.t("sb.scenario")) }
                        th scope="col" { (ctx.t("staff.submitted")) }
                        th scope="col" { (ctx.t("agents.notes")) }
                        th scope="col" { (ctx.t("staff.decision")) }
                    } }
                    tbody {
                        @for (agent, version) in &queue {
                            tr {
                                th scope="row" { a href={ "/agents/" (agent.id) } { (agent.team) "/" (agent.name) " v" (version.version) } }
                                td { (agent.scenario) }
                                td { (version.submitted_at.map(when).unwrap_or_default()) }
                                td { (version.notes) }
                                td { (review_form(&ctx, &version.id, Some("staff"))) }
                            }
                        }
                        @if queue.is_empty() { tr { td colspan="5" { (ctx.t("staff.queue_empty")) } } }
                    }
                }
            }
        }
        section {
            h2 { (ctx.t("staff.scenarios")) }
            div.table-wrap tabindex="0" role="region" aria-label=(ctx.t("staff.scenarios")) {
                table {
                    caption { (ctx.t("staff.scenarios")) }
                    thead { tr {
                        th scope="col" { (ctx.t("sb.scenario")) }
                        th scope="col" { (ctx.t("staff.version")) }
                        th scope="col" { (ctx.t("staff.state")) }
                        th scope="col" { (ctx.t("staff.change")) }
                    } }
                    tbody {
                        @for (s, on) in scenarios.iter().zip(&enabled) {
                            tr {
                                th scope="row" { (ctx.scenario_title(s)) " (" code { (s.id()) } ")" }
                                td { (s.version()) }
                                td { @if *on { span.pill.st-done { (ctx.t("staff.enabled")) } } @else { span.pill.st-failed { (ctx.t("staff.disabled")) } } }
                                td {
                                    form.inline method="post" action={ "/staff/scenarios/" (s.id()) } {
                                        (ctx.csrf_field())
                                        input type="hidden" name="enabled" value=(if *on { "false" } else { "true" });
                                        button type="submit" class=[(*on).then_some("danger")] {
                                            @if *on { (ctx.t("staff.disable")) } @else { (ctx.t("staff.enable")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section.form-card {
            h2 { (ctx.t("staff.compare")) }
            form method="get" action="/compare" {
                div.field {
                    label for="c-a" { (ctx.t("staff.base")) }
                    select #c-a name="a" required {
                        @for p in &done { option value=(p.id) { (short(&p.id)) " — " (p.team) "/" (p.agent_name) " v" (p.version) " " (p.split) " (" (score(ctx.lang, p.composite)) ")" } }
                    }
                }
                div.field {
                    label for="c-b" { (ctx.t("staff.candidate")) }
                    select #c-b name="b" required {
                        @for (i, p) in done.iter().enumerate() { option value=(p.id) selected[i == 1] { (short(&p.id)) " — " (p.team) "/" (p.agent_name) " v" (p.version) " " (p.split) " (" (score(ctx.lang, p.composite)) ")" } }
                    }
                }
                div.field.actions { button type="submit" disabled[done.len() < 2] { (ctx.t("staff.compare_button")) } }
            }
        }
        section {
            h2 { (ctx.t("staff.recent")) }
            (pilot_table(&ctx, &pilots))
        }
        section {
            h2 { (ctx.t("staff.audit")) }
            div.table-wrap tabindex="0" role="region" aria-label=(ctx.t("staff.audit")) {
                table {
                    caption { (ctx.t("staff.audit_caption")) }
                    thead { tr {
                        th scope="col" { (ctx.t("staff.when")) }
                        th scope="col" { (ctx.t("staff.actor")) }
                        th scope="col" { (ctx.t("staff.action")) }
                        th scope="col" { (ctx.t("staff.target")) }
                        th scope="col" { (ctx.t("staff.detail")) }
                    } }
                    tbody {
                        @for e in &audit {
                            tr {
                                td { (when(e.at)) }
                                td { (e.actor) " (" (e.role) @if let Some(t) = &e.team { ", " (t) } ")" }
                                th scope="row" { (e.action) }
                                td { @if let Some(t) = &e.target { code { (short(t)) } } }
                                td { (e.detail) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&ctx, title, html! {}, body).into_response())
}

/// The scenario switch.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ScenarioForm {
    #[serde(default)]
    enabled: String,
    csrf: Option<String>,
}

/// `POST /staff/scenarios/{id}` (`enabled`).
pub(crate) async fn set_scenario(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ScenarioForm>,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    auth::verify_csrf(principal, form.csrf.as_deref())?;
    let enabled = matches!(form.enabled.as_str(), "true" | "1" | "on" | "yes");
    actions::set_scenario_enabled(&state, principal, &id, enabled).await?;
    Ok(see_other("/staff"))
}

/// The two pilots to compare.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CompareQuery {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

/// `GET /compare?a&b`.
pub(crate) async fn compare(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<CompareQuery>,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    let (base, candidate) = actions::compare(&state, principal, &query.a, &query.b).await?;
    let parse = |p: &model::Pilot| -> Result<SignedScorecard, PortalError> {
        p.scorecard
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .ok_or_else(|| PortalError::Conflict(format!("pilot {} has no scorecard yet", p.id)))
    };
    let (a, b) = (parse(&base)?, parse(&candidate)?);
    let comparison = scorecard::compare(&a.scorecard, &b.scorecard);
    let lang = ctx.lang;
    let name = |p: &model::Pilot| {
        format!(
            "{}/{} v{} ({})",
            p.team,
            p.agent_name,
            p.version,
            short(&p.id)
        )
    };
    let labels: Vec<(&str, &str)> = comparison
        .dimensions
        .iter()
        .map(|d| dimension_labels(lang, d.name))
        .collect();
    let series = vec![
        (
            name(&base),
            comparison.dimensions.iter().map(|d| d.base).collect(),
        ),
        (
            name(&candidate),
            comparison.dimensions.iter().map(|d| d.candidate).collect(),
        ),
    ];
    let signed = |v: Option<f64>| match v {
        Some(d) if d > 0.0 => format!("+{}", lang.number(d, 1)),
        Some(d) => lang.number(d, 1),
        None => "—".to_owned(),
    };
    let title = ctx.t("compare.title");
    let body = html! {
        h1 { (title) }
        @if !comparison.comparable {
            p.warning role="note" { (ctx.t("compare.not_comparable")) }
        }
        div.table-wrap tabindex="0" role="region" aria-label=(title) {
            table {
                caption { (ctx.t("compare.caption")) }
                thead { tr {
                    th scope="col" { (ctx.t("card.dimension")) }
                    th scope="col" class="num" { a href={ "/pilots/" (base.id) } { (name(&base)) } }
                    th scope="col" class="num" { a href={ "/pilots/" (candidate.id) } { (name(&candidate)) } }
                    th scope="col" class="num" { (ctx.t("compare.delta")) }
                } }
                tbody {
                    @for d in &comparison.dimensions {
                        tr {
                            th scope="row" { (lang.t(dim_key(d.name))) }
                            td class="num" { (score(lang, d.base)) }
                            td class="num" { (score(lang, d.candidate)) }
                            td class={ "num " (delta_class(d.delta)) } { (signed(d.delta)) }
                        }
                    }
                    tr.total {
                        th scope="row" { (ctx.t("sb.composite")) }
                        td class="num" { (score(lang, a.scorecard.composite)) }
                        td class="num" { (score(lang, b.scorecard.composite)) }
                        td class={ "num " (delta_class(comparison.composite_delta)) } { (signed(comparison.composite_delta)) }
                    }
                }
            }
        }
        (super::charts::grouped(lang, ctx.t("compare.chart"), &labels, &series))
    };
    Ok(layout(&ctx, title, html! {}, body).into_response())
}

fn delta_class(delta: Option<f64>) -> &'static str {
    match delta {
        Some(d) if d > 0.0 => "up",
        Some(d) if d < 0.0 => "down",
        _ => "",
    }
}
