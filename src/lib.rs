//! The Tornado tutorial server as one Spin HTTP component.
//!
//! Everything that decides an answer is plain Rust over `http` types (see [`respond`]),
//! so it runs natively in unit tests and benchmarks; this file is only the Spin entry.

mod iseven;
mod percent;
mod query;
mod reply;
mod router;
mod students;

pub use router::respond;

use spin_sdk::http::{IncomingRequest, Method as SpinMethod};
use spin_sdk::http_component;

/// The Spin entry point. It takes the raw `IncomingRequest` rather than `http::Request`:
/// the SDK's conversion to `http::Request` panics (a trap, so a 500) on targets that
/// `http::Uri` refuses, and it would read the request body, which no route here needs.
#[http_component]
fn handle(req: IncomingRequest) -> http::Response<Vec<u8>> {
    let target = req.path_with_query().unwrap_or_else(|| "/".to_owned());
    respond(&method(&req.method()), &target)
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
