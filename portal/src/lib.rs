//! `govlab-portal`: the lab's web front door (axum). Startups upload agents
//! and run practice pilots, staff review versions and run evaluation
//! pilots, investors read the scoreboard.
//!
//! The only crate that knows HTTP and the API's JSON wire format. Pilots run
//! through `govlab_scenarios::runner` on the worker pool in [`jobs`].
//!
//! Map: [`config`] → [`state`] (database [`db`], agent [`store`], lab key,
//! [`auth`]) → [`router`] = [`pages`] + [`api`] + [`auth`] routes + [`jobs`]
//! progress + [`metrics`], wrapped in [`security`] layers. Authorisation is
//! decided in [`actions`] only; [`model`] is the SQL.

pub mod actions;
pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod metrics;
pub mod model;
pub mod pages;
pub mod principal;
pub mod references;
pub mod scoreboard_cache;
pub mod security;
pub mod state;
pub mod store;

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

async fn healthz() -> &'static str {
    "ok\n"
}

/// Opens everything, starts the workers and serves until `shutdown`
/// resolves. `on_ready` gets the bound address once `/healthz` answers.
pub async fn serve(
    config: Config,
    on_ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let addr = config.addr;
    let state = AppState::new(config).await?;
    jobs::start(&state).await?;
    references::start(&state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    on_ready(local);
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(|err| StartError::Other(format!("server stopped: {err}")))
}
