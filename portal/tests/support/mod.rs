//! Shared fixtures of the API, matrix and PostgreSQL tests: a portal on a
//! temporary data directory, tokens for each role, a seeded lab, and one
//! helper that calls the real router.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use govlab_portal::auth::tokens;
use govlab_portal::db::now_ms;
use govlab_portal::model::{self, NewPilot};
use govlab_portal::{AppState, Config, Role};
use serde_json::Value;
use tower::ServiceExt as _;

/// The scenario every fixture uses.
pub const SCENARIO: &str = "appeals-triage";

/// A running portal (no workers) with one token per role.
pub struct Lab {
    pub state: AppState,
    pub router: Router,
    pub dir: tempfile::TempDir,
    pub team_a: String,
    pub team_b: String,
    pub staff: String,
    pub investor: String,
}

/// Ids of the seeded records.
#[derive(Debug, Clone, Default)]
pub struct Seed {
    /// team-a's agent `alpha`.
    pub agent_a: String,
    /// alpha v1, uploaded.
    pub version_a: String,
    /// alpha v2, submitted for evaluation.
    pub version_submitted: String,
    /// alpha v3, approved.
    pub version_approved: String,
    /// A finished practice pilot of v1, with case rows.
    pub pilot_practice: String,
    /// A finished evaluation pilot of v3.
    pub pilot_eval: String,
    /// A queued practice pilot of v1.
    pub pilot_queued: String,
    /// team-b's agent `bravo`.
    pub agent_b: String,
    /// bravo v1.
    pub version_b: String,
    /// A finished practice pilot of bravo v1.
    pub pilot_b: String,
}

impl Seed {
    /// Replaces `{name}` placeholders with the seeded ids.
    pub fn fill(&self, text: &str) -> String {
        text.replace("{agent_a}", &self.agent_a)
            .replace("{version_a}", &self.version_a)
            .replace("{version_submitted}", &self.version_submitted)
            .replace("{version_approved}", &self.version_approved)
            .replace("{pilot_practice}", &self.pilot_practice)
            .replace("{pilot_eval}", &self.pilot_eval)
            .replace("{pilot_queued}", &self.pilot_queued)
            .replace("{agent_b}", &self.agent_b)
            .replace("{version_b}", &self.version_b)
            .replace("{pilot_b}", &self.pilot_b)
    }
}

/// The test configuration: a temporary data directory, an evaluation key.
pub fn config(dir: &std::path::Path) -> Config {
    let mut config = Config {
        data_dir: dir.to_owned(),
        ..Config::default()
    };
    config.workers.count = 0;
    let key_file = dir.join("eval.key");
    if !key_file.exists() {
        govlab_scenarios::secrecy::EvalKey::generate()
            .expect("evaluation key")
            .write_new_file(&key_file)
            .expect("write the evaluation key");
    }
    config.scenarios.evaluation_key_file = Some(key_file);
    config
}

/// A lab with `edit` applied to the test configuration.
pub async fn lab_with(edit: impl FnOnce(&mut Config)) -> Lab {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = config(dir.path());
    edit(&mut config);
    let state = AppState::new(config).await.expect("state");
    let token = |role, team: Option<&'static str>| {
        let db = state.db.clone();
        async move {
            tokens::create(&db, role, team, "test")
                .await
                .expect("token")
                .secret
        }
    };
    let team_a = token(Role::Startup, Some("team-a")).await;
    let team_b = token(Role::Startup, Some("team-b")).await;
    let staff = token(Role::Staff, None).await;
    let investor = token(Role::Investor, None).await;
    Lab {
        router: govlab_portal::router(state.clone()),
        state,
        dir,
        team_a,
        team_b,
        staff,
        investor,
    }
}

/// A lab on the default test configuration.
pub async fn lab() -> Lab {
    lab_with(|_| {}).await
}

/// A response: status, headers and the body as JSON (or `Value::String`
/// of the text when it is not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The error code of a JSON error body.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

