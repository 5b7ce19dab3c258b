//! The login and logout routes: `GET|POST /login`, `GET /auth/oidc/start`,
//! `GET /auth/callback`, `POST /logout`.
//!
//! Without an `[oidc]` section a person logs in with a lab API token; with
//! one, only through the identity provider (`post_login` says why).
//! Pages use the portal's frame and texts ([`crate::pages`], [`crate::i18n`]).

use axum::extract::{Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Router};
use maud::{Markup, html};
use serde::Deserialize;

use super::oidc::LoginError;
use super::session::{self, NewSession};
use super::{ClientIp, cookie_value, csrf_from_headers, safe_next, tokens, verify_csrf};
use crate::db::now_ms;
use crate::error::PortalError;
use crate::i18n::Lang;
use crate::model::{self, AuditEntry};
use crate::pages::{Ctx, layout_class};
use crate::principal::{AuthMethod, Principal, Role};
use crate::security::Bucket;
use crate::state::AppState;

/// Cookie binding an OIDC login in flight to the browser that started it
/// (a callback from another browser is refused: no login CSRF).
pub const OIDC_STATE_COOKIE: &str = "govlab_oidc_state";

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/login",
            axum::routing::get(get_login)
                .post(post_login)
                .layer(axum::middleware::from_fn(crate::pages::page_layer)),
        )
        .route("/auth/oidc/start", axum::routing::get(oidc_start))
        .route("/auth/callback", axum::routing::get(oidc_callback))
        .route("/logout", axum::routing::post(logout))
}

/// `?next=` of the login routes.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    /// Local path to return to after login.
    #[serde(default)]
    pub next: Option<String>,
}

/// The token login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    /// A lab API token (`glt_…`).
    #[serde(default)]
    pub token: String,
    /// Local path to return to.
    #[serde(default)]
    pub next: Option<String>,
}

fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    layout_class(
        ctx,
        title,
        html! {},
        "login",
        html! {
            h1 { (title) }
            (body)
        },
    )
}

/// The login page: a token form, or the identity provider's button.
/// `ctx` gives the language (and the switcher's address).
fn login_page(ctx: &Ctx, state: &AppState, next: &str, error: Option<&str>) -> Markup {
    let oidc = state.auth.oidc().is_some();
    page(
        ctx,
        ctx.t("login.title"),
        html! {
            @if let Some(error) = error {
                p class="error" role="alert" { (error) }
            }
            @if oidc {
                form method="get" action="/auth/oidc/start" {
                    input type="hidden" name="next" value=(next);
                    button type="submit" { (ctx.t("login.with_provider")) }
                }
            } @else {
                form method="post" action="/login" {
                    input type="hidden" name="next" value=(next);
                    label for="token" { (ctx.t("login.token")) }
                    input type="password" id="token" name="token" autocomplete="off" required placeholder="glt_…" aria-describedby="token-hint";
                    button type="submit" { (ctx.t("login.submit")) }
                }
                p.hint #token-hint { (ctx.t("login.hint")) }
            }
        },
    )
}

/// The context of a login page: the switcher keeps the (checked) `next`.
fn login_ctx(lang: Lang, next: &str) -> Ctx {
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    Ctx::anonymous(lang, "/login", Some(&format!("next={next}")))
}

fn message_page(lang: Lang, status: StatusCode, title: &str, message: &str) -> Response {
    let ctx = Ctx::anonymous(lang, "/login", None);
    (
        status,
        page(
            &ctx,
            title,
            html! {
                p class="error" role="alert" { (message) }
                p { a href="/login" { (ctx.t("login.back")) } }
            },
        ),
    )
        .into_response()
}

fn redirect_with_cookies(to: &str, cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(LOCATION, location);
    }
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

async fn get_login(
    State(state): State<AppState>,
    lang: Lang,
    Query(query): Query<NextQuery>,
) -> Markup {
    let next = safe_next(query.next.as_deref());
    login_page(&login_ctx(lang, &next), &state, &next, None)
}

