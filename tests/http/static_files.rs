//! The static file component, mounted from `static/` by `spin.toml`, over real HTTP.

use crate::harness::{get, request};

#[test]
fn serves_the_mounted_page_with_its_type() {
    crate::harness::assert_is_the_animals_page(&get("/static/index.html"));
}

#[test]
fn animals_and_the_static_page_are_byte_identical() {
    assert_eq!(get("/animals").body, get("/static/index.html").body);
}

#[test]
fn a_missing_file_is_404() {
    for target in [
        "/static/nope.html",
        "/static/index.htm",
        "/static/index.html/",
    ] {
        assert_eq!(get(target).status, 404, "{target}");
    }
}

#[test]
fn head_has_no_body() {
    let reply = request("HEAD", "/static/index.html", &[]);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.body.is_empty());
}

/// Nothing outside the mount may come back: not the manifest one level up, not the
/// sources, not the machine's files; and no attempt may crash the component.
#[test]
fn no_way_out_of_the_mount() {
    let secrets: Vec<Vec<u8>> = ["spin.toml", "Cargo.toml"]
        .iter()
        .map(|f| std::fs::read(crate::harness::root().join(f)).unwrap())
        .collect();
    let attempts = [
        "/static/../spin.toml",
        "/static/../../etc/passwd",
        "/static/%2e%2e/spin.toml",
        "/static/%2E%2E/spin.toml",
        "/static/.%2e/spin.toml",
        "/static/%2e%2e%2fspin.toml",
        "/static/..%2fspin.toml",
        "/static/..%2Fspin.toml",
        "/static/%252e%252e/spin.toml",
        "/static/..%5cspin.toml",
        "/static/..\\spin.toml",
        "/static/%c0%ae%c0%ae/spin.toml",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/index.html%00.txt",
        "/static/C:%5cWindows",
        "/static/./../spin.toml",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ];
    for target in attempts {
        let reply = get(target);
        assert!(
            reply.status == 404 || reply.status == 400,
            "{target} answered {}",
            reply.status
        );
        for secret in &secrets {
            assert_ne!(&reply.body, secret, "{target} leaked a file");
        }
        assert!(
            !reply.body.windows(5).any(|w| w == b"root:"),
            "{target} leaked /etc/passwd"
        );
    }
}
