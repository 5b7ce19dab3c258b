//! Authentication: turns a request into a [`Principal`].
//!
//! Two ways in:
//! - a session cookie ([`session`]), made by logging in at `/login` with a
//!   lab API token (no identity provider configured) or through the lab's
//!   OpenID Connect provider ([`oidc`]); unsafe requests then carry the
//!   session's CSRF token (form field `csrf` or header `X-CSRF-Token`);
//! - an `Authorization: Bearer` token: a lab API token (`glt_…`, see
//!   [`tokens`]) or a JWT access token from the same provider
//!   (client-credentials grant, checked by [`jwt`]).
//!
//! Routes are in [`login`].

pub mod client;
pub mod jwt;
pub mod login;
pub mod oidc;
pub mod session;
pub mod tokens;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::config::Config;
use crate::db::Db;
use crate::error::PortalError;
use crate::principal::{AuthMethod, Principal};
use crate::state::AppState;

pub use session::SESSION_COOKIE;

/// Header carrying the CSRF token on JSON calls made from a session.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Authentication state shared by all requests.
#[derive(Debug)]
pub struct Auth {
    oidc: Option<oidc::Oidc>,
}

impl Auth {
    /// Prepares authentication for `config`: with an `[oidc]` section,
    /// reads the provider's discovery document (an unreachable provider
    /// stops the start with [`crate::StartError::Oidc`]).
    pub async fn new(config: &Config, _db: &Db) -> Result<Auth, crate::StartError> {
        let oidc = match &config.oidc {
            Some(oidc_config) => Some(
                oidc::Oidc::discover(oidc_config, &config.public_url())
                    .await
                    .map_err(crate::StartError::Oidc)?,
            ),
            None => None,
        };
        Ok(Auth { oidc })
    }

    /// The identity provider, when one is configured.
    pub fn oidc(&self) -> Option<&oidc::Oidc> {
        self.oidc.as_ref()
    }
}

/// Login and logout routes.
pub fn routes() -> Router<AppState> {
    login::routes()
}

/// Checks a CSRF token (form field `csrf`, or [`csrf_from_headers`])
/// against the principal's session; bearer principals need none.
pub fn verify_csrf(principal: &Principal, token: Option<&str>) -> Result<(), PortalError> {
    match &principal.method {
        AuthMethod::Bearer => Ok(()),
        AuthMethod::Session { csrf } => match token {
            Some(token) if jwt::constant_time_eq(token.as_bytes(), csrf.as_bytes()) => Ok(()),
            _ => Err(PortalError::Csrf),
        },
    }
}

/// The `X-CSRF-Token` header of a JSON call made from a session.
pub fn csrf_from_headers(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(CSRF_HEADER)?
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A `next` parameter made safe to redirect to: a local absolute path
/// (`/…`, not `//host` or `/\host`, no control characters), else `/`.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(next) = next else {
        return "/".to_owned();
    };
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 2048;
    if local {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// The client's address as text (`unknown` when the server was not given
/// connection info, as in in-process tests). Proxies' forwarding headers
/// are not trusted.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string()),
        ))
    }
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

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The request's principal, if any credentials are presented and valid.
/// Invalid bearer credentials are an error (401), not anonymity; an
/// unknown or expired session cookie is anonymity.
pub async fn principal_of(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<Principal>, PortalError> {
    let found = authenticate(parts, state).await;
    if let (Ok(Some(principal)), Some(slot)) = (
        &found,
        parts.extensions.get::<crate::metrics::PrincipalSlot>(),
    ) {
        slot.set(principal);
    }
    found
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Principal>, PortalError> {
    if let Some(token) = bearer(parts) {
        if token.starts_with(tokens::TOKEN_PREFIX) {
            return match tokens::authenticate(&state.db, token).await? {
                Some(principal) => Ok(Some(principal)),
                None => Err(PortalError::Unauthenticated),
            };
        }
        if let Some(oidc) = state.auth.oidc()
            && jwt::looks_like_jwt(token)
        {
            return match oidc.bearer(token).await {
                Ok(principal) => Ok(Some(principal)),
                Err(err) => {
                    tracing::info!("bearer JWT refused: {err}");
                    Err(PortalError::Unauthenticated)
                }
            };
        }
        return Err(PortalError::Unauthenticated);
    }
    if let Some(secret) = cookie_value(&parts.headers, SESSION_COOKIE) {
        return session::lookup(&state.db, secret).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_a_local_path() {
        assert_eq!(safe_next(Some("/agents/1?x=2")), "/agents/1?x=2");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "evil",
            "/a\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
