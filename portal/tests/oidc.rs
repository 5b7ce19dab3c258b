//! OpenID Connect against a real provider (npm `oidc-provider`, started
//! from `tests/oidc/`): authorization code + PKCE login to a session,
//! refused logins, client-credentials JWTs as bearers; and the token
//! validator on its own with keys made here (wrong nonce, audience,
//! issuer, key, algorithm, expired, tampered).
//!
//! Needs `node` (and `npm` the first time, to install the provider from
//! the lock file). Without node the provider tests say so loudly and
//! return.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use govlab_portal::auth::client::client_credentials_token;
use govlab_portal::auth::jwt::{JwtError, Verifier};
use govlab_portal::{AppState, Config, Principal, StartError};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

const API_RESOURCE: &str = "urn:govlab:portal";

// ---------------------------------------------------------------------
// The provider process.

struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

static NPM: Mutex<()> = Mutex::new(());

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/oidc")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts the provider for a portal at `portal_url`; `None` (with a loud
/// message) only when node is not installed.
async fn start_provider(portal_url: &str) -> Option<Provider> {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!(
            "\n*** SKIPPED: node is not installed, so the OIDC provider tests did not run ***\n"
        );
        return None;
    }
    let dir = provider_dir();
    {
        let _guard = NPM.lock().unwrap_or_else(|p| p.into_inner());
        if !dir.join("node_modules/oidc-provider").is_dir() {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefer-offline"])
                .current_dir(&dir)
                .status()
                .expect("npm runs");
            assert!(status.success(), "npm ci in {} failed", dir.display());
        }
    }
    let port = free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    let child = Command::new("node")
        .arg("provider.js")
        .current_dir(&dir)
        .env("PORT", port.to_string())
        .env("PORTAL_URL", portal_url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node starts");
    let provider = Provider { child, issuer };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    let discovery = format!("{}/.well-known/openid-configuration", provider.issuer);
    loop {
        if let Ok(response) = http.get(&discovery).send().await
            && response.status().is_success()
        {
            return Some(provider);
        }
        assert!(Instant::now() < deadline, "the provider did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// ---------------------------------------------------------------------
// The portal, with a test route that shows the principal.

async fn whoami(principal: Principal) -> axum::Json<Value> {
    axum::Json(json!({
        "subject": principal.subject,
        "name": principal.display_name,
        "role": principal.role.as_str(),
        "team": principal.team,
    }))
}

struct Portal {
    url: String,
    state: AppState,
    _dir: tempfile::TempDir,
}

fn config_for(issuer: &str, dir: &std::path::Path, addr: SocketAddr) -> Config {
    let text = format!(
        "addr = \"{addr}\"\npublic_url = \"http://{addr}\"\ndata_dir = \"{}\"\n\
         [oidc]\nissuer = \"{issuer}\"\nclient_id = \"govlab-portal\"\n\
         client_secret = \"portal-secret\"\nscopes = [\"profile\", \"govlab\"]\n\
         api_audiences = [\"{API_RESOURCE}\"]\n",
        dir.display()
    );
    Config::parse(&text).expect("config parses")
}

/// Starts the provider and a portal using it.
async fn start() -> Option<(Provider, Portal)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let url = format!("http://{addr}");
    let provider = start_provider(&url).await?;
    let dir = tempfile::tempdir().expect("tempdir");
    let state = AppState::new(config_for(&provider.issuer, dir.path(), addr))
        .await
        .expect("the portal starts with the provider");
    let app = Router::new()
        .route("/test/me", get(whoami))
        .with_state(state.clone())
        .merge(govlab_portal::router(state.clone()));
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    Some((
        provider,
        Portal {
            url,
            state,
            _dir: dir,
        },
    ))
}

// ---------------------------------------------------------------------
// A minimal browser: no automatic redirects, a cookie jar.

struct Browser {
    http: reqwest::Client,
    jar: Vec<(String, String)>,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            jar: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let Some((name, rest)) = text.split_once('=') else {
                continue;
            };
            let value = rest.split(';').next().unwrap_or("").to_owned();
            let expired = text.to_ascii_lowercase().contains("max-age=0")
                || text
                    .to_ascii_lowercase()
                    .contains("expires=thu, 01 jan 1970");
            self.jar.retain(|(k, _)| k != name);
            if !expired && !value.is_empty() {
                self.jar.push((name.to_owned(), value));
            }
        }
    }

    async fn get(&mut self, url: &str) -> reqwest::Response {
        let response = self
            .http
            .get(url)
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.keep_cookies(&response);
        response
    }

    async fn post_form(&mut self, url: &str, pairs: &[(&str, &str)]) -> reqwest::Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let response = self
            .http
            .post(url)
            .header(reqwest::header::COOKIE, self.cookie_header())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .expect("POST");
        self.keep_cookies(&response);
        response
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.jar
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn location(from: &str, response: &reqwest::Response) -> String {
    let loc = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a Location header");
    url::Url::parse(from)
        .and_then(|base| base.join(loc))
        .expect("a valid Location")
        .to_string()
}

/// Logs `user` in through the provider's login form, following redirects
/// until the portal's callback answers. Returns the callback URL and the
/// callback's response.
async fn login_as(
    browser: &mut Browser,
    portal: &Portal,
    user: &str,
) -> (String, reqwest::Response) {
    let mut url = format!("{}/auth/oidc/start?next=/test/me", portal.url);
    for _ in 0..20 {
        let response = browser.get(&url).await;
        if url.starts_with(&format!("{}/auth/callback", portal.url)) {
            return (url, response);
        }
        if response.status().is_redirection() {
            url = location(&url, &response);
            continue;
        }
        assert!(
            url.contains("/interaction/") && response.status().is_success(),
            "unexpected {} at {url}: {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
        let response = browser
            .post_form(
                &url,
                &[("prompt", "login"), ("login", user), ("password", "any")],
            )
            .await;
        assert!(
            response.status().is_redirection(),
            "login form answered {}",
            response.status()
        );
        url = location(&url, &response);
    }
    panic!("too many redirects logging in as {user}");
}

async fn audit(state: &AppState) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT action, actor, detail FROM audit_log ORDER BY at")
        .fetch_all(&state.db)
        .await
        .expect("audit")
}

// ---------------------------------------------------------------------
// Against the real provider.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_login_with_code_and_pkce_gives_a_session() {
    let Some((_provider, portal)) = start().await else {
        return;
    };

    // The login page offers the provider, not a token field.
    let mut browser = Browser::new();
    let page = browser
        .get(&format!("{}/login?next=/agents", portal.url))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("/auth/oidc/start"), "{page}");
    assert!(!page.contains(r#"name="token""#), "{page}");

    let (callback, response) = login_as(&mut browser, &portal, "alice").await;
    assert_eq!(response.status(), 303, "callback: {callback}");
    assert_eq!(
        location(&callback, &response),
        format!("{}/test/me", portal.url)
    );
    assert!(browser.cookie("govlab_session").is_some());
    let me: Value = browser
        .get(&format!("{}/test/me", portal.url))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["subject"], "alice");
    assert_eq!(me["role"], "startup");
    assert_eq!(me["team"], "team-a");
    assert_eq!(me["name"], "Alice Startup");

    // The callback works once: a replay (even with the state cookie) fails.
    let state = url::Url::parse(&callback)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state in callback");
    let replay = reqwest::Client::new()
        .get(&callback)
        .header("Cookie", format!("govlab_oidc_state={state}"))
        .send()
        .await
        .expect("replay");
    assert_eq!(replay.status(), 400);
    assert!(
        replay.text().await.expect("text").contains("already used"),
        "replay page"
    );

    // Staff and investors too; staff carry no team.
    for (user, role) in [("sam", "staff"), ("ivy", "investor")] {
        let mut browser = Browser::new();
        let (_, response) = login_as(&mut browser, &portal, user).await;
        assert_eq!(response.status(), 303, "{user}");
        let me: Value = browser
            .get(&format!("{}/test/me", portal.url))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(me["role"], role);
        assert_eq!(me["team"], Value::Null);
    }

    // A person without a lab role is refused with a page, not logged in.
    let mut browser = Browser::new();
    let (_, response) = login_as(&mut browser, &portal, "nora").await;
    assert_eq!(response.status(), 403);
    assert!(browser.cookie("govlab_session").is_none());
    let page = response.text().await.expect("page");
    assert!(page.contains("no lab role"), "{page}");

    // A token login is refused while a provider is configured.
    let response = browser
        .post_form(
            &format!("{}/login", portal.url),
            &[("token", "glt_x"), ("next", "/")],
        )
        .await;
    assert_eq!(response.status(), 400);

    let log = audit(&portal.state).await;
    assert_eq!(
        log.iter().filter(|(a, _, _)| a == "login").count(),
        3,
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|(a, _, d)| a == "login_failed" && d.contains("no lab role")),
        "{log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_from_another_browser_is_refused() {
    let Some((_provider, portal)) = start().await else {
        return;
    };
    let mut victim = Browser::new();
    let (callback, _) = {
        // The attacker starts a login and completes it at the provider,
        // then hands the callback URL to another browser.
        let mut attacker = Browser::new();
        let mut url = format!("{}/auth/oidc/start", portal.url);
        loop {
            let response = attacker.get(&url).await;
            if response.status().is_redirection() {
                let next = location(&url, &response);
                if next.starts_with(&format!("{}/auth/callback", portal.url)) {
                    break (next, ());
                }
                url = next;
            } else {
                let response = attacker
                    .post_form(&url, &[("prompt", "login"), ("login", "sam")])
                    .await;
                url = location(&url, &response);
            }
        }
    };
    let response = victim.get(&callback).await;
    assert_eq!(response.status(), 400);
    assert!(victim.cookie("govlab_session").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_jwts_are_bearers() {
    let Some((provider, portal)) = start().await else {
        return;
    };
    let me = |token: String| {
        let url = format!("{}/test/me", portal.url);
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("request")
        }
    };

    let token = client_credentials_token(&provider.issuer, "govlab-cli", "cli-secret", None, &[])
        .await
        .expect("client credentials");
    let response = me(token.clone()).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["role"], "startup");
    assert_eq!(body["team"], "team-a");
    assert_eq!(body["subject"], "govlab-cli");

    let staff = client_credentials_token(
        &provider.issuer,
        "govlab-cli-staff",
        "cli-staff-secret",
        Some(API_RESOURCE),
        &[],
    )
    .await
    .expect("client credentials");
    let body: Value = me(staff).await.json().await.expect("json");
    assert_eq!(body["role"], "staff");

    // Wrong secret: the provider refuses, with a clear message.
    let err = client_credentials_token(&provider.issuer, "govlab-cli", "wrong", None, &[])
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("refused"), "{err}");

    // Tampered payload (team-a → team-b): the signature no longer holds.
    let parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.decode(parts[1]).expect("b64");
    let payload = String::from_utf8(payload)
        .expect("utf8")
        .replace("team-a", "team-b");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload),
        parts[2]
    );
    assert_eq!(me(tampered).await.status(), 401);

    // Signed by someone else with the provider's key id: refused.
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("json");
    let kid = header["kid"].as_str().expect("kid").to_owned();
    let (foreign, _) = ed25519_key(&kid);
    let forged = sign(
        &foreign,
        &kid,
        &json!({
            "iss": provider.issuer, "aud": API_RESOURCE, "sub": "mallory",
            "exp": now() + 600, "iat": now(), "govlab_role": "staff",
        }),
    );
    assert_eq!(me(forged).await.status(), 401);

    // A shared-secret token (alg confusion) is refused.
    let hs = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"iss": provider.issuer, "aud": API_RESOURCE, "sub": "m", "exp": now() + 600, "govlab_role": "staff"}),
        &EncodingKey::from_secret(b"portal-secret"),
    )
    .expect("hs256");
    assert_eq!(me(hs).await.status(), 401);
}

