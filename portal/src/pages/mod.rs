//! Server-rendered HTML pages (maud): scoreboard, pilots, agents, staff.
//!
//! Pages read and act only through [`crate::actions`] and [`crate::model`].
//! A layer on these routes ([`page_layer`]) turns error responses (those
//! carrying [`ErrorInfo`]) into an HTML page in the visitor's language, and
//! an unauthenticated visit into a redirect to `/login?next=…`. Every text
//! comes from [`crate::i18n`].

mod agents;
mod assets;
mod charts;
mod pilots;
mod scoreboard;
mod staff;

use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};

use crate::auth;
use crate::error::{ErrorInfo, PortalError};
use crate::i18n::{LANG_COOKIE, Lang};
use crate::principal::{Principal, Role};
use crate::state::AppState;

/// Page routes, wrapped in the HTML error layer.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(scoreboard::home))
        .route("/scoreboard", get(scoreboard::scoreboard))
        .route("/scoreboard.csv", get(scoreboard::scoreboard_csv))
        .route("/pilots/{id}", get(pilots::pilot))
        .route("/pilots/{id}/verify", get(pilots::verify))
        .route("/pilots/{id}/scorecard.json", get(pilots::scorecard_json))
        .route("/agents", get(agents::list).post(agents::create))
        .route("/agents/{id}", get(agents::agent))
        .route("/agents/{id}/upload", get(agents::upload_form))
        .route(
            "/agents/{id}/versions",
            post(agents::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/versions/{id}/submit", post(agents::submit))
        .route("/versions/{id}/pilots", post(agents::run_pilot))
        .route("/versions/{id}/review", post(agents::review))
        .route("/staff", get(staff::staff))
        .route("/staff/scenarios/{id}", post(staff::set_scenario))
        .route("/compare", get(staff::compare))
        .layer(axum::middleware::from_fn(page_layer))
        .route("/assets/{*path}", get(assets::asset))
}

/// What every page knows about its request: language, visitor, address.
pub(crate) struct Ctx {
    /// Interface language.
    pub lang: Lang,
    /// The signed-in principal, if any.
    pub who: Option<Principal>,
    /// Path and query of the request (for the language switcher).
    pub path: String,
    /// Query without any `lang=` pair.
    pub query: String,
}

impl Ctx {
    /// Text in the page's language.
    pub fn t(&self, key: &'static str) -> &'static str {
        self.lang.t(key)
    }

    /// A scenario's title in the page's language (its definition's title
    /// if untranslated).
    pub fn scenario_title<'a>(
        &self,
        scenario: &'a govlab_scenarios::scenario::Scenario,
    ) -> &'a str {
        self.lang
            .scenario_title(scenario.id(), &scenario.def().title)
    }

    /// A metric's name in the page's language (the raw name if
    /// untranslated).
    pub fn metric_name<'a>(&self, name: &'a str) -> &'a str {
        self.lang.metric_name(name)
    }

    /// The principal, or 401 (which the layer turns into a login redirect).
    pub fn principal(&self) -> Result<&Principal, PortalError> {
        self.who.as_ref().ok_or(PortalError::Unauthenticated)
    }

    /// The context of a page outside the page routes (login, sign-in
    /// refusals): no principal; `path` and `query` feed the switcher.
    pub(crate) fn anonymous(lang: Lang, path: &str, query: Option<&str>) -> Ctx {
        Ctx {
            lang,
            who: None,
            path: path.to_owned(),
            query: switcher_query(query),
        }
    }

    /// The hidden CSRF field for a state-changing form (empty for bearer
    /// logins, which need none).
    pub fn csrf_field(&self) -> Markup {
        html! {
            @if let Some(token) = self.who.as_ref().and_then(Principal::csrf_token) {
                input type="hidden" name="csrf" value=(token);
            }
        }
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PortalError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = Lang::of_request(parts);
        let who = auth::principal_of(parts, state).await?;
        Ok(Ctx {
            lang,
            who,
            path: parts.uri.path().to_owned(),
            query: switcher_query(parts.uri.query()),
        })
    }
}

/// A query without any `lang=` pair.
fn switcher_query(query: Option<&str>) -> String {
    query
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
        .collect::<Vec<_>>()
        .join("&")
}

