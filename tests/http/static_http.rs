// The static file component's HTTP rules, end to end: the real `static_files.wasm`,
// mounted from `static/` with the variables `spin.toml` gives it, over HTTP/1.1.
// Validators and 304, Cache-Control, byte ranges, gzip, 406, OPTIONS, security headers.
// Needs the root dev-dependency `miniz_oxide` (to check gzip bodies).

use crate::harness::{exchange, get, request};

const PAGE: &str = "/static/index.html";

fn page() -> Vec<u8> {
    std::fs::read(crate::harness::root().join("static/index.html")).unwrap()
}

fn identity_tag() -> String {
    http_rules::etag::strong(&page())
}

/// The `Cache-Control` that `spin.toml` configures for the static component: the default
/// of the application variable `cache_control`, which the component's own variable of the
/// same name takes as it is (read from the manifest, so the test follows it when it changes).
fn manifest_cache_control() -> String {
    let text = std::fs::read_to_string(crate::harness::root().join("spin.toml")).unwrap();
    let manifest: toml::Table = text.parse().unwrap();
    assert_eq!(
        manifest["component"]["static-files"]["variables"]["cache_control"].as_str(),
        Some("{{ cache_control }}"),
        "static-files takes cache_control from the application variable"
    );
    manifest["variables"]["cache_control"]["default"]
        .as_str()
        .expect("[variables] cache_control has a default")
        .to_owned()
}

fn gunzip(gz: &[u8]) -> Vec<u8> {
    assert_eq!(&gz[..3], &[0x1f, 0x8b, 8], "a gzip member");
    assert_eq!(gz[3], 0, "no optional gzip fields");
    let deflated = &gz[10..gz.len() - 8];
    let data = miniz_oxide::inflate::decompress_to_vec(deflated).expect("valid deflate");
    let size = u32::from_le_bytes(gz[gz.len() - 4..].try_into().unwrap());
    assert_eq!(size as usize, data.len(), "gzip ISIZE");
    data
}

#[test]
fn ok_carries_the_strong_etag_of_the_file() {
    let reply = get(PAGE);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, page());
    assert_eq!(reply.header("etag"), Some(identity_tag().as_str()));
    assert_eq!(reply.header("accept-ranges"), Some("bytes"));
    assert_eq!(reply.header("vary"), Some("Accept-Encoding"));
    assert_eq!(reply.header("content-encoding"), None);
    // The directory index is the same file, with the same tag.
    assert_eq!(
        get("/static/").header("etag"),
        Some(identity_tag().as_str())
    );
}

#[test]
fn if_none_match_gives_304() {
    let tag = identity_tag();
    for inm in [
        tag.clone(),
        format!("\"nope\", {tag}"),
        "*".to_owned(),
        format!("W/{tag}"),
    ] {
        for method in ["GET", "HEAD"] {
            let reply = request(method, PAGE, &[("If-None-Match", &inm)]);
            assert_eq!(reply.status, 304, "{method} If-None-Match: {inm}");
            assert!(reply.body.is_empty());
            assert_eq!(reply.header("etag"), Some(tag.as_str()));
            assert_eq!(
                reply.header("cache-control"),
                Some(manifest_cache_control().as_str())
            );
            assert_eq!(reply.header("vary"), Some("Accept-Encoding"));
            assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        }
    }
}

#[test]
fn a_stale_tag_gets_the_file() {
    for inm in ["\"nope\"", "W/\"nope\"", "garbage"] {
        let reply = request("GET", PAGE, &[("If-None-Match", inm)]);
        assert_eq!(reply.status, 200, "{inm}");
        assert_eq!(reply.body, page());
    }
}

