//! The portal's configuration: a TOML file (`--config`), with embedded
//! defaults for everything so `govlab serve` runs with no file at all.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Everything `govlab serve` needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// The URL users reach the portal at (for OIDC redirects and links).
    /// Defaults to `http://<addr>`.
    pub public_url: Option<String>,
    /// Where the database (SQLite default), agent binaries, compiled-agent
    /// cache and lab key live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to `<data_dir>/govlab.db`.
    pub database_url: Option<String>,
    /// Show the scoreboard (and scorecards) to anonymous visitors.
    pub public_scoreboard: bool,
    /// Human login through an OpenID Connect provider; `None` lets API
    /// tokens log people in through the login form.
    pub oidc: Option<OidcConfig>,
    /// Request limits.
    pub limits: LimitsConfig,
    /// Connection caps and timeouts of the HTTP server.
    pub server: ServerConfig,
    /// The log's format and level (`[log]`).
    pub log: crate::logging::LogConfig,
    /// Pilot workers.
    pub workers: WorkersConfig,
    /// Scenario settings.
    pub scenarios: ScenariosConfig,
    /// Where uploaded agents are compiled and how many at once. Not read
    /// from the file: `govlab serve` compiles in a memory-capped child
    /// process of itself, one at a time (uploads queue for the slot); the
    /// default, for embedding and tests, compiles on a thread of this
    /// process.
    #[serde(skip)]
    pub compiler: govlab_sandbox::Compiler,
}

/// The OpenID Connect identity provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// Issuer URL; discovery is read from `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    /// OAuth2 client id of the portal.
    pub client_id: String,
    /// OAuth2 client secret of the portal.
    pub client_secret: String,
    /// Scopes to ask for besides `openid`.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Claim holding the role (`startup`, `staff`, `investor`).
    #[serde(default = "default_role_claim")]
    pub role_claim: String,
    /// Claim holding the startup's team.
    #[serde(default = "default_team_claim")]
    pub team_claim: String,
    /// Audiences accepted on bearer JWTs (client-credentials tokens);
    /// defaults to the client id.
    #[serde(default)]
    pub api_audiences: Vec<String>,
}

fn default_scopes() -> Vec<String> {
    vec!["profile".into(), "email".into()]
}
fn default_role_claim() -> String {
    "govlab_role".into()
}
fn default_team_claim() -> String {
    "govlab_team".into()
}

/// Caps and rate limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest agent upload, bytes (the sandbox refuses over 32 MiB anyway).
    pub upload_max_bytes: u64,
    /// Largest body of any other request, bytes.
    pub body_max_bytes: u64,
    /// Login attempts per client address per minute.
    pub login_per_minute: u32,
    /// Uploads per principal per minute.
    pub upload_per_minute: u32,
    /// Pilot runs requested per principal per minute.
    pub run_per_minute: u32,
    /// Versions a team may submit for evaluation per UTC day.
    pub evaluation_submissions_per_day: u32,
    /// Cases a practice pilot may ask for at most.
    pub max_practice_cases: u64,
    /// Uploads whose body is read at once by this process (each may hold
    /// up to `upload_max_bytes` in a temporary file and the sandbox's
    /// compile); one more is refused with 503 and `Retry-After`.
    pub concurrent_uploads: usize,
    /// Progress streams (server-sent events) one principal (or, for
    /// anonymous visitors, one client address) may hold open at once; one
    /// more is refused with 429.
    pub streams_per_principal: usize,
    /// How long compiling one agent may take, in seconds, at upload and
    /// when a pilot starts; past it the agent is refused. Components that
    /// embed a language runtime (Python, JavaScript) take 30–40 s on a
    /// quiet 2-core machine: raise it on a busy one.
    pub compile_timeout_secs: u64,
}

