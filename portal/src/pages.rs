//! Server-rendered HTML pages.

use axum::Router;

use crate::state::AppState;

/// Page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
