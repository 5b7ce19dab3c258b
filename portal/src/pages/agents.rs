//! Agents: the team's list with the register form, an agent's versions and
//! pilots with their forms (practice, submit, review, evaluation), and the
//! upload page.

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use govlab_scenarios::scenario;
use maud::{Markup, html};
use serde::Deserialize;

use super::pilots::status_key;
use super::scoreboard::split_key;
use super::{Ctx, bytes, is_form_error, layout, score, see_other, short, when};
use crate::actions;
use crate::auth;
use crate::db::now_ms;
use crate::error::PortalError;
use crate::model::{self, Agent, PilotFilter, VersionStatus};
use crate::principal::Role;
use crate::state::AppState;

/// The register form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AgentForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scenario: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    team: String,
    csrf: Option<String>,
}

/// `GET /agents`.
pub(crate) async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PortalError> {
    let page = list_page(&state, &ctx, &AgentForm::default(), None).await?;
    Ok(page.into_response())
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    form: &AgentForm,
    error: Option<String>,
) -> Result<Markup, PortalError> {
    let principal = ctx.principal()?;
    let agents = actions::list_agents(state, principal).await?;
    let scenarios = scenario::list().map_err(PortalError::internal)?;
    let title = ctx.t("agents.title");
    let body = html! {
        h1 { (title) }
        div.table-wrap tabindex="0" role="region" aria-label=(title) {
            table {
                caption { (ctx.t("agents.caption")) }
                thead { tr {
                    th scope="col" { (ctx.t("agents.name")) }
                    th scope="col" { (ctx.t("sb.team")) }
                    th scope="col" { (ctx.t("sb.scenario")) }
                    th scope="col" { (ctx.t("agents.registered")) }
                } }
                tbody {
                    @for agent in &agents {
                        tr {
                            th scope="row" { a href={ "/agents/" (agent.id) } { (agent.name) } }
                            td { (agent.team) }
                            td { (agent.scenario) }
                            td { (when(agent.created_at)) }
                        }
                    }
                    @if agents.is_empty() { tr { td colspan="4" { (ctx.t("agents.none")) } } }
                }
            }
        }
        section.form-card {
            h2 #register { (ctx.t("agents.register")) }
            @if let Some(err) = &error { p.error-text role="alert" #register-error { (err) } }
            form method="post" action="/agents" aria-describedby=[error.as_ref().map(|_| "register-error")] {
                (ctx.csrf_field())
                @if principal.role == Role::Staff {
                    div.field {
                        label for="a-team" { (ctx.t("sb.team")) }
                        input #a-team name="team" required value=(form.team) autocomplete="off";
                    }
                }
                div.field {
                    label for="a-name" { (ctx.t("agents.name")) }
                    input #a-name name="name" required maxlength="64" pattern="[a-z0-9][a-z0-9._\\-]*" value=(form.name) autocomplete="off" aria-describedby="a-name-hint";
                    small #a-name-hint { (ctx.t("agents.name_hint")) }
                }
                div.field {
                    label for="a-scenario" { (ctx.t("sb.scenario")) }
                    select #a-scenario name="scenario" required {
                        @for s in scenarios {
                            option value=(s.id()) selected[form.scenario == s.id()] { (ctx.scenario_title(s)) " (" (s.id()) ")" }
                        }
                    }
                }
                div.field {
                    label for="a-description" { (ctx.t("agents.description")) }
                    textarea #a-description name="description" rows="3" maxlength="2000" { (form.description) }
                }
                div.field.actions { button type="submit" { (ctx.t("agents.register_button")) } }
            }
        }
    };
    Ok(layout(ctx, title, html! {}, body))
}

/// `POST /agents`.
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<AgentForm>,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    auth::verify_csrf(principal, form.csrf.as_deref())?;
    let team = Some(form.team.trim()).filter(|t| !t.is_empty());
    match actions::create_agent(
        &state,
        principal,
        team,
        form.name.trim(),
        &form.scenario,
        &form.description,
    )
    .await
    {
        Ok(agent) => Ok(see_other(&format!("/agents/{}", agent.id))),
        Err(err) if is_form_error(&err) => {
            let status = err.status();
            let page = list_page(&state, &ctx, &form, Some(err.to_string())).await?;
            Ok((status, page).into_response())
        }
        Err(err) => Err(err),
    }
}