#[tokio::test]
async fn an_unreachable_provider_stops_the_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let config = config_for(
        &format!("http://127.0.0.1:{port}"),
        dir.path(),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    );
    let err = AppState::new(config).await.expect_err("refused");
    assert!(matches!(err, StartError::Oidc(_)), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("identity provider") && message.contains("discovery"),
        "{message}"
    );
}

// ---------------------------------------------------------------------
// The validator alone, with keys made here.

const ISSUER: &str = "https://idp.example";
const CLIENT: &str = "govlab-portal";

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// A fresh Ed25519 key: the signing key and its public JWK.
fn ed25519_key(kid: &str) -> (EncodingKey, Jwk) {
    let seed = govlab_portal::db::random_bytes::<32>();
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&seed);
    let key = EncodingKey::from_ed_der(&der);
    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::EdDSA).expect("jwk");
    jwk.common.key_id = Some(kid.to_owned());
    (key, jwk)
}

fn sign(key: &EncodingKey, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key).expect("sign")
}

fn id_claims(nonce: &str) -> Value {
    json!({
        "iss": ISSUER, "aud": CLIENT, "sub": "alice", "nonce": nonce,
        "iat": now(), "exp": now() + 300,
        "govlab_role": "startup", "govlab_team": "team-a",
    })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

#[tokio::test]
async fn id_token_checks() {
    let (key, jwk) = ed25519_key("k1");
    let verifier = Verifier::from_jwks(ISSUER, JwkSet { keys: vec![jwk] });
    let check = |token: String, nonce: &'static str| {
        let verifier = &verifier;
        async move { verifier.verify_id_token(&token, CLIENT, nonce).await }
    };

    let claims = check(sign(&key, "k1", &id_claims("n1")), "n1")
        .await
        .expect("a good ID token passes");
    assert_eq!(claims["govlab_role"], "startup");

    // Audience as a list containing us is fine.
    let list = with(id_claims("n1"), "aud", json!(["other", CLIENT]));
    let list = with(list, "azp", json!(CLIENT));
    check(sign(&key, "k1", &list), "n1")
        .await
        .expect("aud list with azp");

    let err = check(sign(&key, "k1", &id_claims("n1")), "n2")
        .await
        .expect_err("wrong nonce");
    assert!(matches!(err, JwtError::Nonce), "{err}");
    let no_nonce = id_claims("n1")
        .as_object()
        .map(|m| {
            let mut m = m.clone();
            m.remove("nonce");
            Value::Object(m)
        })
        .expect("object");
    assert!(check(sign(&key, "k1", &no_nonce), "n1").await.is_err());

    for (what, claims) in [
        (
            "wrong audience",
            with(id_claims("n1"), "aud", json!("someone-else")),
        ),
        (
            "wrong issuer",
            with(id_claims("n1"), "iss", json!("https://evil.example")),
        ),
        ("expired", with(id_claims("n1"), "exp", json!(now() - 3600))),
        (
            "issued in the future",
            with(id_claims("n1"), "iat", json!(now() + 3600)),
        ),
        (
            "issued to another client",
            with(
                with(id_claims("n1"), "aud", json!([CLIENT, "other"])),
                "azp",
                json!("other"),
            ),
        ),
    ] {
        let err = check(sign(&key, "k1", &claims), "n1")
            .await
            .expect_err(what);
        assert!(matches!(err, JwtError::Invalid(_)), "{what}: {err}");
    }

    // Tampered: the payload of one token with the signature of another.
    let good = sign(&key, "k1", &id_claims("n1"));
    let other = sign(&key, "k1", &with(id_claims("n1"), "sub", json!("mallory")));
    let good_parts: Vec<&str> = good.split('.').collect();
    let other_parts: Vec<&str> = other.split('.').collect();
    let tampered = format!("{}.{}.{}", good_parts[0], other_parts[1], good_parts[2]);
    let err = check(tampered, "n1").await.expect_err("tampered");
    assert!(matches!(err, JwtError::Invalid(_)), "{err}");

    // Another key under the same kid; an unknown kid.
    let (foreign, _) = ed25519_key("k1");
    let err = check(sign(&foreign, "k1", &id_claims("n1")), "n1")
        .await
        .expect_err("foreign key");
    assert!(matches!(err, JwtError::Invalid(_)), "{err}");
    let err = check(sign(&key, "k2", &id_claims("n1")), "n1")
        .await
        .expect_err("unknown kid");
    assert!(matches!(err, JwtError::UnknownKey(_)), "{err}");

    // Shared-secret and unsigned tokens never reach a key.
    let hs = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &id_claims("n1"),
        &EncodingKey::from_secret(b"secret"),
    )
    .expect("hs");
    let err = check(hs, "n1").await.expect_err("hs256");
    assert!(matches!(err, JwtError::Algorithm(_)), "{err}");
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(id_claims("n1").to_string())
    );
    assert!(check(none, "n1").await.is_err());
}

