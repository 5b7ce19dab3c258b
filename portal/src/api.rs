//! The JSON API under `/api`, mirroring every page action.

use axum::Router;

use crate::state::AppState;

/// API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
