//! Lab-issued API tokens: `govlab tokens create|list|revoke`, stored as SHA-256
//! hashes, presented as `Authorization: Bearer glt_…`.

use crate::db::{Db, new_id, now_ms, random_bytes};
use crate::error::PortalError;
use crate::principal::{AuthMethod, Principal, Role};

/// Prefix of every lab-issued token (tells them apart from IdP JWTs).
pub const TOKEN_PREFIX: &str = "glt_";

/// A freshly created token: the secret is shown once, never stored.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// Token id (for revocation and the audit log).
    pub id: String,
    /// The secret to hand to the user.
    pub secret: String,
}

fn hash(secret: &str) -> String {
    crate::store::sha256_hex(secret.as_bytes())
}

/// Creates a token for `role` (startups need a team).
pub async fn create(
    db: &Db,
    role: Role,
    team: Option<&str>,
    label: &str,
) -> Result<IssuedToken, PortalError> {
    let team = team.map(str::trim).filter(|t| !t.is_empty());
    match (role, team) {
        (Role::Startup, None) => {
            return Err(PortalError::bad_request(
                "a startup token needs --team NAME",
            ));
        }
        (Role::Startup, Some(team)) if !crate::actions::valid_name(team) => {
            return Err(PortalError::bad_request(
                "a team name is 1–64 characters of a-z, 0-9, '-', '_' or '.'",
            ));
        }
        _ => {}
    }
    let team = if role == Role::Startup { team } else { None };
    if let Some(team) = team {
        crate::model::ensure_team(db, team).await?;
    }
    let id = new_id();
    let secret = format!("{TOKEN_PREFIX}{}", hex::encode(random_bytes::<24>()));
    sqlx::query(
        "INSERT INTO api_tokens (id, token_hash, role, team, label, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(hash(&secret))
    .bind(role.as_str())
    .bind(team)
    .bind(label)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(IssuedToken { id, secret })
}

/// Revokes a token by id or by its secret, and ends the browser sessions
/// it opened; returns whether one was revoked.
pub async fn revoke(db: &Db, id_or_secret: &str) -> Result<bool, PortalError> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM api_tokens WHERE (id = $1 OR token_hash = $2) AND revoked_at IS NULL",
    )
    .bind(id_or_secret)
    .bind(hash(id_or_secret))
    .fetch_optional(db)
    .await?;
    let Some((id,)) = row else {
        return Ok(false);
    };
    let result =
        sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(&id)
            .bind(now_ms())
            .execute(db)
            .await?;
    super::session::delete_subject(db, &format!("token:{id}")).await?;
    Ok(result.rows_affected() > 0)
}

/// One issued token as `govlab tokens list` shows it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Token id.
    pub id: String,
    /// `startup`, `staff` or `investor`.
    pub role: String,
    /// The startup's team.
    pub team: Option<String>,
    /// The label given at creation.
    pub label: String,
    /// Creation time, ms since the Unix epoch.
    pub created_at: i64,
    /// Revocation time, if revoked.
    pub revoked_at: Option<i64>,
}

/// Every issued token, oldest first.
pub async fn list(db: &Db) -> Result<Vec<TokenInfo>, PortalError> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT id, role, team, label, created_at, revoked_at FROM api_tokens ORDER BY created_at, id",
    )
    .fetch_all(db)
    .await?;
    let mut tokens = Vec::with_capacity(rows.len());
    for row in rows {
        tokens.push(TokenInfo {
            id: row.try_get("id")?,
            role: row.try_get("role")?,
            team: row.try_get("team")?,
            label: row.try_get("label")?,
            created_at: row.try_get("created_at")?,
            revoked_at: row.try_get("revoked_at")?,
        });
    }
    Ok(tokens)
}

/// The id of a token given by id or by secret (revoked or not).
pub async fn find_id(db: &Db, id_or_secret: &str) -> Result<Option<String>, PortalError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM api_tokens WHERE id = $1 OR token_hash = $2")
            .bind(id_or_secret)
            .bind(hash(id_or_secret))
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id,)| id))
}

/// The principal a token stands for, if it is valid and not revoked.
pub async fn authenticate(db: &Db, secret: &str) -> Result<Option<Principal>, PortalError> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let row: Option<(String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT id, role, team, label FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(hash(secret))
    .fetch_optional(db)
    .await?;
    let Some((id, role, team, label)) = row else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&role) else {
        return Ok(None);
    };
    Ok(Some(Principal {
        subject: format!("token:{id}"),
        display_name: if label.is_empty() {
            format!("{role} token {}", &id[..8.min(id.len())])
        } else {
            label
        },
        role,
        team,
        method: AuthMethod::Bearer,
    }))
}