#[tokio::test]
async fn access_token_checks() {
    let (key, jwk) = ed25519_key("k1");
    let verifier = Verifier::from_jwks(ISSUER, JwkSet { keys: vec![jwk] });
    let audiences = vec![API_RESOURCE.to_owned()];
    let claims = json!({
        "iss": ISSUER, "aud": API_RESOURCE, "client_id": "govlab-cli",
        "iat": now(), "exp": now() + 300, "govlab_role": "staff",
    });
    verifier
        .verify_access_token(&sign(&key, "k1", &claims), &audiences)
        .await
        .expect("good access token");
    for (what, claims) in [
        (
            "wrong audience",
            with(claims.clone(), "aud", json!("govlab-portal")),
        ),
        ("expired", with(claims.clone(), "exp", json!(now() - 3600))),
        (
            "wrong issuer",
            with(claims.clone(), "iss", json!("https://evil.example")),
        ),
    ] {
        let err = verifier
            .verify_access_token(&sign(&key, "k1", &claims), &audiences)
            .await
            .expect_err(what);
        assert!(matches!(err, JwtError::Invalid(_)), "{what}: {err}");
    }
}

// ---------------------------------------------------------------------
// `govlab submit`'s client against a stand-in of the API routes (under
// `/fake`, so it never collides with the real API), with a provider token.

