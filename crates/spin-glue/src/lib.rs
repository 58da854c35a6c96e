//! The edge between spin-sdk's `wasi:http` types and the components' pure handlers over
//! `http` types, shared by both components so each entry point is a few lines.
//!
//! The entry points take `IncomingRequest` and write to `ResponseOutparam` themselves:
//! - not `http::Request`: the SDK's conversion panics (a trap, so a 500) on targets that
//!   `http::Uri` refuses (over 64 KB, for one) and on odd method tokens, and it reads a
//!   request body that no route here needs;
//! - not the SDK's own `Response`: it goes through a `HashMap` and re-encodes every header,
//!   which is code in every component for nothing.

use http::header::{HeaderMap, HeaderName, HeaderValue};
use spin_sdk::http::{
    Fields, IncomingRequest, Method as SpinMethod, OutgoingResponse, ResponseOutparam,
};

/// The request's method as `http::Method`, or `None` for an extension method: every
/// route answers those 405, whatever their name.
pub fn method(req: &IncomingRequest) -> Option<http::Method> {
    Some(match req.method() {
        SpinMethod::Get => http::Method::GET,
        SpinMethod::Head => http::Method::HEAD,
        SpinMethod::Post => http::Method::POST,
        SpinMethod::Put => http::Method::PUT,
        SpinMethod::Delete => http::Method::DELETE,
        SpinMethod::Patch => http::Method::PATCH,
        SpinMethod::Options => http::Method::OPTIONS,
        SpinMethod::Connect => http::Method::CONNECT,
        SpinMethod::Trace => http::Method::TRACE,
        SpinMethod::Other(_) => return None,
    })
}

/// The request's path and query, e.g. `/iseven?num=4`.
pub fn target(req: &IncomingRequest) -> String {
    req.path_with_query().unwrap_or_else(|| "/".to_owned())
}

/// Just the named request headers: a handler reads a few, and copying all costs time.
/// Values that are not valid header values are dropped.
pub fn headers(req: &IncomingRequest, wanted: &[HeaderName]) -> HeaderMap {
    let fields = req.headers();
    let mut map = HeaderMap::new();
    for name in wanted {
        for value in fields.get(&name.as_str().to_owned()) {
            if let Ok(value) = HeaderValue::from_bytes(&value) {
                map.append(name.clone(), value);
            }
        }
    }
    map
}

/// Hands a response to the host.
pub async fn send(res: http::Response<Vec<u8>>, out: ResponseOutparam) {
    let (parts, body) = res.into_parts();
    let list: Vec<(String, Vec<u8>)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    // Every header a handler sets is valid; should the host still refuse one, answer
    // without headers rather than not at all.
    let fields = Fields::from_list(&list).unwrap_or_else(|_| Fields::new());
    let response = OutgoingResponse::new(fields);
    // `http::StatusCode` is always within the 100..=999 the host accepts.
    let _ = response.set_status_code(parts.status.as_u16());
    if let Err(e) = out.set_with_body(response, body).await {
        eprintln!("writing the response body: {e:?}");
    }
}
