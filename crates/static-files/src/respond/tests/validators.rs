//! Validators, `Cache-Control`, byte ranges and HEAD.

use super::*;
use http::header::CONTENT_LENGTH;

/// What an answer about a file's current contents carries, 200, 206 or 304 alike: its
/// tag, the default `Cache-Control`, and `Vary` (the coding depends on the request).
fn assert_caching_headers(res: &Response<Vec<u8>>, tag: &str) {
    assert_eq!(header(res, "etag"), Some(tag));
    assert_eq!(
        header(res, "cache-control"),
        Some(caching::DEFAULT_CACHE_CONTROL)
    );
    assert_eq!(header(res, "vary"), Some("Accept-Encoding"));
}

#[test]
fn ok_answers_carry_etag_cache_control_ranges_and_vary() {
    let res = get("/css/site.css");
    assert_eq!(res.status(), StatusCode::OK);
    assert_caching_headers(&res, &tag_of("body{}"));
    assert_eq!(header(&res, "accept-ranges"), Some("bytes"));
    assert_eq!(header(&res, "content-encoding"), None);
    // The directory index too: its tag is that of the file read.
    assert_eq!(header(&get("/"), "etag"), Some(tag_of(INDEX).as_str()));
}

#[test]
fn cache_control_comes_from_the_settings() {
    let settings = Settings::from_variables(|name| {
        Ok((name == caching::CACHE_CONTROL_VAR).then(|| "public, max-age=600".to_owned()))
    });
    let mut headers = HeaderMap::new();
    let res = respond_with(&Method::GET, "/index.html", &headers, &site(), &settings);
    assert_eq!(header(&res, "cache-control"), Some("public, max-age=600"));
    headers.insert(IF_NONE_MATCH, HeaderValue::from_static("*"));
    let res = respond_with(&Method::GET, "/index.html", &headers, &site(), &settings);
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
            assert_caching_headers(&res, &tag);
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
        assert_caching_headers(&res, &tag_of(BIG_HTML));
        assert_eq!(header(&res, "accept-ranges"), Some("bytes"));
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

/// GET of the first five bytes of `/big.html`, with one more request header.
fn first_bytes_of_big(name: &str, value: &str) -> Response<Vec<u8>> {
    ask(
        Method::GET,
        "/big.html",
        &[("range", "bytes=0-4"), (name, value)],
    )
}

#[test]
fn if_range_gates_the_range() {
    let tag = tag_of(BIG_HTML);
    let res = first_bytes_of_big("if-range", &tag);
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    for if_range in [
        format!("W/{tag}"),
        "\"old\"".into(),
        gzip_tag_of(BIG_HTML),
        "Tue, 15 Nov 1994 08:12:31 GMT".into(),
    ] {
        let res = first_bytes_of_big("if-range", &if_range);
        assert_eq!(res.status(), StatusCode::OK, "{if_range}");
        assert_eq!(res.body(), BIG_HTML.as_bytes());
    }
}

#[test]
fn range_with_identity_refused_sends_the_whole_gzip() {
    let res = first_bytes_of_big("accept-encoding", "gzip, identity;q=0");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    assert_eq!(encoding::gunzip(res.body()), BIG_HTML.as_bytes());
}

#[test]
fn if_none_match_wins_over_range() {
    let tag = tag_of(BIG_HTML);
    let res = first_bytes_of_big("if-none-match", &tag);
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
