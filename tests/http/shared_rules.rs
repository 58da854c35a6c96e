//! The HTTP rules both components take from `http-rules`, checked once through the
//! runtime on each: methods and `Allow`, the security headers, body framing, and list
//! headers read over every line. (Their semantics are `http-rules`' unit tests.)

use crate::harness::{get, request, Reply};

/// One answer from each component: the app's page and the static file, both HTML.
const PAGES: [&str; 2] = ["/animals", "/static/index.html"];

#[test]
fn other_methods_are_405_with_allow_and_options_is_204() {
    for target in PAGES.into_iter().chain(["/", "/static/"]) {
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let reply = request(method, target, &[("Content-Length", "0")]);
            assert_eq!(reply.status, 405, "{method} {target}");
            assert_eq!(
                reply.header("allow"),
                Some("GET, HEAD, OPTIONS"),
                "{target}"
            );
        }
        let reply = request("OPTIONS", target, &[]);
        assert_eq!(reply.status, 204, "OPTIONS {target}");
        assert_eq!(
            reply.header("allow"),
            Some("GET, HEAD, OPTIONS"),
            "{target}"
        );
        assert!(reply.body.is_empty() && reply.header("content-length").is_none());
    }
}

#[test]
fn html_is_locked_down_and_everything_is_nosniff() {
    for target in PAGES {
        let page = get(target);
        assert_eq!(
            page.header("content-security-policy"),
            Some("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
            "{target}"
        );
        assert_eq!(
            page.header("referrer-policy"),
            Some("no-referrer"),
            "{target}"
        );
        // The page really needs nothing the policy forbids.
        for needs in ["<script", "<link", "<img", "<style", "style=", "<iframe"] {
            assert!(!page.text().contains(needs), "{target} uses {needs}");
        }
    }
    for target in [
        "/",
        "/nope",
        "/static/nope.html",
        "/static/%zz",
        "/iseven?num=x",
    ] {
        let reply = get(target);
        assert_eq!(reply.header("content-security-policy"), None, "{target}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{target}"
        );
    }
}

#[test]
fn get_is_framed_by_length_and_head_and_304_carry_no_body() {
    for target in PAGES.into_iter().chain(["/", "/nope", "/static/nope"]) {
        let reply = get(target);
        let length = reply.header("content-length").expect("a Content-Length");
        assert_eq!(
            length.parse::<usize>().unwrap(),
            reply.body.len(),
            "{target}"
        );
        let head = request("HEAD", target, &[]);
        assert_eq!(head.status, reply.status, "HEAD {target}");
        assert!(head.body.is_empty(), "HEAD {target}");
        let tag = reply.header("etag").map(str::to_owned);
        if let Some(tag) = tag {
            let again = request("GET", target, &[("If-None-Match", &tag)]);
            assert_eq!(again.status, 304, "{target}");
            assert!(again.body.is_empty() && again.header("content-length").is_none());
        }
    }
}

/// A list header split over two lines is one list, on both components alike.
#[test]
fn list_headers_count_every_line() {
    for target in PAGES {
        let tag = get(target).header("etag").expect("an ETag").to_owned();
        let reply = request(
            "GET",
            target,
            &[("If-None-Match", "\"other\""), ("If-None-Match", &tag)],
        );
        assert_eq!(reply.status, 304, "{target}: the tag on the second line");
    }
    let two_lines = |name, first, second| -> Reply {
        let target = if name == "Accept" { PAGES[0] } else { PAGES[1] };
        request("GET", target, &[(name, first), (name, second)])
    };
    let json = two_lines("Accept", "text/html;q=0.1", "application/json");
    assert_eq!(json.header("content-type"), Some("application/json"));
    let gzip = two_lines("Accept-Encoding", "identity;q=0.1", "gzip");
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
}