impl Default for LimitsConfig {
    fn default() -> LimitsConfig {
        LimitsConfig {
            upload_max_bytes: 32 * 1024 * 1024,
            body_max_bytes: 64 * 1024,
            login_per_minute: 10,
            upload_per_minute: 10,
            run_per_minute: 20,
            evaluation_submissions_per_day: 3,
            max_practice_cases: 5_000,
            concurrent_uploads: 4,
            streams_per_principal: 8,
            compile_timeout_secs: govlab_sandbox::DEFAULT_COMPILE_TIMEOUT.as_secs(),
        }
    }
}

/// The HTTP server's defences against slow and greedy clients (`[server]`).
///
/// Every connection must send a complete request head within
/// `header_read_timeout_ms` of opening (or, on a kept-alive connection, of
/// the previous response); a connection with no bytes read or written for
/// `idle_timeout_ms` is closed; at most `max_connections` connections are
/// open at once, `max_connections_per_ip` of them from one address. A
/// connection over a cap is answered `503` and closed at once. The total
/// cap is lowered, with a warning, to fit the process's open-files limit.
/// A request body must arrive within `body_read_timeout_ms` plus one second
/// per `body_min_bytes_per_sec` bytes it declares (its `Content-Length`),
/// so a client that trickles a body cannot hold a connection and a handler.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Time to receive a whole request head, milliseconds (default 10,000).
    pub header_read_timeout_ms: u64,
    /// Time a connection may go without reading or writing a byte,
    /// milliseconds (default 60,000; progress streams send a keep-alive
    /// every 15 s).
    pub idle_timeout_ms: u64,
    /// Open connections in all (default 1,024).
    pub max_connections: usize,
    /// Open connections from one client address (default 64).
    pub max_connections_per_ip: usize,
    /// Time to receive a request body, before the allowance for its size,
    /// milliseconds (default 30,000).
    pub body_read_timeout_ms: u64,
    /// The slowest body transfer allowed beyond `body_read_timeout_ms`,
    /// bytes per second (default 65,536: a 32 MiB upload gets 9 minutes).
    pub body_min_bytes_per_sec: u64,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            header_read_timeout_ms: 10_000,
            idle_timeout_ms: 60_000,
            max_connections: 1024,
            max_connections_per_ip: 64,
            body_read_timeout_ms: 30_000,
            body_min_bytes_per_sec: 65_536,
        }
    }
}

/// The pilot worker pool.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkersConfig {
    /// Pilots run at once by this process (each uses every core); 0 runs
    /// none here (a web-only node).
    pub count: usize,
    /// A claimed pilot whose lease is not renewed for this long is taken
    /// over by another worker.
    pub lease_seconds: u64,
    /// How often idle workers look for queued pilots, milliseconds.
    pub poll_ms: u64,
    /// This node's id in worker names; on start, pilots left running by a
    /// worker of the same node id are re-queued at once. Defaults to the
    /// host name plus a random suffix per process, so two processes never
    /// share one by accident (a restart then resumes its pilots when their
    /// lease runs out). Set it only to an id no other live process uses,
    /// to have a restart resume at once.
    pub node: Option<String>,
    /// Scheduling priority of pilot threads (Linux nice value, clamped to
    /// 0–19): pilots yield the cores to pages and the API when both want
    /// them. 0 runs pilots at the server's own priority.
    pub nice: i32,
}

impl Default for WorkersConfig {
    fn default() -> WorkersConfig {
        WorkersConfig {
            count: 1,
            lease_seconds: 30,
            poll_ms: 500,
            node: None,
            nice: 10,
        }
    }
}

/// Scenario settings that are configuration, not data.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScenariosConfig {
    /// The lab's evaluation key file (`govlab lab init --out FILE`; a
    /// relative path is relative to the working directory, like
    /// `data_dir`). Without it `GOVLAB_EVAL_KEY` is used; without either,
    /// evaluation pilots are refused. Read once at start.
    pub evaluation_key_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            data_dir: PathBuf::from("govlab-data"),
            database_url: None,
            public_scoreboard: false,
            oidc: None,
            limits: LimitsConfig::default(),
            server: ServerConfig::default(),
            log: crate::logging::LogConfig::default(),
            workers: WorkersConfig::default(),
            scenarios: ScenariosConfig::default(),
            compiler: govlab_sandbox::Compiler::default(),
        }
    }
}