mod fake_api {
    use axum::extract::{Path, Query};
    use axum::http::HeaderMap;
    use serde_json::{Value, json};

    use super::Principal;

    pub async fn list(principal: Principal) -> axum::Json<Value> {
        let team = principal.team.unwrap_or_default();
        axum::Json(json!({
            "items": [{"id": "a1", "name": "triage", "team": team}],
            "limit": 100,
            "offset": 0,
            "next_offset": null,
        }))
    }

    pub async fn create(_principal: Principal, body: axum::Json<Value>) -> axum::Json<Value> {
        axum::Json(json!({"id": "a2", "name": body["name"], "scenario": body["scenario"]}))
    }

    pub async fn upload(
        principal: Principal,
        Path(id): Path<String>,
        Query(query): Query<std::collections::HashMap<String, String>>,
        headers: HeaderMap,
        body: axum::body::Bytes,
    ) -> Result<axum::Json<Value>, govlab_portal::PortalError> {
        if headers.get("content-type").and_then(|v| v.to_str().ok()) != Some("application/wasm") {
            return Err(govlab_portal::PortalError::bad_request(
                "send application/wasm",
            ));
        }
        if body.len() < 4 {
            return Err(govlab_portal::PortalError::bad_request(
                "the sandbox refused this file: too short",
            ));
        }
        Ok(axum::Json(json!({
            "id": "v1", "agent_id": id, "version": 3, "size": body.len(),
            "notes": query.get("notes"), "by": principal.subject,
        })))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_client_talks_to_the_api_with_a_provider_token() {
    use govlab_portal::auth::client::{ClientError, PortalClient};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let Some(provider) = start_provider(&format!("http://{addr}")).await else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let state = AppState::new(config_for(&provider.issuer, dir.path(), addr))
        .await
        .expect("portal state");
    let app = Router::new()
        .route(
            "/fake/api/agents",
            get(fake_api::list).post(fake_api::create),
        )
        .route(
            "/fake/api/agents/{id}/versions",
            axum::routing::post(fake_api::upload),
        )
        .with_state(state.clone())
        .merge(govlab_portal::router(state));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let base = format!("http://{addr}/fake");

    let token = client_credentials_token(&provider.issuer, "govlab-cli", "cli-secret", None, &[])
        .await
        .expect("token");
    let client = PortalClient::new(&base, &token).expect("client");
    let agents = client.list_agents().await.expect("list");
    assert_eq!(agents[0].name, "triage");
    assert_eq!(agents[0].team.as_deref(), Some("team-a"));
    let created = client
        .create_agent("new-one", "appeals-triage")
        .await
        .expect("create");
    assert_eq!(created.id, "a2");
    let version = client
        .upload_version("a1", b"\0asm\x0d\0\x01\0".to_vec(), Some("first try"))
        .await
        .expect("upload");
    assert_eq!(version["version"], 3);
    assert_eq!(version["notes"], "first try");
    assert_eq!(version["by"], "govlab-cli");

    let err = client
        .upload_version("a1", b"\0".to_vec(), None)
        .await
        .expect_err("400");
    assert!(
        matches!(&err, ClientError::Rejected { status: 400, message } if message.contains("sandbox refused")),
        "{err}"
    );
    let refused = PortalClient::new(&base, "glt_wrong").expect("client");
    let err = refused.list_agents().await.expect_err("401");
    assert!(matches!(err, ClientError::Refused(_)), "{err}");
    assert!(err.to_string().contains("the token was refused"), "{err}");
    let nowhere =
        PortalClient::new(&format!("http://127.0.0.1:{}", free_port()), &token).expect("client");
    let err = nowhere.list_agents().await.expect_err("unreachable");
    assert!(matches!(err, ClientError::Unreachable { .. }), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_cached_and_refetched_for_an_unknown_kid() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let (key1, jwk1) = ed25519_key("k1");
    let (key2, jwk2) = ed25519_key("k2");
    let served = Arc::new(Mutex::new(JwkSet { keys: vec![jwk1] }));
    let hits = Arc::new(AtomicUsize::new(0));
    let app = {
        let served = Arc::clone(&served);
        let hits = Arc::clone(&hits);
        Router::new().route(
            "/jwks",
            get(move || {
                let served = Arc::clone(&served);
                let hits = Arc::clone(&hits);
                async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    let set = served.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    axum::Json(serde_json::to_value(set).unwrap_or(Value::Null))
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let verifier = Verifier::remote(
        ISSUER,
        &format!("http://{addr}/jwks"),
        reqwest::Client::new(),
    );
    let claims = json!({"iss": ISSUER, "aud": API_RESOURCE, "sub": "c", "exp": now() + 300});
    let audiences = vec![API_RESOURCE.to_owned()];

    for _ in 0..2 {
        verifier
            .verify_access_token(&sign(&key1, "k1", &claims), &audiences)
            .await
            .expect("k1");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1, "fetched once, then cached");
    let err = verifier
        .verify_access_token(&sign(&key2, "k2", &claims), &audiences)
        .await
        .expect_err("k2 not published yet");
    assert!(matches!(err, JwtError::UnknownKey(_)), "{err}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "no refetch storm");

    // The provider rotates its key; after the refetch pause, k2 works.
    *served.lock().unwrap_or_else(|p| p.into_inner()) = JwkSet { keys: vec![jwk2] };
    tokio::time::sleep(Duration::from_millis(5_200)).await;
    verifier
        .verify_access_token(&sign(&key2, "k2", &claims), &audiences)
        .await
        .expect("k2 after rotation");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}