async fn audit_login(
    state: &AppState,
    actor: &str,
    role: Option<Role>,
    team: Option<&str>,
    action: &str,
    detail: &str,
    ip: &str,
) {
    let entry = AuditEntry {
        at: now_ms(),
        actor: actor.to_owned(),
        role: role.map_or("", Role::as_str).to_owned(),
        team: team.map(str::to_owned),
        action: action.to_owned(),
        target: None,
        detail: detail.to_owned(),
        ip: Some(ip.to_owned()),
    };
    if let Err(err) = model::audit(&state.db, &entry).await {
        tracing::error!("audit log write failed for {action}: {err}");
    }
}

/// `POST /login` with an API token.
///
/// When an identity provider is configured this is refused: people then
/// log in through the provider, so its policies (second factor, leaving
/// the lab) govern every browser session, and a leaked long-lived API
/// token cannot be turned into a browser session on a phishing page.
/// Tokens keep working as API bearers.
async fn post_login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    lang: Lang,
    Form(form): Form<LoginForm>,
) -> Result<Response, PortalError> {
    state.limiter.check(Bucket::Login, &ip)?;
    let next = safe_next(form.next.as_deref());
    let ctx = login_ctx(lang, &next);
    if state.auth.oidc().is_some() {
        audit_login(
            &state,
            "anonymous",
            None,
            None,
            "login_failed",
            "token login refused: an identity provider is configured",
            &ip,
        )
        .await;
        return Ok((
            StatusCode::BAD_REQUEST,
            login_page(&ctx, &state, &next, Some(ctx.t("login.use_provider"))),
        )
            .into_response());
    }
    let token = form.token.trim();
    let principal = if token.is_empty() {
        None
    } else {
        tokens::authenticate(&state.db, token).await?
    };
    let Some(principal) = principal else {
        audit_login(
            &state,
            "anonymous",
            None,
            None,
            "login_failed",
            "invalid or revoked API token",
            &ip,
        )
        .await;
        return Ok((
            StatusCode::UNAUTHORIZED,
            login_page(&ctx, &state, &next, Some(ctx.t("login.invalid_token"))),
        )
            .into_response());
    };
    let created = session::create(
        &state.db,
        &NewSession {
            subject: &principal.subject,
            display_name: &principal.display_name,
            role: principal.role,
            team: principal.team.as_deref(),
        },
    )
    .await?;
    audit_login(
        &state,
        &principal.subject,
        Some(principal.role),
        principal.team.as_deref(),
        "login",
        "API token",
        &ip,
    )
    .await;
    Ok(redirect_with_cookies(
        &next,
        &[session::set_cookie(&created.secret)],
    ))
}

async fn oidc_start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Query(query): Query<NextQuery>,
) -> Result<Response, PortalError> {
    // Each start writes a row: count it as a login attempt.
    state.limiter.check(Bucket::Login, &ip)?;
    let Some(oidc) = state.auth.oidc() else {
        return Err(PortalError::NotFound(
            "an identity provider (none is configured)".into(),
        ));
    };
    let next = safe_next(query.next.as_deref());
    let (url, login_state) = oidc.begin(&state.db, &next).await?;
    let cookie = format!(
        "{OIDC_STATE_COOKIE}={login_state}; HttpOnly; Secure; SameSite=Lax; Path=/auth/callback; Max-Age={}",
        super::oidc::LOGIN_TTL_MS / 1000
    );
    Ok(redirect_with_cookies(&url, &[cookie]))
}

/// The provider's answer.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    /// The authorization code.
    #[serde(default)]
    pub code: Option<String>,
    /// The state we sent.
    #[serde(default)]
    pub state: Option<String>,
    /// The provider's error code, when it refused.
    #[serde(default)]
    pub error: Option<String>,
    /// Its explanation.
    #[serde(default)]
    pub error_description: Option<String>,
    /// The issuer that answered (RFC 9207), when the provider says.
    #[serde(default)]
    pub iss: Option<String>,
}

