//! `govlab tokens create|list|revoke`: lab-issued API tokens for the portal,
//! written straight to the portal's database (run it where the portal's
//! configuration and data are).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use govlab_portal::Role;
use govlab_portal::auth::tokens;
use govlab_portal::db::now_ms;
use govlab_portal::model::{self, AuditEntry};

/// Where the portal's database is (same flags as `govlab serve`).
#[derive(clap::Args)]
pub struct DbArgs {
    /// The portal's data directory (default ./govlab-data)
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// The portal's configuration file (TOML); flags override it
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// `govlab tokens …`.
#[derive(clap::Subcommand)]
pub enum TokensCommand {
    /// Create an API token and print it (it is shown only once)
    Create {
        /// startup, staff or investor
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The startup's team (required for --role startup)
        #[arg(long, value_name = "NAME")]
        team: Option<String>,
        /// A label to recognise the token by
        #[arg(long, value_name = "L", default_value = "")]
        label: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List the tokens issued (ids, roles, teams, labels; never the secrets)
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a token (by its id or the token itself); its browser sessions end too
    Revoke {
        /// The token's id, or the token
        id_or_token: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

impl DbArgs {
    /// The flags as given, to repeat in hints (so a copied command reaches
    /// the same database, not a new one in the current directory).
    fn flags(&self) -> String {
        let mut flags = String::new();
        if let Some(dir) = &self.data_dir {
            flags.push_str(&format!(" --data-dir {}", dir.display()));
        }
        if let Some(url) = &self.database {
            flags.push_str(&format!(" --database {url}"));
        }
        if let Some(file) = &self.config {
            flags.push_str(&format!(" --config {}", file.display()));
        }
        flags
    }
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text)
        .ok_or_else(|| format!("unknown role {text:?}: use startup, staff or investor"))
}

async fn open(db: DbArgs) -> anyhow::Result<govlab_portal::db::Db> {
    let config = super::serve::config_from(db.config.as_ref(), db.data_dir, db.database)?;
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    Ok(govlab_portal::db::connect(&config.database_url(), 2).await?)
}

async fn audit(db: &govlab_portal::db::Db, action: &str, target: &str, detail: String) {
    use std::os::unix::fs::MetadataExt;
    // Who ran the command: the login name, else the numeric user id.
    let actor = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|name| !name.is_empty())
        .or_else(|| {
            std::fs::metadata("/proc/self")
                .ok()
                .map(|meta| format!("uid-{}", meta.uid()))
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let entry = AuditEntry {
        at: now_ms(),
        actor: format!("cli:{actor}"),
        role: "staff".to_owned(),
        team: None,
        action: action.to_owned(),
        target: Some(target.to_owned()),
        detail,
        ip: None,
    };
    if let Err(err) = model::audit(db, &entry).await {
        eprintln!("warning: the audit log could not be written: {err}");
    }
}

/// Runs `govlab tokens …`.
pub fn run(command: TokensCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        match command {
            TokensCommand::Create {
                role,
                team,
                label,
                db,
            } => {
                let flags = db.flags();
                let db = open(db).await?;
                let issued = tokens::create(&db, role, team.as_deref(), &label)
                    .await
                    .map_err(|err| anyhow::anyhow!("{err}"))?;
                let team_text = match (role, &team) {
                    (Role::Startup, Some(team)) => format!(" of team {team}"),
                    _ => String::new(),
                };
                audit(
                    &db,
                    "token_create",
                    &issued.id,
                    format!("role {role}{team_text}, label {label:?}"),
                )
                .await;
                println!("{}", issued.secret);
                eprintln!(
                    "\nCreated {} {role} token{team_text} (id {}). It is shown only this once.\n\
                     Use it:\n  \
                     - in the browser: paste it on the portal's sign-in page (when no identity provider is configured)\n  \
                     - with the API: Authorization: Bearer {}\n  \
                     - with the CLI: govlab submit AGENT.wasm --portal URL --name NAME --token {}\n\
                     Revoke it: govlab tokens revoke {}{flags}",
                    article(role.as_str()),
                    issued.id,
                    issued.secret,
                    issued.secret,
                    issued.id
                );
                Ok(ExitCode::SUCCESS)
            }
            TokensCommand::List { db } => {
                let db = open(db).await?;
                let all = tokens::list(&db)
                    .await
                    .map_err(|err| anyhow::anyhow!("{err}"))?;
                if all.is_empty() {
                    eprintln!("no tokens yet: create one with `govlab tokens create --role ROLE`");
                }
                for token in all {
                    let state = match token.revoked_at {
                        Some(at) => format!("revoked {}", iso_date(at)),
                        None => "active".to_owned(),
                    };
                    println!(
                        "{}  {:<8}  {:<12}  created {}  {state}  {}",
                        token.id,
                        token.role,
                        token.team.as_deref().unwrap_or("-"),
                        iso_date(token.created_at),
                        token.label
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            TokensCommand::Revoke { id_or_token, db } => {
                let db = open(db).await?;
                let id = tokens::find_id(&db, &id_or_token)
                    .await
                    .map_err(|err| anyhow::anyhow!("{err}"))?;
                let revoked = tokens::revoke(&db, &id_or_token)
                    .await
                    .map_err(|err| anyhow::anyhow!("{err}"))?;
                match (revoked, id) {
                    (true, Some(id)) => {
                        audit(&db, "token_revoke", &id, String::new()).await;
                        println!("revoked token {id}; its browser sessions are ended");
                        Ok(ExitCode::SUCCESS)
                    }
                    (false, Some(id)) => {
                        println!("token {id} was already revoked");
                        Ok(ExitCode::SUCCESS)
                    }
                    _ => anyhow::bail!("no token with that id or value"),
                }
            }
        }
    })
}

/// "a" or "an" before `word`.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// `YYYY-MM-DD` of a time in ms since the Unix epoch (UTC).
fn iso_date(ms: i64) -> String {
    let (year, month, day, _) = govlab_portal::db::civil_utc(ms);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_and_dates_read_right() {
        assert_eq!(article("investor"), "an");
        assert_eq!(article("staff"), "a");
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(1_796_601_600_000), "2026-12-07");
    }
}
