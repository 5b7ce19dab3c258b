//! Prometheus metrics served at `/metrics` (text exposition format 0.0.4).
//!
//! Hand-rolled on atomics to stay cheap on the hot path: [`track`] records
//! every request by route template (axum's [`MatchedPath`], never the raw
//! URL, so ids do not explode the label space), method and status, and its
//! latency in a histogram. Uploads and logins are counted from the
//! responses of their routes, so pages and API count alike. Pilots by
//! status and the worker queue depth are read from the database at scrape
//! time, so they are right with several portal processes.
//!
//! `/metrics` needs no credentials (like `/healthz`): it shows counts, no
//! names or ids. Keep it off the public internet at the proxy if that
//! matters.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::PortalError;
use crate::model::PilotStatus;
use crate::state::AppState;

/// Upper bounds of the latency histogram, seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Label of requests that matched no route.
const UNMATCHED: &str = "unmatched";

#[derive(Debug, Default)]
struct RouteStats {
    /// Requests by (method, status).
    counts: Mutex<HashMap<(&'static str, u16), u64>>,
    /// Cumulative-at-render histogram: count per bucket (last = +Inf).
    buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    sum_us: AtomicU64,
    count: AtomicU64,
}

/// The portal's counters and histograms.
#[derive(Debug, Default)]
pub struct Metrics {
    routes: RwLock<HashMap<String, Arc<RouteStats>>>,
    uploads_ok: AtomicU64,
    uploads_refused: AtomicU64,
    logins_ok: AtomicU64,
    logins_failed: AtomicU64,
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

impl Metrics {
    /// Empty metrics.
    pub fn new() -> Metrics {
        Metrics::default()
    }

    fn route(&self, route: &str) -> Option<Arc<RouteStats>> {
        if let Ok(routes) = self.routes.read()
            && let Some(stats) = routes.get(route)
        {
            return Some(Arc::clone(stats));
        }
        let mut routes = self.routes.write().ok()?;
        Some(Arc::clone(routes.entry(route.to_owned()).or_default()))
    }

    /// Records one request of `route` (a route template).
    pub fn record_request(&self, route: &str, method: &Method, status: u16, seconds: f64) {
        let Some(stats) = self.route(route) else {
            return;
        };
        if let Ok(mut counts) = stats.counts.lock() {
            *counts.entry((method_label(method), status)).or_default() += 1;
        }
        let idx = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        stats.buckets[idx].fetch_add(1, Ordering::Relaxed);
        // Microseconds of a request fit in u64 by far.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        stats
            .sum_us
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
        stats.count.fetch_add(1, Ordering::Relaxed);
    }

