//! The JSON API under `/api`, mirroring every page action.
//!
//! Handlers only translate between HTTP and [`crate::actions`]: who may do
//! what is decided there, once, for pages and API alike. Errors are the
//! portal's JSON error (`{"error": {"code", "message"}}`), bad bodies and
//! queries included. Unsafe calls authenticated by a session cookie need
//! the session's CSRF token in `X-CSRF-Token` (bearer calls need none).
//! The wire format is in [`wire`] (private: this crate alone knows it) and
//! documented in `portal/openapi.json`, served at `/api/openapi.json`; a
//! test keeps [`ROUTES`] and the document in step.

mod wire;

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::actions;
use crate::error::PortalError;
use crate::model;
use crate::principal::Principal;
use crate::state::AppState;

/// The OpenAPI 3.1 document of this API.
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Header carrying the CSRF token on session-authenticated unsafe calls.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Largest page of any list.
pub const MAX_PAGE: usize = 500;

/// Builds [`ROUTES`] and [`routes`] from one table, so the list the
/// OpenAPI and matrix tests check is the router itself.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every API route as (method, path template), in the router's
        /// order.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        /// API routes.
        pub fn routes() -> Router<AppState> {
            Router::new()
                $(.route($path, axum::routing::$method($handler)))*
        }
    };
}

api_routes! {
    get "/api/openapi.json" => openapi;
    get "/api/me" => me;
    get "/api/lab-key" => lab_key;
    get "/api/scenarios" => scenarios;
    put "/api/scenarios/{id}" => set_scenario;
    get "/api/scoreboard" => scoreboard;
    get "/api/agents" => list_agents;
    post "/api/agents" => create_agent;
    get "/api/agents/{id}" => get_agent;
    post "/api/agents/{id}/versions" => upload_version;
    get "/api/versions/{id}" => get_version;
    post "/api/versions/{id}/submit" => submit_version;
    post "/api/versions/{id}/review" => review_version;
    get "/api/pilots" => list_pilots;
    post "/api/pilots" => create_pilot;
    get "/api/pilots/{id}" => get_pilot;
    get "/api/pilots/{id}/cases" => pilot_cases;
    get "/api/pilots/{id}/scorecard" => pilot_scorecard;
    get "/api/compare" => compare;
    get "/api/audit" => audit;
}

// ---- extractors: the API's own rejections --------------------------------

impl From<JsonRejection> for PortalError {
    fn from(rejection: JsonRejection) -> PortalError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            // The security layer rewrites every 413 with the route's cap.
            return PortalError::TooLarge(0);
        }
        match rejection {
            JsonRejection::MissingJsonContentType(_) => PortalError::bad_request(
                "send the body as JSON with Content-Type: application/json",
            ),
            other => PortalError::bad_request(format!(
                "the JSON body is not valid: {}",
                other.body_text()
            )),
        }
    }
}

impl From<QueryRejection> for PortalError {
    fn from(rejection: QueryRejection) -> PortalError {
        PortalError::bad_request(format!(
            "the query string is not valid: {}",
            rejection.body_text()
        ))
    }
}

/// A JSON body whose rejections are [`PortalError`]s.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(PortalError))]
pub struct ApiJson<T>(pub T);

/// A query string whose rejections are [`PortalError`]s.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(PortalError))]
pub struct ApiQuery<T>(pub T);

/// The principal of a state-changing call: authenticated (401) and, for
/// session logins, carrying the session's CSRF token in `X-CSRF-Token`
/// (403).
#[derive(Debug)]
pub struct Writer(pub Principal);

impl FromRequestParts<AppState> for Writer {
    type Rejection = PortalError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Writer, PortalError> {
        let principal =
            <Principal as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        let token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        crate::auth::verify_csrf(&principal, token)?;
        Ok(Writer(principal))
    }
}

/// `?limit&offset`.
#[derive(Debug, Deserialize)]
pub struct Paging {
    limit: Option<usize>,
    offset: Option<usize>,
}

