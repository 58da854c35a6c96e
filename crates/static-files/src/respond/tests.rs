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
    super::respond(method, path, headers, fs, &Settings::default())
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
    for path in ["/docs/"] {
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
    let res = respond(
        &Method::GET,
        "/static/css/site.css",
        &HeaderMap::new(),
        &site(),
    );
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
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

// ---- Validators, caching ----

#[test]
fn ok_answers_carry_etag_cache_control_ranges_and_vary() {
    let res = get("/css/site.css");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "etag"), Some(tag_of("body{}").as_str()));
    assert_eq!(
        header(&res, "cache-control"),
        Some(caching::DEFAULT_CACHE_CONTROL)
    );
    assert_eq!(header(&res, "accept-ranges"), Some("bytes"));
    assert_eq!(header(&res, "vary"), Some("Accept-Encoding"));
    assert_eq!(header(&res, "content-encoding"), None);
    // The directory index too: its tag is that of the file read.
    assert_eq!(header(&get("/"), "etag"), Some(tag_of(INDEX).as_str()));
}

#[test]
fn cache_control_comes_from_the_settings() {
    let settings = Settings {
        cache_control: caching::cache_control(Some("public, max-age=600")).unwrap(),
        ..Settings::default()
    };
    let mut headers = HeaderMap::new();
    let res = super::respond(&Method::GET, "/index.html", &headers, &site(), &settings);
    assert_eq!(header(&res, "cache-control"), Some("public, max-age=600"));
    headers.insert(IF_NONE_MATCH, HeaderValue::from_static("*"));
    let res = super::respond(&Method::GET, "/index.html", &headers, &site(), &settings);
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, "cache-control"), Some("public, max-age=600"));
}

#[test]
fn matching_if_none_match_is_304() {
    let tag = tag_of("body{}");
    for inm in [
        tag.clone(),
        "*".into(),
        format!("W/{tag}"),
        format!("\"x\", {tag}"),
    ] {
        for method in [Method::GET, Method::HEAD] {
            let res = ask(method.clone(), "/css/site.css", &[("if-none-match", &inm)]);
            assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{method} {inm}");
            assert!(res.body().is_empty());
            assert_eq!(header(&res, "etag"), Some(tag.as_str()));
            assert_eq!(
                header(&res, "cache-control"),
                Some(caching::DEFAULT_CACHE_CONTROL)
            );
            assert_eq!(header(&res, "vary"), Some("Accept-Encoding"));
            assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
            assert_eq!(header(&res, "content-length"), None);
        }
    }
}

#[test]
fn other_if_none_match_is_200() {
    for inm in ["\"x\"", "garbage", "W/\"x\"", ""] {
        let res = ask(Method::GET, "/css/site.css", &[("if-none-match", inm)]);
        assert_eq!(res.status(), StatusCode::OK, "{inm}");
        assert_eq!(res.body(), b"body{}");
    }
    // A tag of another file, and a missing file (no 304 for what does not exist).
    let res = ask(
        Method::GET,
        "/index.html",
        &[("if-none-match", &tag_of("body{}"))],
    );
    assert_eq!(res.status(), StatusCode::OK);
    let res = ask(Method::GET, "/nope", &[("if-none-match", "*")]);
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

// ---- Content coding ----

#[test]
fn gzip_for_big_text_when_accepted() {
    for path in ["/big.html", "/big.css"] {
        let identity = get(path);
        let res = ask(
            Method::GET,
            path,
            &[("accept-encoding", "gzip, deflate, br")],
        );
        assert!(
            identity.body().len() >= encoding::MIN_COMPRESS_LEN,
            "{path} is big"
        );
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, "content-encoding"), Some("gzip"), "{path}");
        assert_eq!(header(&res, "vary"), Some("Accept-Encoding"));
        let plain = encoding::gunzip(res.body());
        assert_eq!(&plain, identity.body());
        assert!(res.body().len() < plain.len());
        assert_eq!(
            header(&res, "content-length"),
            Some(res.body().len().to_string().as_str())
        );
        // A different representation, a different strong tag.
        let gz_tag = caching::representation_tag(header(&identity, "etag").unwrap(), Coding::Gzip);
        assert_eq!(header(&res, "etag"), Some(gz_tag.as_str()));
        assert_ne!(header(&res, "etag"), header(&identity, "etag"));
        assert_eq!(
            header(&res, "content-type"),
            header(&identity, "content-type")
        );
        assert_eq!(header(&res, "accept-ranges"), Some("bytes"));
    }
}

