//! Restart safety: a portal that dies in the middle of a pilot loses
//! nothing. Its own restart re-queues the pilot at once; another node takes
//! it over when the lease runs out.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use govlab_portal::config::Config;
use govlab_portal::model::{self, NewPilot, PilotStatus};
use govlab_portal::{AppState, jobs};
use govlab_scenarios::reference::{BuildConfig, build_reference_agents};
use govlab_scoring::certificate::verify;
use tempfile::TempDir;
use tokio::runtime::Runtime;

const SCENARIO: &str = "appeals-triage";

/// Cases in the interrupted pilot: a few seconds of work on two cores.
const CASES: i64 = 30_000;

/// The tests each use every core for seconds: run them one at a time.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

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

fn config(dir: &TempDir, node: &str, lease_seconds: u64) -> Config {
    let mut config = Config {
        data_dir: dir.path().to_owned(),
        ..Config::default()
    };
    config.workers.count = 1;
    config.workers.lease_seconds = lease_seconds;
    config.workers.poll_ms = 50;
    config.workers.node = Some(node.to_owned());
    config
}

/// What was submitted before the crash.
struct Submitted {
    pilot: String,
    version: String,
    sha256: String,
}

async fn queue(state: &AppState, cases: i64) -> Submitted {
    let bytes = agent_bytes();
    let sha = state.blobs.put(&bytes).expect("store agent");
    let agent = model::create_agent(&state.db, "team-a", "appeals", SCENARIO, "", "tester")
        .await
        .expect("create agent");
    let size = i64::try_from(bytes.len()).expect("size");
    let version = model::create_version(&state.db, &agent.id, &sha, size, "v1", "tester")
        .await
        .expect("create version");
    let scenario = govlab_scenarios::scenario::Scenario::builtin(SCENARIO).expect("scenario");
    let pilot = model::create_pilot(
        &state.db,
        &NewPilot {
            version: &version,
            agent: &agent,
            scenario_version: scenario.version(),
            split: "practice",
            case_limit: Some(cases),
            requested_by: "tester",
        },
    )
    .await
    .expect("queue pilot");
    Submitted {
        pilot,
        version: version.id,
        sha256: sha,
    }
}

/// Starts a portal's state and workers on `config` in a runtime of its own,
/// queues a big pilot, and "crashes" (drops every task) once the pilot has
/// made progress. Returns what was submitted.
fn run_then_crash(config: Config) -> Submitted {
    let runtime = Runtime::new().expect("runtime");
    let submitted = runtime.block_on(async {
        let state = AppState::new(config).await.expect("state");
        let submitted = queue(&state, CASES).await;
        jobs::start(&state).await.expect("workers start");
        let started = Instant::now();
        loop {
            let pilot = model::get_pilot(&state.db, &submitted.pilot)
                .await
                .expect("read")
                .expect("exists");
            assert!(
                !pilot.status.is_final(),
                "the pilot ended before the crash; raise CASES: {pilot:?}"
            );
            if pilot.cases_done > 0 {
                assert_eq!(pilot.status, PilotStatus::Running);
                assert_eq!(pilot.attempts, 1);
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "no progress");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        submitted
    });
    // The crash: every task is dropped mid-run, nothing is shut down
    // cleanly (the runner's thread notices and stops at its next case).
    runtime.shutdown_background();
    submitted
}

/// Waits for the pilot to end and checks nothing submitted was lost.
async fn finishes_intact(state: &AppState, submitted: &Submitted) -> model::Pilot {
    let started = Instant::now();
    let pilot = loop {
        let pilot = model::get_pilot(&state.db, &submitted.pilot)
            .await
            .expect("read")
            .expect("the pilot survived the crash");
        if pilot.status.is_final() {
            break pilot;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "not finished: {pilot:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    eprintln!(
        "recovered pilot finished {:?} after the restart",
        started.elapsed()
    );
    assert_eq!(pilot.status, PilotStatus::Done, "{:?}", pilot.error);
    assert_eq!(pilot.attempts, 2);
    assert_eq!((pilot.cases_done, pilot.cases_total), (CASES, CASES));
    let signed = pilot.scorecard.as_deref().expect("scorecard");
    let verified = verify(signed, &state.lab_key.public_key()).expect("verifies");
    assert_eq!(
        verified.scorecard.cases,
        u64::try_from(CASES).expect("cases")
    );
    assert_eq!(verified.scorecard.agent_sha256, submitted.sha256);

    let version = model::get_version(&state.db, &submitted.version)
        .await
        .expect("read version")
        .expect("the version survived the crash");
    assert_eq!(version.sha256, submitted.sha256);
    assert_eq!(
        govlab_portal::store::sha256_hex(&state.blobs.get(&version.sha256).expect("agent blob")),
        submitted.sha256
    );
    let (pilots, cases): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM pilots), (SELECT COUNT(*) FROM pilot_cases WHERE pilot_id = $1)",
    )
    .bind(&submitted.pilot)
    .fetch_one(&state.db)
    .await
    .expect("counts");
    assert_eq!(pilots, 1);
    assert_eq!(cases, CASES, "one row per case, none twice");
    pilot
}

