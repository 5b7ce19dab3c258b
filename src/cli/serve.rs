//! `govlab serve`: the web portal, on embedded defaults (SQLite and files
//! under `--data-dir`) unless a configuration file or `--database` says
//! otherwise.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use govlab_portal::Config;

/// Arguments of `govlab serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080)
    #[arg(long, value_name = "HOST:PORT")]
    addr: Option<SocketAddr>,
    /// Directory for the database, agent binaries and the lab key (default ./govlab-data)
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: SQLite in the data directory)
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Configuration file (TOML); flags override it
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// Loads the configuration with the flags applied.
pub fn config_from(
    config: Option<&PathBuf>,
    data_dir: Option<PathBuf>,
    database: Option<String>,
) -> anyhow::Result<Config> {
    let mut config = match config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Some(dir) = data_dir {
        config.data_dir = dir;
    }
    if let Some(url) = database {
        config.database_url = Some(url);
    }
    Ok(config)
}

/// Runs `govlab serve` until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = config_from(args.config.as_ref(), args.data_dir, args.database)?;
    if let Some(addr) = args.addr {
        config.addr = addr;
    }
    config.compiler = crate::cli::run::compiler();
    govlab_portal::logging::init(&config.log);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let data_dir = config.data_dir.clone();
        govlab_portal::serve(
            config,
            |addr| {
                eprintln!(
                    "govlab portal listening on http://{addr} (data in {})",
                    data_dir.display()
                );
            },
            shutdown_signal(),
        )
        .await
        .context("the portal could not start")
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("govlab portal: shutting down");
}