impl Paging {
    /// The page size: 100 when not given, 1 to [`MAX_PAGE`] when given
    /// (anything else is refused, not quietly clamped).
    fn limit(&self) -> Result<usize, PortalError> {
        match self.limit {
            None => Ok(100),
            Some(limit @ 1..=MAX_PAGE) => Ok(limit),
            Some(other) => Err(PortalError::bad_request(format!(
                "limit is 1 to {MAX_PAGE}, not {other}"
            ))),
        }
    }

    fn offset(&self) -> usize {
        self.offset.unwrap_or(0)
    }
}

fn json(status: StatusCode, body: &impl serde::Serialize) -> Response {
    (status, axum::Json(body)).into_response()
}

fn created(location: String, body: &impl serde::Serialize) -> Response {
    let mut response = json(StatusCode::CREATED, body);
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn raw_json(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

// ---- handlers -------------------------------------------------------------

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn me(principal: Principal) -> Response {
    json(StatusCode::OK, &wire::Me::from(&principal))
}

async fn lab_key(State(state): State<AppState>) -> Response {
    let key = state.lab_key.public_key();
    json(
        StatusCode::OK,
        &wire::LabKeyOut {
            algorithm: "ed25519",
            key_id: key.key_id(),
            public_key_hex: key.to_hex(),
            public_key_base64: key.to_base64(),
        },
    )
}

async fn scenarios(
    State(state): State<AppState>,
    principal: Option<Principal>,
) -> Result<Response, PortalError> {
    actions::require_scoreboard(&state, principal.as_ref())?;
    let list = govlab_scenarios::scenario::list().map_err(PortalError::internal)?;
    let mut out = Vec::with_capacity(list.len());
    for scenario in list {
        let def = scenario.def();
        out.push(wire::ScenarioOut {
            id: scenario.id().to_owned(),
            version: scenario.version().to_owned(),
            title: def.title.clone(),
            description: def.description.clone(),
            practice_cases: def.splits.practice,
            evaluation_cases: def.splits.evaluation,
            enabled: model::scenario_enabled(&state.db, scenario.id()).await?,
        });
    }
    Ok(json(StatusCode::OK, &out))
}

async fn set_scenario(
    State(state): State<AppState>,
    Writer(principal): Writer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<wire::ScenarioUpdate>,
) -> Result<Response, PortalError> {
    actions::set_scenario_enabled(&state, &principal, &id, body.enabled).await?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "id": id, "enabled": body.enabled }),
    ))
}

#[derive(Debug, Deserialize)]
struct BoardQuery {
    scenario: Option<String>,
    split: Option<String>,
}

async fn scoreboard(
    State(state): State<AppState>,
    principal: Option<Principal>,
    ApiQuery(query): ApiQuery<BoardQuery>,
) -> Result<Response, PortalError> {
    actions::require_scoreboard(&state, principal.as_ref())?;
    // An empty parameter is an absent one, as in every list filter.
    let scenario = match query.scenario.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => actions::scenario_by_id(id)?,
        None => govlab_scenarios::scenario::list()
            .map_err(PortalError::internal)?
            .first()
            .ok_or_else(|| PortalError::internal("no scenarios are built in"))?,
    };
    let split = match query
        .split
        .as_deref()
        .filter(|split| !split.is_empty())
        .unwrap_or("evaluation")
    {
        split @ ("practice" | "evaluation") => split,
        other => {
            return Err(PortalError::bad_request(format!(
                "unknown split {other:?}: use practice or evaluation"
            )));
        }
    };
    let board = state
        .scoreboard_cache
        .get(&state.db, &state.references, scenario.id(), split)
        .await?;
    let body = board.rendered(|rows, references| {
        let out = wire::ScoreboardOut {
            scenario: scenario.id(),
            split,
            rows: rows.iter().map(wire::ScoreboardRowOut::from).collect(),
            references: references.iter().map(wire::ReferenceRowOut::from).collect(),
        };
        Bytes::from(serde_json::to_vec(&out).unwrap_or_default())
    });
    Ok(raw_json(body))
}

