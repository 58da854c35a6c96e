//! The whole request → response decision, as a pure function over `http` types and a
//! [`FileSource`]. The order of the rules follows RFC 9110 §13.2.2: find the file, choose
//! its representation (content coding, or a byte range of the identity bytes), evaluate
//! `If-None-Match`, then `Range`; `finish` frames the body last.

use http::header::{
    ACCEPT_ENCODING, ACCEPT_RANGES, ALLOW, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH,
    CONTENT_RANGE, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, IF_RANGE, LOCATION,
    RANGE, REFERRER_POLICY, VARY, X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};
use http_rules::etag;
use http_rules::range::{self, Range};

use crate::caching;
use crate::encoding::{self, Coding};
use crate::fs::{FileSource, ReadError};
use crate::mime;
use crate::path::{self, SafePath};
use crate::settings::Settings;

/// The header in which Spin passes the part of the path after the route's base.
/// A `HeaderName` constant, not a `&str`: lookups by string parse the name at run time,
/// which drags `http`'s whole standard-header table (~14 KB) into the wasm.
pub const SPIN_PATH_INFO: HeaderName = HeaderName::from_static("spin-path-info");

/// Every request header [`respond()`] reads; the host layer copies only these, so a header
/// a later feature reads must be added here.
pub const REQUEST_HEADERS: [HeaderName; 5] = [
    SPIN_PATH_INFO,
    IF_NONE_MATCH,
    IF_RANGE,
    RANGE,
    ACCEPT_ENCODING,
];

pub use http_rules::policy::{ALLOWED_METHODS, HTML_CSP};
use http_rules::policy::{HTML_REFERRER_POLICY, NOSNIFF};

/// The raw path to serve: Spin's `spin-path-info` when present, else the request's own
/// URI path (a host that sets no `spin-*` headers hands the component the whole path).
/// Spin keeps a client's own `spin-path-info` lines and adds its line after them: the last
/// line is the host's.
pub fn path_info<'a>(uri_path: &'a str, headers: &'a HeaderMap) -> &'a [u8] {
    match headers.get_all(&SPIN_PATH_INFO).iter().last() {
        Some(v) => v.as_bytes(),
        None => uri_path.as_bytes(),
    }
}

/// Answers one request. `uri_path` is the raw request target's path (a query, if still
/// attached, is ignored); `headers` are the request headers. Never panics on any input.
pub fn respond(
    method: &Method,
    uri_path: &str,
    headers: &HeaderMap,
    fs: &impl FileSource,
    settings: &Settings,
) -> Response<Vec<u8>> {
    let head = match *method {
        Method::GET | Method::OPTIONS => false,
        Method::HEAD => true,
        _ => return method_not_allowed(),
    };
    let raw_path = path_info(uri_path, headers);
    let res = serve(uri_path, raw_path, headers, head, fs, settings);
    // OPTIONS tells what a resource allows, so it must not vouch for a path that GET
    // refuses or does not find: that gets GET's 400 or 404.
    if *method == Method::OPTIONS && !matches!(res.status().as_u16(), 400 | 404) {
        return options();
    }
    finish(res, head)
}

/// The 405 for any method but GET, HEAD and OPTIONS.
pub fn method_not_allowed() -> Response<Vec<u8>> {
    let mut res = text(StatusCode::METHOD_NOT_ALLOWED);
    set(&mut res, ALLOW, ALLOWED_METHODS);
    finish(res, false)
}

/// `OPTIONS` on a path GET finds: what the component allows, and no body.
fn options() -> Response<Vec<u8>> {
    let mut res = Response::new(Vec::new());
    *res.status_mut() = StatusCode::NO_CONTENT;
    set(&mut res, ALLOW, ALLOWED_METHODS);
    finish(res, false)
}