/// One request through the real router.
pub async fn call(
    router: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = if let Some(session) = token.strip_prefix("session:") {
            let (id, csrf) = session.split_once(':').expect("session:ID:CSRF");
            let request = request.header(header::COOKIE, format!("govlab_session={id}"));
            if csrf.is_empty() {
                request
            } else {
                request.header("x-csrf-token", csrf)
            }
        } else {
            request.header(header::AUTHORIZATION, format!("Bearer {token}"))
        };
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body)).expect("request"))
        .await
        .expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    Reply {
        status,
        headers,
        body,
    }
}

/// GET with a token.
pub async fn get(router: &Router, path: &str, token: Option<&str>) -> Reply {
    call(router, "GET", path, token, None, Vec::new()).await
}

/// A JSON call with a token.
pub async fn send(
    router: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: &Value,
) -> Reply {
    call(
        router,
        method,
        path,
        token,
        Some("application/json"),
        serde_json::to_vec(json).expect("json"),
    )
    .await
}

/// A browser session for `role`/`team`; returns `session:ID:CSRF`, which
/// [`call`] turns into the cookie (and the header, unless `with_csrf` is
/// false).
pub async fn session(state: &AppState, role: Role, team: Option<&str>, with_csrf: bool) -> String {
    // Session secrets are 32 random bytes, hex (what auth::session issues).
    let id = hex::encode(govlab_portal::db::random_bytes::<32>());
    let csrf = govlab_portal::db::new_id();
    sqlx::query(
        "INSERT INTO sessions (id_hash, subject, display_name, role, team, csrf, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(govlab_portal::store::sha256_hex(id.as_bytes()))
    .bind(format!("session:{role}"))
    .bind("Session user")
    .bind(role.as_str())
    .bind(team)
    .bind(&csrf)
    .bind(now_ms())
    .bind(now_ms() + 3_600_000)
    .execute(&state.db)
    .await
    .expect("session row");
    format!(
        "session:{id}:{}",
        if with_csrf { csrf.as_str() } else { "" }
    )
}

/// The competent appeals-triage reference agent, built once (cached in
/// `$CARGO_TARGET_DIR/reference-agents`).
pub fn agent_wasm() -> Vec<u8> {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        let mut build = govlab_scenarios::reference::BuildConfig::default();
        if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
            build.target_dir = Some(PathBuf::from(dir).join("reference-agents"));
        }
        govlab_scenarios::reference::build_reference_agents(&build)
            .expect("reference agents build")
            .path("appeals_competent")
    });
    std::fs::read(path).expect("agent wasm")
}

fn by(kind: &str) -> String {
    format!("token:seed-{kind}")
}

/// A real 200-case (the scenario minimum) practice pilot of the competent appeals agent, run once
/// per test binary: its scorecard, telemetry and findings stand in for any
/// finished pilot of the seed.
pub fn real_result() -> &'static govlab_scenarios::runner::PilotResult {
    static RESULT: OnceLock<govlab_scenarios::runner::PilotResult> = OnceLock::new();
    RESULT.get_or_init(|| {
        use govlab_scenarios::runner::{PilotSpec, RunnerConfig, run_pilot, split_seed};
        let scenario =
            govlab_scenarios::scenario::Scenario::builtin("appeals-triage").expect("scenario");
        let spec = PilotSpec {
            scenario,
            split: split_seed("practice", None).expect("practice seed"),
            cases: Some(200),
        };
        run_pilot(&spec, &agent_wasm(), &RunnerConfig::default(), |_, _| {}).expect("pilot runs")
    })
}