async fn list_agents(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Response, PortalError> {
    let agents = actions::list_agents(&state, &principal).await?;
    let page = wire::Page::slice(agents, paging.offset(), paging.limit()?, |a| {
        wire::AgentOut::from(a, None)
    });
    Ok(json(StatusCode::OK, &page))
}

async fn create_agent(
    State(state): State<AppState>,
    Writer(principal): Writer,
    ApiJson(body): ApiJson<wire::NewAgent>,
) -> Result<Response, PortalError> {
    let agent = actions::create_agent(
        &state,
        &principal,
        body.team.as_deref(),
        &body.name,
        &body.scenario,
        &body.description,
    )
    .await?;
    let location = format!("/api/agents/{}", agent.id);
    Ok(created(
        location,
        &wire::AgentOut::from(agent, Some(Vec::new())),
    ))
}

async fn get_agent(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let agent = actions::agent_for(&state, &principal, &id).await?;
    let versions = model::list_versions(&state.db, &agent.id).await?;
    Ok(json(
        StatusCode::OK,
        &wire::AgentOut::from(agent, Some(versions)),
    ))
}

#[derive(Debug, Deserialize)]
struct UploadQuery {
    #[serde(default)]
    notes: String,
}

/// `POST /api/agents/{id}/versions`: authorises (role, team, rate limit,
/// an upload slot) before reading a byte of the body, then streams it to
/// a staging file.
async fn upload_version(
    State(state): State<AppState>,
    Writer(principal): Writer,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, PortalError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/wasm"))
    {
        return Err(PortalError::bad_request(
            "send the component as the raw body with Content-Type: application/wasm",
        ));
    }
    let grant = actions::authorize_upload(&state, &principal, &id).await?;
    let mut receiver = crate::upload::Receiver::new(&state)?;
    let mut body = body.into_data_stream();
    while let Some(chunk) = receiver
        .next(async { futures_util::StreamExt::next(&mut body).await.transpose() })
        .await?
    {
        receiver.push(&chunk)?;
    }
    let staged = receiver.finish()?;
    let version = actions::upload_version(&state, &principal, grant, staged, &query.notes).await?;
    let location = format!("/api/versions/{}", version.id);
    Ok(created(location, &wire::VersionOut::from(version)))
}

async fn get_version(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let (_, version) = actions::version_for(&state, &principal, &id).await?;
    Ok(json(StatusCode::OK, &wire::VersionOut::from(version)))
}

async fn submit_version(
    State(state): State<AppState>,
    Writer(principal): Writer,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let version = actions::submit_version(&state, &principal, &id).await?;
    Ok(json(StatusCode::OK, &wire::VersionOut::from(version)))
}

async fn review_version(
    State(state): State<AppState>,
    Writer(principal): Writer,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<wire::Review>,
) -> Result<Response, PortalError> {
    let version =
        actions::review_version(&state, &principal, &id, body.approve, &body.note).await?;
    Ok(json(StatusCode::OK, &wire::VersionOut::from(version)))
}

#[derive(Debug, Deserialize)]
struct PilotQuery {
    agent_id: Option<String>,
    scenario: Option<String>,
    split: Option<String>,
    status: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn list_pilots(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<PilotQuery>,
) -> Result<Response, PortalError> {
    let paging = Paging {
        limit: query.limit,
        offset: query.offset,
    };
    let (offset, limit) = (paging.offset(), paging.limit()?);
    if offset > 10_000 {
        return Err(PortalError::bad_request(
            "offset is at most 10000; narrow the list with agent_id, scenario, split or status",
        ));
    }
    let status = match query.status.as_deref() {
        None => None,
        Some(text) => Some(model::PilotStatus::parse(text).ok_or_else(|| {
            PortalError::bad_request(format!(
                "unknown status {text:?}: use queued, running, done or failed"
            ))
        })?),
    };
    // Empty filters are absent ones; given ones must name something real.
    let given = |value: Option<String>| value.filter(|v| !v.is_empty());
    let scenario = given(query.scenario);
    if let Some(id) = &scenario {
        actions::scenario_by_id(id)?;
    }
    let split = given(query.split);
    if let Some(other) = split
        .as_deref()
        .filter(|s| !matches!(*s, "practice" | "evaluation"))
    {
        return Err(PortalError::bad_request(format!(
            "unknown split {other:?}: use practice or evaluation"
        )));
    }
    let filter = model::PilotFilter {
        team: None,
        agent_id: given(query.agent_id),
        scenario,
        split,
        status,
        limit: i64::try_from(offset + limit + 1).unwrap_or(i64::MAX),
    };
    let mut pilots = actions::list_pilots(&state, &principal, filter).await?;
    let rows = pilots.split_off(offset.min(pilots.len()));
    let page = wire::Page::fetched(rows, offset, limit, wire::PilotOut::summary);
    Ok(json(StatusCode::OK, &page))
}

async fn create_pilot(
    State(state): State<AppState>,
    Writer(principal): Writer,
    ApiJson(body): ApiJson<wire::NewPilot>,
) -> Result<Response, PortalError> {
    let id = actions::request_pilot(
        &state,
        &principal,
        &body.version_id,
        &body.split,
        body.cases,
    )
    .await?;
    let (pilot, access) = actions::pilot_for(&state, Some(&principal), &id).await?;
    Ok(created(
        format!("/api/pilots/{id}"),
        &wire::PilotOut::from(pilot, access, false),
    ))
}

async fn get_pilot(
    State(state): State<AppState>,
    principal: Option<Principal>,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let (pilot, access) = actions::pilot_for(&state, principal.as_ref(), &id).await?;
    Ok(json(
        StatusCode::OK,
        &wire::PilotOut::from(pilot, access, true),
    ))
}

async fn pilot_cases(
    State(state): State<AppState>,
    principal: Option<Principal>,
    Path(id): Path<String>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Response, PortalError> {
    let (offset, limit) = (paging.offset(), paging.limit()?);
    let rows = actions::pilot_cases(
        &state,
        principal.as_ref(),
        &id,
        i64::try_from(offset).unwrap_or(i64::MAX),
        i64::try_from(limit + 1).unwrap_or(i64::MAX),
    )
    .await?;
    // Case rows are numbered from 0, so the offset is an index.
    let page = wire::Page::fetched(rows, offset, limit, wire::CaseOut::from);
    Ok(json(StatusCode::OK, &page))
}

async fn pilot_scorecard(
    State(state): State<AppState>,
    principal: Option<Principal>,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let (pilot, _) = actions::pilot_for(&state, principal.as_ref(), &id).await?;
    match pilot.scorecard {
        Some(card) => Ok(raw_json(Bytes::from(card))),
        None => Err(PortalError::NotFound(format!(
            "scorecard of pilot {id} (the pilot is {})",
            pilot.status.as_str()
        ))),
    }
}

#[derive(Debug, Deserialize)]
struct CompareQuery {
    a: String,
    b: String,
}

async fn compare(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<CompareQuery>,
) -> Result<Response, PortalError> {
    let (a, b) = actions::compare(&state, &principal, &query.a, &query.b).await?;
    let mut delta = BTreeMap::new();
    let diff = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| y - x);
    delta.insert("composite", diff(a.composite, b.composite));
    for (name, _) in model::DIMENSIONS {
        let get = |p: &model::Pilot| p.dimensions.get(name).copied().flatten();
        delta.insert(name, diff(get(&a), get(&b)));
    }
    Ok(json(
        StatusCode::OK,
        &wire::CompareOut {
            a: wire::PilotOut::from(a, actions::PilotAccess::Full, false),
            b: wire::PilotOut::from(b, actions::PilotAccess::Full, false),
            delta,
        },
    ))
}

async fn audit(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Response, PortalError> {
    let (offset, limit) = (paging.offset(), paging.limit()?);
    let fetch = i64::try_from(offset + limit + 1).unwrap_or(i64::MAX);
    let mut entries = actions::audit_log(&state, &principal, fetch).await?;
    let rows = entries.split_off(offset.min(entries.len()));
    let page = wire::Page::fetched(rows, offset, limit, wire::AuditOut::from);
    Ok(json(StatusCode::OK, &page))
}
