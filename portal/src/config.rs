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
    /// Pilot workers.
    pub workers: WorkersConfig,
    /// Scenario settings.
    pub scenarios: ScenariosConfig,
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
    /// This node's name; on start, pilots left running by a worker of the
    /// same node are re-queued at once. Defaults to the host name.
    pub node: Option<String>,
}

impl Default for WorkersConfig {
    fn default() -> WorkersConfig {
        WorkersConfig {
            count: 1,
            lease_seconds: 30,
            poll_ms: 500,
            node: None,
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
            workers: WorkersConfig::default(),
            scenarios: ScenariosConfig::default(),
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

    /// The public URL in effect, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.addr),
        }
    }

    /// This node's name for worker ids.
    pub fn node_name(&self) -> String {
        self.workers.node.clone().unwrap_or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .map(|name| name.trim().to_owned())
                .ok()
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "local".to_owned())
        })
    }
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
}