/// The GET (or HEAD) response for a raw path, before framing. `uri_path` is the request
/// target as the client sent it, for a redirect's `Location`.
fn serve(
    uri_path: &str,
    raw_path: &[u8],
    headers: &HeaderMap,
    head: bool,
    fs: &impl FileSource,
    settings: &Settings,
) -> Response<Vec<u8>> {
    // Spin's path-info for the route's base itself (`/static`) is empty: the mount's root
    // directory, asked for without its slash.
    let no_path = raw_path
        .split(|&b| b == b'?')
        .next()
        .unwrap_or_default()
        .is_empty();
    let target_path = uri_path.split('?').next().unwrap_or_default();
    if no_path && !target_path.is_empty() && !target_path.ends_with('/') {
        return redirect_to_directory(uri_path);
    }
    let path = match path::resolve(raw_path) {
        Ok(p) => p,
        Err(e) if e.status() == StatusCode::NOT_FOUND => return not_found(None, fs, settings),
        Err(e) => return text(e.status()),
    };
    match read(&path, fs) {
        Ok(Found::File(name, body)) => represent(&name, body, headers, head, settings),
        Ok(Found::Directory) => redirect_to_directory(uri_path),
        // Every failure is a 404: whether a path is missing, unreadable or odd is
        // nothing a client needs to know.
        Err(_) => not_found(Some((&path, headers, head)), fs, settings),
    }
}

/// The answer for a path that names no file: the fallback page (200) for a well-formed
/// path whose last segment has no extension, when `fallback_path` is set; else the custom
/// 404 page when `custom_not_found_path` is set; else a plain 404. A configured page that cannot
/// be read is logged and skipped.
fn not_found(
    request: Option<(&SafePath, &HeaderMap, bool)>,
    fs: &impl FileSource,
    settings: &Settings,
) -> Response<Vec<u8>> {
    if let (Some((path, headers, head)), Some(fallback)) = (request, &settings.fallback) {
        let last = path.as_str().rsplit('/').next().unwrap_or_default();
        if !last.contains('.') {
            if let Some(body) = read_setting(crate::settings::FALLBACK_VAR, fallback, fs) {
                return represent(fallback.as_str(), body, headers, head, settings);
            }
        }
    }
    if let Some(page) = &settings.custom_404 {
        if let Some(body) = read_setting(crate::settings::CUSTOM_NOT_FOUND_VAR, page, fs) {
            let mut res = Response::new(body);
            *res.status_mut() = StatusCode::NOT_FOUND;
            let content_type = mime::content_type(page.as_str());
            set(&mut res, CONTENT_TYPE, content_type);
            lock_down_html(&mut res, content_type);
            return res;
        }
    }
    text(StatusCode::NOT_FOUND)
}

fn read_setting(name: &str, path: &SafePath, fs: &impl FileSource) -> Option<Vec<u8>> {
    fs.read(path.as_str())
        .map_err(|e| {
            let why = format!("cannot read {:?}: {e:?}", path.as_str());
            crate::settings::log_ignored(name, &why);
        })
        .ok()
}

/// A directory asked for without its trailing slash: a permanent redirect to the slashed
/// URL, so that relative links in its `index.html` resolve. The `Location` is relative to
/// the request (`./docs/?q` for `/static/docs?q`), so it never leaves this site, whatever
/// route the component is mounted at.
fn redirect_to_directory(uri_path: &str) -> Response<Vec<u8>> {
    let (path, query) = match uri_path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (uri_path, None),
    };
    let last = path.rsplit('/').next().unwrap_or_default();
    let mut location = format!("./{last}/");
    if let Some(query) = query {
        location.push('?');
        location.push_str(query);
    }
    let mut res = text(StatusCode::PERMANENT_REDIRECT);
    set_string(&mut res, LOCATION, location);
    res
}

