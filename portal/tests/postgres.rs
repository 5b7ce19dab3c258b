//! The core flow against PostgreSQL: migrate a fresh database, register an
//! agent, upload a version, queue pilots, finish them, read the scoreboard,
//! lists, metrics, readiness and audit log — every portable query on the second
//! engine.
//!
//! Server: `postgres://postgres@127.0.0.1:5432/test` (override with
//! `GOVLAB_TEST_POSTGRES`); each run creates `govlab_test_<random>` and
//! drops it. Set `GOVLAB_SKIP_POSTGRES=1` to skip where no server runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use sqlx::Connection as _;
use support::{call, get, send};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn server_url() -> String {
    std::env::var("GOVLAB_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// A database created for this run, dropped by [`TestDb::drop_now`].
struct TestDb {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDb {
    async fn create() -> TestDb {
        sqlx::any::install_default_drivers();
        let admin_url = server_url();
        let mut admin = match sqlx::AnyConnection::connect(&admin_url).await {
            Ok(conn) => conn,
            Err(err) => panic!(
                "cannot reach PostgreSQL at {admin_url}: {err}\n\
                 start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\
                 (or set GOVLAB_TEST_POSTGRES to another server, or GOVLAB_SKIP_POSTGRES=1 to skip)"
            ),
        };
        let name = format!("govlab_test_{}", &govlab_portal::db::new_id()[..12]);
        // Audited: the name is this function's own hex, not input.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create database");
        let mut url = url::Url::parse(&admin_url).expect("server URL");
        url.set_path(&name);
        TestDb {
            admin_url,
            name,
            url: url.to_string(),
        }
    }

    async fn drop_now(self) {
        let mut admin = sqlx::AnyConnection::connect(&self.admin_url)
            .await
            .expect("reconnect");
        // Audited: as above.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&mut admin)
        .await
        .expect("drop database");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn core_flow_on_postgres() {
    if std::env::var("GOVLAB_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        eprintln!("GOVLAB_SKIP_POSTGRES=1: skipping the PostgreSQL test");
        return;
    }
    let db = TestDb::create().await;
    let url = db.url.clone();
    let lab = support::lab_with(|c| {
        c.database_url = Some(url);
        c.public_scoreboard = true;
    })
    .await;
    let r = &lab.router;
    let a = Some(lab.team_a.as_str());
    let staff = Some(lab.staff.as_str());

    // Migrated: the second open is a no-op.
    govlab_portal::db::connect(&db.url, 2)
        .await
        .expect("re-open migrated database");

    let agent = send(
        r,
        "POST",
        "/api/agents",
        a,
        &json!({"name": "pg-agent", "scenario": "appeals-triage"}),
    )
    .await;
    assert_eq!(agent.status, 201, "{}", agent.body);
    let agent_id = agent.body["id"].as_str().unwrap().to_owned();
    let dup = send(
        r,
        "POST",
        "/api/agents",
        a,
        &json!({"name": "pg-agent", "scenario": "appeals-triage"}),
    )
    .await;
    assert_eq!(
        dup.status, 409,
        "unique violations are recognised on PostgreSQL"
    );

    let version = call(
        r,
        "POST",
        &format!("/api/agents/{agent_id}/versions"),
        a,
        Some("application/wasm"),
        support::agent_wasm(),
    )
    .await;
    assert_eq!(version.status, 201, "{}", version.body);
    let version_id = version.body["id"].as_str().unwrap().to_owned();
    let v2 = call(
        r,
        "POST",
        &format!("/api/agents/{agent_id}/versions"),
        a,
        Some("application/wasm"),
        support::agent_wasm(),
    )
    .await;
    assert_eq!(v2.body["version"], 2);

    let pilot = send(
        r,
        "POST",
        "/api/pilots",
        a,
        &json!({"version_id": version_id, "cases": 200}),
    )
    .await;
    assert_eq!(pilot.status, 201, "{}", pilot.body);
    let pilot_id = pilot.body["id"].as_str().unwrap().to_owned();

    let submitted = send(
        r,
        "POST",
        &format!("/api/versions/{version_id}/submit"),
        a,
        &json!({}),
    )
    .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let approved = send(
        r,
        "POST",
        &format!("/api/versions/{version_id}/review"),
        staff,
        &json!({"approve": true}),
    )
    .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    let eval = send(
        r,
        "POST",
        "/api/pilots",
        staff,
        &json!({"version_id": version_id, "split": "evaluation", "cases": 200}),
    )
    .await;
    assert_eq!(eval.status, 201, "{}", eval.body);
    let eval_id = eval.body["id"].as_str().unwrap().to_owned();

    let queued = get(r, "/api/pilots?status=queued&scenario=appeals-triage", a).await;
    assert_eq!(
        queued.body["items"].as_array().unwrap().len(),
        2,
        "{}",
        queued.body
    );
    // Readiness reads the migrations table and the queue on this engine too.
    let ready = get(r, "/readyz", None).await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.body["queued"], 2, "{}", ready.body);
    assert_eq!(
        ready.body["migrations_applied"], ready.body["migrations_expected"],
        "{}",
        ready.body
    );

    let t = govlab_portal::db::now_ms();
    support::finish_pilot(&lab.state, &pilot_id, 0.4, t).await;
    support::finish_pilot(&lab.state, &eval_id, 0.7, t).await;

    let board = get(r, "/api/scoreboard?scenario=appeals-triage", None).await;
    assert_eq!(board.status, 200, "{}", board.body);
    assert_eq!(board.body["rows"][0]["pilot_id"], eval_id.as_str());
    assert_eq!(board.body["rows"][0]["composite"], 0.7);
    let detail = get(r, &format!("/api/pilots/{eval_id}"), None).await;
    assert_eq!(detail.status, 200);
    assert_eq!(
        detail.body["dimensions"]["fairness"],
        serde_json::Value::Null
    );
    let cases = get(r, &format!("/api/pilots/{pilot_id}/cases?offset=1"), a).await;
    assert_eq!(cases.body["items"][0]["idx"], 1, "{}", cases.body);

    let off = send(
        r,
        "PUT",
        "/api/scenarios/appeals-triage",
        staff,
        &json!({"enabled": false}),
    )
    .await;
    assert_eq!(off.status, 200, "{}", off.body);
    let on = send(
        r,
        "PUT",
        "/api/scenarios/appeals-triage",
        staff,
        &json!({"enabled": true}),
    )
    .await;
    assert_eq!(on.status, 200);

    let metrics = get(r, "/metrics", None).await;
    let text = metrics.body.as_str().unwrap();
    assert!(text.contains("govlab_pilots{status=\"done\"} 2"), "{text}");
    let audit = get(r, "/api/audit", staff).await;
    assert!(
        audit.body["items"].as_array().unwrap().len() >= 6,
        "{}",
        audit.body
    );

    drop(lab);
    db.drop_now().await;
}
