//! Browser sessions: a random 32-byte secret in the `govlab_session`
//! cookie, stored only as its SHA-256 in the `sessions` table (so any
//! portal process can read it and a database leak yields no live cookie),
//! with a CSRF token per session and a 12-hour lifetime.

use crate::db::{Db, now_ms, random_bytes};
use crate::error::PortalError;
use crate::principal::{AuthMethod, Principal, Role};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "govlab_session";

/// How long a session lasts, seconds.
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;

/// Who a new session is for.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    /// Stable subject (`token:<id>` or the IdP's `sub`).
    pub subject: &'a str,
    /// Name to show.
    pub display_name: &'a str,
    /// Role.
    pub role: Role,
    /// Team (startups only).
    pub team: Option<&'a str>,
}

/// A session just created: the cookie secret (never stored) and the
/// principal it stands for.
#[derive(Debug, Clone)]
pub struct CreatedSession {
    /// The cookie value.
    pub secret: String,
    /// The principal, with its CSRF token.
    pub principal: Principal,
}

fn hash(secret: &str) -> String {
    crate::store::sha256_hex(secret.as_bytes())
}

/// Creates a session and removes expired ones.
pub async fn create(db: &Db, new: &NewSession<'_>) -> Result<CreatedSession, PortalError> {
    let now = now_ms();
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?;
    let secret = hex::encode(random_bytes::<32>());
    let csrf = hex::encode(random_bytes::<32>());
    let team = if new.role == Role::Startup {
        new.team
    } else {
        None
    };
    sqlx::query(
        "INSERT INTO sessions (id_hash, subject, display_name, role, team, csrf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(hash(&secret))
    .bind(new.subject)
    .bind(new.display_name)
    .bind(new.role.as_str())
    .bind(team)
    .bind(&csrf)
    .bind(now)
    .bind(now + SESSION_SECONDS * 1000)
    .execute(db)
    .await?;
    Ok(CreatedSession {
        secret,
        principal: Principal {
            subject: new.subject.to_owned(),
            display_name: new.display_name.to_owned(),
            role: new.role,
            team: team.map(str::to_owned),
            method: AuthMethod::Session { csrf },
        },
    })
}

/// The principal of a live session.
pub async fn lookup(db: &Db, secret: &str) -> Result<Option<Principal>, PortalError> {
    // Cookie values we never issued are not worth a query.
    if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let row: Option<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT subject, display_name, role, team, csrf FROM sessions \
         WHERE id_hash = $1 AND expires_at > $2",
    )
    .bind(hash(secret))
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|(subject, display_name, role, team, csrf)| {
        Some(Principal {
            subject,
            display_name,
            role: Role::parse(&role)?,
            team,
            method: AuthMethod::Session { csrf },
        })
    }))
}

/// Ends a session; returns whether one was ended.
pub async fn delete(db: &Db, secret: &str) -> Result<bool, PortalError> {
    let result = sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(hash(secret))
        .execute(db)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Ends every session of a subject (a revoked token's logins).
pub async fn delete_subject(db: &Db, subject: &str) -> Result<u64, PortalError> {
    let result = sqlx::query("DELETE FROM sessions WHERE subject = $1")
        .bind(subject)
        .execute(db)
        .await?;
    Ok(result.rows_affected())
}

/// The `Set-Cookie` value that installs a session.
pub fn set_cookie(secret: &str) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={SESSION_SECONDS}"
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0")
}
