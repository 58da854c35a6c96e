//! Building responses. Every answer is small and fully buffered.

use http::header::{HeaderValue, ALLOW, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use http::{Response, StatusCode};

pub const TEXT: &str = "text/plain; charset=utf-8";
pub const HTML: &str = "text/html; charset=utf-8";

/// A response with a content type. `nosniff` everywhere: some bodies echo user input,
/// and a browser must never guess that such text is HTML.
pub fn with_type(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Vec<u8>>,
) -> Response<Vec<u8>> {
    let mut res = Response::new(body.into());
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

pub fn text(status: StatusCode, body: impl Into<Vec<u8>>) -> Response<Vec<u8>> {
    with_type(status, TEXT, body)
}

pub fn not_found() -> Response<Vec<u8>> {
    text(StatusCode::NOT_FOUND, "Not Found")
}

pub fn method_not_allowed() -> Response<Vec<u8>> {
    let mut res = text(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    res.headers_mut()
        .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    res
}