#[test]
fn q_values_decide_the_coding() {
    let coding = |ae: &str| {
        let res = ask(Method::GET, "/big.html", &[("accept-encoding", ae)]);
        assert_eq!(res.status(), StatusCode::OK, "{ae}");
        header(&res, "content-encoding").map(str::to_owned)
    };
    assert_eq!(coding("gzip"), Some("gzip".into()));
    assert_eq!(coding("*"), Some("gzip".into()));
    assert_eq!(coding("gzip;q=0.5, identity"), None);
    assert_eq!(coding("gzip;q=0"), None);
    assert_eq!(coding("br"), None);
    assert_eq!(coding("identity"), None);
    assert_eq!(coding(""), None);
    assert_eq!(coding("gzip;q=0.1, identity;q=0"), Some("gzip".into()));
    // Several header lines are one list.
    let res = ask(
        Method::GET,
        "/big.html",
        &[("accept-encoding", "br"), ("accept-encoding", "gzip")],
    );
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
}

#[test]
fn small_or_binary_files_are_not_compressed() {
    for path in ["/css/site.css", "/index.html", "/big.png"] {
        let res = ask(Method::GET, path, &[("accept-encoding", "gzip")]);
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, "content-encoding"), None, "{path}");
        assert_eq!(header(&res, "vary"), Some("Accept-Encoding"), "{path}");
    }
    // Unless identity is refused: then a small text file is gzipped after all.
    let res = ask(
        Method::GET,
        "/css/site.css",
        &[("accept-encoding", "gzip, identity;q=0")],
    );
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    assert_eq!(encoding::gunzip(res.body()), b"body{}");
}

#[test]
fn nothing_acceptable_is_406() {
    for (path, ae) in [
        ("/big.html", "identity;q=0, *;q=0"),
        ("/big.html", "br, identity;q=0"),
        ("/css/site.css", "*;q=0"),
        ("/big.png", "gzip, identity;q=0"),
    ] {
        let res = ask(Method::GET, path, &[("accept-encoding", ae)]);
        assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE, "{path} {ae}");
        assert_eq!(
            res.body(),
            b"Not Acceptable: no content coding you accept\n"
        );
        assert_eq!(
            header(&res, "content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(header(&res, "vary"), Some("Accept-Encoding"));
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(&res, "etag"), None);
        assert_eq!(header(&res, "content-encoding"), None);
    }
    // Errors are not negotiated: a missing file is still a plain 404.
    let res = ask(Method::GET, "/nope", &[("accept-encoding", "*;q=0")]);
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[test]
fn if_none_match_compares_with_the_chosen_representation() {
    let gz = [("accept-encoding", "gzip")];
    let gz_tag = gzip_tag_of(BIG_HTML);
    let res = ask(
        Method::GET,
        "/big.html",
        &[gz[0], ("if-none-match", &gz_tag)],
    );
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, "etag"), Some(gz_tag.as_str()));
    // The identity tag does not validate the gzip representation, nor the reverse.
    let res = ask(
        Method::GET,
        "/big.html",
        &[gz[0], ("if-none-match", &tag_of(BIG_HTML))],
    );
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    let res = ask(Method::GET, "/big.html", &[("if-none-match", &gz_tag)]);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), None);
}

// ---- Ranges ----

