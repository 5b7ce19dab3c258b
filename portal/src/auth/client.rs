//! The caller's side of the portal API, for `govlab submit`: a
//! client-credentials token from the lab's identity provider, and the API
//! calls an upload needs (find or create the agent, upload a version).
//!
//! Kept in the portal crate because it is the only crate that knows HTTP
//! and the API's JSON wire format.

use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{ClientId, ClientSecret, Scope, TokenResponse, TokenUrl};
use serde_json::Value;

/// A call to the identity provider or the portal failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing answered at the address.
    #[error("cannot reach {url}: {message}")]
    Unreachable {
        /// Where.
        url: String,
        /// Why.
        message: String,
    },
    /// 401: the credentials were refused.
    #[error(
        "the token was refused by the portal (401): check --token, or the client id and secret; {0}"
    )]
    Refused(String),
    /// 403: the credentials are valid but not allowed to do this.
    #[error("not allowed (403): {0}")]
    Forbidden(String),
    /// 400 and other 4xx: the portal's message.
    #[error("the portal refused the request ({status}): {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// The portal's message.
        message: String,
    },
    /// 5xx or an unreadable answer.
    #[error("the portal failed ({status}): {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// What it said.
        message: String,
    },
    /// The identity provider refused or could not be used.
    #[error("identity provider: {0}")]
    Provider(String),
}

fn http_client() -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(300))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|err| ClientError::Provider(format!("cannot build an HTTP client: {err}")))
}

/// Gets an access token with the client-credentials grant from the
/// provider at `issuer` (token endpoint from its discovery document).
/// `resource` is sent as a resource indicator (RFC 8707) when given.
pub async fn client_credentials_token(
    issuer: &str,
    client_id: &str,
    client_secret: &str,
    resource: Option<&str>,
    scopes: &[String],
) -> Result<String, ClientError> {
    let http = super::oidc::http_client().map_err(ClientError::Provider)?;
    let discovery = super::oidc::discover(&http, issuer)
        .await
        .map_err(ClientError::Provider)?;
    let token_url = TokenUrl::new(discovery.token_endpoint.clone())
        .map_err(|err| ClientError::Provider(format!("token endpoint: {err}")))?;
    let client = BasicClient::new(ClientId::new(client_id.to_owned()))
        .set_client_secret(ClientSecret::new(client_secret.to_owned()))
        .set_token_uri(token_url);
    let mut request = client.exchange_client_credentials();
    if let Some(resource) = resource {
        request = request.add_extra_param("resource", resource.to_owned());
    }
    for scope in scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let response = request
        .request_async(&http)
        .await
        .map_err(|err| match err {
            oauth2::RequestTokenError::ServerResponse(response) => ClientError::Provider(format!(
                "the token endpoint refused the client credentials: {}{}",
                response.error(),
                response
                    .error_description()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            )),
            other => ClientError::Provider(format!("the token endpoint: {other}")),
        })?;
    Ok(response.access_token().secret().clone())
}

/// The most bytes read of the portal's `/api/lab-key` answer.
const LAB_KEY_MAX_BYTES: usize = 4096;

/// Fetches the lab's public scorecard key from the portal at `base`
/// (`GET /api/lab-key`, no sign-in): the key as hex, and its id.
pub async fn lab_public_key(base: &str) -> Result<(String, String), ClientError> {
    let url = format!("{}/api/lab-key", base.trim_end_matches('/'));
    let unreachable = |message: String| ClientError::Unreachable {
        url: url.clone(),
        message,
    };
    let mut response = http_client()?
        .get(&url)
        .send()
        .await
        .map_err(|err| unreachable(err.to_string()))?;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| unreachable(err.to_string()))?
    {
        if body.len() + chunk.len() > LAB_KEY_MAX_BYTES {
            return Err(ClientError::Server {
                status,
                message: format!("{url} answered more than {LAB_KEY_MAX_BYTES} bytes"),
            });
        }
        body.extend_from_slice(&chunk);
    }
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
    match (status, field("public_key_hex"), field("key_id")) {
        (200, Some(key), Some(id)) => Ok((key, id)),
        (404, ..) => Err(ClientError::Rejected {
            status,
            message: format!("nothing at {url}: is --portal the portal's address?"),
        }),
        _ => Err(ClientError::Server {
            status,
            message: format!("{url} did not answer a lab key"),
        }),
    }
}

