//! Checks JSON Web Tokens signed by the identity provider: ID tokens from a
//! browser login and access tokens (client-credentials grant) presented as
//! `Authorization: Bearer`.
//!
//! Keys come from the provider's JWKS, fetched on first use, cached, and
//! fetched again when a token names a key id the cache does not know (key
//! rotation). Only asymmetric algorithms are accepted: a token signed with
//! a shared secret (`HS256`) or `none` is refused before any key is looked
//! up.

use std::collections::HashSet;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// Clock skew allowed on `exp`, `nbf` and `iat`, seconds.
const LEEWAY_SECONDS: u64 = 60;

/// The least time between two JWKS fetches caused by unknown key ids, so a
/// stream of made-up `kid`s cannot make the portal hammer the provider.
const REFETCH_INTERVAL: Duration = Duration::from_secs(5);

/// Algorithms a provider may sign with.
const ALLOWED: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    /// Not a JWT, or its header is unreadable.
    #[error("not a valid JWT: {0}")]
    Malformed(String),
    /// The header names an algorithm we do not accept.
    #[error("the token's algorithm {0:?} is not accepted")]
    Algorithm(Algorithm),
    /// No key of the provider matches the token.
    #[error("no key of the identity provider matches the token (kid {0:?})")]
    UnknownKey(Option<String>),
    /// Signature, issuer, audience or time checks failed.
    #[error("the token is not valid: {0}")]
    Invalid(String),
    /// The ID token's nonce is not the one of this login.
    #[error("the ID token's nonce does not match this login")]
    Nonce,
    /// The provider's keys could not be fetched.
    #[error("cannot fetch the identity provider's keys: {0}")]
    Fetch(String),
}

/// Where the keys come from.
#[derive(Debug)]
enum KeySource {
    /// Fetched from this URL.
    Remote { http: reqwest::Client, url: String },
    /// Given once (tests, static configurations).
    Fixed,
}

#[derive(Debug)]
struct Cache {
    keys: JwkSet,
    fetched: Option<Instant>,
}

/// Verifies tokens of one issuer.
#[derive(Debug)]
pub struct Verifier {
    issuer: String,
    source: KeySource,
    cache: RwLock<Cache>,
}

/// The checked claims of a token, as JSON.
pub type Claims = Map<String, Value>;

impl Verifier {
    /// A verifier that fetches the issuer's keys from `jwks_uri` when needed.
    pub fn remote(issuer: &str, jwks_uri: &str, http: reqwest::Client) -> Verifier {
        Verifier {
            issuer: issuer.to_owned(),
            source: KeySource::Remote {
                http,
                url: jwks_uri.to_owned(),
            },
            cache: RwLock::new(Cache {
                keys: JwkSet { keys: Vec::new() },
                fetched: None,
            }),
        }
    }

    /// A verifier with a fixed key set (tests and static configurations).
    pub fn from_jwks(issuer: &str, keys: JwkSet) -> Verifier {
        Verifier {
            issuer: issuer.to_owned(),
            source: KeySource::Fixed,
            cache: RwLock::new(Cache {
                keys,
                fetched: Some(Instant::now()),
            }),
        }
    }

    /// The issuer tokens must name.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Checks an ID token from a login: signature, `iss`, `aud` contains
    /// `client_id`, `exp`, `iat` and `nonce`. Returns its claims.
    pub async fn verify_id_token(
        &self,
        token: &str,
        client_id: &str,
        nonce: &str,
    ) -> Result<Claims, JwtError> {
        let claims = self
            .verify(
                token,
                &[client_id.to_owned()],
                &["exp", "iat", "iss", "aud", "sub"],
            )
            .await?;
        check_iat(&claims)?;
        // With several audiences, the token must have been issued to us.
        if let Some(azp) = claims.get("azp").and_then(Value::as_str)
            && azp != client_id
        {
            return Err(JwtError::Invalid(format!(
                "the token was issued to {azp:?}, not to this portal"
            )));
        }
        match claims.get("nonce").and_then(Value::as_str) {
            Some(found) if constant_time_eq(found.as_bytes(), nonce.as_bytes()) => Ok(claims),
            _ => Err(JwtError::Nonce),
        }
    }

    /// Checks an access token presented as a bearer: signature, `iss`,
    /// `exp` and an `aud` among `audiences`. Returns its claims.
    pub async fn verify_access_token(
        &self,
        token: &str,
        audiences: &[String],
    ) -> Result<Claims, JwtError> {
        let claims = self
            .verify(token, audiences, &["exp", "iss", "aud"])
            .await?;
        check_iat(&claims)?;
        Ok(claims)
    }

