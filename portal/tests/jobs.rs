//! Pilot jobs: a queued pilot runs to a verifiable scorecard, failures end
//! `failed` in words, claims never hand one pilot to two workers, leases
//! expire into a takeover, and progress streams over real HTTP.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use govlab_portal::config::Config;
use govlab_portal::db::now_ms;
use govlab_portal::model::{self, FindingsDoc, NewPilot, PilotStatus, TelemetryDoc};
use govlab_portal::{AppState, Role, jobs};
use govlab_scenarios::reference::{BuildConfig, build_reference_agents};
use govlab_scoring::certificate::verify;
use tempfile::TempDir;

const SCENARIO: &str = "appeals-triage";

/// The competent appeals reference agent (built once per test binary).
fn agent_bytes() -> Vec<u8> {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES
        .get_or_init(|| {
            let built =
                build_reference_agents(&BuildConfig::default()).expect("reference agents build");
            std::fs::read(built.path("appeals_competent")).expect("agent file")
        })
        .clone()
}

fn config(dir: &TempDir, workers: usize, lease_seconds: u64) -> Config {
    let mut config = Config {
        data_dir: dir.path().to_owned(),
        ..Config::default()
    };
    config.workers.count = workers;
    config.workers.lease_seconds = lease_seconds;
    config.workers.poll_ms = 50;
    config.workers.node = Some("jobs-test".to_owned());
    config
}

/// Registers team-a's agent with the reference binary and queues a pilot.
async fn queue(state: &AppState, split: &str, cases: i64) -> String {
    let bytes = agent_bytes();
    let sha = state.blobs.put(&bytes).expect("store agent");
    let agent = match model::find_agent(&state.db, "team-a", "appeals")
        .await
        .expect("find agent")
    {
        Some(agent) => agent,
        None => model::create_agent(&state.db, "team-a", "appeals", SCENARIO, "", "tester")
            .await
            .expect("create agent"),
    };
    let size = i64::try_from(bytes.len()).expect("size");
    let version = model::create_version(&state.db, &agent.id, &sha, size, "", "tester")
        .await
        .expect("create version");
    let scenario = govlab_scenarios::scenario::Scenario::builtin(SCENARIO).expect("scenario");
    model::create_pilot(
        &state.db,
        &NewPilot {
            version: &version,
            agent: &agent,
            scenario_version: scenario.version(),
            split,
            case_limit: Some(cases),
            requested_by: "tester",
        },
    )
    .await
    .expect("queue pilot")
}

