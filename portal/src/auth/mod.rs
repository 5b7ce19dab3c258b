//! Authentication: turns a request into a [`Principal`].
//!
//! Two ways in: a session cookie (browser logins) or an
//! `Authorization: Bearer` token (a lab-issued API token, see [`tokens`]).

pub mod tokens;

use axum::Router;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;

use crate::config::Config;
use crate::db::{Db, now_ms};
use crate::error::PortalError;
use crate::principal::{AuthMethod, Principal, Role};
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "govlab_session";

/// Authentication state shared by all requests.
#[derive(Debug)]
pub struct Auth {}

impl Auth {
    /// Prepares authentication for `config`.
    pub async fn new(_config: &Config, _db: &Db) -> Result<Auth, crate::StartError> {
        Ok(Auth {})
    }
}

/// Login and logout routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}

/// Checks a form's CSRF token against the principal's session.
pub fn verify_csrf(principal: &Principal, token: Option<&str>) -> Result<(), PortalError> {
    match &principal.method {
        AuthMethod::Bearer => Ok(()),
        AuthMethod::Session { csrf } => match token {
            Some(token) if constant_time_eq(token.as_bytes(), csrf.as_bytes()) => Ok(()),
            _ => Err(PortalError::Csrf),
        },
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

async fn session_principal(db: &Db, id: &str) -> Result<Option<Principal>, PortalError> {
    let row: Option<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT subject, display_name, role, team, csrf FROM sessions \
         WHERE id_hash = $1 AND expires_at > $2",
    )
    .bind(crate::store::sha256_hex(id.as_bytes()))
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

/// The request's principal, if any credentials are presented and valid.
/// Invalid bearer credentials are an error (401), not anonymity.
pub async fn principal_of(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<Principal>, PortalError> {
    if let Some(token) = bearer(parts) {
        return match tokens::authenticate(&state.db, token).await? {
            Some(principal) => Ok(Some(principal)),
            None => Err(PortalError::Unauthenticated),
        };
    }
    if let Some(id) = cookie(parts, SESSION_COOKIE) {
        return session_principal(&state.db, id).await;
    }
    Ok(None)
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = PortalError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        principal_of(parts, state)
            .await?
            .ok_or(PortalError::Unauthenticated)
    }
}

impl OptionalFromRequestParts<AppState> for Principal {
    type Rejection = PortalError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        principal_of(parts, state).await
    }
}
