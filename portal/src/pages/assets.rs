//! The stylesheet and the progress script, compiled into the binary and
//! served with long-lived cache headers.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The stylesheet's address (bump `v` when it changes).
pub(crate) const STYLE_URL: &str = "/assets/style.css?v=3";
/// The live-progress script's address.
pub(crate) const PILOT_JS_URL: &str = "/assets/pilot.js?v=1";

const STYLE: &str = include_str!("../../assets/style.css");
const PILOT_JS: &str = include_str!("../../assets/pilot.js");

/// `GET /assets/{*path}`.
pub(crate) async fn asset(Path(path): Path<String>) -> Response {
    let (body, kind) = match path.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "pilot.js" => (PILOT_JS, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such asset\n").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
