//! The edge between spin-sdk's `wasi:http` types and the components' pure handlers over
//! `http` types, shared by the components (and the benchmark floors) so each entry point is a few lines.
//!
//! The entry points take `IncomingRequest` and write to `ResponseOutparam` themselves:
//! - not `http::Request`: the SDK's conversion panics (a trap, so a 500) on targets that
//!   `http::Uri` refuses (over 64 KB, for one) and on odd method tokens, and it reads a
//!   request body that no route here needs;
//! - not the SDK's own `Response`: it goes through a `HashMap` and re-encodes every header,
//!   which is code in every component for nothing.

pub mod stdio;

use futures::SinkExt;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use spin_sdk::http::{
    Fields, IncomingRequest, Method as SpinMethod, OutgoingResponse, ResponseOutparam,
};

/// The request's method as `http::Method`. The SDK's own conversion panics on an odd
/// token; here any extension method is `None`, for the caller to answer 405.
pub fn method(m: &SpinMethod) -> Option<http::Method> {
    Some(match m {
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

/// Just the `wanted` request headers: a handler reads a few, and asking the host for each
/// by name copies only those into the guest (all of them would include Spin's
/// `spin-full-url`, as long as the request target).
pub fn headers(req: &IncomingRequest, wanted: &[HeaderName]) -> HeaderMap {
    let fields = req.headers();
    select_headers(wanted, |name| fields.get(name))
}

/// The `wanted` headers, each with every value `values_of` gives for its (lower-case) name.
/// A value `http` refuses (control characters) is dropped, as if the header were absent.
pub fn select_headers(
    wanted: &[HeaderName],
    mut values_of: impl FnMut(&str) -> Vec<Vec<u8>>,
) -> HeaderMap {
    let mut map = HeaderMap::new();
    for name in wanted {
        for value in values_of(name.as_str()) {
            if let Ok(value) = HeaderValue::from_bytes(&value) {
                map.append(name.clone(), value);
            }
        }
    }
    map
}

/// Hands a response to the host.
pub async fn send(res: http::Response<Vec<u8>>, out: ResponseOutparam) {
    let (head, body) = res.into_parts();
    send_chunks(head, std::iter::once(Ok(body)), out).await;
}

/// Hands a response head to the host, then its body chunk by chunk, each written before
/// the next is read: a large file goes out in bounded guest memory. A chunk that cannot
/// be read ends the body short of its `Content-Length`, so the host aborts the answer
/// rather than pass off a truncated one as whole.
pub async fn send_chunks(
    head: http::response::Parts,
    chunks: impl Iterator<Item = std::io::Result<Vec<u8>>>,
    out: ResponseOutparam,
) {
    let list: Vec<(String, Vec<u8>)> = head
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    // Every header a handler sets is valid; should the host still refuse one, answer
    // without headers rather than not at all.
    let fields = Fields::from_list(&list).unwrap_or_else(|_| Fields::new());
    let response = OutgoingResponse::new(fields);
    // `http::StatusCode` is always within the 100..=999 the host accepts.
    let _ = response.set_status_code(head.status.as_u16());
    let mut body = response.take_body();
    out.set(response);
    for chunk in chunks {
        let written = match chunk {
            Ok(chunk) => body.send(chunk).await,
            Err(e) => {
                stdio::stderr_line(&format!("reading the response body: {e}"));
                return;
            }
        };
        if let Err(e) = written {
            stdio::stderr_line(&format!("writing the response body: {e:?}"));
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::{ACCEPT, ACCEPT_ENCODING, IF_NONE_MATCH};

    #[test]
    fn methods_map_without_panicking() {
        assert_eq!(method(&SpinMethod::Get), Some(http::Method::GET));
        assert_eq!(method(&SpinMethod::Head), Some(http::Method::HEAD));
        assert_eq!(method(&SpinMethod::Options), Some(http::Method::OPTIONS));
        assert_eq!(method(&SpinMethod::Other("PURGE".into())), None);
        assert_eq!(method(&SpinMethod::Other("BAD METHOD".into())), None);
        assert_eq!(method(&SpinMethod::Other(String::new())), None);
    }

    /// A stand-in for the host's `fields.get`: names compare case-insensitively, as there.
    fn host<'a>(entries: &'a [(&'a str, &'a [u8])]) -> impl FnMut(&str) -> Vec<Vec<u8>> + 'a {
        move |name| {
            entries
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_vec())
                .collect()
        }
    }

    #[test]
    fn only_wanted_headers_are_kept_with_every_value() {
        let entries: &[(&str, &[u8])] = &[
            ("If-None-Match", b"\"a\""),
            ("accept-encoding", b"gzip"),
            ("ACCEPT-ENCODING", b"br"),
            ("accept", b"*/*"),
        ];
        let map = select_headers(&[IF_NONE_MATCH, ACCEPT_ENCODING], host(entries));
        assert_eq!(map.len(), 3);
        let encodings: Vec<_> = map.get_all(ACCEPT_ENCODING).iter().collect();
        assert_eq!(encodings, ["gzip", "br"], "every value, in order");
        assert_eq!(map[IF_NONE_MATCH], "\"a\"");
        assert!(map.get(ACCEPT).is_none());
    }

    #[test]
    fn unrepresentable_values_are_dropped() {
        let map = select_headers(&[ACCEPT], host(&[("accept", b"a\nb")]));
        assert!(map.is_empty());
        // Bytes above 0x7f are legal in a value and kept, for the handler to judge.
        let map = select_headers(&[ACCEPT], host(&[("accept", b"\xff")]));
        assert_eq!(map[ACCEPT].as_bytes(), b"\xff");
    }
}
