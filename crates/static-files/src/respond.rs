//! The whole request → response decision, as a pure function over `http` types and a
//! [`FileSource`]. Later features (ETag, Range, Cache-Control, compression) belong here,
//! between reading the file and `finish` (which frames the body last).

use http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};

use crate::fs::{FileSource, ReadError};
use crate::mime;
use crate::path::{self, SafePath};

/// The header in which Spin passes the part of the path after the route's base.
/// A `HeaderName` constant, not a `&str`: lookups by string parse the name at run time,
/// which drags `http`'s whole standard-header table (~14 KB) into the wasm.
pub const SPIN_PATH_INFO: HeaderName = HeaderName::from_static("spin-path-info");

/// Every request header [`respond()`] reads; the host layer copies only these, so a header
/// a later feature reads (If-None-Match, Range, Accept-Encoding) must be added here.
pub const REQUEST_HEADERS: [HeaderName; 1] = [SPIN_PATH_INFO];

/// The raw path to serve: Spin's `spin-path-info` when present, else the request's own
/// URI path (as under `wasmtime serve`, where the component receives every path).
pub fn path_info<'a>(uri_path: &'a str, headers: &'a HeaderMap) -> &'a [u8] {
    match headers.get(&SPIN_PATH_INFO) {
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
) -> Response<Vec<u8>> {
    let head = match *method {
        Method::GET => false,
        Method::HEAD => true,
        _ => return method_not_allowed(),
    };
    finish(serve(path_info(uri_path, headers), fs), head)
}

/// The 405 for any method but GET and HEAD.
pub fn method_not_allowed() -> Response<Vec<u8>> {
    let mut res = finish(text(StatusCode::METHOD_NOT_ALLOWED), false);
    res.headers_mut()
        .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    res
}

/// The GET response for a raw path.
fn serve(raw_path: &[u8], fs: &impl FileSource) -> Response<Vec<u8>> {
    let path = match path::resolve(raw_path) {
        Ok(p) => p,
        Err(e) => return text(e.status()),
    };
    match read(&path, fs) {
        Ok((name, body)) => {
            let mut res = Response::new(body);
            set(&mut res, CONTENT_TYPE, mime::content_type(&name));
            set(&mut res, X_CONTENT_TYPE_OPTIONS, "nosniff");
            res
        }
        // Every failure is a 404: whether a path is missing, unreadable or odd is
        // nothing a client needs to know.
        Err(_) => text(StatusCode::NOT_FOUND),
    }
}

/// Reads the file a safe path names, falling back to a directory's `index.html`.
/// Returns the path actually read (its extension picks the content type) and the bytes.
fn read(path: &SafePath, fs: &impl FileSource) -> Result<(String, Vec<u8>), ReadError> {
    if !path.is_dir_request() {
        match fs.read(path.as_str()) {
            Ok(body) => return Ok((path.as_str().to_owned(), body)),
            Err(ReadError::IsDirectory) => {}
            Err(e) => return Err(e),
        }
    }
    let index = path.index();
    let body = fs.read(&index)?;
    Ok((index, body))
}

/// A short plain-text answer for an error status, e.g. `Not Found`.
fn text(status: StatusCode) -> Response<Vec<u8>> {
    // Our own few reasons: `StatusCode::canonical_reason` carries every status's text.
    let body: &[u8] = match status {
        StatusCode::BAD_REQUEST => b"Bad Request\n",
        StatusCode::NOT_FOUND => b"Not Found\n",
        StatusCode::METHOD_NOT_ALLOWED => b"Method Not Allowed\n",
        _ => b"Error\n",
    };
    let mut res = Response::new(body.to_vec());
    *res.status_mut() = status;
    set(&mut res, CONTENT_TYPE, "text/plain; charset=utf-8");
    set(&mut res, X_CONTENT_TYPE_OPTIONS, "nosniff");
    res
}

/// Framing, done last so it always matches the final body. GET gets an exact
/// `Content-Length` (the host then need not chunk). HEAD drops the body and sends no
/// length: wasi-http hosts check the declared length against the bytes written, so a
/// HEAD declaring the GET's length with an empty body would fail there.
fn finish(mut res: Response<Vec<u8>>, head: bool) -> Response<Vec<u8>> {
    if head {
        res.body_mut().clear();
        res.headers_mut().remove(CONTENT_LENGTH);
    } else {
        let len = HeaderValue::from(res.body().len());
        res.headers_mut().insert(CONTENT_LENGTH, len);
    }
    res
}

fn set(res: &mut Response<Vec<u8>>, name: http::HeaderName, value: &'static str) {
    res.headers_mut()
        .insert(name, HeaderValue::from_static(value));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    const INDEX: &str = "<!doctype html><title>home</title>";

    fn site() -> MemFs {
        MemFs::new()
            .with("index.html", INDEX)
            .with("css/site.css", "body{}")
            .with("js/app.mjs", "export {}")
            .with("img/logo.PNG", vec![0x89, b'P', b'N', b'G'])
            .with("docs/index.html", "<p>docs</p>")
            .with("docs/guide.md", "# Guide")
            .with("empty/.keep", "")
            .with("blob", vec![0u8, 1, 2])
            .with("hello world.txt", "spaced")
            .with("café.txt", "accent")
            .with("%2e%2e", "literal name")
    }

    fn get(path: &str) -> Response<Vec<u8>> {
        respond(&Method::GET, path, &HeaderMap::new(), &site())
    }

    fn header<'a>(res: &'a Response<Vec<u8>>, name: &str) -> Option<&'a str> {
        res.headers().get(name).map(|v| v.to_str().unwrap())
    }

    fn assert_not_found(res: &Response<Vec<u8>>, what: &str) {
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{what}");
        assert_eq!(res.body(), b"Not Found\n", "{what}");
        assert_eq!(
            header(res, "content-type"),
            Some("text/plain; charset=utf-8")
        );
    }

    #[test]
    fn serves_a_file_with_headers() {
        let res = get("/css/site.css");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.body(), b"body{}");
        assert_eq!(
            header(&res, "content-type"),
            Some("text/css; charset=utf-8")
        );
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(&res, "content-length"), Some("6"));
    }

    #[test]
    fn content_type_follows_extension() {
        assert_eq!(
            header(&get("/js/app.mjs"), "content-type"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(
            header(&get("/img/logo.PNG"), "content-type"),
            Some("image/png")
        );
        assert_eq!(
            header(&get("/blob"), "content-type"),
            Some("application/octet-stream")
        );
    }

    #[test]
    fn root_and_directories_serve_index() {
        for path in ["", "/"] {
            let res = get(path);
            assert_eq!(res.status(), StatusCode::OK, "{path:?}");
            assert_eq!(res.body(), INDEX.as_bytes());
            assert_eq!(
                header(&res, "content-type"),
                Some("text/html; charset=utf-8")
            );
        }
        for path in ["/docs", "/docs/"] {
            let res = get(path);
            assert_eq!(res.status(), StatusCode::OK, "{path:?}");
            assert_eq!(res.body(), b"<p>docs</p>");
            assert_eq!(
                header(&res, "content-type"),
                Some("text/html; charset=utf-8")
            );
        }
    }

    #[test]
    fn directory_without_index_is_404() {
        assert_not_found(&get("/empty"), "/empty");
        assert_not_found(&get("/empty/"), "/empty/");
        assert_not_found(&get("/css/"), "/css/");
        let no_root_index = MemFs::new().with("a.txt", "a");
        let res = respond(&Method::GET, "/", &HeaderMap::new(), &no_root_index);
        assert_not_found(&res, "root without index");
    }

    #[test]
    fn file_with_trailing_slash_is_404() {
        assert_not_found(&get("/css/site.css/"), "file as directory");
    }

    #[test]
    fn missing_file_is_404() {
        assert_not_found(&get("/nope.html"), "/nope.html");
        assert_not_found(&get("/css/nope.css"), "/css/nope.css");
        assert_not_found(&get("/nope/deeper/x.js"), "deep miss");
    }

    #[test]
    fn decoded_names_are_served() {
        assert_eq!(get("/hello%20world.txt").body(), b"spaced");
        assert_eq!(get("/caf%C3%A9.txt").body(), b"accent");
        assert_eq!(get("/css/site.css?v=3").body(), b"body{}");
    }

    #[test]
    fn head_has_get_headers_and_no_body() {
        let res = respond(&Method::HEAD, "/css/site.css", &HeaderMap::new(), &site());
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.body().is_empty());
        assert_eq!(
            header(&res, "content-type"),
            Some("text/css; charset=utf-8")
        );
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(&res, "content-length"), None);

        let res = respond(&Method::HEAD, "/nope", &HeaderMap::new(), &site());
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert!(res.body().is_empty());

        let res = respond(&Method::HEAD, "/%zz", &HeaderMap::new(), &site());
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(res.body().is_empty());
    }

    #[test]
    fn other_methods_are_405() {
        for m in [
            "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PURGE",
        ] {
            let method = Method::from_bytes(m.as_bytes()).unwrap();
            // Even for a path that exists, and one that is malformed.
            for path in ["/index.html", "/%zz"] {
                let res = respond(&method, path, &HeaderMap::new(), &site());
                assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{m} {path}");
                assert_eq!(header(&res, "allow"), Some("GET, HEAD"));
                assert_eq!(res.body(), b"Method Not Allowed\n");
                assert_eq!(header(&res, "content-length"), Some("19"));
            }
        }
    }

    #[test]
    fn spin_path_info_wins_over_uri_path() {
        let mut headers = HeaderMap::new();
        headers.insert(SPIN_PATH_INFO, HeaderValue::from_static("/css/site.css"));
        let res = respond(&Method::GET, "/static/css/site.css", &headers, &site());
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.body(), b"body{}");

        // Without the header the URI path is used as is: `/static/...` is not in the mount.
        let res = respond(
            &Method::GET,
            "/static/css/site.css",
            &HeaderMap::new(),
            &site(),
        );
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn empty_spin_path_info_is_the_route_base() {
        // A request for `/static` itself: Spin sends an empty path-info.
        let mut headers = HeaderMap::new();
        headers.insert(SPIN_PATH_INFO, HeaderValue::from_static(""));
        let res = respond(&Method::GET, "/static", &headers, &site());
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.body(), INDEX.as_bytes());
    }

    #[test]
    fn spin_path_info_is_checked_too() {
        let mut headers = HeaderMap::new();
        headers.insert(
            SPIN_PATH_INFO,
            HeaderValue::from_static("/%2e%2e/etc/passwd"),
        );
        let res = respond(&Method::GET, "/static/index.html", &headers, &site());
        assert_not_found(&res, "traversal in spin-path-info");
        // Non-UTF-8 bytes are legal in a header value but not in a path.
        headers.insert(SPIN_PATH_INFO, HeaderValue::from_bytes(b"/\xff").unwrap());
        let res = respond(&Method::GET, "/static/index.html", &headers, &site());
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn path_info_rule() {
        let mut headers = HeaderMap::new();
        assert_eq!(path_info("/a", &headers), b"/a");
        headers.insert(SPIN_PATH_INFO, HeaderValue::from_static("/b"));
        assert_eq!(path_info("/a", &headers), b"/b");
    }

    /// Every traversal attempt: refused with 404 or 400 and a short body, never a 5xx,
    /// never the contents of anything (the site has a file literally named `%2e%2e`).
    #[test]
    fn traversal_corpus() {
        let not_found = [
            "/..",
            "/../index.html",
            "/css/../index.html",
            "/css/../../etc/passwd",
            "/%2e%2e",
            "/%2e%2e/index.html",
            "/%2E%2e/index.html",
            "/%2e%2E",
            "/.%2e/index.html",
            "/%2e./index.html",
            "/./index.html",
            "/css/./site.css",
            "/%2fetc%2fpasswd",
            "/css%2fsite.css",
            "/css%2Fsite.css",
            "/css%5csite.css",
            "/css%5Csite.css",
            "/css\\site.css",
            "/..\\index.html",
            "/..\\..\\etc\\passwd",
            "\\..\\index.html",
            "//etc/passwd",
            "//index.html",
            "/css//site.css",
            "/C:/index.html",
            "/c:%5cwindows%5cwin.ini",
            "/index.html::$DATA",
            "/%252e%252e/index.html",
        ];
        for path in not_found {
            let res = get(path);
            assert_not_found(&res, path);
            assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        }
        let bad_request = [
            "/%zz",
            "/%",
            "/index.html%",
            "/%4",
            "/%ff",
            "/%FF%FE",
            "/%c0%ae%c0%ae/index.html",
            "/%C0%AE%C0%AE/index.html",
            "/%00",
            "/index.html%00",
            "/index.html%00.png",
            "/%0a",
        ];
        for path in bad_request {
            let res = get(path);
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
            assert_eq!(res.body(), b"Bad Request\n", "{path}");
            assert_eq!(
                header(&res, "content-type"),
                Some("text/plain; charset=utf-8")
            );
        }
    }

    #[test]
    fn double_encoded_dots_are_a_plain_name() {
        // `%252e%252e` decodes once to the literal name `%2e%2e`: served only if such a
        // file exists, and never treated as `..`.
        let res = get("/%252e%252e");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.body(), b"literal name");
        let res = respond(
            &Method::GET,
            "/%252e%252e",
            &HeaderMap::new(),
            &MemFs::new(),
        );
        assert_not_found(&res, "double-encoded, no such file");
    }

    /// A file source that fails in every way but "not found".
    struct Broken(ReadError);

    impl FileSource for Broken {
        fn read(&self, _: &str) -> Result<Vec<u8>, ReadError> {
            Err(self.0)
        }
    }

    #[test]
    fn read_errors_are_404_without_details() {
        for e in [
            ReadError::Other,
            ReadError::IsDirectory,
            ReadError::NotFound,
        ] {
            let res = respond(&Method::GET, "/index.html", &HeaderMap::new(), &Broken(e));
            assert_not_found(&res, &format!("{e:?}"));
        }
    }

    #[test]
    fn no_input_gives_5xx() {
        // A cheap fuzz over short paths built from the characters that matter.
        let alphabet: &[&str] = &[
            "/",
            ".",
            "%",
            "2",
            "e",
            "f",
            "5",
            "c",
            "\\",
            "a",
            ":",
            "%00",
            "%ff",
            "?",
            "index.html",
        ];
        let fs = site();
        let mut count = 0;
        let mut stack = vec![String::new()];
        while let Some(p) = stack.pop() {
            let res = respond(&Method::GET, &p, &HeaderMap::new(), &fs);
            assert!(
                matches!(res.status().as_u16(), 200 | 400 | 404),
                "{p:?} gave {}",
                res.status()
            );
            if res.status() == StatusCode::OK {
                assert!(!res.body().is_empty() || p.contains("keep"), "{p:?}");
            }
            count += 1;
            if p.len() < 4 {
                stack.extend(alphabet.iter().map(|s| format!("{p}{s}")));
            }
        }
        assert!(count > 10_000);
    }

    #[test]
    fn long_uri_does_not_panic() {
        let long = format!("/{}", "a".repeat(100_000));
        assert_eq!(get(&long).status(), StatusCode::NOT_FOUND);
        let long = format!("/{}", "%2e".repeat(100_000));
        assert_eq!(get(&long).status(), StatusCode::NOT_FOUND);
    }
}
