//! The whole request → response decision, as a pure function over `http` types and a
//! [`FileSource`]. The order of the rules follows RFC 9110 §13.2.2: find the file, choose
//! its representation (content coding, or a byte range of the identity bytes), evaluate
//! `If-None-Match`, then `Range`; `finish` frames the body last.

use http::header::{
    ACCEPT_ENCODING, ACCEPT_RANGES, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_RANGE, CONTENT_TYPE,
    ETAG, IF_NONE_MATCH, IF_RANGE, LOCATION, RANGE, VARY,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};
use http_rules::range::{self, Range};
use http_rules::{conditional, etag, response};

use crate::body::{Body, IN_MEMORY_LIMIT};
use crate::caching;
use crate::encoding::{self, Coding};
use crate::fs::{FileSource, Meta, ReadError};
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
pub fn respond<F: FileSource>(
    method: &Method,
    uri_path: &str,
    headers: &HeaderMap,
    fs: &F,
    settings: &Settings,
) -> Response<Body<F::File>> {
    let head = match *method {
        Method::GET | Method::OPTIONS => false,
        Method::HEAD => true,
        _ => return method_not_allowed().map(Body::Bytes),
    };
    let raw_path = path_info(uri_path, headers);
    let res = serve(uri_path, raw_path, headers, head, fs, settings);
    // OPTIONS tells what a resource allows, so it must not vouch for a path that GET
    // refuses or does not find: that gets GET's 400 or 404.
    if *method == Method::OPTIONS && !matches!(res.status().as_u16(), 400 | 404) {
        return finish(response::options(), false).map(Body::Bytes);
    }
    finish(res, head)
}

/// The 405 for any method but GET, HEAD and OPTIONS.
pub fn method_not_allowed() -> Response<Vec<u8>> {
    let mut res = text(StatusCode::METHOD_NOT_ALLOWED);
    response::allow(&mut res);
    finish(res, false)
}

/// The GET (or HEAD) response for a raw path, before framing. `uri_path` is the request
/// target as the client sent it, for a redirect's `Location`.
fn serve<F: FileSource>(
    uri_path: &str,
    raw_path: &[u8],
    headers: &HeaderMap,
    head: bool,
    fs: &F,
    settings: &Settings,
) -> Response<Body<F::File>> {
    // Spin's path-info for the route's base itself (`/static`) is empty: the mount's root
    // directory, asked for without its slash.
    let no_path = raw_path
        .split(|&b| b == b'?')
        .next()
        .unwrap_or_default()
        .is_empty();
    let target_path = uri_path.split(['?', '#']).next().unwrap_or_default();
    if no_path && !target_path.is_empty() && !target_path.ends_with('/') {
        return redirect_to_directory(uri_path).map(Body::Bytes);
    }
    let path = match path::resolve(raw_path) {
        Ok(p) => p,
        Err(e) if e.status() == StatusCode::NOT_FOUND => return not_found(None, fs, settings),
        Err(e) => return text(e.status()).map(Body::Bytes),
    };
    match open(&path, fs) {
        Ok(Found::File(name, file, meta)) => represent(&name, file, meta, headers, head, settings),
        Ok(Found::Directory) => redirect_to_directory(uri_path).map(Body::Bytes),
        // Every failure is a 404: whether a path is missing, unreadable or odd is
        // nothing a client needs to know.
        Err(_) => not_found(Some((&path, headers, head)), fs, settings),
    }
}

/// The answer for a path that names no file: the fallback page (200) for a well-formed
/// path whose last segment has no extension, when `fallback_path` is set; else the custom
/// 404 page when `custom_not_found_path` is set; else a plain 404. A configured page that cannot
/// be read is logged and skipped.
fn not_found<F: FileSource>(
    request: Option<(&SafePath, &HeaderMap, bool)>,
    fs: &F,
    settings: &Settings,
) -> Response<Body<F::File>> {
    if let (Some((path, headers, head)), Some(fallback)) = (request, settings.fallback()) {
        let last = path.as_str().rsplit('/').next().unwrap_or_default();
        if !last.contains('.') {
            if let Some((file, meta)) = open_setting(crate::settings::FALLBACK_VAR, fallback, fs) {
                return represent(fallback.as_str(), file, meta, headers, head, settings);
            }
        }
    }
    if let Some(page) = settings.custom_404() {
        if let Some((file, meta)) = open_setting(crate::settings::CUSTOM_NOT_FOUND_VAR, page, fs) {
            let mut res = Response::new(Body::File {
                file,
                start: 0,
                len: meta.len,
            });
            *res.status_mut() = StatusCode::NOT_FOUND;
            set(&mut res, CONTENT_TYPE, mime::content_type(page.as_str()));
            return res;
        }
    }
    text(StatusCode::NOT_FOUND).map(Body::Bytes)
}

