//! `respond()`'s HTTP semantics, natively over an in-memory site.

use super::*;
use crate::fs::MemFs;

const INDEX: &str = "<!doctype html><title>home</title>";

fn site() -> MemFs {
    MemFs::new()
        .with("index.html", INDEX)
        .with("css/site.css", "body{}")
        .with("js/app.mjs", "export {}")
        .with("img/logo.PNG", vec![0x89, b'P', b'N', b'G'])
        .with(
            "img/icon.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .with("docs/index.html", "<p>docs</p>")
        .with("docs/guide.md", "# Guide")
        .with("empty/.keep", "")
        .with("blob", vec![0u8, 1, 2])
        .with("hello world.txt", "spaced")
        .with("café.txt", "accent")
        .with("%2e%2e", "literal name")
        .with("big.html", BIG_HTML)
        .with("big.css", BIG_CSS)
        .with("big.png", vec![7u8; 4096])
}

/// Over the compression threshold, and compressible.
const BIG_HTML: &str = concat!(
    "<!doctype html><title>animals</title><ul>",
    "<li>Snake</li><li>Horse</li><li>Mouse</li><li>Bird</li><li>Snake</li>",
    "<li>Horse</li><li>Mouse</li><li>Bird</li><li>Snake</li><li>Horse</li>",
    "<li>Mouse</li><li>Bird</li><li>Snake</li><li>Horse</li><li>Mouse</li>",
    "<li>Bird</li><li>Snake</li><li>Horse</li><li>Mouse</li><li>Bird</li></ul>"
);
const BIG_CSS: &str = concat!(
    "body { margin: 0; padding: 0; font-family: sans-serif; }\n",
    "h1 { margin: 0; padding: 0; font-family: serif; }\n",
    "h2 { margin: 0; padding: 0; font-family: serif; }\n",
    "ul { margin: 0; padding: 0; list-style: none; }\n",
    "li { margin: 0; padding: 0; list-style: none; }\n",
    "p { margin: 0 0 1em 0; padding: 0; line-height: 1.5; }\n",
);

/// `respond` with the default settings, as most tests want.
fn respond(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    fs: &impl FileSource,
) -> Response<Vec<u8>> {
    respond_with(method, path, headers, fs, &Settings::default())
}

/// `respond`, with a streamed body read into memory.
fn respond_with(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    fs: &impl FileSource,
    settings: &Settings,
) -> Response<Vec<u8>> {
    let res = super::respond(method, path, headers, fs, settings);
    res.map(|body| body.into_bytes().expect("the body reads"))
}

fn get(path: &str) -> Response<Vec<u8>> {
    respond(&Method::GET, path, &HeaderMap::new(), &site())
}

fn header<'a>(res: &'a Response<Vec<u8>>, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

/// A request with headers, on the test site, with the default settings.
fn ask(method: Method, path: &str, headers: &[(&str, &str)]) -> Response<Vec<u8>> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        map.append(name, HeaderValue::from_str(value).unwrap());
    }
    respond(&method, path, &map, &site())
}

fn tag_of(body: &str) -> String {
    etag::strong(body.as_bytes())
}

fn gzip_tag_of(body: &str) -> String {
    caching::representation_tag(&tag_of(body), Coding::Gzip)
}

/// A refusal: its status, with a short plain-text body.
fn assert_refused(res: &Response<Vec<u8>>, status: StatusCode, body: &str, what: &str) {
    assert_eq!(res.status(), status, "{what}");
    assert_eq!(res.body(), body.as_bytes(), "{what}");
    let content_type = header(res, "content-type");
    assert_eq!(content_type, Some("text/plain; charset=utf-8"), "{what}");
}

fn assert_not_found(res: &Response<Vec<u8>>, what: &str) {
    assert_refused(res, StatusCode::NOT_FOUND, "Not Found\n", what);
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
    for (path, index) in [("", INDEX), ("/", INDEX), ("/docs/", "<p>docs</p>")] {
        let res = get(path);
        assert_eq!(res.status(), StatusCode::OK, "{path:?}");
        assert_eq!(res.body(), index.as_bytes(), "{path:?}");
        assert_eq!(
            header(&res, "content-type"),
            Some("text/html; charset=utf-8")
        );
    }
}

#[test]
fn directory_without_index_is_404() {
    assert_eq!(get("/empty").status(), StatusCode::PERMANENT_REDIRECT);
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
        "POST", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "PURGE",
    ] {
        let method = Method::from_bytes(m.as_bytes()).unwrap();
        // Even for a path that exists, and one that is malformed.
        for path in ["/index.html", "/%zz"] {
            let res = respond(&method, path, &HeaderMap::new(), &site());
            assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{m} {path}");
            assert_eq!(header(&res, "allow"), Some("GET, HEAD, OPTIONS"));
            assert_eq!(res.body(), b"Method Not Allowed\n");
            assert_eq!(header(&res, "content-length"), Some("19"));
            assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        }
    }
    assert_eq!(
        header(&method_not_allowed(), "allow"),
        Some("GET, HEAD, OPTIONS")
    );
}

#[test]
fn options_is_204_with_allow_where_get_finds_something() {
    for path in ["/index.html", "/", "/docs", "/docs/"] {
        let res = respond(&Method::OPTIONS, path, &HeaderMap::new(), &site());
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
        assert_eq!(header(&res, "allow"), Some("GET, HEAD, OPTIONS"));
        assert!(res.body().is_empty());
        // RFC 9110 §8.6: no Content-Length on a 204.
        assert_eq!(header(&res, "content-length"), None);
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
    }
    for (path, status) in [("/nope", 404), ("/../x", 404), ("*", 404), ("/%zz", 400)] {
        let res = respond(&Method::OPTIONS, path, &HeaderMap::new(), &site());
        assert_eq!(res.status().as_u16(), status, "{path}: GET's answer");
        assert_eq!(res.body(), get(path).body(), "{path}");
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
    assert_eq!(get("/static/css/site.css").status(), StatusCode::NOT_FOUND);
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
    // A client's forged line first, the host's after it (as Spin sends them).
    headers.insert(SPIN_PATH_INFO, HeaderValue::from_static("/../secret"));
    headers.append(SPIN_PATH_INFO, HeaderValue::from_static("/c"));
    assert_eq!(path_info("/a", &headers), b"/c");
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
        assert_refused(&get(path), StatusCode::BAD_REQUEST, "Bad Request\n", path);
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

mod codings;
mod pages;
mod streamed;
mod validators;