async fn wait_final(state: &AppState, id: &str, timeout: Duration) -> model::Pilot {
    let started = Instant::now();
    loop {
        let pilot = model::get_pilot(&state.db, id)
            .await
            .expect("read pilot")
            .expect("pilot exists");
        if pilot.status.is_final() {
            return pilot;
        }
        assert!(
            started.elapsed() < timeout,
            "pilot still {:?} after {timeout:?}: {pilot:?}",
            pilot.status
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn practice_pilot_runs_to_a_verifiable_scorecard() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = AppState::new(config(&dir, 1, 30)).await.expect("state");
    practice_pilot(&state).await;
}

async fn practice_pilot(state: &AppState) {
    let state = state.clone();
    let id = queue(&state, "practice", 200).await;
    jobs::start(&state).await.expect("workers start");
    let started = Instant::now();
    let pilot = wait_final(&state, &id, Duration::from_secs(300)).await;
    eprintln!(
        "200-case practice pilot: {:?} from start",
        started.elapsed()
    );
    assert_eq!(pilot.status, PilotStatus::Done, "{:?}", pilot.error);
    assert_eq!(pilot.attempts, 1);
    assert_eq!((pilot.cases_done, pilot.cases_total), (200, 200));
    assert!(pilot.started_at.is_some() && pilot.finished_at.is_some());

    let signed = pilot.scorecard.expect("scorecard stored");
    let verified = verify(&signed, &state.lab_key.public_key()).expect("certificate verifies");
    assert_eq!(verified.scorecard.cases, 200);
    assert_eq!(verified.scorecard.scenario_id, SCENARIO);
    assert_eq!(pilot.composite, verified.scorecard.composite);
    for (name, dimension) in verified.scorecard.dimensions.iter() {
        assert_eq!(pilot.dimensions[name], dimension.score, "dimension {name}");
    }
    let (card_sha,): (String,) = sqlx::query_as("SELECT card_sha256 FROM pilots WHERE id = $1")
        .bind(&id)
        .fetch_one(&state.db)
        .await
        .expect("card sha");
    assert_eq!(
        card_sha,
        govlab_portal::store::sha256_hex(signed.as_bytes())
    );

    let telemetry: TelemetryDoc =
        serde_json::from_str(&pilot.telemetry.expect("telemetry")).expect("telemetry doc");
    assert_eq!(telemetry.cases, 200);
    assert_eq!(telemetry.by_outcome.values().sum::<u64>(), 200);
    let findings: FindingsDoc =
        serde_json::from_str(&pilot.findings.expect("findings")).expect("findings doc");
    assert!(findings.first.len() <= 200);

    let cases = model::list_cases(&state.db, &id, 0, 1000)
        .await
        .expect("cases");
    assert_eq!(cases.len(), 200);
    assert!(cases.iter().enumerate().all(|(i, c)| c.idx == i as i64));
    assert_eq!(
        cases.iter().filter(|c| c.outcome == "ok").count() as u64,
        telemetry.by_outcome["ok"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_evaluation_key_and_corrupt_blob_fail_in_words() {
    if std::env::var_os("GOVLAB_EVAL_KEY").is_some() {
        eprintln!("GOVLAB_EVAL_KEY is set: the missing-key case cannot be tested here");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let state = AppState::new(config(&dir, 1, 30)).await.expect("state");
    let evaluation = queue(&state, "evaluation", 20).await;
    jobs::start(&state).await.expect("workers start");
    let pilot = wait_final(&state, &evaluation, Duration::from_secs(120)).await;
    assert_eq!(pilot.status, PilotStatus::Failed);
    let error = pilot.error.expect("error stored");
    eprintln!("missing key: {error}");
    assert!(
        error.contains("needs the lab's evaluation key, and none is configured"),
        "{error}"
    );
    assert!(error.contains("evaluation_key_file"), "{error}");
    assert!(pilot.scorecard.is_none());

    // Damage the stored binary: the next pilot of it fails, saying so.
    let sha = pilot.agent_sha256.clone();
    let path = dir
        .path()
        .join("agents")
        .join(&sha[..2])
        .join(format!("{sha}.wasm"));
    std::fs::write(&path, b"not the agent any more").expect("corrupt blob");
    let version = model::get_version(&state.db, &pilot.version_id)
        .await
        .expect("version")
        .expect("exists");
    let agent = model::get_agent(&state.db, &pilot.agent_id)
        .await
        .expect("agent")
        .expect("exists");
    let practice = model::create_pilot(
        &state.db,
        &NewPilot {
            version: &version,
            agent: &agent,
            scenario_version: &pilot.scenario_version,
            split: "practice",
            case_limit: Some(20),
            requested_by: "tester",
        },
    )
    .await
    .expect("queue");
    state.jobs.notify();
    let pilot = wait_final(&state, &practice, Duration::from_secs(120)).await;
    assert_eq!(pilot.status, PilotStatus::Failed);
    let error = pilot.error.expect("error stored");
    eprintln!("corrupt blob: {error}");
    assert!(error.contains("corrupt"), "{error}");

    // A binary the sandbox refuses (intact in the store, not a component).
    let junk = b"not a WebAssembly component".to_vec();
    let sha = state.blobs.put(&junk).expect("store junk");
    let junk_version = model::create_version(&state.db, &agent.id, &sha, 27, "", "tester")
        .await
        .expect("version");
    let refused = model::create_pilot(
        &state.db,
        &NewPilot {
            version: &junk_version,
            agent: &agent,
            scenario_version: &pilot.scenario_version,
            split: "practice",
            case_limit: Some(20),
            requested_by: "tester",
        },
    )
    .await
    .expect("queue");
    state.jobs.notify();
    let pilot = wait_final(&state, &refused, Duration::from_secs(120)).await;
    assert_eq!(pilot.status, PilotStatus::Failed);
    let error = pilot.error.expect("error stored");
    eprintln!("refused agent: {error}");
    assert!(error.contains("refused"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_hand_each_pilot_to_one_worker() {
    let dir = tempfile::tempdir().expect("tempdir");
    // No workers: the test is the only claimer.
    let state = AppState::new(config(&dir, 0, 30)).await.expect("state");
    claim_race(&state).await;
}

async fn claim_race(state: &AppState) {
    let state = state.clone();
    let one = queue(&state, "practice", 20).await;
    let claimers: Vec<_> = (0..16)
        .map(|n| {
            let db = state.db.clone();
            tokio::spawn(async move {
                jobs::claim(&db, &format!("racer/1/{n}"), Duration::from_secs(30))
                    .await
                    .expect("claim")
            })
        })
        .collect();
    let mut won = Vec::new();
    for claimer in claimers {
        if let Some(claimed) = claimer.await.expect("claimer") {
            won.push(claimed);
        }
    }
    assert_eq!(won, vec![(one.clone(), 1)], "exactly one claim wins");

    // Several pilots, more claimers: every pilot goes to exactly one.
    let mut queued = Vec::new();
    for _ in 0..5 {
        queued.push(queue(&state, "practice", 20).await);
    }
    let claimers: Vec<_> = (0..12)
        .map(|n| {
            let db = state.db.clone();
            tokio::spawn(async move {
                jobs::claim(&db, &format!("racer/2/{n}"), Duration::from_secs(30))
                    .await
                    .expect("claim")
            })
        })
        .collect();
    let mut ids = Vec::new();
    for claimer in claimers {
        if let Some((id, _)) = claimer.await.expect("claimer") {
            ids.push(id);
        }
    }
    ids.sort();
    queued.sort();
    assert_eq!(ids, queued);
    let (running,): (i64,) =
        sqlx::query_as("SELECT COUNT(DISTINCT worker) FROM pilots WHERE status = 'running'")
            .fetch_one(&state.db)
            .await
            .expect("count");
    assert_eq!(running, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_lease_is_taken_over_and_attempts_are_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = AppState::new(config(&dir, 0, 1)).await.expect("state");
    let id = queue(&state, "practice", 20).await;
    // A worker of another node claims it, then never renews (it hangs).
    let claimed = jobs::claim(&state.db, "elsewhere/7/0", Duration::from_secs(1))
        .await
        .expect("claim");
    assert_eq!(claimed, Some((id.clone(), 1)));
    // Before the lease expires, nobody else gets it.
    assert_eq!(
        jobs::claim(&state.db, "jobs-test/1/99", Duration::from_secs(1))
            .await
            .expect("claim"),
        None
    );
    // Another node's crashed pilots are not re-queued at our start: only
    // the lease hands them over.
    assert_eq!(
        jobs::requeue_node(&state.db, "jobs-test")
            .await
            .expect("requeue"),
        0
    );
    let mut config = config(&dir, 1, 1);
    config.workers.count = 1;
    let workers = AppState::new(config).await.expect("second state");
    jobs::start(&workers).await.expect("workers start");
    let pilot = wait_final(&state, &id, Duration::from_secs(120)).await;
    assert_eq!(pilot.status, PilotStatus::Done, "{:?}", pilot.error);
    assert_eq!(pilot.attempts, 2);
    let (worker,): (String,) = sqlx::query_as("SELECT worker FROM pilots WHERE id = $1")
        .bind(&id)
        .fetch_one(&state.db)
        .await
        .expect("worker");
    assert!(worker.starts_with("jobs-test/"), "{worker}");

    // A pilot that has already been claimed 3 times is given up.
    let doomed = queue(&state, "practice", 20).await;
    sqlx::query("UPDATE pilots SET attempts = 3, created_at = $2 WHERE id = $1")
        .bind(&doomed)
        .bind(now_ms())
        .execute(&state.db)
        .await
        .expect("set attempts");
    workers.jobs.notify();
    let pilot = wait_final(&state, &doomed, Duration::from_secs(60)).await;
    assert_eq!(pilot.status, PilotStatus::Failed);
    let error = pilot.error.expect("error stored");
    assert!(
        error.starts_with("gave up after 3 attempts (error id "),
        "{error}"
    );
    assert_eq!(pilot.attempts, 4);
}

/// Reads server-sent events from `response` until the stream ends.
async fn read_events(mut response: reqwest::Response) -> Vec<(String, serde_json::Value)> {
    let mut buffer = String::new();
    let mut events = Vec::new();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(300), response.chunk())
        .await
        .expect("stream stalls")
        .expect("stream chunk")
    {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut name = String::from("message");
            let mut data = String::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    name = value.trim().to_owned();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.trim());
                }
            }
            if !data.is_empty() {
                events.push((name, serde_json::from_str(&data).expect("event JSON")));
            }
        }
    }
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_streams_over_http_until_done() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = AppState::new(config(&dir, 1, 30)).await.expect("state");
    let token = govlab_portal::auth::tokens::create(&state.db, Role::Startup, Some("team-a"), "t")
        .await
        .expect("token");
    let outsider =
        govlab_portal::auth::tokens::create(&state.db, Role::Startup, Some("team-b"), "t")
            .await
            .expect("token");
    let id = queue(&state, "practice", 20000).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = govlab_portal::router(state.clone())
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/api/pilots/{id}/events");

    let anonymous = client.get(&url).send().await.expect("request");
    assert_eq!(anonymous.status(), 401);
    let other_team = client
        .get(&url)
        .bearer_auth(&outsider.secret)
        .send()
        .await
        .expect("request");
    assert_eq!(other_team.status(), 404);

    let response = client
        .get(&url)
        .bearer_auth(&token.secret)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/event-stream")
    );
    // Workers start after the stream is open, so it sees the run.
    jobs::start(&state).await.expect("workers start");
    let events = read_events(response).await;
    let (last, rest) = events.split_last().expect("events");
    assert_eq!(last.0, "done", "{events:?}");
    assert_eq!(last.1["status"], "done", "{events:?}");
    assert_eq!(last.1["cases_done"], 20000, "{events:?}");
    assert!(
        rest.iter().all(|(name, _)| name == "progress"),
        "{events:?}"
    );
    assert_eq!(rest[0].1["status"], "queued", "{events:?}");
    assert!(
        rest.iter().any(|(_, data)| data["status"] == "running"
            && data["cases_total"] == 20000
            && data["cases_done"]
                .as_i64()
                .is_some_and(|n| n > 0 && n < 20000)),
        "a progress event mid-run: {events:?}"
    );
    let done: Vec<i64> = rest
        .iter()
        .filter_map(|(_, data)| data["cases_done"].as_i64())
        .collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");

    // A finished pilot's stream says so at once (page route, same stream).
    let response = client
        .get(format!("http://{addr}/pilots/{id}/events"))
        .bearer_auth(&token.secret)
        .send()
        .await
        .expect("request");
    let events = read_events(response).await;
    let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["progress", "done"], "{events:?}");
}

/// A fresh PostgreSQL database for one test, on the server named by
/// `GOVLAB_TEST_POSTGRES` (default: the local one); `None` when there is
/// none to reach.
async fn postgres_database() -> Option<(sqlx::AnyPool, String, String)> {
    sqlx::any::install_default_drivers();
    let admin_url = std::env::var("GOVLAB_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let admin = match sqlx::AnyPool::connect(&admin_url).await {
        Ok(admin) => admin,
        Err(err) => {
            eprintln!("no PostgreSQL at {admin_url} ({err}); skipping the PostgreSQL run");
            return None;
        }
    };
    let name = format!("govlab_jobs_{}", govlab_portal::db::new_id());
    // Audited: the name is `govlab_jobs_` and hex.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("create database");
    let mut url = url::Url::parse(&admin_url).expect("postgres URL");
    url.set_path(&name);
    Some((admin, name, url.to_string()))
}

async fn drop_database(admin: &sqlx::AnyPool, name: &str) {
    // Audited: the name is `govlab_jobs_` and hex.
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(admin)
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_claims_race_and_pilots_finish() {
    let Some((admin, name, url)) = postgres_database().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut racing = config(&dir, 0, 30);
    racing.database_url = Some(url.clone());
    let state = AppState::new(racing).await.expect("state on PostgreSQL");
    claim_race(&state).await;
    // Clear the queue the race left running, then run a pilot for real.
    sqlx::query("UPDATE pilots SET status = 'failed', worker = NULL")
        .execute(&state.db)
        .await
        .expect("clear");
    let mut working = config(&dir, 1, 30);
    working.database_url = Some(url);
    let workers = AppState::new(working).await.expect("state on PostgreSQL");
    practice_pilot(&workers).await;
    drop(state);
    drop(workers);
    drop_database(&admin, &name).await;
}
