//! Pilot runs as jobs: the queue in the `pilots` table, the worker pool
//! that claims and runs them, and live progress.

use std::sync::Arc;

use axum::Router;
use tokio::sync::Notify;

use crate::config::Config;
use crate::state::AppState;

/// Handle to the worker pool.
#[derive(Debug, Clone)]
pub struct Jobs {
    wake: Arc<Notify>,
}

impl Jobs {
    /// A pool for `config` (workers start with [`start`]).
    pub fn new(_config: &Config) -> Jobs {
        Jobs {
            wake: Arc::new(Notify::new()),
        }
    }

    /// Tells idle workers of this process that a pilot was queued.
    pub fn notify(&self) {
        self.wake.notify_waiters();
    }
}

/// Re-queues this node's orphaned pilots and starts the workers.
pub async fn start(_state: &AppState) -> Result<(), crate::StartError> {
    Ok(())
}

/// Progress routes (server-sent events).
pub fn routes() -> Router<AppState> {
    Router::new()
}
