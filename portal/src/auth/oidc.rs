//! OpenID Connect: browser login by authorization code with PKCE, and
//! provider-issued JWT access tokens (client-credentials grant) as bearers.
//!
//! The provider's endpoints come from its discovery document, read once at
//! start. A login in flight is a row in `oidc_logins` keyed by the SHA-256
//! of its `state` (with the PKCE verifier, the nonce and where to go
//! afterwards), so any portal process can finish it; a row lives ten
//! minutes and is consumed by the first callback that presents it.

use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jwt::{Claims, JwtError, Verifier};
use crate::config::OidcConfig;
use crate::db::{Db, now_ms, random_bytes};
use crate::error::PortalError;
use crate::principal::{AuthMethod, Principal, Role};

/// How long a login may take from start to callback, milliseconds.
pub const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;

/// The fields of the provider's discovery document the portal uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    /// Must equal the configured issuer.
    pub issuer: String,
    /// Where the browser is sent to log in.
    pub authorization_endpoint: String,
    /// Where codes are exchanged (and client credentials too).
    pub token_endpoint: String,
    /// The provider's signing keys.
    pub jwks_uri: String,
    /// Claims of the logged-in user, for providers that keep them out of
    /// the ID token.
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
}

/// Reads `<issuer>/.well-known/openid-configuration` and checks that it
/// names the same issuer.
pub async fn discover(http: &reqwest::Client, issuer: &str) -> Result<Discovery, String> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let response = http
        .get(&url)
        .send()
        .await
        .map_err(|err| format!("cannot read the discovery document at {url}: {err}"))?;
    if !response.status().is_success() {
        return Err(format!(
            "the discovery document at {url} answered HTTP {}",
            response.status()
        ));
    }
    let discovery: Discovery = response
        .json()
        .await
        .map_err(|err| format!("the discovery document at {url} is not usable: {err}"))?;
    if discovery.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(format!(
            "the discovery document at {url} names issuer {:?}, not the configured {issuer:?}",
            discovery.issuer
        ));
    }
    Ok(discovery)
}

/// An HTTP client for talking to the provider: no redirects (a token
/// endpoint that redirects is misconfigured or hostile), bounded time.
pub fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(|err| format!("cannot build an HTTP client: {err}"))
}

/// The `id_token` field of a token response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdTokenFields {
    /// The ID token (present when `openid` was asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenFields {}

type IdTokenResponse = StandardTokenResponse<IdTokenFields, BasicTokenType>;

type CodeClient = oauth2::Client<
    BasicErrorResponse,
    IdTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The portal's view of its identity provider.
#[derive(Debug)]
pub struct Oidc {
    config: OidcConfig,
    discovery: Discovery,
    redirect_uri: String,
    http: reqwest::Client,
    verifier: Verifier,
}

/// Who logged in, as the provider vouches.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The provider's `sub`.
    pub subject: String,
    /// A name to show.
    pub display_name: String,
    /// The role from the role claim.
    pub role: Role,
    /// The team from the team claim (startups).
    pub team: Option<String>,
}

/// A login that could not be finished, with what to tell the person.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The callback does not match a login in flight (expired, replayed,
    /// or from another browser).
    #[error("this sign-in link has expired or was already used; sign in again")]
    UnknownState,
    /// The provider said no (the person cancelled, or is not allowed).
    #[error("the identity provider refused the sign-in: {0}")]
    Provider(String),
    /// The code exchange or a token check failed.
    #[error("the sign-in could not be verified: {0}")]
    Token(String),
    /// The person has no usable role in the lab.
    #[error("{0}")]
    NoRole(String),
    /// Our side failed.
    #[error(transparent)]
    Portal(#[from] PortalError),
}

impl Oidc {
    /// Reads the provider's discovery document (an unreachable or
    /// inconsistent provider stops the portal from starting).
    pub async fn discover(config: &OidcConfig, public_url: &str) -> Result<Oidc, String> {
        let http = http_client()?;
        let discovery = discover(&http, &config.issuer).await?;
        for (what, url) in [
            ("authorization_endpoint", &discovery.authorization_endpoint),
            ("token_endpoint", &discovery.token_endpoint),
            ("jwks_uri", &discovery.jwks_uri),
        ] {
            url::Url::parse(url)
                .map_err(|err| format!("the discovery document's {what} {url:?}: {err}"))?;
        }
        let verifier = Verifier::remote(&discovery.issuer, &discovery.jwks_uri, http.clone());
        Ok(Oidc {
            config: config.clone(),
            redirect_uri: format!("{}/auth/callback", public_url.trim_end_matches('/')),
            discovery,
            http,
            verifier,
        })
    }

