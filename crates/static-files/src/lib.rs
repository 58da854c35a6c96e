//! A Spin HTTP component that serves the files mounted into it (`files = [...]` in
//! `spin.toml`, or `wasmtime serve --dir static::/`), in place of Spin's prebuilt
//! `spin_static_fs.wasm`.
//!
//! The decision is pure Rust over `http` types ([`respond()`]) with the file system behind
//! [`FileSource`], so it is unit-tested natively; this file is only the Spin entry.

pub mod fs;
pub mod mime;
pub mod path;
pub mod respond;

pub use fs::{FileSource, MemFs, ReadError, StdFs};
pub use respond::respond;

use spin_sdk::http::Method as SpinMethod;

/// Where the mount appears inside the guest: `destination = "/"` in `spin.toml`.
pub const MOUNT: &str = "/";

/// The Spin entry point, in the SDK's streaming form (`IncomingRequest`, `ResponseOutparam`):
/// - `IncomingRequest`, not `http::Request`: the SDK's conversion to `http::Request` panics
///   (a trap, so a 500) on targets `http::Uri` refuses (over 64 KB, for one), and reads a
///   body nobody needs;
/// - the response is written straight to the host rather than through the SDK's own
///   `Response` (a `HashMap` and lower-casing of every header name): less code in the wasm.
///
/// Only built for wasm: natively, the export's symbol name (`wasi:http/...#handle`) breaks
/// the linker's version script for the cdylib, and native tests never call it.
#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
async fn handle(req: spin_sdk::http::IncomingRequest, out: spin_sdk::http::ResponseOutparam) {
    let res = match method(&req.method()) {
        Some(method) => {
            let target = req.path_with_query().unwrap_or_default();
            let headers = wanted_headers(req.headers().entries());
            respond(&method, &target, &headers, &StdFs::new(MOUNT))
        }
        None => respond::method_not_allowed(),
    };
    send(res, out).await;
}

/// Hands a response to the host.
#[cfg(target_arch = "wasm32")]
async fn send(res: http::Response<Vec<u8>>, out: spin_sdk::http::ResponseOutparam) {
    use spin_sdk::http::{Fields, OutgoingResponse};

    let (parts, body) = res.into_parts();
    let list: Vec<(String, Vec<u8>)> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    // Every header `respond` sets is valid; should the host still refuse one, answer
    // without headers rather than not at all.
    let fields = Fields::from_list(&list).unwrap_or_else(|_| Fields::new());
    let response = OutgoingResponse::new(fields);
    // The status comes from `http::StatusCode`, always within 100..=999.
    let _ = response.set_status_code(parts.status.as_u16());
    if let Err(e) = out.set_with_body(response, body).await {
        eprintln!("static-files: writing the response body: {e:?}");
    }
}

/// The SDK's own `Method` → `http::Method` conversion panics on an odd token. Here any
/// extension method is `None`: it is answered 405 like every method but GET and HEAD.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn method(m: &SpinMethod) -> Option<http::Method> {
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

/// The request headers that [`respond()`] reads ([`respond::REQUEST_HEADERS`]), as a
/// `HeaderMap`; the rest are never copied. A value `http` refuses (control characters)
/// is dropped, as if the header were absent.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn wanted_headers(entries: Vec<(String, Vec<u8>)>) -> http::HeaderMap {
    let wanted = respond::REQUEST_HEADERS;
    let mut map = http::HeaderMap::new();
    for (name, value) in entries {
        let known = wanted
            .iter()
            .find(|h| h.as_str().eq_ignore_ascii_case(&name));
        if let (Some(h), Ok(value)) = (known, http::HeaderValue::from_bytes(&value)) {
            map.append(h.clone(), value);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_map_without_panicking() {
        assert_eq!(method(&SpinMethod::Get), Some(http::Method::GET));
        assert_eq!(method(&SpinMethod::Head), Some(http::Method::HEAD));
        assert_eq!(method(&SpinMethod::Options), Some(http::Method::OPTIONS));
        assert_eq!(method(&SpinMethod::Other("PURGE".into())), None);
        assert_eq!(method(&SpinMethod::Other("BAD METHOD".into())), None);
        assert_eq!(method(&SpinMethod::Other(String::new())), None);
    }

    #[test]
    fn only_wanted_headers_are_kept() {
        let map = wanted_headers(vec![
            ("spin-path-info".into(), b"/a.css".to_vec()),
            ("x-other".into(), b"1".to_vec()),
            ("bad name".into(), b"x".to_vec()),
        ]);
        assert_eq!(map.get(&respond::SPIN_PATH_INFO).unwrap(), "/a.css");
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn header_names_match_case_insensitively() {
        let map = wanted_headers(vec![("Spin-Path-Info".into(), b"/b".to_vec())]);
        assert_eq!(map.get(&respond::SPIN_PATH_INFO).unwrap(), "/b");
    }

    #[test]
    fn unrepresentable_values_are_dropped() {
        let map = wanted_headers(vec![("spin-path-info".into(), b"/a\nb".to_vec())]);
        assert!(map.is_empty());
        // Bytes above 0x7f are legal in a value and kept, for the path rules to judge.
        let map = wanted_headers(vec![("spin-path-info".into(), b"/\xff".to_vec())]);
        assert_eq!(
            map.get(&respond::SPIN_PATH_INFO).unwrap().as_bytes(),
            b"/\xff"
        );
    }
}
