//! Request hygiene: cross-site refusals, body caps, rate limits and
//! security headers.
//!
//! [`layer`] is wrapped around every route by [`crate::router`]: it refuses
//! cross-site state-changing requests ([`cross_site_refusal`]), caps
//! request bodies (agent uploads at `limits.upload_max_bytes`, everything
//! else at `limits.body_max_bytes`; over the cap is a 413 with the JSON
//! error) and adds the security headers to every response.
//! [`RateLimiter`] holds the per-key token buckets that
//! [`crate::actions`] and [`crate::auth`] consult.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::LimitsConfig;
use crate::error::PortalError;
use crate::state::AppState;

/// What a rate limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// Login attempts, per client address.
    Login,
    /// Uploads, per principal.
    Upload,
    /// Pilot requests, per principal.
    Run,
}

impl Bucket {
    const ALL: [Bucket; 3] = [Bucket::Login, Bucket::Upload, Bucket::Run];

    fn what(self) -> &'static str {
        match self {
            Bucket::Login => "login attempts",
            Bucket::Upload => "uploads",
            Bucket::Run => "pilot requests",
        }
    }
}

/// Keys remembered per bucket before idle ones are evicted.
const MAX_KEYS: usize = 10_000;

/// One key's token bucket: `tokens` left as of `at`.
#[derive(Debug, Clone, Copy)]
struct TokenBucket {
    tokens: f64,
    at: Instant,
}

#[derive(Debug)]
struct Limit {
    /// Burst size (the per-minute figure).
    capacity: f64,
    /// Tokens per second.
    rate: f64,
    keys: Mutex<HashMap<String, TokenBucket>>,
}

