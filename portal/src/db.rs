//! The database: one `sqlx` pool over SQLite (default) or PostgreSQL,
//! chosen by URL at run time, with the migrations in `portal/migrations/`.
//!
//! Every query in the portal is written once in SQL both engines accept:
//! `$1` placeholders, `BIGINT` times in unix milliseconds, text ids, no
//! engine-specific functions. Nothing here assumes one process: jobs are
//! claimed with conditional `UPDATE`s, sessions and login state live in
//! tables, not in memory.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

/// The pool every module shares.
pub type Db = AnyPool;

/// The migrations in `portal/migrations/`, embedded.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    Scheme(String),
    /// Connecting failed.
    #[error("cannot open the database at {url}")]
    Connect {
        /// The URL, password removed.
        url: String,
        /// Why.
        #[source]
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("cannot migrate the database")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens the database at `url` and applies pending migrations.
pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbError> {
    sqlx::any::install_default_drivers();
    let sqlite = url.starts_with("sqlite:");
    if !sqlite && !url.starts_with("postgres:") && !url.starts_with("postgresql:") {
        return Err(DbError::Scheme(redact(url)));
    }
    let pool = AnyPoolOptions::new()
        .max_connections(if sqlite {
            max_connections.min(8)
        } else {
            max_connections
        })
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    // WAL lets readers run beside the one writer; the busy
                    // timeout makes writers queue instead of failing.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .map_err(|source| DbError::Connect {
            url: redact(url),
            source,
        })?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// The URL with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Milliseconds since the Unix epoch, as stored in every time column.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The UTC civil date and time of `ms` (as stored in every time column):
/// `(year, month, day, milliseconds into the day)`.
pub fn civil_utc(ms: i64) -> (i64, i64, i64, i64) {
    let days = ms.div_euclid(86_400_000);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, ms.rem_euclid(86_400_000))
}

/// A new random id: 16 bytes from the OS, hex.
pub fn new_id() -> String {
    hex::encode(random_bytes::<16>())
}

/// `N` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS RNG failing is unrecoverable for a server handing out secrets.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_migrates_from_scratch() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = connect(&url, 2).await.expect("connects and migrates");
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pilots")
            .fetch_one(&db)
            .await
            .expect("pilots table exists");
        assert_eq!(n, 0);
        // Migrating twice is a no-op.
        drop(db);
        connect(&url, 2).await.expect("second open");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://lab:secret@db/govlab"),
            "postgres://lab:***@db/govlab"
        );
    }

    #[tokio::test]
    async fn unknown_scheme_is_refused() {
        let err = connect("mysql://x/y", 1).await.expect_err("refused");
        assert!(err.to_string().contains("sqlite://"), "{err}");
    }
}
