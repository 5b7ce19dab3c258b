//! The portal's one error type, and how it becomes an HTTP response.
//!
//! Handlers return `Result<_, PortalError>`. API routes (`/api/…`) answer
//! `{"error": {"code", "message"}}`; page routes answer a short HTML page
//! (see [`crate::pages::error_page`]). Internal errors are logged with their
//! cause under an error id and shown to the user with the id only; no
//! message a user sees carries a server path ([`scrub_paths`]).

use axum::http::StatusCode;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// No or invalid credentials.
    #[error("sign in first")]
    Unauthenticated,
    /// Authenticated but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// The thing does not exist (or the principal may not know it does).
    #[error("{0} not found")]
    NotFound(String),
    /// The request is malformed or its content is refused; the message says
    /// what to change.
    #[error("{0}")]
    BadRequest(String),
    /// The request conflicts with the current state (e.g. a name in use).
    #[error("{0}")]
    Conflict(String),
    /// The body is over its cap.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(u64),
    /// A rate limit or quota was hit; retry after the given seconds.
    #[error("{message}")]
    TooManyRequests {
        /// What limit, and when to retry.
        message: String,
        /// Seconds until a retry can succeed.
        retry_after: u64,
    },
    /// This process is at a concurrency cap; retry after the given seconds.
    #[error("{message}")]
    Unavailable {
        /// What is busy.
        message: String,
        /// Seconds until a retry may succeed.
        retry_after: u64,
    },
    /// A missing or wrong CSRF token on a form post.
    #[error("the form has expired; reload the page and try again")]
    Csrf,
    /// The database failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Anything else that is our fault.
    #[error("internal error")]
    Internal(String),
}

impl PortalError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            PortalError::Unauthenticated => StatusCode::UNAUTHORIZED,
            PortalError::Forbidden(_) | PortalError::Csrf => StatusCode::FORBIDDEN,
            PortalError::NotFound(_) => StatusCode::NOT_FOUND,
            PortalError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PortalError::Conflict(_) => StatusCode::CONFLICT,
            PortalError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            PortalError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            PortalError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            PortalError::Database(_) | PortalError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            PortalError::Unauthenticated => "unauthenticated",
            PortalError::Forbidden(_) => "forbidden",
            PortalError::NotFound(_) => "not_found",
            PortalError::BadRequest(_) => "bad_request",
            PortalError::Conflict(_) => "conflict",
            PortalError::TooLarge(_) => "too_large",
            PortalError::TooManyRequests { .. } => "rate_limited",
            PortalError::Unavailable { .. } => "busy",
            PortalError::Csrf => "csrf",
            PortalError::Database(_) | PortalError::Internal(_) => "internal",
        }
    }

    /// Shorthand for [`PortalError::Forbidden`].
    pub fn forbidden(message: impl Into<String>) -> PortalError {
        PortalError::Forbidden(message.into())
    }

    /// Shorthand for [`PortalError::BadRequest`].
    pub fn bad_request(message: impl Into<String>) -> PortalError {
        PortalError::BadRequest(message.into())
    }

    /// Shorthand for [`PortalError::Internal`]; the cause is logged (with
    /// an error id) when the error becomes a response.
    pub fn internal(cause: impl std::fmt::Display) -> PortalError {
        PortalError::Internal(cause.to_string())
    }
}

/// A new error id: 12 hex digits, shown to the user and written on the
/// log line with the cause.
pub fn new_error_id() -> String {
    hex::encode(crate::db::random_bytes::<6>())
}

/// `text` with every absolute file system path replaced by `<path>`: a
/// word that starts with `/` (after any opening quote or bracket) and has
/// a second `/`. For messages that users see; the log keeps the original.
pub fn scrub_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(word_end);
        let lead = word.len()
            - word
                .trim_start_matches(['"', '\'', '(', '[', '`', '<'])
                .len();
        let body = &word[lead..];
        if body.starts_with('/') && body[1..].contains('/') {
            let trail = body.len()
                - body
                    .trim_end_matches(['"', '\'', ')', ']', '`', '>', ':', ',', ';', '.'])
                    .len();
            out.push_str(&word[..lead]);
            out.push_str("<path>");
            out.push_str(&body[body.len() - trail..]);
        } else {
            out.push_str(word);
        }
        let space_end = tail
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(tail.len());
        out.push_str(&tail[..space_end]);
        rest = &tail[space_end..];
    }
    out
}

/// Logs an internal error's cause under a new error id and returns what
/// the user sees: no cause, only the id.
fn internal_message(cause: &str) -> String {
    let error_id = new_error_id();
    tracing::error!(error_id, "internal error: {cause}");
    format!("internal error (error id {error_id}); the lab's staff can look it up")
}

/// Attached to every error response so the pages layer can render it as
/// HTML (see [`crate::pages`]); API routes keep the JSON body.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// [`PortalError::code`].
    pub code: &'static str,
    /// The message shown to the user.
    pub message: String,
}

impl axum::response::IntoResponse for PortalError {
    fn into_response(self) -> axum::response::Response {
        let status = self.status();
        let message = match &self {
            PortalError::Internal(cause) => internal_message(cause),
            PortalError::Database(cause) => internal_message(&format!("database: {cause}")),
            other => other.to_string(),
        };
        let code = self.code();
        let body = serde_json::json!({ "error": { "code": code, "message": message } });
        let mut response = (status, axum::Json(body)).into_response();
        if let PortalError::TooManyRequests { retry_after, .. }
        | PortalError::Unavailable { retry_after, .. } = &self
            && let Ok(value) = axum::http::HeaderValue::from_str(&retry_after.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
            .extensions_mut()
            .insert(ErrorInfo { code, message });
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_paths_are_scrubbed_and_other_words_kept() {
        assert_eq!(
            scrub_paths(
                "agent store at /srv/lab/agents/e0/e0ab.wasm: No such file or directory (os error 2)"
            ),
            "agent store at <path>: No such file or directory (os error 2)"
        );
        assert_eq!(
            scrub_paths("cache \"/tmp/x/y\" failed; see http://a/b and 1/2"),
            "cache \"<path>\" failed; see http://a/b and 1/2"
        );
        assert_eq!(scrub_paths("plain  words\n/"), "plain  words\n/");
    }
}