#[test]
fn single_ranges_are_206() {
    let len = BIG_HTML.len();
    for (range, start, end) in [
        ("bytes=0-4", 0, 4),
        ("bytes=10-", 10, len - 1),
        ("bytes=-6", len - 6, len - 1),
        ("bytes=5-5", 5, 5),
        ("bytes=100-100000", 100, len - 1),
    ] {
        // Even when gzip is acceptable: a range is of the identity bytes.
        let res = ask(
            Method::GET,
            "/big.html",
            &[("range", range), ("accept-encoding", "gzip")],
        );
        assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(res.body(), &BIG_HTML.as_bytes()[start..=end], "{range}");
        let content_range = format!("bytes {start}-{end}/{len}");
        assert_eq!(header(&res, "content-range"), Some(content_range.as_str()));
        assert_eq!(
            header(&res, "content-length"),
            Some((end - start + 1).to_string().as_str())
        );
        assert_eq!(header(&res, "content-encoding"), None);
        assert_eq!(header(&res, "etag"), Some(tag_of(BIG_HTML).as_str()));
        assert_eq!(
            header(&res, "cache-control"),
            Some(caching::DEFAULT_CACHE_CONTROL)
        );
        assert_eq!(header(&res, "accept-ranges"), Some("bytes"));
        assert_eq!(header(&res, "vary"), Some("Accept-Encoding"));
        assert_eq!(
            header(&res, "content-type"),
            Some("text/html; charset=utf-8")
        );
    }
}

#[test]
fn unsatisfiable_range_is_416() {
    let len = BIG_HTML.len();
    for range in [
        format!("bytes={len}-"),
        "bytes=100000-100001".into(),
        "bytes=-0".into(),
    ] {
        let res = ask(Method::GET, "/big.html", &[("range", &range)]);
        assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        let star = format!("bytes */{len}");
        assert_eq!(header(&res, "content-range"), Some(star.as_str()));
        assert_eq!(res.body(), b"Range Not Satisfiable\n");
        assert_eq!(header(&res, "vary"), Some("Accept-Encoding"));
        assert_eq!(header(&res, "x-content-type-options"), Some("nosniff"));
    }
    // An empty file has no satisfiable range.
    let res = ask(Method::GET, "/empty/.keep", &[("range", "bytes=0-")]);
    assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&res, "content-range"), Some("bytes */0"));
}

#[test]
fn ignored_ranges_send_the_whole_file() {
    for range in ["bytes=0-1,4-5", "bytes=5-1", "items=0-1", "bytes=x"] {
        let res = ask(Method::GET, "/big.html", &[("range", range)]);
        assert_eq!(res.status(), StatusCode::OK, "{range}");
        assert_eq!(res.body(), BIG_HTML.as_bytes());
        assert_eq!(header(&res, "content-range"), None);
    }
    // With gzip acceptable, the whole file comes gzipped as usual.
    let res = ask(
        Method::GET,
        "/big.html",
        &[("range", "bytes=0-1,4-5"), ("accept-encoding", "gzip")],
    );
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
}

#[test]
fn if_range_gates_the_range() {
    let tag = tag_of(BIG_HTML);
    let res = ask(
        Method::GET,
        "/big.html",
        &[("range", "bytes=0-4"), ("if-range", &tag)],
    );
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    for if_range in [
        format!("W/{tag}"),
        "\"old\"".into(),
        gzip_tag_of(BIG_HTML),
        "Tue, 15 Nov 1994 08:12:31 GMT".into(),
    ] {
        let res = ask(
            Method::GET,
            "/big.html",
            &[("range", "bytes=0-4"), ("if-range", &if_range)],
        );
        assert_eq!(res.status(), StatusCode::OK, "{if_range}");
        assert_eq!(res.body(), BIG_HTML.as_bytes());
    }
}