impl Limit {
    fn new(per_minute: u32) -> Limit {
        let capacity = f64::from(per_minute.max(1));
        Limit {
            capacity,
            rate: capacity / 60.0,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key` at `now`; on refusal, the seconds until
    /// one is available.
    fn take(&self, key: &str, now: Instant) -> Result<(), u64> {
        let Ok(mut keys) = self.keys.lock() else {
            // A poisoned lock only means another request panicked while
            // counting; failing open keeps the portal usable.
            return Ok(());
        };
        if keys.len() >= MAX_KEYS && !keys.contains_key(key) {
            self.evict(&mut keys, now);
        }
        let capacity = self.capacity;
        let rate = self.rate;
        let bucket = keys.entry(key.to_owned()).or_insert(TokenBucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / rate;
            // Whole seconds, at least 1 (the float is small and positive).
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Err((wait.ceil() as u64).max(1))
        }
    }

    /// Drops keys whose bucket has refilled (they are indistinguishable
    /// from new keys); if none has, drops the least recently seen half.
    fn evict(&self, keys: &mut HashMap<String, TokenBucket>, now: Instant) {
        let full_after = Duration::from_secs_f64(self.capacity / self.rate);
        keys.retain(|_, b| now.saturating_duration_since(b.at) < full_after);
        if keys.len() >= MAX_KEYS {
            let mut ages: Vec<Instant> = keys.values().map(|b| b.at).collect();
            ages.sort_unstable();
            let cutoff = ages[ages.len() / 2];
            keys.retain(|_, b| b.at > cutoff);
        }
    }
}

/// Per-key rate limits: a token bucket per (bucket, key) whose size is the
/// per-minute limit from [`LimitsConfig`] and which refills evenly over a
/// minute. Memory is bounded: at most [`MAX_KEYS`] keys per bucket, idle
/// keys evicted first.
///
/// The buckets live in this process. With several portal processes behind
/// a load balancer each enforces its own share, so the effective limit is
/// up to the number of processes times the configured one.
#[derive(Debug)]
pub struct RateLimiter {
    limits: [Limit; 3],
}

impl RateLimiter {
    /// Limits from configuration.
    pub fn new(limits: &LimitsConfig) -> RateLimiter {
        RateLimiter {
            limits: [
                Limit::new(limits.login_per_minute),
                Limit::new(limits.upload_per_minute),
                Limit::new(limits.run_per_minute),
            ],
        }
    }

    fn limit(&self, bucket: Bucket) -> &Limit {
        let idx = Bucket::ALL.iter().position(|b| *b == bucket).unwrap_or(0);
        &self.limits[idx]
    }

    /// Counts one request of `key` in `bucket`; errors when over the limit,
    /// with the seconds until a retry can succeed (`Retry-After`).
    pub fn check(&self, bucket: Bucket, key: &str) -> Result<(), PortalError> {
        self.check_at(bucket, key, Instant::now())
    }

    /// [`RateLimiter::check`] at a given instant (for tests).
    pub fn check_at(&self, bucket: Bucket, key: &str, now: Instant) -> Result<(), PortalError> {
        let limit = self.limit(bucket);
        limit.take(key, now).map_err(|retry_after| {
            // The capacity is a u32 per-minute figure.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let per_minute = limit.capacity as u64;
            PortalError::TooManyRequests {
                message: format!(
                    "too many {} (at most {per_minute} a minute); retry in {retry_after} s",
                    bucket.what()
                ),
                retry_after,
            }
        })
    }

    /// Keys currently remembered in `bucket`.
    pub fn tracked_keys(&self, bucket: Bucket) -> usize {
        self.limit(bucket).keys.lock().map_or(0, |keys| keys.len())
    }
}

/// Routes whose body is an agent binary, with the larger cap.
pub const UPLOAD_ROUTES: [&str; 2] = ["/api/agents/{id}/versions", "/agents/{id}/versions"];

/// `Content-Security-Policy` of every response: scripts and styles from the
/// portal itself only (no inline scripts; inline `style` attributes are
/// allowed for chart bars), no framing, no plugins. No `form-action`:
/// Chrome applies it to the redirects after a form post, which would stop
/// a login form that hands over to the identity provider.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
     frame-ancestors 'none'";

/// The headers [`layer`] adds to every response (unless the handler set
/// them).
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
];

/// The request body cap of `route` (a matched route template).
pub fn body_cap(limits: &LimitsConfig, route: Option<&str>) -> u64 {
    match route {
        Some(route) if UPLOAD_ROUTES.contains(&route) => limits.upload_max_bytes,
        _ => limits.body_max_bytes,
    }
}

/// Middleware for every route (add with `Router::layer` so the matched
/// route is known): body caps and security headers.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let cap = body_cap(&state.config.limits, route.as_deref());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let cross_site = cross_site_refusal(
        request.method(),
        request.headers(),
        &state.config.public_url(),
    );
    let mut response = if let Some(refusal) = cross_site {
        refusal.into_response()
    } else if declared.is_some_and(|n| n > cap) {
        PortalError::TooLarge(cap).into_response()
    } else {
        // Bodies without a (truthful) length are cut off at the cap; the
        // extractors then reject with 413, turned into the JSON error below.
        let limit = usize::try_from(cap).unwrap_or(usize::MAX);
        let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
        next.run(request).await
    };
    // Whoever refused the body (this layer, an extractor, a handler), the
    // answer is the JSON error naming this route's cap.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response = PortalError::TooLarge(cap).into_response();
    }
    add_security_headers(&mut response);
    response
}

/// Refuses a state-changing request made cross-site by a browser (login
/// CSRF, and a second line behind the CSRF tokens): any method but `GET`,
/// `HEAD`, `OPTIONS` and `TRACE`, unless it carries an `Authorization`
/// header (bearer calls carry no ambient credentials). A browser's
/// `Sec-Fetch-Site` must be `same-origin` or `none`; without it, an
/// `Origin` must be the portal's public URL or name the `Host` the
/// request was sent to. Requests with neither header (command-line
/// clients) pass; cookie-authenticated ones still need their CSRF token.
pub fn cross_site_refusal(
    method: &axum::http::Method,
    headers: &axum::http::HeaderMap,
    public_url: &str,
) -> Option<PortalError> {
    use axum::http::Method;
    if matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) || headers.contains_key(header::AUTHORIZATION)
    {
        return None;
    }
    let refused = || {
        Some(PortalError::forbidden(
            "cross-site request refused: send it from the portal's own pages",
        ))
    };
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.to_str().map(str::trim) {
            Ok("same-origin" | "none") => None,
            _ => refused(),
        };
    }
    // No `Origin` either: not a browser's cross-site request.
    let origin = headers.get(header::ORIGIN)?;
    let Some(origin) = origin.to_str().ok().and_then(|o| url::Url::parse(o).ok()) else {
        return refused();
    };
    let authority = |url: &url::Url| {
        url.host_str().map(|host| match url.port() {
            Some(port) => format!("{host}:{port}").to_ascii_lowercase(),
            None => host.to_ascii_lowercase(),
        })
    };
    let Some(origin_authority) = authority(&origin) else {
        return refused();
    };
    let public = url::Url::parse(public_url).ok();
    let same_as_public = public.as_ref().is_some_and(|public| {
        public.scheme() == origin.scheme() && authority(public).as_ref() == Some(&origin_authority)
    });
    let same_as_host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| host.trim().eq_ignore_ascii_case(&origin_authority));
    if same_as_public || same_as_host {
        None
    } else {
        refused()
    }
}

/// Adds [`SECURITY_HEADERS`] to `response` where absent.
pub fn add_security_headers(response: &mut Response) {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        let name = HeaderName::from_static(name);
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_minute: u32) -> LimitsConfig {
        LimitsConfig {
            login_per_minute: per_minute,
            upload_per_minute: per_minute,
            run_per_minute: per_minute,
            ..LimitsConfig::default()
        }
    }

    #[test]
    fn bucket_allows_burst_then_refuses_with_retry_after() {
        let limiter = RateLimiter::new(&limits(3));
        let t0 = Instant::now();
        for _ in 0..3 {
            limiter
                .check_at(Bucket::Run, "a", t0)
                .expect("within burst");
        }
        match limiter.check_at(Bucket::Run, "a", t0) {
            Err(PortalError::TooManyRequests { retry_after, .. }) => {
                assert_eq!(retry_after, 20, "3 a minute refills one per 20 s");
            }
            other => panic!("expected 429, got {other:?}"),
        }
        // Other keys and other buckets are independent.
        limiter.check_at(Bucket::Run, "b", t0).expect("other key");
        limiter
            .check_at(Bucket::Upload, "a", t0)
            .expect("other bucket");
        // After 20 s one more is allowed.
        let later = t0 + Duration::from_secs(20);
        limiter.check_at(Bucket::Run, "a", later).expect("refilled");
        assert!(limiter.check_at(Bucket::Run, "a", later).is_err());
    }

    #[test]
    fn memory_is_bounded() {
        let limiter = RateLimiter::new(&limits(10));
        let t0 = Instant::now();
        for i in 0..(MAX_KEYS * 3) {
            let now = t0 + Duration::from_millis(i as u64);
            limiter
                .check_at(Bucket::Login, &format!("10.0.{i}"), now)
                .expect("fresh key");
        }
        assert!(limiter.tracked_keys(Bucket::Login) <= MAX_KEYS);
    }

    #[test]
    fn cross_site_posts_are_refused_and_same_site_ones_pass() {
        use axum::http::{HeaderMap, Method};
        let public = "https://lab.example";
        let with = |pairs: &[(&'static str, &str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(*name, HeaderValue::from_str(value).expect("header"));
            }
            headers
        };
        let post = Method::POST;
        let refused = |h: &HeaderMap| cross_site_refusal(&post, h, public).is_some();
        assert!(refused(&with(&[("origin", "https://evil.example")])));
        assert!(refused(&with(&[("origin", "null")])));
        assert!(refused(&with(&[("sec-fetch-site", "cross-site")])));
        assert!(refused(&with(&[("sec-fetch-site", "same-site")])));
        assert!(refused(&with(&[
            ("origin", "https://evil.example"),
            ("host", "lab.example")
        ])));
        assert!(!refused(&with(&[("origin", "https://lab.example")])));
        assert!(!refused(&with(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(!refused(&with(&[("sec-fetch-site", "same-origin")])));
        assert!(!refused(&HeaderMap::new()), "non-browser clients pass");
        assert!(!refused(&with(&[
            ("origin", "https://evil.example"),
            ("authorization", "Bearer glt_x")
        ])));
        let get = with(&[("origin", "https://evil.example")]);
        assert!(cross_site_refusal(&Method::GET, &get, public).is_none());
    }

    #[test]
    fn uploads_get_the_larger_cap() {
        let limits = LimitsConfig::default();
        assert_eq!(
            body_cap(&limits, Some("/api/agents/{id}/versions")),
            limits.upload_max_bytes
        );
        assert_eq!(
            body_cap(&limits, Some("/api/agents")),
            limits.body_max_bytes
        );
        assert_eq!(body_cap(&limits, None), limits.body_max_bytes);
    }
}
