// The static file component's HTTP rules, end to end: the real `static_files.wasm`,
// mounted from `static/` with the variables `spin.toml` gives it, over HTTP/1.1.
// Validators and 304, Cache-Control, byte ranges, gzip and 406, one case each: their
// semantics are the unit tests in `crates/static-files/src/respond/tests/`.
// Needs the root dev-dependency `miniz_oxide` (to check gzip bodies).

use crate::harness::{get, request};

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
    for inm in [format!("\"nope\", W/{tag}")] {
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
/// component, which falls back to its own default and says so in its log (stderr).
#[test]
fn cache_control_follows_the_variable() {
    use crate::harness::runtime::{log_len, wait_for_lines};
    for (value, want, refused) in [
        ("no-store", "no-store", false),
        ("private, max-age=5", "private, max-age=5", false),
        ("max-age 1", "public, max-age=60", true),
    ] {
        let host = crate::harness::serve_real_app(&[("cache_control", value)], "cache-control");
        let stderr = host.stderr_of("static-files");
        let from = log_len(&stderr);
        let reply = crate::harness::get_from(host.addr(), PAGE, &[]);
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.header("cache-control"),
            Some(want),
            "cache_control={value}"
        );
        if refused {
            wait_for_lines(&stderr, from, "ignoring variable cache_control");
        }
    }
}

#[test]
fn a_single_range_is_206() {
    let page = page();
    let len = page.len();
    for (range, start, end) in [("bytes=-10", len - 10, len - 1)] {
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
    for range in [format!("bytes={len}-")] {
        let reply = request("GET", PAGE, &[("Range", &range)]);
        assert_eq!(reply.status, 416, "{range}");
        let star = format!("bytes */{len}");
        assert_eq!(reply.header("content-range"), Some(star.as_str()));
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    }
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