/// `GET /agents/{id}`.
pub(crate) async fn agent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    let agent = actions::agent_for(&state, principal, &id).await?;
    let versions = model::list_versions(&state.db, &agent.id).await?;
    let pilots = actions::list_pilots(
        &state,
        principal,
        PilotFilter {
            agent_id: Some(agent.id.clone()),
            limit: 50,
            ..PilotFilter::default()
        },
    )
    .await?;
    let day_start = now_ms() - now_ms().rem_euclid(86_400_000);
    let used = model::count_submissions_since(&state.db, &agent.team, day_start).await?;
    let quota = i64::from(state.config.limits.evaluation_submissions_per_day);
    let max_cases = state.config.limits.max_practice_cases;
    let min_cases = scenario::Scenario::builtin(&agent.scenario)
        .map(scenario::Scenario::minimum_cases)
        .unwrap_or(1)
        .min(max_cases);
    let lang = ctx.lang;
    let is_team = principal.role == Role::Startup && principal.in_team(&agent.team);
    let staff = principal.is_staff();
    let title = format!("{}/{}", agent.team, agent.name);
    let body = html! {
        h1 { (title) }
        dl.facts {
            dt { (ctx.t("sb.scenario")) } dd { (agent.scenario) }
            dt { (ctx.t("agents.registered")) } dd { (when(agent.created_at)) }
            @if !agent.description.is_empty() { dt { (ctx.t("agents.description")) } dd { (agent.description) } }
        }
        p.buttons { a.button href={ "/agents/" (agent.id) "/upload" } { (ctx.t("agents.upload_new")) } }
        @if is_team {
            p.quota { (ctx.t("agents.quota")) " " strong { (used.min(quota)) " / " (quota) } " " (ctx.t("agents.quota_reset")) }
        }
        h2 { (ctx.t("agents.versions")) }
        @if versions.is_empty() { p { (ctx.t("agents.no_versions")) } }
        @for v in &versions {
            article.version {
                h3 { "v" (v.version) " " span class={ "pill vs-" (v.status.as_str()) } { (ctx.t(version_status_key(v.status))) } }
                dl.facts.mono {
                    dt { "SHA-256" } dd { code.wrap { (v.sha256) } }
                    dt { (ctx.t("agents.size")) } dd { (bytes(lang, v.size_bytes)) }
                    dt { (ctx.t("agents.uploaded")) } dd { (when(v.created_at)) }
                    @if !v.notes.is_empty() { dt { (ctx.t("agents.notes")) } dd { (v.notes) } }
                    @if let Some(note) = &v.review_note { dt { (ctx.t("agents.review_note")) } dd { (note) } }
                }
                div.forms {
                    form.inline method="post" action={ "/versions/" (v.id) "/pilots" } {
                        (ctx.csrf_field())
                        input type="hidden" name="split" value="practice";
                        div.field {
                            label for={ "cases-" (v.id) } { (ctx.t("agents.cases")) }
                            input id={ "cases-" (v.id) } name="cases" type="number" min=(min_cases) max=(max_cases) value=(min_cases) inputmode="numeric";
                        }
                        button type="submit" { (ctx.t("agents.run_practice")) }
                    }
                    @if is_team && matches!(v.status, VersionStatus::Uploaded | VersionStatus::Rejected) {
                        form.inline method="post" action={ "/versions/" (v.id) "/submit" } {
                            (ctx.csrf_field())
                            button type="submit" disabled[used >= quota] { (ctx.t("agents.submit")) }
                            small { (ctx.t("agents.quota_left")) " " ((quota - used).max(0)) }
                        }
                    }
                    @if staff && v.status == VersionStatus::Submitted {
                        (review_form(&ctx, &v.id, None))
                    }
                    @if staff && v.status == VersionStatus::Approved {
                        @if state.evaluation_key.is_some() {
                            form.inline method="post" action={ "/versions/" (v.id) "/pilots" } {
                                (ctx.csrf_field())
                                input type="hidden" name="split" value="evaluation";
                                button type="submit" { (ctx.t("agents.run_evaluation")) }
                            }
                        } @else {
                            p.hint.no-eval-key { (ctx.t("agents.no_eval_key")) }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("agents.pilots")) }
        (pilot_table(&ctx, &pilots))
    };
    Ok(layout(&ctx, &title, html! {}, body).into_response())
}

/// A table of pilots with links.
pub(crate) fn pilot_table(ctx: &Ctx, pilots: &[model::Pilot]) -> Markup {
    let lang = ctx.lang;
    html! {
        div.table-wrap tabindex="0" role="region" aria-label=(ctx.t("agents.pilots")) {
            table {
                caption { (ctx.t("agents.pilots")) }
                thead { tr {
                    th scope="col" { (ctx.t("pilot.title")) }
                    th scope="col" { (ctx.t("sb.agent")) }
                    th scope="col" { (ctx.t("pilot.split")) }
                    th scope="col" { (ctx.t("pilot.status")) }
                    th scope="col" class="num" { (ctx.t("sb.composite")) }
                    th scope="col" { (ctx.t("pilot.requested")) }
                } }
                tbody {
                    @for p in pilots {
                        tr {
                            th scope="row" { a href={ "/pilots/" (p.id) } { code { (short(&p.id)) } } }
                            td { (p.team) "/" (p.agent_name) " v" (p.version) }
                            td { (lang.t(split_key(&p.split))) }
                            td { span class={ "pill st-" (p.status.as_str()) } { (lang.t(status_key(p.status))) } }
                            td class="num" { (score(lang, p.composite)) }
                            td { (when(p.created_at)) }
                        }
                    }
                    @if pilots.is_empty() { tr { td colspan="6" { (ctx.t("agents.no_pilots")) } } }
                }
            }
        }
    }
}

fn version_status_key(status: VersionStatus) -> &'static str {
    match status {
        VersionStatus::Uploaded => "vs.uploaded",
        VersionStatus::Submitted => "vs.submitted",
        VersionStatus::Approved => "vs.approved",
        VersionStatus::Rejected => "vs.rejected",
    }
}

/// `GET /agents/{id}/upload`.
pub(crate) async fn upload_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    let agent = actions::agent_for(&state, principal, &id).await?;
    Ok(upload_page(&state, &ctx, &agent, "", None).into_response())
}