/// A file's answer: its representation (content coding or byte range), `If-None-Match`,
/// and the headers that describe it.
fn represent(
    name: &str,
    body: Vec<u8>,
    headers: &HeaderMap,
    head: bool,
    settings: &Settings,
) -> Response<Vec<u8>> {
    let content_type = mime::content_type(name);
    let len = body.len();
    let identity_tag = etag::strong(&body);

    // The representation: a content coding by `Accept-Encoding`, unless a byte range is
    // served, which is always of the identity bytes (a range of gzip output would be
    // useless to resume with, and its tag would have to promise byte-identical gzip).
    let accept_encoding = joined(headers, &ACCEPT_ENCODING);
    let accept_encoding = accept_encoding.as_deref();
    let compressible = encoding::compressible(content_type);
    let Some(mut coding) = encoding::negotiate(accept_encoding, compressible, len) else {
        // Refusing is the explicit answer (RFC 9110 §15.5.7): the client said it cannot
        // use what we have, and sending it anyway would hide the mismatch.
        return text(StatusCode::NOT_ACCEPTABLE);
    };
    let range = requested_range(headers, head, accept_encoding, &identity_tag, len);
    if range != Range::Full {
        coding = Coding::Identity;
    }
    let tag = caching::representation_tag(&identity_tag, coding);

    let mut res = if caching::not_modified(headers, &tag) {
        let mut res = Response::new(Vec::new());
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res
    } else {
        match range {
            Range::Full => {
                // A HEAD's body is dropped anyway; its headers do not depend on the bytes.
                let body = if head {
                    Vec::new()
                } else {
                    encoding::encode(coding, body)
                };
                let mut res = Response::new(body);
                if coding != Coding::Identity {
                    set(&mut res, CONTENT_ENCODING, coding.token());
                }
                res
            }
            Range::Partial { start, end } => {
                // `range::parse` keeps start <= end < len.
                let part = body
                    .get(start as usize..=end as usize)
                    .unwrap_or_default()
                    .to_vec();
                let mut res = Response::new(part);
                *res.status_mut() = StatusCode::PARTIAL_CONTENT;
                set_string(
                    &mut res,
                    CONTENT_RANGE,
                    format!("bytes {start}-{end}/{len}"),
                );
                res
            }
            Range::Unsatisfiable => {
                let mut res = text(StatusCode::RANGE_NOT_SATISFIABLE);
                set_string(&mut res, CONTENT_RANGE, format!("bytes */{len}"));
                set(&mut res, ACCEPT_RANGES, "bytes");
                return res;
            }
        }
    };

    // Validator and freshness: on 200, 206 and 304 alike (RFC 9110 §15.4.5 asks a 304
    // for the ETag and Cache-Control a 200 would carry).
    set_string(&mut res, ETAG, tag);
    res.headers_mut()
        .insert(CACHE_CONTROL, settings.cache_control.clone());
    if res.status() != StatusCode::NOT_MODIFIED {
        set(&mut res, CONTENT_TYPE, content_type);
        set(&mut res, ACCEPT_RANGES, "bytes");
        lock_down_html(&mut res, content_type);
    }
    res
}

/// For HTML, the headers that keep injected markup from loading or sending anything.
fn lock_down_html(res: &mut Response<Vec<u8>>, content_type: &'static str) {
    if content_type.starts_with("text/html") {
        set(res, CONTENT_SECURITY_POLICY, HTML_CSP);
        set(res, REFERRER_POLICY, HTML_REFERRER_POLICY);
    }
}

/// The range to serve: `Range::Full` unless the request is a GET with a `Range` that
/// `If-Range` allows and the client accepts the identity coding (ranges are only ever of
/// the identity bytes). Ranges are defined for GET alone, and RFC 9110 §14.2 says to
/// ignore `Range` on any other method: so a HEAD answers as a GET without `Range` would.
fn requested_range(
    headers: &HeaderMap,
    head: bool,
    accept_encoding: Option<&str>,
    identity_tag: &str,
    len: usize,
) -> Range {
    let Some(value) = headers.get(RANGE).and_then(|v| v.to_str().ok()) else {
        return Range::Full;
    };
    if head
        || !encoding::identity_acceptable(accept_encoding)
        || !caching::range_allowed(headers, identity_tag)
    {
        return Range::Full;
    }
    range::parse(value, len as u64)
}