    /// Records an agent upload (stored, or refused).
    pub fn record_upload(&self, stored: bool) {
        let counter = if stored {
            &self.uploads_ok
        } else {
            &self.uploads_refused
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a login attempt.
    pub fn record_login(&self, ok: bool) {
        let counter = if ok {
            &self.logins_ok
        } else {
            &self.logins_failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The in-process part of the exposition text.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let mut routes: Vec<(String, Arc<RouteStats>)> = self
            .routes
            .read()
            .map(|r| r.iter().map(|(k, v)| (k.clone(), Arc::clone(v))).collect())
            .unwrap_or_default();
        routes.sort_by(|a, b| a.0.cmp(&b.0));
        out.push_str(
            "# HELP govlab_http_requests_total HTTP requests by route template, method and status.\n\
             # TYPE govlab_http_requests_total counter\n",
        );
        for (route, stats) in &routes {
            let mut counts: Vec<((&str, u16), u64)> = stats
                .counts
                .lock()
                .map(|c| c.iter().map(|(k, v)| (*k, *v)).collect())
                .unwrap_or_default();
            counts.sort_unstable();
            for ((method, status), n) in counts {
                let _ = writeln!(
                    out,
                    "govlab_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str(
            "# HELP govlab_http_request_duration_seconds Request latency by route template.\n\
             # TYPE govlab_http_request_duration_seconds histogram\n",
        );
        for (route, stats) in &routes {
            let route = escape(route);
            let mut cumulative = 0;
            for (i, bucket) in stats.buckets.iter().enumerate() {
                cumulative += bucket.load(Ordering::Relaxed);
                let le = LATENCY_BUCKETS
                    .get(i)
                    .map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
                let _ = writeln!(
                    out,
                    "govlab_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {cumulative}"
                );
            }
            // Seconds as a float for the exposition format.
            #[allow(clippy::cast_precision_loss)]
            let sum = stats.sum_us.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(
                out,
                "govlab_http_request_duration_seconds_sum{{route=\"{route}\"}} {sum}\n\
                 govlab_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                stats.count.load(Ordering::Relaxed)
            );
        }
        let _ = write!(
            out,
            "# HELP govlab_uploads_total Agent uploads by result.\n\
             # TYPE govlab_uploads_total counter\n\
             govlab_uploads_total{{result=\"stored\"}} {}\n\
             govlab_uploads_total{{result=\"refused\"}} {}\n\
             # HELP govlab_logins_total Login attempts by result.\n\
             # TYPE govlab_logins_total counter\n\
             govlab_logins_total{{result=\"ok\"}} {}\n\
             govlab_logins_total{{result=\"failed\"}} {}\n",
            self.uploads_ok.load(Ordering::Relaxed),
            self.uploads_refused.load(Ordering::Relaxed),
            self.logins_ok.load(Ordering::Relaxed),
            self.logins_failed.load(Ordering::Relaxed),
        );
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Whether a login route's response means the login worked: a redirect
/// away from the login page.
fn login_succeeded(response: &Response) -> bool {
    response.status().is_redirection()
        && response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|to| !to.starts_with("/login"))
}

/// Where the authentication code notes the request's principal, for the
/// request log and for error pages (one per request, set at most once).
#[derive(Debug, Clone, Default)]
pub struct PrincipalSlot(std::sync::Arc<std::sync::OnceLock<crate::principal::Principal>>);

impl PrincipalSlot {
    /// Notes the principal (the first one noted stays).
    pub fn set(&self, principal: &crate::principal::Principal) {
        let _ = self.0.set(principal.clone());
    }

    /// The principal, if one was noted.
    pub fn get(&self) -> Option<&crate::principal::Principal> {
        self.0.get()
    }
}

/// Middleware recording every request (add with `Router::layer` so the
/// matched route is known).
///
/// Also writes the request log: one `tracing` line per request with the
/// method, route template (never the raw path, which may hold ids of
/// others' records), status, latency and the principal's id when one was
/// authenticated ([`PrincipalSlot`]).
pub async fn track(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let principal = PrincipalSlot::default();
    request.extensions_mut().insert(principal.clone());
    let response = next.run(request).await;
    let route = route.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
    let status = response.status();
    let elapsed = start.elapsed();
    state
        .metrics
        .record_request(route, &method, status.as_u16(), elapsed.as_secs_f64());
    tracing::info!(
        target: "govlab_portal::request",
        method = %method,
        route,
        status = status.as_u16(),
        latency_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        principal = principal.get().map_or("-", |p| p.subject.as_str()),
        "request"
    );
    if method == Method::POST && crate::security::UPLOAD_ROUTES.contains(&route) {
        if status.is_success() || status.is_redirection() {
            state.metrics.record_upload(true);
        } else if status.is_client_error() {
            state.metrics.record_upload(false);
        }
    }
    if (method == Method::POST && route == "/login") || route == "/auth/callback" {
        state.metrics.record_login(login_succeeded(&response));
    }
    response
}

/// The `/metrics` route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<AppState>) -> Result<Response, PortalError> {
    let mut out = state.metrics.render();
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM pilots GROUP BY status")
            .fetch_all(&state.db)
            .await?;
    let count = |status: PilotStatus| {
        rows.iter()
            .find(|(s, _)| s == status.as_str())
            .map_or(0, |(_, n)| *n)
    };
    out.push_str(
        "# HELP govlab_pilots Pilots by status (from the database).\n# TYPE govlab_pilots gauge\n",
    );
    for status in [
        PilotStatus::Queued,
        PilotStatus::Running,
        PilotStatus::Done,
        PilotStatus::Failed,
    ] {
        let _ = writeln!(
            out,
            "govlab_pilots{{status=\"{}\"}} {}",
            status.as_str(),
            count(status)
        );
    }
    let _ = write!(
        out,
        "# HELP govlab_worker_queue_depth Pilots queued and waiting for a worker.\n\
         # TYPE govlab_worker_queue_depth gauge\n\
         govlab_worker_queue_depth {}\n",
        count(PilotStatus::Queued)
    );
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response())
}