    /// The redirect URI registered with the provider.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The configured provider settings.
    pub fn config(&self) -> &OidcConfig {
        &self.config
    }

    /// The audiences accepted on bearer JWTs.
    pub fn api_audiences(&self) -> Vec<String> {
        if self.config.api_audiences.is_empty() {
            vec![self.config.client_id.clone()]
        } else {
            self.config.api_audiences.clone()
        }
    }

    fn client(&self) -> Result<CodeClient, PortalError> {
        Ok(
            oauth2::Client::new(ClientId::new(self.config.client_id.clone()))
                .set_client_secret(ClientSecret::new(self.config.client_secret.clone()))
                .set_auth_uri(
                    AuthUrl::new(self.discovery.authorization_endpoint.clone())
                        .map_err(PortalError::internal)?,
                )
                .set_token_uri(
                    TokenUrl::new(self.discovery.token_endpoint.clone())
                        .map_err(PortalError::internal)?,
                )
                .set_redirect_uri(
                    RedirectUrl::new(self.redirect_uri.clone()).map_err(PortalError::internal)?,
                ),
        )
    }

    /// Starts a login: records it and returns the provider URL to send the
    /// browser to and the `state` (to bind to the browser in a cookie).
    pub async fn begin(&self, db: &Db, return_to: &str) -> Result<(String, String), PortalError> {
        let now = now_ms();
        sqlx::query("DELETE FROM oidc_logins WHERE created_at <= $1")
            .bind(now - LOGIN_TTL_MS)
            .execute(db)
            .await?;
        let state = hex::encode(random_bytes::<32>());
        let nonce = hex::encode(random_bytes::<32>());
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client()?;
        let mut request = client
            .authorize_url(|| CsrfToken::new(state.clone()))
            .add_scope(Scope::new("openid".into()))
            .add_extra_param("nonce", nonce.clone())
            .set_pkce_challenge(challenge);
        for scope in &self.config.scopes {
            if scope != "openid" {
                request = request.add_scope(Scope::new(scope.clone()));
            }
        }
        let (url, _) = request.url();
        sqlx::query(
            "INSERT INTO oidc_logins (state_hash, pkce_verifier, nonce, return_to, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(crate::store::sha256_hex(state.as_bytes()))
        .bind(verifier.secret())
        .bind(&nonce)
        .bind(return_to)
        .bind(now)
        .execute(db)
        .await?;
        Ok((url.to_string(), state))
    }

    /// Consumes the login recorded for `state` (once; none after ten
    /// minutes). Returns its PKCE verifier, nonce and return path.
    async fn take_login(
        &self,
        db: &Db,
        state: &str,
    ) -> Result<(String, String, String), LoginError> {
        let hash = crate::store::sha256_hex(state.as_bytes());
        let row: Option<(String, String, String, i64)> = sqlx::query_as(
            "SELECT pkce_verifier, nonce, return_to, created_at FROM oidc_logins WHERE state_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(db)
        .await
        .map_err(PortalError::from)?;
        let Some((verifier, nonce, return_to, created_at)) = row else {
            return Err(LoginError::UnknownState);
        };
        // Whoever deletes the row owns the login: a replayed or concurrent
        // callback finds nothing to delete.
        let deleted = sqlx::query("DELETE FROM oidc_logins WHERE state_hash = $1")
            .bind(&hash)
            .execute(db)
            .await
            .map_err(PortalError::from)?;
        if deleted.rows_affected() != 1 || created_at <= now_ms() - LOGIN_TTL_MS {
            return Err(LoginError::UnknownState);
        }
        Ok((verifier, nonce, return_to))
    }

    /// Finishes a login: consumes `state`, exchanges `code`, checks the ID
    /// token and reads the role. Returns who logged in and where to go.
    pub async fn finish(
        &self,
        db: &Db,
        code: &str,
        state: &str,
    ) -> Result<(Identity, String), LoginError> {
        let (verifier, nonce, return_to) = self.take_login(db, state).await?;
        let response = self
            .client()?
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(&self.http)
            .await
            .map_err(|err| LoginError::Token(describe_token_error(&err)))?;
        let id_token = response
            .extra_fields()
            .id_token
            .as_deref()
            .ok_or_else(|| LoginError::Token("the provider returned no ID token".into()))?;
        let mut claims = self
            .verifier
            .verify_id_token(id_token, &self.config.client_id, &nonce)
            .await
            .map_err(|err| LoginError::Token(err.to_string()))?;
        if !claims.contains_key(&self.config.role_claim) {
            let userinfo = self
                .userinfo(response.access_token().secret())
                .await
                .map_err(LoginError::Token)?;
            // The userinfo `sub` must be the ID token's (OIDC Core 5.3.2).
            if userinfo.get("sub") != claims.get("sub") {
                return Err(LoginError::Token(
                    "the userinfo subject differs from the ID token's".into(),
                ));
            }
            for (key, value) in userinfo {
                claims.entry(key).or_insert(value);
            }
        }
        let identity = identity_from_claims(&self.config, &claims).map_err(LoginError::NoRole)?;
        Ok((identity, return_to))
    }

    async fn userinfo(&self, access_token: &str) -> Result<Claims, String> {
        let Some(url) = &self.discovery.userinfo_endpoint else {
            return Err(format!(
                "the ID token has no {:?} claim and the provider has no userinfo endpoint",
                self.config.role_claim
            ));
        };
        let response = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .send()
            .await
            .map_err(|err| format!("userinfo: {err}"))?;
        if !response.status().is_success() {
            return Err(format!("userinfo answered HTTP {}", response.status()));
        }
        let value: Value = response
            .json()
            .await
            .map_err(|err| format!("userinfo: {err}"))?;
        match value {
            Value::Object(map) => Ok(map),
            _ => Err("userinfo is not a JSON object".into()),
        }
    }

    /// The principal of a provider-issued JWT access token.
    pub async fn bearer(&self, token: &str) -> Result<Principal, JwtError> {
        let claims = self
            .verifier
            .verify_access_token(token, &self.api_audiences())
            .await?;
        let identity = identity_from_claims(&self.config, &claims).map_err(JwtError::Invalid)?;
        Ok(Principal {
            subject: identity.subject,
            display_name: identity.display_name,
            role: identity.role,
            team: identity.team,
            method: AuthMethod::Bearer,
        })
    }
}

/// Role, team, subject and name from checked claims. A missing or unknown
/// role, or a startup without a valid team, is refused with a message.
pub fn identity_from_claims(config: &OidcConfig, claims: &Claims) -> Result<Identity, String> {
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .or_else(|| claims.get("client_id").and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .ok_or("the token names no subject")?
        .to_owned();
    let role = match claims.get(&config.role_claim) {
        Some(Value::String(role)) => Role::parse(role),
        // Some providers send roles as a list: take the one lab role in it.
        Some(Value::Array(roles)) => {
            let mut found = roles
                .iter()
                .filter_map(Value::as_str)
                .filter_map(Role::parse);
            match (found.next(), found.next()) {
                (Some(role), None) => Some(role),
                _ => None,
            }
        }
        _ => None,
    };
    let Some(role) = role else {
        return Err(format!(
            "your account has no lab role: the identity provider must give a {:?} claim of \
             startup, staff or investor. Ask the lab to add it.",
            config.role_claim
        ));
    };
    let team = claims
        .get(&config.team_claim)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let team = match role {
        Role::Startup => match team {
            Some(team) if crate::actions::valid_name(&team) => Some(team),
            Some(team) => {
                return Err(format!(
                    "your team name {team:?} is not valid in the lab (1–64 characters of a-z, 0-9, '-', '_' or '.')"
                ));
            }
            None => {
                return Err(format!(
                    "your account is a startup account without a team: the identity provider must give a {:?} claim",
                    config.team_claim
                ));
            }
        },
        Role::Staff | Role::Investor => None,
    };
    let display_name = ["name", "preferred_username", "email", "client_id"]
        .iter()
        .find_map(|key| claims.get(*key).and_then(Value::as_str))
        .filter(|name| !name.is_empty())
        .unwrap_or(&subject)
        .to_owned();
    Ok(Identity {
        subject,
        display_name,
        role,
        team,
    })
}

fn describe_token_error<E: std::error::Error>(
    err: &oauth2::RequestTokenError<E, BasicErrorResponse>,
) -> String {
    match err {
        oauth2::RequestTokenError::ServerResponse(response) => {
            let mut text = response.error().to_string();
            if let Some(description) = response.error_description() {
                text.push_str(": ");
                text.push_str(description);
            }
            format!("the token endpoint refused the code ({text})")
        }
        oauth2::RequestTokenError::Request(err) => format!("the token endpoint: {err}"),
        oauth2::RequestTokenError::Parse(err, _) => {
            format!("the token endpoint's answer is not usable: {err}")
        }
        oauth2::RequestTokenError::Other(text) => text.clone(),
    }
}
