//! The static component's configurable pages and its directory redirects, through the
//! runtime with `--variable`: `custom_not_found_path`, `fallback_path` (see `spin.toml`), and a
//! directory asked for without its trailing slash.

use crate::harness::{get, get_from, root, serve, serve_real_app, Reply, TempDir};

fn page(name: &str) -> Vec<u8> {
    std::fs::read(root().join("static").join(name)).unwrap()
}

fn assert_page(reply: &Reply, status: u16, name: &str) {
    assert_eq!(
        reply.status,
        status,
        "{:?}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(reply.body, page(name));
}

/// Serves the real app with `variables` and asks it for each `(target, status, page)`.
fn assert_pages(variables: &[(&str, &str)], tag: &str, cases: &[(&str, u16, &str)]) {
    let app = serve_real_app(variables, tag);
    for &(target, status, name) in cases {
        assert_page(&get_from(app.addr(), target, &[]), status, name);
    }
}

#[test]
fn the_custom_404_page_answers_what_is_not_found() {
    assert_pages(
        &[("custom_not_found_path", "404.html")],
        "custom-404",
        &[
            ("/static/nope", 404, "404.html"),
            ("/static/missing.js", 404, "404.html"),
            ("/static/a/b/c.css", 404, "404.html"),
            ("/static/index.html", 200, "index.html"),
        ],
    );
}

#[test]
fn the_fallback_page_answers_routes_and_assets_stay_404() {
    assert_pages(
        &[
            ("fallback_path", "index.html"),
            ("custom_not_found_path", "404.html"),
        ],
        "fallback",
        &[
            ("/static/some/route", 200, "index.html"),
            ("/static/app", 200, "index.html"),
            ("/static/missing.js", 404, "404.html"),
        ],
    );
}

#[test]
fn invalid_page_settings_are_ignored_without_a_5xx() {
    let app = serve_real_app(
        &[
            ("custom_not_found_path", "../spin.toml"),
            ("fallback_path", "no-such.html"),
        ],
        "bad-pages",
    );
    for target in ["/static/nope", "/static/some/route"] {
        let reply = get_from(app.addr(), target, &[]);
        assert_eq!(
            (reply.status, reply.text()),
            (404, "Not Found\n"),
            "{target}"
        );
    }
    assert_eq!(get_from(app.addr(), "/static/index.html", &[]).status, 200);
}

#[test]
fn without_settings_a_miss_is_a_plain_404() {
    let reply = get("/static/nope");
    assert_eq!((reply.status, reply.text()), (404, "Not Found\n"));
}

#[test]
fn the_mount_root_without_its_slash_redirects() {
    let reply = get("/static");
    assert_eq!(reply.status, 308);
    assert_eq!(reply.header("location"), Some("./static/"));
    let reply = get("/static?lang=en");
    assert_eq!(reply.header("location"), Some("./static/?lang=en"));
    crate::harness::assert_is_the_animals_page(&get("/static/"));
}

/// A directory below the mount, in an app of its own: the real component over a `static/`
/// with `sub/index.html`.
#[test]
fn a_directory_without_its_slash_redirects_to_it() {
    let dir = TempDir::new("redirect");
    std::fs::create_dir_all(dir.join("static/sub")).unwrap();
    std::fs::write(dir.join("static/sub/index.html"), "<p>sub</p>\n").unwrap();
    let manifest = crate::harness::static_files_manifest("redirect", "");
    std::fs::write(dir.join("spin.toml"), manifest).unwrap();
    let app = serve(&dir.join("spin.toml"), &[], "redirect");
    let reply = get_from(app.addr(), "/static/sub?q=1", &[]);
    assert_eq!(reply.status, 308);
    assert_eq!(reply.header("location"), Some("./sub/?q=1"));
    let reply = get_from(app.addr(), "/static/sub/", &[]);
    assert_eq!((reply.status, reply.text()), (200, "<p>sub</p>\n"));
}
