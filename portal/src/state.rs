//! The state every handler shares: configuration, database, agent store,
//! lab key, authentication, workers, limits and metrics.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use govlab_sandbox::Sandbox;
use govlab_scenarios::scenario::Scenario;
use govlab_scenarios::secrecy::{self, EvalKey};
use govlab_scoring::certificate::LabKey;

use crate::StartError;
use crate::auth::Auth;
use crate::config::Config;
use crate::db::{self, Db};
use crate::error::PortalError;
use crate::jobs::Jobs;
use crate::metrics::Metrics;
use crate::security::RateLimiter;
use crate::store::BlobStore;

/// Cheap to clone: one `Arc` around [`Shared`].
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] points to.
pub struct Shared {
    /// The configuration in effect.
    pub config: Config,
    /// The database pool.
    pub db: Db,
    /// Agent binaries.
    pub blobs: BlobStore,
    /// Compiled-agent cache shared by upload checks and workers.
    pub cache_dir: PathBuf,
    /// The lab's signing key (its public half is published at
    /// `/api/lab-key`).
    pub lab_key: LabKey,
    /// The lab's evaluation key, read at start; `None` refuses evaluation
    /// pilots.
    pub evaluation_key: Option<EvalKey>,
    /// Authentication.
    pub auth: Auth,
    /// The pilot worker pool.
    pub jobs: Jobs,
    /// Rate limits.
    pub limiter: RateLimiter,
    /// Uploads being received or checked at once (`limits.concurrent_uploads`).
    pub upload_slots: Arc<tokio::sync::Semaphore>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Computed scoreboards (API and page).
    pub scoreboard_cache: crate::scoreboard_cache::ScoreboardCache,
    /// The scoreboards' oracle and trivial rows, once computed.
    pub references: crate::references::References,
    /// One sandbox per scenario, built on first upload, to check agents.
    checkers: Mutex<HashMap<String, Arc<Sandbox>>>,
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Loads the interface texts, opens the database (migrating it), the
    /// agent store and the lab key, and prepares authentication. Workers
    /// are started by [`crate::serve`].
    pub async fn new(config: Config) -> Result<AppState, StartError> {
        // A bad `GOVLAB_TEXTS` file stops the start, naming file and key.
        crate::i18n::load()?;
        // Private to the portal's user: 0700 directories, a 0600 database
        // (SQLite gives its -wal and -shm files the database's mode).
        let private_dir = |path: PathBuf| {
            crate::fsmode::create_private_dir(&path)
                .map_err(|source| StartError::DataDir { path, source })
        };
        private_dir(config.data_dir.clone())?;
        private_dir(config.data_dir.join("agents"))?;
        private_dir(config.data_dir.join("compiled"))?;
        if config.database_url.is_none() {
            let file = config.data_dir.join("govlab.db");
            create_private_file(&file).map_err(|source| StartError::DataDir {
                path: file.clone(),
                source,
            })?;
        }
        let db = db::connect(&config.database_url(), 16).await?;
        let key_dir = std::env::var_os("GOVLAB_KEY_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| config.data_dir.join("keys"));
        let lab_key =
            LabKey::load_or_create(&key_dir).map_err(|err| StartError::Key(err.to_string()))?;
        let evaluation_key = secrecy::resolve_key(config.scenarios.evaluation_key_file.as_deref())
            .map_err(StartError::EvalKey)?;
        let auth = Auth::new(&config, &db).await?;
        Ok(AppState(Arc::new(Shared {
            blobs: BlobStore::new(config.data_dir.join("agents")),
            cache_dir: config.data_dir.join("compiled"),
            lab_key,
            evaluation_key,
            auth,
            jobs: Jobs::new(&config),
            limiter: RateLimiter::new(&config.limits),
            upload_slots: Arc::new(tokio::sync::Semaphore::new(
                config.limits.concurrent_uploads.max(1),
            )),
            metrics: Metrics::new(),
            scoreboard_cache: crate::scoreboard_cache::ScoreboardCache::new(),
            references: crate::references::References::new(),
            checkers: Mutex::new(HashMap::new()),
            config,
            db,
        })))
    }

    /// A sandbox with `scenario`'s limits, shared across uploads.
    pub fn sandbox_for(&self, scenario: &Scenario) -> Result<Arc<Sandbox>, PortalError> {
        let mut checkers = self
            .checkers
            .lock()
            .map_err(|_| PortalError::internal("sandbox cache lock poisoned"))?;
        if let Some(sandbox) = checkers.get(scenario.id()) {
            return Ok(Arc::clone(sandbox));
        }
        let mut config = scenario.sandbox_config();
        config.cache_dir = Some(self.cache_dir.clone());
        config.compiler = self.config.compiler.clone();
        config.compile_timeout = self.config.compile_timeout();
        let sandbox = Arc::new(Sandbox::new(config).map_err(PortalError::internal)?);
        checkers.insert(scenario.id().to_owned(), Arc::clone(&sandbox));
        Ok(sandbox)
    }

    /// Runs the sandbox's checks on an uploaded component (blocking: it
    /// compiles the component, which also warms the cache for the workers).
    pub fn check_agent(&self, scenario: &Scenario, bytes: &[u8]) -> Result<(), PortalError> {
        // `load` runs the static checks (`inspect`) before compiling.
        self.sandbox_for(scenario)?
            .load(bytes)
            .map(drop)
            .map_err(|err| {
                PortalError::bad_request(format!(
                    "the sandbox refused this file: {}",
                    crate::error::scrub_paths(&err.to_string())
                ))
            })
    }
}

/// Creates `path` empty with mode 0600 unless it exists; an existing file
/// is made 0600.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)?;
    crate::fsmode::make_private_file(path)
}