/// Turns error responses of page routes into HTML in the visitor's
/// language, `401` into a redirect to the login page, and remembers a
/// `?lang=` choice in a cookie.
pub async fn page_layer(request: Request, next: Next) -> Response {
    let lang = Lang::of_request_headers(request.uri(), request.headers());
    let chosen = request
        .uri()
        .query()
        .and_then(crate::i18n::query_lang)
        .and_then(Lang::parse);
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
    let seen = request
        .extensions()
        .get::<crate::metrics::PrincipalSlot>()
        .cloned();
    let mut response = next.run(request).await;
    if let Some(info) = response.extensions().get::<ErrorInfo>().cloned() {
        let status = response.status();
        let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
        response = if status == StatusCode::UNAUTHORIZED {
            login_redirect(&target)
        } else {
            let who = seen.as_ref().and_then(|slot| slot.get().cloned());
            let mut page = (status, error_page(lang, who, status, &info)).into_response();
            if let Some(value) = retry_after {
                page.headers_mut().insert(header::RETRY_AFTER, value);
            }
            page
        };
    }
    if let Some(lang) = chosen
        && let Ok(value) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `303` to the login page, coming back to `target` afterwards.
pub(crate) fn login_redirect(target: &str) -> Response {
    let next: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    Redirect::to(&format!("/login?next={next}")).into_response()
}

/// The HTML page for an error, in `lang`, with the navigation of `who` (the
/// signed-in visitor, when the request had one).
pub fn error_page(
    lang: Lang,
    who: Option<Principal>,
    status: StatusCode,
    info: &ErrorInfo,
) -> Markup {
    let heading = match info.code {
        "forbidden" => lang.t("err.forbidden"),
        "not_found" => lang.t("err.not_found"),
        "bad_request" => lang.t("err.bad_request"),
        "conflict" => lang.t("err.conflict"),
        "too_large" => lang.t("err.too_large"),
        "rate_limited" => lang.t("err.rate_limited"),
        "csrf" => lang.t("err.csrf"),
        "unauthenticated" => lang.t("err.unauthenticated"),
        _ => lang.t("err.internal"),
    };
    let ctx = Ctx {
        lang,
        who,
        path: "/".into(),
        query: String::new(),
    };
    layout(
        &ctx,
        heading,
        html! {},
        html! {
            section.error role="alert" {
                h1 { (heading) }
                p.status { (lang.t("err.status")) " " (status.as_u16()) }
                p { (info.message) }
                p { a href="/" { (lang.t("err.home")) } }
            }
        },
    )
}

/// The page frame: head, header with navigation and language switcher,
/// main content, footer.
pub(crate) fn layout(ctx: &Ctx, title: &str, head: Markup, main: Markup) -> Markup {
    frame(ctx, title, head, None, main)
}

/// [`layout`] with a class on `<main>` (which then carries only that
/// class; the skip link's target is a wrapper inside it).
pub(crate) fn layout_class(
    ctx: &Ctx,
    title: &str,
    head: Markup,
    class: &str,
    main: Markup,
) -> Markup {
    frame(ctx, title, head, Some(class), main)
}

fn frame(ctx: &Ctx, title: &str, head: Markup, class: Option<&str>, main: Markup) -> Markup {
    let role = ctx.who.as_ref().map(|p| p.role);
    let sep = if ctx.query.is_empty() { "" } else { "&" };
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · govlab" }
                link rel="stylesheet" href=(assets::STYLE_URL);
                (head)
            }
            body {
                a.skip href="#main" { (ctx.t("nav.skip")) }
                header.site {
                    a.brand href="/" { "govlab" }
                    nav aria-label=(ctx.t("nav.label")) {
                        ul {
                            li { a href="/scoreboard" { (ctx.t("nav.scoreboard")) } }
                            @if matches!(role, Some(Role::Startup | Role::Staff)) {
                                li { a href="/agents" { (ctx.t("nav.agents")) } }
                            }
                            @if role == Some(Role::Staff) {
                                li { a href="/staff" { (ctx.t("nav.staff")) } }
                            }
                        }
                    }
                    div.who {
                        @if let Some(p) = &ctx.who {
                            span { (p.display_name) " (" (ctx.t(role_key(p.role))) ")" }
                            form method="post" action="/logout" {
                                (ctx.csrf_field())
                                button.link type="submit" { (ctx.t("nav.logout")) }
                            }
                        } @else {
                            a href="/login" { (ctx.t("nav.login")) }
                        }
                    }
                    nav.langs aria-label=(ctx.t("nav.language")) {
                        @for lang in Lang::ALL {
                            @if lang == ctx.lang {
                                span aria-current="true" lang=(lang.code()) { (lang.name()) }
                            } @else {
                                a href={ (ctx.path) "?" (ctx.query) (sep) "lang=" (lang.code()) } lang=(lang.code()) hreflang=(lang.code()) { (lang.name()) }
                            }
                        }
                    }
                }
                @if let Some(class) = class {
                    main class=(class) { div #main { (main) } }
                } @else {
                    main #main { (main) }
                }
                footer.site {
                    p { (ctx.t("footer.text")) }
                }
            }
        }
    }
}

/// The i18n key of a role's name.
pub(crate) fn role_key(role: Role) -> &'static str {
    match role {
        Role::Startup => "role.startup",
        Role::Staff => "role.staff",
        Role::Investor => "role.investor",
    }
}

/// A score with one decimal in the page's number format; `—` for none.
pub(crate) fn score(lang: Lang, value: Option<f64>) -> String {
    match value {
        Some(v) => lang.number(v, 1),
        None => "—".to_owned(),
    }
}

/// A unix-ms time as `YYYY-MM-DD HH:MM UTC`.
pub(crate) fn when(ms: i64) -> String {
    let (year, month, day, ms_of_day) = crate::db::civil_utc(ms);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60
    )
}

/// A byte count in B, KiB or MiB.
pub(crate) fn bytes(lang: Lang, n: i64) -> String {
    let n = n.max(0) as f64;
    if n >= 1024.0 * 1024.0 {
        format!("{} MiB", lang.number(n / (1024.0 * 1024.0), 1))
    } else if n >= 1024.0 {
        format!("{} KiB", lang.number(n / 1024.0, 1))
    } else {
        format!("{n} B")
    }
}

/// The first characters of a hash or id.
pub(crate) fn short(text: &str) -> &str {
    text.get(..12).unwrap_or(text)
}

/// A `303 See Other` after a successful form post.
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Whether an error is the user's to fix on the same form (shown next to
/// it) rather than a page of its own.
pub(crate) fn is_form_error(err: &PortalError) -> bool {
    matches!(
        err,
        PortalError::BadRequest(_) | PortalError::Conflict(_) | PortalError::TooManyRequests { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(when(0), "1970-01-01 00:00 UTC");
        assert_eq!(when(1_764_072_000_000), "2025-11-25 12:00 UTC");
        assert_eq!(when(951_782_400_000), "2000-02-29 00:00 UTC");
    }
}
