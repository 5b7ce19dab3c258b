//! The portal's one error type, and how it becomes an HTTP response.
//!
//! Handlers return `Result<_, PortalError>`. API routes (`/api/…`) answer
//! `{"error": {"code", "message"}}`; page routes answer a short HTML page
//! (see [`crate::pages::error_page`]). Internal errors are logged with their
//! cause and shown to the user without it.

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

    /// Shorthand for [`PortalError::Internal`], logging the cause.
    pub fn internal(cause: impl std::fmt::Display) -> PortalError {
        tracing::error!("internal error: {cause}");
        PortalError::Internal(cause.to_string())
    }
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
        let message = self.to_string();
        let code = self.code();
        let body = serde_json::json!({ "error": { "code": code, "message": message } });
        let mut response = (status, axum::Json(body)).into_response();
        if let PortalError::TooManyRequests { retry_after, .. } = &self
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
