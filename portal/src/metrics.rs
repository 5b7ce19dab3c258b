//! Prometheus metrics served at `/metrics`.

use axum::Router;

use crate::state::AppState;

/// The portal's counters and histograms.
#[derive(Debug, Default)]
pub struct Metrics {}

impl Metrics {
    /// Empty metrics.
    pub fn new() -> Metrics {
        Metrics {}
    }
}

/// The `/metrics` route.
pub fn routes() -> Router<AppState> {
    Router::new()
}