#[test]
fn cache_control_is_what_the_manifest_sets() {
    let want = manifest_cache_control();
    // The manifest's value, not the component's built-in default: the variable reached
    // the component.
    assert_ne!(want, "public, max-age=60");
    for reply in [
        get(PAGE),
        request("GET", PAGE, &[("Range", "bytes=0-9")]),
        request("GET", PAGE, &[("Accept-Encoding", "gzip")]),
        request("GET", PAGE, &[("If-None-Match", "*")]),
    ] {
        assert_eq!(
            reply.header("cache-control"),
            Some(want.as_str()),
            "{}",
            reply.status
        );
    }
}

/// A value given at run time (`--variable cache_control=...`, as with `spin up`) replaces
/// the manifest's default; one that is not a list of cache directives is refused by the
/// component, which falls back to its own default.
#[test]
fn cache_control_follows_the_variable() {
    for (value, want) in [
        ("no-store", "no-store"),
        ("private, max-age=5", "private, max-age=5"),
        ("max-age 1", "public, max-age=60"),
    ] {
        let host = crate::harness::serve_real_app(&[("cache_control", value)], "cache-control");
        let reply = crate::harness::get_from(host.addr(), PAGE, &[]);
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.header("cache-control"),
            Some(want),
            "cache_control={value}"
        );
    }
}