fn open_setting<F: FileSource>(name: &str, path: &SafePath, fs: &F) -> Option<(F::File, Meta)> {
    fs.open(path.as_str())
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
    // A fragment names no part of a resource: cut, as `path::resolve` cuts it.
    let uri_path = uri_path.split('#').next().unwrap_or_default();
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
/// and the headers that describe it. A file up to [`IN_MEMORY_LIMIT`] is read whole: its
/// tag hashes its bytes, and text is gzipped when asked for. A larger one is only ever
/// sent as it is, streamed, and tagged by its length and modification time.
fn represent<F: std::io::Read + std::io::Seek>(
    name: &str,
    mut file: F,
    meta: Meta,
    headers: &HeaderMap,
    head: bool,
    settings: &Settings,
) -> Response<Body<F>> {
    let content_type = mime::content_type(name);
    let len = meta.len;
    let small = if len <= IN_MEMORY_LIMIT {
        // Exactly `len` bytes, asked for whole: each read is a host call, so neither a
        // probe for the end nor `read_to_end`'s growing buffers (8 KiB, then 16, ...).
        let mut body = vec![0; len as usize];
        if file.read_exact(&mut body).is_err() {
            return text(StatusCode::NOT_FOUND).map(Body::Bytes);
        }
        Some(body)
    } else {
        None
    };
    let identity_tag = match &small {
        Some(body) => etag::strong(body),
        None => etag::strong(format!("{len}:{}", meta.modified).as_bytes()),
    };

    // The representation: a content coding by `Accept-Encoding`, unless a byte range is
    // served, which is always of the identity bytes (a range of gzip output would be
    // useless to resume with, and its tag would have to promise byte-identical gzip).
    let accept_encoding = conditional::joined(headers, &ACCEPT_ENCODING);
    let accept_encoding = accept_encoding.as_deref();
    let compressible = small.is_some() && encoding::compressible(content_type);
    let Some(mut coding) = encoding::negotiate(accept_encoding, compressible, len as usize) else {
        // Refusing is the explicit answer (RFC 9110 §15.5.7): the client said it cannot
        // use what we have, and sending it anyway would hide the mismatch.
        return text(StatusCode::NOT_ACCEPTABLE).map(Body::Bytes);
    };
    let range = requested_range(headers, head, accept_encoding, &identity_tag, len);
    if range != Range::Full {
        coding = Coding::Identity;
    }
    let tag = caching::representation_tag(&identity_tag, coding);

    let mut res = if conditional::not_modified(headers, &tag) {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res
    } else {
        match range {
            Range::Full => {
                let body = match small {
                    // A HEAD's body is dropped anyway; its headers do not depend on the bytes.
                    Some(_) if head => Body::empty(),
                    Some(body) => Body::Bytes(encoding::encode(coding, body)),
                    None => Body::File {
                        file,
                        start: 0,
                        len,
                    },
                };
                let mut res = Response::new(body);
                if coding != Coding::Identity {
                    set(&mut res, CONTENT_ENCODING, coding.token());
                }
                res
            }
            Range::Partial { start, end } => {
                // `range::parse` keeps start <= end < len.
                let body = match small {
                    Some(body) => Body::Bytes(
                        body.get(start as usize..=end as usize)
                            .unwrap_or_default()
                            .to_vec(),
                    ),
                    None => Body::File {
                        file,
                        start,
                        len: end - start + 1,
                    },
                };
                let mut res = Response::new(body);
                *res.status_mut() = StatusCode::PARTIAL_CONTENT;
                set_string(
                    &mut res,
                    CONTENT_RANGE,
                    format!("bytes {start}-{end}/{len}"),
                );
                res
            }
            Range::Unsatisfiable => {
                let mut res = text(StatusCode::RANGE_NOT_SATISFIABLE).map(Body::Bytes);
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
        .insert(CACHE_CONTROL, settings.cache_control().clone());
    if res.status() != StatusCode::NOT_MODIFIED {
        set(&mut res, CONTENT_TYPE, content_type);
        set(&mut res, ACCEPT_RANGES, "bytes");
    }
    res
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
    len: u64,
) -> Range {
    match conditional::range(headers, identity_tag) {
        Some(value) if !head && encoding::identity_acceptable(accept_encoding) => {
            range::parse(value, len)
        }
        _ => Range::Full,
    }
}

/// What a safe path names.
enum Found<F> {
    /// The path actually opened (its extension picks the content type) and the open file:
    /// the file itself, or for a path with a trailing `/` its directory's `index.html`.
    File(String, F, Meta),
    /// A directory, named without its trailing `/`.
    Directory,
}

fn open<F: FileSource>(path: &SafePath, fs: &F) -> Result<Found<F::File>, ReadError> {
    if !path.is_dir_request() {
        return match fs.open(path.as_str()) {
            Ok((file, meta)) => Ok(Found::File(path.as_str().to_owned(), file, meta)),
            Err(ReadError::IsDirectory) => Ok(Found::Directory),
            Err(e) => Err(e),
        };
    }
    let index = path.index();
    let (file, meta) = fs.open(&index)?;
    Ok(Found::File(index, file, meta))
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

/// Done last on every answer: `Vary: Accept-Encoding` (even on a 404 or a PNG: whether
/// the answer is gzip or a 406 depends on that header, and a cache must not hand one
/// client's answer to another), then the shared security headers and framing.
fn finish<B: response::Framed>(mut res: Response<B>, head: bool) -> Response<B> {
    set(&mut res, VARY, "Accept-Encoding");
    response::finish(&mut res, head);
    res
}

fn set<B>(res: &mut Response<B>, name: HeaderName, value: &'static str) {
    res.headers_mut()
        .insert(name, HeaderValue::from_static(value));
}

/// For values built at run time (tags, ranges): always ASCII, but a refused value is
/// left out rather than allowed to panic.
fn set_string<B>(res: &mut Response<B>, name: HeaderName, value: String) {
    if let Ok(value) = HeaderValue::try_from(value) {
        res.headers_mut().insert(name, value);
    }
}

#[cfg(test)]
mod tests;