/// Marks a pilot done as a worker would: a real signed scorecard (from
/// [`real_result`], signed with this lab's key), its telemetry and findings,
/// and the given composite in the score columns (so tests choose the
/// ranking).
pub async fn finish_pilot(state: &AppState, id: &str, composite: f64, finished_at: i64) {
    // Blocks this test once (a few seconds); the runner needs no runtime.
    let result = real_result();
    let scorecard = result
        .sign(&state.lab_key)
        .expect("a 200-case pilot is certifiable")
        .to_json();
    let telemetry =
        serde_json::to_string(&govlab_portal::jobs::telemetry_doc(result)).expect("json");
    let findings = serde_json::to_string(&govlab_portal::jobs::findings_doc(result)).expect("json");
    sqlx::query(
        "UPDATE pilots SET status = 'done', started_at = $2, finished_at = $2, attempts = 1, \
         cases_done = 3, cases_total = 3, composite = $3, dim_effectiveness = $3, \
         dim_interoperability = $3, dim_efficiency = $3, dim_reliability = $3, \
         dim_compliance = $3, dim_fairness = NULL, scorecard = $4, telemetry = $5, \
         findings = $6, card_sha256 = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(finished_at)
    .bind(composite)
    .bind(&scorecard)
    .bind(&telemetry)
    .bind(&findings)
    .bind(govlab_portal::store::sha256_hex(scorecard.as_bytes()))
    .execute(&state.db)
    .await
    .expect("finish pilot");
    for idx in 0..3_i64 {
        sqlx::query(
            "INSERT INTO pilot_cases (pilot_id, idx, case_id, outcome, fuel, peak_memory_bytes, \
             latency_us, findings) VALUES ($1, $2, $3, 'ok', 1000, 65536, 250, 0)",
        )
        .bind(id)
        .bind(idx)
        .bind(format!("c-{idx}"))
        .execute(&state.db)
        .await
        .expect("case row");
    }
}

/// Queues a pilot directly (no rate limit, no audit).
pub async fn queue_pilot(state: &AppState, version_id: &str, split: &str) -> String {
    let version = model::get_version(&state.db, version_id)
        .await
        .expect("db")
        .expect("version");
    let agent = model::get_agent(&state.db, &version.agent_id)
        .await
        .expect("db")
        .expect("agent");
    model::create_pilot(
        &state.db,
        &NewPilot {
            version: &version,
            agent: &agent,
            scenario_version: "1",
            split,
            case_limit: Some(3),
            requested_by: &by("run"),
        },
    )
    .await
    .expect("pilot")
}

/// Adds a version with placeholder bytes (the matrix needs the records,
/// not a runnable agent).
pub async fn add_version(state: &AppState, agent_id: &str, bytes: &[u8]) -> String {
    let sha = state.blobs.put(bytes).expect("blob");
    model::create_version(
        &state.db,
        agent_id,
        &sha,
        bytes.len() as i64,
        "",
        &by("upload"),
    )
    .await
    .expect("version")
    .id
}

/// Seeds the lab: team-a's agent with uploaded, submitted and approved
/// versions and practice, evaluation and queued pilots; team-b's agent
/// with a finished practice pilot.
pub async fn seed(state: &AppState) -> Seed {
    let db = &state.db;
    let agent_a = model::create_agent(db, "team-a", "alpha", SCENARIO, "", &by("a"))
        .await
        .expect("agent a")
        .id;
    let version_a = add_version(state, &agent_a, b"alpha v1").await;
    let version_submitted = add_version(state, &agent_a, b"alpha v2").await;
    assert!(
        model::mark_submitted(db, &version_submitted)
            .await
            .expect("db")
    );
    let version_approved = add_version(state, &agent_a, b"alpha v3").await;
    assert!(
        model::mark_submitted(db, &version_approved)
            .await
            .expect("db")
    );
    assert!(
        model::mark_reviewed(db, &version_approved, true, &by("staff"), "ok")
            .await
            .expect("db")
    );
    let t = now_ms();
    let pilot_practice = queue_pilot(state, &version_a, "practice").await;
    finish_pilot(state, &pilot_practice, 0.61, t - 3_000).await;
    let pilot_eval = queue_pilot(state, &version_approved, "evaluation").await;
    finish_pilot(state, &pilot_eval, 0.72, t - 2_000).await;
    let pilot_queued = queue_pilot(state, &version_a, "practice").await;
    let agent_b = model::create_agent(db, "team-b", "bravo", SCENARIO, "", &by("b"))
        .await
        .expect("agent b")
        .id;
    let version_b = add_version(state, &agent_b, b"bravo v1").await;
    let pilot_b = queue_pilot(state, &version_b, "practice").await;
    finish_pilot(state, &pilot_b, 0.55, t - 1_000).await;
    Seed {
        agent_a,
        version_a,
        version_submitted,
        version_approved,
        pilot_practice,
        pilot_eval,
        pilot_queued,
        agent_b,
        version_b,
        pilot_b,
    }
}