/// An agent as listed by the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRef {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its team.
    pub team: Option<String>,
}

/// The portal's API, authenticated by a bearer token.
#[derive(Debug, Clone)]
pub struct PortalClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl PortalClient {
    /// A client of the portal at `base` (e.g. `https://lab.example`).
    pub fn new(base: &str, token: &str) -> Result<PortalClient, ClientError> {
        Ok(PortalClient {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http: http_client()?,
        })
    }

    /// The portal's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<Value, ClientError> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|err| ClientError::Unreachable {
                url: url.to_owned(),
                message: err.to_string(),
            })?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let message = body
            .pointer("/error/message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| text.chars().take(300).collect::<String>());
        let message = match (status, message.trim().is_empty()) {
            (404, true) => format!("nothing at {url}: is --portal the portal's address?"),
            (_, true) => format!("{url} answered HTTP {status}"),
            _ => message,
        };
        match status {
            200..=299 => Ok(body),
            401 => Err(ClientError::Refused(message)),
            403 => Err(ClientError::Forbidden(message)),
            400..=499 => Err(ClientError::Rejected { status, message }),
            _ => Err(ClientError::Server { status, message }),
        }
    }

    /// `GET /api/agents`.
    pub async fn list_agents(&self) -> Result<Vec<AgentRef>, ClientError> {
        // The API answers pages (`items`, `next_offset`); follow them all.
        let mut agents = Vec::new();
        let mut offset = 0usize;
        loop {
            let url = format!("{}/api/agents?limit=100&offset={offset}", self.base);
            let body = self.send(self.http.get(&url), &url).await?;
            if let Some(items) = body.get("items").and_then(Value::as_array) {
                agents.extend(items.iter().filter_map(agent_ref));
            }
            match body.get("next_offset").and_then(Value::as_u64) {
                Some(next) if usize::try_from(next).is_ok_and(|next| next > offset) => {
                    offset = usize::try_from(next).unwrap_or(usize::MAX);
                }
                _ => return Ok(agents),
            }
        }
    }

    /// `POST /api/agents {name, scenario}`.
    pub async fn create_agent(&self, name: &str, scenario: &str) -> Result<AgentRef, ClientError> {
        let url = format!("{}/api/agents", self.base);
        let body = self
            .send(
                self.http
                    .post(&url)
                    .json(&serde_json::json!({ "name": name, "scenario": scenario })),
                &url,
            )
            .await?;
        agent_ref(body.get("agent").unwrap_or(&body)).ok_or_else(|| ClientError::Server {
            status: 200,
            message: format!("the portal's answer names no agent id: {body}"),
        })
    }

    /// `POST /api/agents/{id}/versions` with the component's bytes.
    pub async fn upload_version(
        &self,
        agent_id: &str,
        wasm: Vec<u8>,
        notes: Option<&str>,
    ) -> Result<Value, ClientError> {
        let mut url = url::Url::parse(&format!("{}/api/agents/{agent_id}/versions", self.base))
            .map_err(|err| ClientError::Unreachable {
                url: self.base.clone(),
                message: err.to_string(),
            })?;
        if let Some(notes) = notes {
            url.query_pairs_mut().append_pair("notes", notes);
        }
        let url = url.to_string();
        self.send(
            self.http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/wasm")
                .body(wasm),
            &url,
        )
        .await
    }
}

impl PortalClient {
    /// `POST /api/versions/{id}/submit`: asks staff to review a version.
    pub async fn submit_version(&self, version_id: &str) -> Result<Value, ClientError> {
        let url = format!("{}/api/versions/{version_id}/submit", self.base);
        self.send(self.http.post(&url), &url).await
    }
}

fn agent_ref(value: &Value) -> Option<AgentRef> {
    Some(AgentRef {
        id: value.get("id")?.as_str()?.to_owned(),
        name: value.get("name")?.as_str()?.to_owned(),
        team: value.get("team").and_then(Value::as_str).map(str::to_owned),
    })
}
