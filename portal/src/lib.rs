//! `govlab-portal`: the lab's web front door (axum). Startups upload agents
//! and run practice pilots, staff review versions and run evaluation
//! pilots, investors read the scoreboard.
//!
//! The only crate that knows HTTP and the API's JSON wire format. Pilots run
//! through `govlab_scenarios::runner` on the worker pool in [`jobs`].
//!
//! Map: [`config`] → [`state`] (database [`db`], agent [`store`], lab key,
//! [`auth`]) → [`router`] = [`pages`] + [`api`] + [`auth`] routes + [`jobs`]
//! progress + [`metrics`] + [`health`], wrapped in [`security`] layers and
//! served by [`server`] (connection caps, header and idle timeouts).
//! Authorisation is decided in [`actions`] only; [`model`] is the SQL.

pub mod actions;
pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod fsmode;
pub mod health;
pub mod i18n;
pub mod jobs;
pub mod logging;
pub mod metrics;
pub mod model;
pub mod pages;
pub mod principal;
pub mod references;
pub mod scoreboard_cache;
pub mod security;
pub mod server;
pub mod state;
pub mod store;
pub mod upload;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;

pub use config::Config;
pub use error::PortalError;
pub use principal::{Principal, Role};
pub use state::AppState;

/// The portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened.
    #[error(transparent)]
    Db(#[from] db::DbError),
    /// The lab key could not be loaded.
    #[error("lab key: {0}")]
    Key(String),
    /// The evaluation key could not be loaded.
    #[error(
        "cannot load the lab's evaluation key ([scenarios] evaluation_key_file or GOVLAB_EVAL_KEY)"
    )]
    EvalKey(#[source] govlab_scenarios::secrecy::SecrecyError),
    /// The interface texts could not be loaded (`GOVLAB_TEXTS`).
    #[error(transparent)]
    Texts(#[from] i18n::TextsError),
    /// The identity provider could not be reached or is misconfigured.
    #[error("identity provider: {0}")]
    Oidc(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Something else at start.
    #[error("{0}")]
    Other(String),
}

/// The whole application: every route with its layers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(auth::routes())
        .merge(jobs::routes())
        .merge(metrics::routes())
        .route("/healthz", axum::routing::get(healthz))
        .route("/readyz", axum::routing::get(health::readyz))
        // Router::layer runs after routing, so both see the route template.
        // Body caps are the security layer's (per route), not axum's 2 MB.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(state)
}

/// Liveness: the process answers HTTP (nothing else is checked; see
/// `/readyz` for the database and workers).
async fn healthz() -> &'static str {
    "ok\n"
}

/// Binds the address, opens everything, serves until `shutdown` resolves.
/// `on_ready` gets the bound address once requests are accepted.
///
/// The port is bound first and the pilot workers are started after the
/// server, on a task of their own: a worker pool that fails to start is
/// logged (and shown by `/readyz`), and the portal keeps serving.
pub async fn serve(
    config: Config,
    on_ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let addr = config.addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    let state = AppState::new(config).await?;
    let server_config = state.config.server.clone();
    let app = router(state.clone());
    let server = tokio::spawn(async move {
        server::run(listener, app, &server_config, shutdown).await;
    });
    let workers = state.clone();
    tokio::spawn(async move {
        if let Err(err) = jobs::start(&workers).await {
            tracing::error!("pilot workers did not start: {err}");
        }
        references::start(&workers);
    });
    on_ready(local);
    server
        .await
        .map_err(|err| StartError::Other(format!("server stopped: {err}")))
}