async fn oidc_callback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    lang: Lang,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, PortalError> {
    let Some(oidc) = state.auth.oidc() else {
        return Err(PortalError::NotFound(
            "an identity provider (none is configured)".into(),
        ));
    };
    let clear_state = format!(
        "{OIDC_STATE_COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/auth/callback; Max-Age=0"
    );
    let result = async {
        if let Some(error) = &query.error {
            let description = query.error_description.as_deref().unwrap_or("");
            return Err(LoginError::Provider(
                format!("{error} {description}").trim().to_owned(),
            ));
        }
        let (Some(code), Some(login_state)) = (&query.code, &query.state) else {
            return Err(LoginError::UnknownState);
        };
        // Mix-up defence: an answer naming another issuer is not ours.
        if let Some(iss) = &query.iss
            && iss.trim_end_matches('/') != oidc.config().issuer.trim_end_matches('/')
        {
            return Err(LoginError::Provider(format!(
                "the answer came from {iss:?}, not from the configured provider"
            )));
        }
        let bound = cookie_value(&headers, OIDC_STATE_COOKIE).is_some_and(|cookie| {
            super::jwt::constant_time_eq(cookie.as_bytes(), login_state.as_bytes())
        });
        if !bound {
            return Err(LoginError::UnknownState);
        }
        oidc.finish(&state.db, code, login_state).await
    }
    .await;
    let (identity, return_to) = match result {
        Ok(done) => done,
        Err(LoginError::Portal(err)) => return Err(err),
        Err(err) => {
            audit_login(
                &state,
                "anonymous",
                None,
                None,
                "login_failed",
                &format!("identity provider: {err}"),
                &ip,
            )
            .await;
            let status = match err {
                LoginError::NoRole(_) => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            // The provider's and the claims' details stay as they are.
            let message = match err {
                LoginError::UnknownState => lang.t("login.expired").to_owned(),
                _ => err.to_string(),
            };
            let mut response = message_page(lang, status, lang.t("login.refused"), &message);
            if let Ok(value) = HeaderValue::from_str(&clear_state) {
                response.headers_mut().append(SET_COOKIE, value);
            }
            return Ok(response);
        }
    };
    if let Some(team) = &identity.team {
        model::ensure_team(&state.db, team).await?;
    }
    let created = session::create(
        &state.db,
        &NewSession {
            subject: &identity.subject,
            display_name: &identity.display_name,
            role: identity.role,
            team: identity.team.as_deref(),
        },
    )
    .await?;
    audit_login(
        &state,
        &identity.subject,
        Some(identity.role),
        identity.team.as_deref(),
        "login",
        "identity provider",
        &ip,
    )
    .await;
    Ok(redirect_with_cookies(
        &safe_next(Some(&return_to)),
        &[session::set_cookie(&created.secret), clear_state],
    ))
}

async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    principal: Option<Principal>,
    body: axum::body::Bytes,
) -> Result<Response, PortalError> {
    let Some(principal) = principal else {
        return Ok(redirect_with_cookies("/login", &[session::clear_cookie()]));
    };
    if principal.method == AuthMethod::Bearer {
        return Err(PortalError::bad_request(
            "a bearer token has no session to end; revoke the token instead",
        ));
    }
    let form_csrf = url::form_urlencoded::parse(&body)
        .find(|(key, _)| key == "csrf")
        .map(|(_, value)| value.into_owned());
    verify_csrf(
        &principal,
        form_csrf.as_deref().or(csrf_from_headers(&headers)),
    )?;
    if let Some(secret) = cookie_value(&headers, session::SESSION_COOKIE) {
        session::delete(&state.db, secret).await?;
    }
    audit_login(
        &state,
        &principal.subject,
        Some(principal.role),
        principal.team.as_deref(),
        "logout",
        "",
        &ip,
    )
    .await;
    Ok(redirect_with_cookies("/login", &[session::clear_cookie()]))
}
