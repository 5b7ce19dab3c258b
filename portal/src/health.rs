//! Readiness, `GET /readyz`: whether this process can do its work. The
//! database must answer a real query within [`CHECK_TIMEOUT`] and have
//! every embedded migration applied; the worker pool and the queue depth
//! are reported beside (a web-only node or a dead pool still serves
//! pages, so they do not make the process unready). 200 when ready, 503
//! when not. Liveness is `/healthz`, which checks nothing.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::db::MIGRATOR;
use crate::state::AppState;

/// The longest the database checks may take before the process counts as
/// not ready.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The body of `/readyz`.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    /// Database reachable and migrations current.
    pub ready: bool,
    /// The database answered a query.
    pub database: bool,
    /// Migrations applied / embedded in this build (`None`: unknown).
    pub migrations_applied: Option<usize>,
    /// Migrations this build expects.
    pub migrations_expected: usize,
    /// Pilot workers configured in this process.
    pub workers_configured: usize,
    /// Pilot workers of this process whose loop is running.
    pub workers_alive: usize,
    /// Pilots waiting for a worker (`None`: the database did not answer).
    pub queued: Option<i64>,
    /// Pilots being run by some worker.
    pub running: Option<i64>,
}

/// Checks the database and collects the report.
pub async fn check(state: &AppState) -> Readiness {
    let expected: Vec<i64> = MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| m.version)
        .collect();
    let queries = async {
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&state.db)
                .await?;
        let counts: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, COUNT(*) FROM pilots \
             WHERE status IN ('queued', 'running') GROUP BY status",
        )
        .fetch_all(&state.db)
        .await?;
        Ok::<_, sqlx::Error>((applied, counts))
    };
    let answered = match tokio::time::timeout(CHECK_TIMEOUT, queries).await {
        Ok(Ok(answer)) => Some(answer),
        Ok(Err(err)) => {
            tracing::warn!("readiness: the database failed: {err}");
            None
        }
        Err(_) => {
            tracing::warn!("readiness: the database did not answer in time");
            None
        }
    };
    let (migrations_applied, current, queued, running) = match &answered {
        Some((applied, counts)) => {
            let applied: Vec<i64> = applied.iter().map(|(v,)| *v).collect();
            let current = expected.iter().all(|v| applied.contains(v));
            let count = |status: &str| {
                counts
                    .iter()
                    .find(|(s, _)| s == status)
                    .map_or(0, |(_, n)| *n)
            };
            (
                Some(applied.len()),
                current,
                Some(count("queued")),
                Some(count("running")),
            )
        }
        None => (None, false, None, None),
    };
    Readiness {
        ready: answered.is_some() && current,
        database: answered.is_some(),
        migrations_applied,
        migrations_expected: expected.len(),
        workers_configured: state.config.workers.count,
        workers_alive: state.jobs.alive_workers(),
        queued,
        running,
    }
}

/// `GET /readyz`.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let report = check(&state).await;
    let status = if report.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(report)).into_response()
}