#[test]
fn a_single_range_is_206() {
    let page = page();
    let len = page.len();
    for (range, start, end) in [
        ("bytes=0-14", 0, 14),
        ("bytes=-10", len - 10, len - 1),
        ("bytes=100-", 100, len - 1),
        ("bytes=5-100000", 5, len - 1),
    ] {
        let reply = request("GET", PAGE, &[("Range", range)]);
        assert_eq!(reply.status, 206, "{range}");
        assert_eq!(reply.body, &page[start..=end], "{range}");
        let content_range = format!("bytes {start}-{end}/{len}");
        assert_eq!(reply.header("content-range"), Some(content_range.as_str()));
        assert_eq!(reply.header("accept-ranges"), Some("bytes"));
        assert_eq!(reply.header("etag"), Some(identity_tag().as_str()));
        assert_eq!(reply.header("vary"), Some("Accept-Encoding"));
        assert_eq!(
            reply.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
}

#[test]
fn an_unsatisfiable_range_is_416() {
    let len = page().len();
    for range in [format!("bytes={len}-"), "bytes=100000-".to_owned()] {
        let reply = request("GET", PAGE, &[("Range", &range)]);
        assert_eq!(reply.status, 416, "{range}");
        let star = format!("bytes */{len}");
        assert_eq!(reply.header("content-range"), Some(star.as_str()));
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    }
}

#[test]
fn several_ranges_get_the_whole_file() {
    let reply = request("GET", PAGE, &[("Range", "bytes=0-1,5-6")]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, page());
    assert_eq!(reply.header("content-range"), None);
}

#[test]
fn if_range_gates_the_range() {
    let tag = identity_tag();
    let reply = request("GET", PAGE, &[("Range", "bytes=0-9"), ("If-Range", &tag)]);
    assert_eq!(reply.status, 206);
    let reply = request(
        "GET",
        PAGE,
        &[("Range", "bytes=0-9"), ("If-Range", "\"old\"")],
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, page());
}

#[test]
fn gzip_when_accepted() {
    let reply = request("GET", PAGE, &[("Accept-Encoding", "gzip, deflate, br")]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert_eq!(reply.header("vary"), Some("Accept-Encoding"));
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.body.len() < page().len(), "gzip made it smaller");
    assert_eq!(gunzip(&reply.body), page());
    if let Some(len) = reply.header("content-length") {
        assert_eq!(len, reply.body.len().to_string());
    }
    // Its own strong tag, which validates it (and only it).
    let tag = reply.header("etag").unwrap().to_owned();
    assert_ne!(tag, identity_tag());
    assert!(tag.ends_with("-gzip\""), "{tag}");
    let again = request(
        "GET",
        PAGE,
        &[("Accept-Encoding", "gzip"), ("If-None-Match", &tag)],
    );
    assert_eq!(again.status, 304);
    assert_eq!(again.header("etag"), Some(tag.as_str()));
    let plain = request("GET", PAGE, &[("If-None-Match", &tag)]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
}

#[test]
fn q_values_choose_the_coding() {
    for (accept, coding) in [
        ("gzip;q=0.5, identity", None),
        ("gzip;q=0", None),
        ("br", None), // brotli is not offered
        ("identity", None),
        ("*", Some("gzip")),
        ("br;q=1, gzip;q=0.1", Some("gzip")),
    ] {
        let reply = request("GET", PAGE, &[("Accept-Encoding", accept)]);
        assert_eq!(reply.status, 200, "{accept}");
        assert_eq!(reply.header("content-encoding"), coding, "{accept}");
        if coding.is_none() {
            assert_eq!(reply.body, page(), "{accept}");
        }
    }
}

#[test]
fn a_range_is_never_compressed() {
    let reply = request(
        "GET",
        PAGE,
        &[("Range", "bytes=0-9"), ("Accept-Encoding", "gzip")],
    );
    assert_eq!(reply.status, 206);
    assert_eq!(reply.header("content-encoding"), None);
    assert_eq!(reply.body, &page()[..10]);
}

#[test]
fn nothing_acceptable_is_406() {
    let reply = request("GET", PAGE, &[("Accept-Encoding", "identity;q=0, *;q=0")]);
    assert_eq!(reply.status, 406);
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(reply.text().starts_with("Not Acceptable"));
    assert_eq!(reply.header("vary"), Some("Accept-Encoding"));
}

#[test]
fn head_matches_get_with_gzip() {
    let headers = [("Accept-Encoding", "gzip")];
    let get = request("GET", PAGE, &headers);
    let head = request("HEAD", PAGE, &headers);
    assert_eq!(head.status, get.status);
    assert!(head.body.is_empty());
    for name in [
        "content-type",
        "content-encoding",
        "etag",
        "cache-control",
        "vary",
        "accept-ranges",
        "content-security-policy",
    ] {
        assert_eq!(head.header(name), get.header(name), "{name}");
    }
}

#[test]
fn options_is_204_with_allow_where_get_finds_the_file() {
    for target in [PAGE, "/static/", "/static"] {
        let reply = request("OPTIONS", target, &[]);
        assert_eq!(reply.status, 204, "{target}");
        assert_eq!(reply.header("allow"), Some("GET, HEAD, OPTIONS"));
        assert!(reply.body.is_empty());
    }
    // Not where GET answers 404 or 400.
    for (target, status) in [("/static/nope", 404), ("/static/%01", 400)] {
        assert_eq!(request("OPTIONS", target, &[]).status, status, "{target}");
    }
    let reply = request("DELETE", PAGE, &[]);
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET, HEAD, OPTIONS"));
}

#[test]
fn html_is_locked_down() {
    for reply in [get(PAGE), get("/static/")] {
        assert_eq!(
            reply.header("content-security-policy"),
            Some("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
        );
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
    }
    // Not on a plain-text error.
    assert_eq!(
        get("/static/nope.html").header("content-security-policy"),
        None
    );
}

#[test]
fn every_answer_has_nosniff_and_vary() {
    let replies = [
        get(PAGE),
        get("/static/nope"),
        get("/static/%zz"),
        request("GET", PAGE, &[("If-None-Match", "*")]),
        request("GET", PAGE, &[("Range", "bytes=0-1")]),
        request("GET", PAGE, &[("Range", "bytes=100000-")]),
        request("GET", PAGE, &[("Accept-Encoding", "*;q=0")]),
        request("OPTIONS", PAGE, &[]),
        exchange(
            b"PUT /static/index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            false,
        ),
    ];
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 404, 400, 304, 206, 416, 406, 204, 405]);
    for reply in &replies {
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{}",
            reply.status
        );
        assert_eq!(
            reply.header("vary"),
            Some("Accept-Encoding"),
            "{}",
            reply.status
        );
    }
}