fn upload_page(
    state: &AppState,
    ctx: &Ctx,
    agent: &Agent,
    notes: &str,
    error: Option<&str>,
) -> Markup {
    let title = format!("{} {}/{}", ctx.t("upload.title"), agent.team, agent.name);
    let max = bytes(
        ctx.lang,
        i64::try_from(state.config.limits.upload_max_bytes).unwrap_or(i64::MAX),
    );
    let body = html! {
        h1 { (title) }
        p { (ctx.t("upload.intro")) " " (max) "." }
        section.form-card {
            form method="post" action={ "/agents/" (agent.id) "/versions" } enctype="multipart/form-data" {
                (ctx.csrf_field())
                div.field {
                    label for="u-file" { (ctx.t("upload.file")) }
                    input #u-file type="file" name="file" accept=".wasm,application/wasm" required
                        aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "upload-error")];
                    @if let Some(err) = error {
                        p.error-text role="alert" #upload-error { (ctx.t("upload.refused")) " " (err) }
                    }
                }
                div.field {
                    label for="u-notes" { (ctx.t("agents.notes")) }
                    textarea #u-notes name="notes" rows="3" maxlength="2000" { (notes) }
                }
                div.field.actions { button type="submit" { (ctx.t("upload.button")) } }
            }
        }
        p { a href={ "/agents/" (agent.id) } { "← " (ctx.t("upload.back")) } }
    };
    layout(ctx, &title, html! {}, body)
}

/// Refusal of a form with two files (a constant, so the i18n test, which
/// reads this file for text keys, does not take it for one).
const ONE_FILE: &str = "send one file per upload";

