//! The Tornado tutorial server as one Spin HTTP component.
//!
//! Everything that decides an answer is plain Rust over `http` types (see [`respond`]),
//! so it runs natively in unit tests and benchmarks; this file is only the Spin entry.

mod access_log;
mod iseven;
mod json;
mod pages;
mod percent;
mod query;
mod render;
mod reply;
mod router;
mod students;

pub use router::respond;

use std::time::Instant;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use spin_sdk::http::{IncomingRequest, Method as SpinMethod};
use spin_sdk::http_component;

/// The Spin entry point. It takes the raw `IncomingRequest` rather than `http::Request`:
/// the SDK's conversion to `http::Request` panics (a trap, so a 500) on targets that
/// `http::Uri` refuses, and it would read the request body, which no route here needs.
#[http_component]
fn handle(req: IncomingRequest) -> http::Response<Vec<u8>> {
    let started = Instant::now();
    let target = req.path_with_query().unwrap_or_else(|| "/".to_owned());
    let method = method(&req.method());
    let res = respond(&method, &target, &headers(&req));
    let path = target.split('?').next().unwrap_or_default();
    let micros = started.elapsed().as_micros();
    println!(
        "{}",
        access_log::line(
            method.as_str(),
            path,
            res.status().as_u16(),
            res.body().len(),
            micros
        )
    );
    res
}

/// The request headers the answer depends on (only those: copying all costs time).
fn headers(req: &IncomingRequest) -> HeaderMap {
    let fields = req.headers();
    let mut map = HeaderMap::new();
    for name in [http::header::ACCEPT, http::header::IF_NONE_MATCH] {
        for value in fields.get(&name.as_str().to_owned()) {
            if let Ok(value) = HeaderValue::from_bytes(&value) {
                map.append(HeaderName::clone(&name), value);
            }
        }
    }
    map
}

fn method(m: &SpinMethod) -> http::Method {
    match m {
        SpinMethod::Get => http::Method::GET,
        SpinMethod::Head => http::Method::HEAD,
        SpinMethod::Post => http::Method::POST,
        SpinMethod::Put => http::Method::PUT,
        SpinMethod::Delete => http::Method::DELETE,
        SpinMethod::Patch => http::Method::PATCH,
        SpinMethod::Options => http::Method::OPTIONS,
        SpinMethod::Connect => http::Method::CONNECT,
        SpinMethod::Trace => http::Method::TRACE,
        // Any other token is answered 405 like the rest; its exact name does not matter.
        SpinMethod::Other(o) => {
            http::Method::from_bytes(o.as_bytes()).unwrap_or(http::Method::POST)
        }
    }
}