    async fn verify(
        &self,
        token: &str,
        audiences: &[String],
        required: &[&str],
    ) -> Result<Claims, JwtError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|err| JwtError::Malformed(err.to_string()))?;
        if !ALLOWED.contains(&header.alg) {
            return Err(JwtError::Algorithm(header.alg));
        }
        let key = self.key_for(header.kid.as_deref(), header.alg).await?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(audiences);
        validation.set_required_spec_claims(required);
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|err| JwtError::Invalid(err.to_string()))?;
        Ok(data.claims)
    }

    async fn key_for(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, JwtError> {
        if let Some(key) = self.cached_key(kid, alg)? {
            return Ok(key);
        }
        let KeySource::Remote { http, url } = &self.source else {
            return Err(JwtError::UnknownKey(kid.map(str::to_owned)));
        };
        let recently = self
            .cache
            .read()
            .map_err(|_| JwtError::Fetch("key cache lock poisoned".into()))?
            .fetched
            .is_some_and(|at| at.elapsed() < REFETCH_INTERVAL);
        if recently {
            return Err(JwtError::UnknownKey(kid.map(str::to_owned)));
        }
        let keys = fetch_jwks(http, url).await?;
        {
            let mut cache = self
                .cache
                .write()
                .map_err(|_| JwtError::Fetch("key cache lock poisoned".into()))?;
            cache.keys = keys;
            cache.fetched = Some(Instant::now());
        }
        self.cached_key(kid, alg)?
            .ok_or_else(|| JwtError::UnknownKey(kid.map(str::to_owned)))
    }

    fn cached_key(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<Option<DecodingKey>, JwtError> {
        let cache = self
            .cache
            .read()
            .map_err(|_| JwtError::Fetch("key cache lock poisoned".into()))?;
        let candidates = cache.keys.keys.iter().filter(|jwk| {
            let kid_ok = match kid {
                Some(kid) => jwk.common.key_id.as_deref() == Some(kid),
                None => true,
            };
            let use_ok = !matches!(
                jwk.common.public_key_use,
                Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
            );
            let alg_ok = jwk
                .common
                .key_algorithm
                .is_none_or(|key_alg| key_alg == jsonwebtoken::jwk::KeyAlgorithm::from(alg));
            kid_ok && use_ok && alg_ok
        });
        for jwk in candidates {
            if let Ok(key) = DecodingKey::from_jwk(jwk)
                && key.family() == alg.family()
            {
                return Ok(Some(key));
            }
        }
        Ok(None)
    }
}

async fn fetch_jwks(http: &reqwest::Client, url: &str) -> Result<JwkSet, JwtError> {
    let response = http
        .get(url)
        .send()
        .await
        .map_err(|err| JwtError::Fetch(format!("{url}: {err}")))?;
    if !response.status().is_success() {
        return Err(JwtError::Fetch(format!(
            "{url}: HTTP {}",
            response.status()
        )));
    }
    let value: Value = response
        .json()
        .await
        .map_err(|err| JwtError::Fetch(format!("{url}: {err}")))?;
    // Skip keys this library cannot read (e.g. encryption-only kinds)
    // instead of refusing the whole set.
    let keys = value
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| JwtError::Fetch(format!("{url}: no \"keys\" array")))?
        .iter()
        .filter_map(|key| serde_json::from_value(key.clone()).ok())
        .collect();
    Ok(JwkSet { keys })
}

fn check_iat(claims: &Claims) -> Result<(), JwtError> {
    let Some(iat) = claims.get("iat") else {
        return Ok(());
    };
    let iat = iat
        .as_u64()
        .or_else(|| iat.as_f64().map(|f| f as u64))
        .ok_or_else(|| JwtError::Invalid("iat is not a number".into()))?;
    if iat > jsonwebtoken::get_current_timestamp() + LEEWAY_SECONDS {
        return Err(JwtError::Invalid(
            "the token was issued in the future".into(),
        ));
    }
    Ok(())
}

/// Whether a string looks like a compact JWS (three base64url parts).
pub fn looks_like_jwt(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && parts[..2].iter().all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The audience set of a claims map (a string or an array of strings).
pub fn audiences(claims: &Claims) -> HashSet<String> {
    match claims.get("aud") {
        Some(Value::String(aud)) => HashSet::from([aud.clone()]),
        Some(Value::Array(auds)) => auds
            .iter()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect(),
        _ => HashSet::new(),
    }
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