/// `POST /agents/{id}/versions` (multipart `csrf`, `file`, `notes`).
///
/// Authorised (role, team, rate limit, an upload slot) before the body is
/// read; the CSRF token must come first (`X-CSRF-Token`, or the `csrf`
/// field before the `file` field, as the form sends it), so no file is
/// received for a forged form.
pub(crate) async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    let grant = match actions::authorize_upload(&state, principal, &id).await {
        Ok(grant) => grant,
        Err(err) if is_form_error(&err) => {
            let agent = actions::agent_for(&state, principal, &id).await?;
            let message = err.to_string();
            return Ok((
                err.status(),
                upload_page(&state, &ctx, &agent, "", Some(&message)),
            )
                .into_response());
        }
        Err(err) => return Err(err),
    };
    let malformed = |err: axum::extract::multipart::MultipartError| {
        PortalError::bad_request(format!("the upload is malformed: {err}"))
    };
    let mut csrf_ok = auth::verify_csrf(principal, auth::csrf_from_headers(&headers)).is_ok();
    let mut staged = None;
    let mut notes = String::new();
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "csrf" => {
                let token = field.text().await.map_err(malformed)?;
                auth::verify_csrf(principal, Some(&token))?;
                csrf_ok = true;
            }
            "file" => {
                if !csrf_ok {
                    return Err(PortalError::Csrf);
                }
                if staged.is_some() {
                    return Err(PortalError::bad_request(ONE_FILE));
                }
                let mut receiver = crate::upload::Receiver::new(&state)?;
                while let Some(chunk) = receiver.next(field.chunk()).await? {
                    receiver.push(&chunk)?;
                }
                staged = Some(receiver.finish()?);
            }
            "notes" => notes = field.text().await.map_err(malformed)?,
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(PortalError::Csrf);
    }
    let staged = match staged {
        Some(staged) => staged,
        None => crate::upload::Receiver::new(&state)?.finish()?,
    };
    let agent = grant.agent().clone();
    match actions::upload_version(&state, principal, grant, staged, &notes).await {
        Ok(_) => Ok(see_other(&format!("/agents/{}", agent.id))),
        Err(err) if is_form_error(&err) => {
            let status = if err.status() == StatusCode::BAD_REQUEST {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                err.status()
            };
            let message = err.to_string();
            Ok((
                status,
                upload_page(&state, &ctx, &agent, &notes, Some(&message)),
            )
                .into_response())
        }
        Err(err) => Err(err),
    }
}

/// A form with only the CSRF field.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CsrfForm {
    csrf: Option<String>,
}

/// `POST /versions/{id}/submit`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    auth::verify_csrf(principal, form.csrf.as_deref())?;
    let version = actions::submit_version(&state, principal, &id).await?;
    Ok(see_other(&format!("/agents/{}", version.agent_id)))
}

/// The pilot form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PilotForm {
    #[serde(default)]
    split: String,
    #[serde(default)]
    cases: String,
    csrf: Option<String>,
}

/// `POST /versions/{id}/pilots` (`split`, `cases`).
pub(crate) async fn run_pilot(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<PilotForm>,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    auth::verify_csrf(principal, form.csrf.as_deref())?;
    let cases = match form.cases.trim() {
        "" => None,
        text => Some(text.parse::<u64>().map_err(|_| {
            PortalError::bad_request(format!("cases must be a whole number, not {text:?}"))
        })?),
    };
    let pilot = actions::request_pilot(&state, principal, &id, &form.split, cases).await?;
    Ok(see_other(&format!("/pilots/{pilot}")))
}

/// The review form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    csrf: Option<String>,
    /// `staff` to come back to the review queue instead of the agent page.
    #[serde(default)]
    back: Option<String>,
}

/// The approve/reject form of a submitted version (agent page and the
/// staff review queue; `back = Some("staff")` returns to the queue).
pub(crate) fn review_form(ctx: &Ctx, version_id: &str, back: Option<&str>) -> maud::Markup {
    maud::html! {
        form.review method="post" action={ "/versions/" (version_id) "/review" } {
            (ctx.csrf_field())
            @if let Some(back) = back { input type="hidden" name="back" value=(back); }
            div.field {
                label for={ "note-" (version_id) } { (ctx.t("agents.review_note")) }
                input id={ "note-" (version_id) } name="note" maxlength="2000";
            }
            button type="submit" name="decision" value="approve" { (ctx.t("agents.approve")) }
            " "
            button.danger type="submit" name="decision" value="reject" { (ctx.t("agents.reject")) }
        }
    }
}

/// `POST /versions/{id}/review` (`decision=approve|reject`, `note`).
pub(crate) async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PortalError> {
    let principal = ctx.principal()?;
    auth::verify_csrf(principal, form.csrf.as_deref())?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "reject" => false,
        other => {
            return Err(PortalError::bad_request(format!(
                "decision must be approve or reject, not {other:?}"
            )));
        }
    };
    let version =
        actions::review_version(&state, principal, &id, approve, form.note.trim()).await?;
    Ok(match form.back.as_deref() {
        Some("staff") => see_other("/staff#queue"),
        _ => see_other(&format!("/agents/{}", version.agent_id)),
    })
}
