//! Security headers, read errors, the configured pages and directory redirects.

use super::*;
use http_rules::policy::{HTML_CSP, XML_CSP};

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

/// An SVG is a document that runs its scripts when opened on its own: every answer with
/// its bytes carries the policy that stops them. (A 304 carries no type and needs none: the
/// browser keeps the stored answer's headers.)
#[test]
fn svg_gets_its_own_csp_and_no_referrer_policy() {
    for (res, status) in [
        (get("/img/icon.svg"), StatusCode::OK),
        (ask(Method::HEAD, "/img/icon.svg", &[]), StatusCode::OK),
        (
            ask(Method::GET, "/img/icon.svg", &[("range", "bytes=0-3")]),
            StatusCode::PARTIAL_CONTENT,
        ),
    ] {
        assert_eq!(res.status(), status);
        assert_eq!(header(&res, "content-type"), Some("image/svg+xml"));
        assert_eq!(header(&res, "content-security-policy"), Some(XML_CSP));
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

/// A file source that fails in every way but "not found".
struct Broken(ReadError);

impl FileSource for Broken {
    type File = std::io::Cursor<Vec<u8>>;

    fn open(&self, _: &str) -> Result<(Self::File, Meta), ReadError> {
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

fn with_pages(custom_404: Option<&str>, fallback: Option<&str>) -> Settings {
    let (custom_404, fallback) = (custom_404.map(str::to_owned), fallback.map(str::to_owned));
    Settings::from_variables(move |name| {
        Ok(match name {
            crate::settings::CUSTOM_NOT_FOUND_VAR => custom_404.clone(),
            crate::settings::FALLBACK_VAR => fallback.clone(),
            _ => None,
        })
    })
}

fn get_with(path: &str, settings: &Settings) -> Response<Vec<u8>> {
    respond_with(&Method::GET, path, &HeaderMap::new(), &site(), settings)
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
    // A fragment (no client sends one, but a target may hold a `#`) is cut, as the path's is.
    assert_eq!(header(&get("/docs#x"), "location"), Some("./docs/"));
    assert_eq!(
        header(&get("/docs?tab=1#x"), "location"),
        Some("./docs/?tab=1")
    );
    assert_eq!(header(&get("/docs#x?tab=1"), "location"), Some("./docs/"));
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