#[test]
fn range_with_identity_refused_sends_the_whole_gzip() {
    let res = ask(
        Method::GET,
        "/big.html",
        &[
            ("range", "bytes=0-4"),
            ("accept-encoding", "gzip, identity;q=0"),
        ],
    );
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    assert_eq!(encoding::gunzip(res.body()), BIG_HTML.as_bytes());
}

#[test]
fn if_none_match_wins_over_range() {
    let tag = tag_of(BIG_HTML);
    let res = ask(
        Method::GET,
        "/big.html",
        &[("range", "bytes=0-4"), ("if-none-match", &tag)],
    );
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, "etag"), Some(tag.as_str()));
    assert_eq!(header(&res, "content-range"), None);
}

// ---- HEAD mirrors GET ----

#[test]
fn head_has_the_headers_of_get() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("/big.html", &[]),
        ("/big.html", &[("accept-encoding", "gzip")]),
        ("/big.html", &[("accept-encoding", "*;q=0")]),
        ("/big.html", &[("if-none-match", "*")]),
        ("/big.png", &[]),
        ("/nope", &[]),
        ("/%zz", &[]),
    ];
    for (path, headers) in cases {
        let get = ask(Method::GET, path, headers);
        let head = ask(Method::HEAD, path, headers);
        assert_eq!(head.status(), get.status(), "{path} {headers:?}");
        assert!(head.body().is_empty());
        let mut get_headers = get.headers().clone();
        get_headers.remove(CONTENT_LENGTH);
        assert_eq!(head.headers(), &get_headers, "{path} {headers:?}");
    }
}

#[test]
fn head_ignores_range() {
    // RFC 9110 §14.2: Range is defined for GET only. HEAD answers as GET without it.
    let res = ask(Method::HEAD, "/big.html", &[("range", "bytes=0-4")]);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-range"), None);
    assert!(res.body().is_empty());
    let res = ask(Method::HEAD, "/big.html", &[("range", "bytes=100000-")]);
    assert_eq!(res.status(), StatusCode::OK);
}

// ---- Security headers ----

#[test]
fn html_gets_csp_and_referrer_policy() {
    for res in [
        get("/index.html"),
        get("/"),
        get("/docs/"),
        ask(Method::GET, "/big.html", &[("accept-encoding", "gzip")]),
        ask(Method::GET, "/big.html", &[("range", "bytes=0-1")]),
        ask(Method::HEAD, "/index.html", &[]),
    ] {
        assert_eq!(header(&res, "content-security-policy"), Some(HTML_CSP));
        assert_eq!(
            header(&res, "content-security-policy"),
            Some("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
        );
        assert_eq!(header(&res, "referrer-policy"), Some("no-referrer"));
    }
    for res in [
        get("/css/site.css"),
        get("/big.png"),
        get("/nope"),
        get("/js/app.mjs"),
    ] {
        assert_eq!(header(&res, "content-security-policy"), None);
        assert_eq!(header(&res, "referrer-policy"), None);
    }
}

#[test]
fn every_answer_has_nosniff_and_vary() {
    let answers = [
        get("/index.html"),
        get("/nope"),
        get("/%zz"),
        ask(Method::GET, "/big.html", &[("if-none-match", "*")]),
        ask(Method::GET, "/big.html", &[("range", "bytes=0-1")]),
        ask(Method::GET, "/big.html", &[("range", "bytes=100000-")]),
        ask(Method::GET, "/big.html", &[("accept-encoding", "*;q=0")]),
        ask(Method::GET, "/big.html", &[("accept-encoding", "gzip")]),
        ask(Method::OPTIONS, "/", &[]),
        ask(Method::POST, "/", &[]),
        method_not_allowed(),
    ];
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses,
        [200, 404, 400, 304, 206, 416, 406, 200, 204, 405, 405]
    );
    for res in &answers {
        assert_eq!(
            header(res, "x-content-type-options"),
            Some("nosniff"),
            "{}",
            res.status()
        );
        assert_eq!(
            header(res, "vary"),
            Some("Accept-Encoding"),
            "{}",
            res.status()
        );
    }
}