/// All lines of a list header joined into one value (`None` when absent). A line that is
/// not valid text is skipped, as if it had not been sent.
fn joined(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let mut lines = headers.get_all(name).iter().filter_map(|v| v.to_str().ok());
    let first = lines.next()?.to_owned();
    Some(lines.fold(first, |all, line| all + ", " + line))
}

/// What a safe path names.
enum Found {
    /// The path actually read (its extension picks the content type) and the bytes: the
    /// file itself, or for a path with a trailing `/` its directory's `index.html`.
    File(String, Vec<u8>),
    /// A directory, named without its trailing `/`.
    Directory,
}

fn read(path: &SafePath, fs: &impl FileSource) -> Result<Found, ReadError> {
    if !path.is_dir_request() {
        return match fs.read(path.as_str()) {
            Ok(body) => Ok(Found::File(path.as_str().to_owned(), body)),
            Err(ReadError::IsDirectory) => Ok(Found::Directory),
            Err(e) => Err(e),
        };
    }
    let index = path.index();
    let body = fs.read(&index)?;
    Ok(Found::File(index, body))
}

/// A short plain-text answer for an error status, e.g. `Not Found`.
fn text(status: StatusCode) -> Response<Vec<u8>> {
    // Our own few reasons: `StatusCode::canonical_reason` carries every status's text.
    let body: &[u8] = match status {
        StatusCode::BAD_REQUEST => b"Bad Request\n",
        StatusCode::NOT_FOUND => b"Not Found\n",
        StatusCode::PERMANENT_REDIRECT => b"Permanent Redirect\n",
        StatusCode::METHOD_NOT_ALLOWED => b"Method Not Allowed\n",
        StatusCode::NOT_ACCEPTABLE => b"Not Acceptable: no content coding you accept\n",
        StatusCode::RANGE_NOT_SATISFIABLE => b"Range Not Satisfiable\n",
        _ => b"Error\n",
    };
    let mut res = Response::new(body.to_vec());
    *res.status_mut() = status;
    set(&mut res, CONTENT_TYPE, "text/plain; charset=utf-8");
    res
}

/// Done last on every answer. Adds what every answer carries: `nosniff`, and
/// `Vary: Accept-Encoding` (even a 404 or a PNG: whether the answer is gzip or a 406
/// depends on that header, and a cache must not hand one client's answer to another).
/// Then frames the body, so the length always matches it: GET gets an exact
/// `Content-Length` (the host then need not chunk). HEAD, 204 and 304 carry no body and
/// no length: wasi-http hosts check the declared length against the bytes written, so a
/// HEAD declaring the GET's length with an empty body would fail there.
fn finish(mut res: Response<Vec<u8>>, head: bool) -> Response<Vec<u8>> {
    set(&mut res, X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    set(&mut res, VARY, "Accept-Encoding");
    let bodiless = matches!(
        res.status(),
        StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED
    );
    if head || bodiless {
        res.body_mut().clear();
        res.headers_mut().remove(CONTENT_LENGTH);
    } else {
        let len = HeaderValue::from(res.body().len());
        res.headers_mut().insert(CONTENT_LENGTH, len);
    }
    res
}

fn set(res: &mut Response<Vec<u8>>, name: HeaderName, value: &'static str) {
    res.headers_mut()
        .insert(name, HeaderValue::from_static(value));
}

/// For values built at run time (tags, ranges): always ASCII, but a refused value is
/// left out rather than allowed to panic.
fn set_string(res: &mut Response<Vec<u8>>, name: HeaderName, value: String) {
    if let Ok(value) = HeaderValue::try_from(value) {
        res.headers_mut().insert(name, value);
    }
}

#[cfg(test)]
mod tests;