/// The configuration file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong and where.
        message: String,
    },
}

impl Config {
    /// Reads a TOML configuration file; missing keys take their defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.to_owned(),
            message,
        })
    }

    /// Parses TOML configuration text.
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|err| err.to_string())
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("govlab.db").display()
            ),
        }
    }

    /// The compile deadline in effect (`limits.compile_timeout_secs`, at
    /// least one second).
    pub fn compile_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.limits.compile_timeout_secs.max(1))
    }

    /// The public URL in effect, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.addr),
        }
    }

    /// This node's id for worker names: `workers.node`, else a fresh
    /// [`default_node_id`]. Call it once per process (the pool does, in
    /// [`crate::jobs::Jobs::new`]); each call without `workers.node` gives
    /// a new id.
    pub fn node_name(&self) -> String {
        self.workers.node.clone().unwrap_or_else(default_node_id)
    }
}

/// The host name plus a random suffix (`host-1a2b3c4d`): unique to the
/// caller, so two processes on one host (or two hosts of one name) never
/// take each other's running pilots for their own.
pub fn default_node_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "local".to_owned());
    let host: String = host
        .chars()
        .map(|c| if c == '/' || c.is_control() { '-' } else { c })
        .collect();
    format!("{host}-{}", hex::encode(crate::db::random_bytes::<4>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let config = Config::parse("").expect("empty config parses");
        assert!(!config.public_scoreboard);
        assert_eq!(config.limits.evaluation_submissions_per_day, 3);
        assert!(config.database_url().starts_with("sqlite://"));
    }

    #[test]
    fn unknown_keys_are_refused_with_their_name() {
        let err = Config::parse("public_scorebord = true").expect_err("typo refused");
        assert!(err.contains("public_scorebord"), "{err}");
    }

    #[test]
    fn oidc_section_takes_claim_defaults() {
        let config = Config::parse(
            "[oidc]\nissuer = \"http://127.0.0.1:9000\"\nclient_id = \"portal\"\nclient_secret = \"s\"\n",
        )
        .expect("parses");
        let oidc = config.oidc.expect("oidc set");
        assert_eq!(oidc.role_claim, "govlab_role");
        assert_eq!(oidc.team_claim, "govlab_team");
    }

    #[test]
    fn default_node_ids_differ_per_call_and_keep_the_host_name() {
        let config = Config::default();
        let a = config.node_name();
        let b = config.node_name();
        assert_ne!(a, b, "two processes on one host get different ids");
        assert!(!a.contains('/'), "{a}");
        let configured = Config::parse("[workers]\nnode = \"n1\"\n").expect("parses");
        assert_eq!(configured.node_name(), "n1");
        assert_eq!(configured.node_name(), "n1");
    }

    #[test]
    fn server_section_takes_documented_defaults() {
        let config = Config::parse("[server]\nmax_connections_per_ip = 5\n").expect("parses");
        assert_eq!(config.server.max_connections_per_ip, 5);
        assert_eq!(config.server.header_read_timeout_ms, 10_000);
        assert_eq!(config.server.idle_timeout_ms, 60_000);
        assert_eq!(config.server.max_connections, 1024);
        assert_eq!(config.limits.concurrent_uploads, 4);
        assert_eq!(config.limits.streams_per_principal, 8);
    }

    #[test]
    fn the_compile_deadline_is_a_limits_key_defaulting_to_the_sandbox_default() {
        let config = Config::default();
        assert_eq!(
            config.compile_timeout(),
            govlab_sandbox::DEFAULT_COMPILE_TIMEOUT
        );
        let config = Config::parse("[limits]\ncompile_timeout_secs = 180\n").expect("parses");
        assert_eq!(
            config.compile_timeout(),
            std::time::Duration::from_secs(180)
        );
        // Zero would refuse every upload: it is taken as one second.
        let config = Config::parse("[limits]\ncompile_timeout_secs = 0\n").expect("parses");
        assert_eq!(config.compile_timeout(), std::time::Duration::from_secs(1));
    }
}