#[test]
fn a_restart_in_the_middle_of_a_run_requeues_and_finishes_it() {
    let _serial = one_at_a_time();
    let dir = tempfile::tempdir().expect("tempdir");
    restart_mid_run(&dir, None);
}

#[test]
fn a_restart_on_postgres_requeues_and_finishes_it() {
    let _serial = one_at_a_time();
    let runtime = Runtime::new().expect("runtime");
    let Some((admin_url, name, url)) = runtime.block_on(postgres_database()) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    restart_mid_run(&dir, Some(url));
    runtime.block_on(drop_database(&admin_url, &name));
}

/// Crash mid-run, restart on the same data directory (and database).
fn restart_mid_run(dir: &TempDir, database_url: Option<String>) {
    let config = || Config {
        database_url: database_url.clone(),
        // A long lease: only the restart's re-queue can recover the pilot
        // in time.
        ..config(dir, "restart-node", 600)
    };
    let submitted = run_then_crash(config());

    let runtime = Runtime::new().expect("runtime");
    runtime.block_on(async {
        let state = AppState::new(config()).await.expect("reopens");
        let before = model::get_pilot(&state.db, &submitted.pilot)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            before.status,
            PilotStatus::Running,
            "left as the crash left it"
        );
        assert!(before.cases_done > 0 && before.cases_done < CASES);
        jobs::start(&state).await.expect("workers start");
        finishes_intact(&state, &submitted).await;
    });
}

#[test]
fn a_pilot_whose_worker_stops_renewing_is_taken_over() {
    let _serial = one_at_a_time();
    let dir = tempfile::tempdir().expect("tempdir");
    // Node a claims with a one-second lease, then dies without a restart.
    let submitted = run_then_crash(config(&dir, "node-a", 1));

    let runtime = Runtime::new().expect("runtime");
    runtime.block_on(async {
        // Node b re-queues nothing of node a's: the expired lease hands the
        // pilot over.
        let state = AppState::new(config(&dir, "node-b", 1))
            .await
            .expect("reopens");
        jobs::start(&state).await.expect("workers start");
        finishes_intact(&state, &submitted).await;
        let (worker,): (String,) = sqlx::query_as("SELECT worker FROM pilots WHERE id = $1")
            .bind(&submitted.pilot)
            .fetch_one(&state.db)
            .await
            .expect("worker");
        assert!(worker.starts_with("node-b/"), "{worker}");
    });
}

/// A fresh PostgreSQL database on the server named by
/// `GOVLAB_TEST_POSTGRES` (default: the local one): `(admin URL, name,
/// URL)`, or `None` when there is none to reach.
async fn postgres_database() -> Option<(String, String, String)> {
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
    let name = format!("govlab_restart_{}", govlab_portal::db::new_id());
    // Audited: the name is `govlab_restart_` and hex.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("create database");
    let mut url = url::Url::parse(&admin_url).expect("postgres URL");
    url.set_path(&name);
    Some((admin_url, name, url.to_string()))
}

async fn drop_database(admin_url: &str, name: &str) {
    if let Ok(admin) = sqlx::AnyPool::connect(admin_url).await {
        // Audited: the name is `govlab_restart_` and hex.
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&admin)
        .await;
    }
}