#[test]
fn request_headers_list_covers_what_is_read() {
    for name in [
        "spin-path-info",
        "if-none-match",
        "if-range",
        "range",
        "accept-encoding",
    ] {
        assert!(REQUEST_HEADERS.iter().any(|h| h == name), "{name}");
    }
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
    // (IsDirectory is a directory without its slash: a redirect, tested above.)
    for e in [ReadError::Other, ReadError::NotFound] {
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
            matches!(res.status().as_u16(), 200 | 308 | 400 | 404),
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

fn with_pages(custom_404: Option<&str>, fallback: Option<&str>) -> Settings {
    let page = |v: Option<&str>| v.map(|v| crate::path::resolve(v.as_bytes()).unwrap());
    Settings {
        custom_404: page(custom_404),
        fallback: page(fallback),
        ..Settings::default()
    }
}

fn get_with(path: &str, settings: &Settings) -> Response<Vec<u8>> {
    super::respond(&Method::GET, path, &HeaderMap::new(), &site(), settings)
}

#[test]
fn the_custom_404_page_is_served_with_404_and_its_own_type() {
    let settings = with_pages(Some("docs/index.html"), None);
    for missing in ["/nope", "/css/missing.css", "/%2e%2e/x"] {
        let res = get_with(missing, &settings);
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(res.body(), b"<p>docs</p>", "{missing}");
        assert_eq!(
            header(&res, "content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(header(&res, "content-security-policy"), Some(HTML_CSP));
        assert_eq!(header(&res, "etag"), None, "a 404 carries no validator");
    }
    // Malformed input stays a 400, and a page that is missing is skipped.
    assert_eq!(
        get_with("/%zz", &settings).status(),
        StatusCode::BAD_REQUEST
    );
    let res = get_with("/nope", &with_pages(Some("gone.html"), None));
    assert_eq!(
        (res.status(), res.body().as_slice()),
        (StatusCode::NOT_FOUND, &b"Not Found\n"[..])
    );
}

#[test]
fn the_fallback_page_answers_routes_but_not_assets() {
    let settings = with_pages(Some("docs/guide.md"), Some("index.html"));
    for route in ["/some/route", "/app", "/deep/er/still"] {
        let res = get_with(route, &settings);
        assert_eq!(res.status(), StatusCode::OK, "{route}");
        assert_eq!(res.body(), INDEX.as_bytes(), "{route}");
        assert_eq!(header(&res, "etag"), Some(tag_of(INDEX).as_str()));
    }
    for asset in ["/missing.js", "/css/gone.css", "/some/route/logo.png"] {
        let res = get_with(asset, &settings);
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{asset}");
        assert_eq!(res.body(), b"# Guide", "{asset}: the custom 404 page");
    }
    // Files that exist are still themselves.
    assert_eq!(get_with("/css/site.css", &settings).body(), b"body{}");
    let missing_fallback = with_pages(None, Some("gone.html"));
    assert_eq!(
        get_with("/some/route", &missing_fallback).status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn a_directory_without_its_slash_redirects_to_it() {
    let res = get("/docs");
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(&res, "location"), Some("./docs/"));
    let res = get("/docs?tab=1");
    assert_eq!(header(&res, "location"), Some("./docs/?tab=1"));
    assert_eq!(get("/docs/").body(), b"<p>docs</p>");
    // The route's base itself: Spin's path-info is empty for `/static`.
    let mut headers = HeaderMap::new();
    headers.insert(SPIN_PATH_INFO, HeaderValue::from_static(""));
    let res = respond(&Method::GET, "/static?x", &headers, &site());
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(&res, "location"), Some("./static/?x"));
    let res = respond(&Method::HEAD, "/docs", &HeaderMap::new(), &site());
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert!(res.body().is_empty());
}
