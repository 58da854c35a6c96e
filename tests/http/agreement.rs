//! spin-local agrees with Spin: the same raw requests to a component that echoes what it
//! receives (`tools/spin-local/tests/fixtures/echo`, as `scripts/build.sh` builds it), served by both runtimes at once,
//! must get the same answers, byte for byte once each runtime's own port and the client's
//! port are masked and `date` is dropped. Needs the Spin CLI, so the Spin tier runs it
//! (`--include-ignored`); where they cannot agree, the README says so.

use std::path::Path;

use crate::harness::runtime::{serve_on, Runtime};
use crate::harness::{manifest, send_raw, Component, TempDir};

/// What the echo component's routes answer, in one manifest: a catch-all, a prefix with a
/// trailing wildcard, an exact route, and a named wildcard.
fn echo_app(dir: &Path) -> std::path::PathBuf {
    crate::harness::assert_components_are_fresh();
    let echo = crate::harness::wasm("echo.wasm");
    let on = |route| Component {
        id: "echo",
        source: &echo,
        route,
        extra: "",
    };
    // One [component.echo] table: the other routes name the same component.
    let mut text = manifest("agreement", &[on("/...")]);
    for route in ["/static/...", "/exact/headers", "/users/:id/..."] {
        text.push_str(&format!(
            "[[trigger.http]]\nroute = \"{route}\"\ncomponent = \"echo\"\n"
        ));
    }
    let path = dir.join("spin.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The requests both runtimes get, as raw bytes.
fn requests() -> Vec<(&'static str, String)> {
    let get = |target: &str, extra: &str| {
        format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}\r\n")
    };
    vec![
        ("wildcard route", get("/static/sub/headers?x=1", "")),
        ("catch-all route", get("/a/b/headers", "")),
        ("exact route", get("/exact/headers", "")),
        ("named wildcard", get("/users/42/more/headers", "")),
        ("prefix without its slash", get("/static", "")),
        (
            "forged spin-* headers",
            get(
                "/static/headers",
                "spin-path-info: /../secret\r\nspin-full-url: forged\r\nspin-path-match-id: 7\r\n",
            ),
        ),
        (
            "header case and repeated lines",
            get(
                "/a/headers",
                "X-Mixed-Case: v\r\nX-Twice: 1\r\nX-Twice: 2\r\n",
            ),
        ),
        (
            "HEAD",
            "HEAD /a/headers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".into(),
        ),
        (
            "chunked request body",
            "POST /a/echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
             Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                .into(),
        ),
        ("a trapping component", get("/a/trap", "")),
        ("environment", get("/a/env", "")),
        ("arguments", get("/a/args", "")),
        ("file system", get("/a/ls?p=/", "")),
    ]
}

/// The answer with what legitimately differs masked: the `date` line, the runtime's port
/// (in `spin-full-url` when the client sends an absolute URL, and in `Host`), the client's
/// port (`spin-client-addr`).
fn normalise(answer: &[u8], port: u16) -> String {
    let text = String::from_utf8_lossy(answer);
    let text = text.replace(&format!(":{port}"), ":PORT");
    let client_addr = regex_lite::Regex::new(r"spin-client-addr: 127\.0\.0\.1:\d+").unwrap();
    let text = client_addr.replace_all(&text, "spin-client-addr: 127.0.0.1:CLIENT");
    text.split("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("date:"))
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[test]
#[ignore = "needs the Spin CLI: scripts/test.sh runs it in the Spin tier"]
fn spin_local_answers_as_spin_does() {
    let dir = TempDir::new("agreement");
    let manifest = echo_app(dir.path());
    let spin = serve_on(Runtime::Spin, &manifest, &[], "agreement", false);
    let local = serve_on(Runtime::SpinLocal, &manifest, &[], "agreement", false);
    let timeout = std::time::Duration::from_secs(30);
    let mut differences = Vec::new();
    for (what, raw) in requests() {
        let from_spin = send_raw(spin.addr(), raw.as_bytes(), timeout).unwrap();
        let from_local = send_raw(local.addr(), raw.as_bytes(), timeout).unwrap();
        let (a, b) = (
            normalise(&from_spin, spin.addr().port()),
            normalise(&from_local, local.addr().port()),
        );
        if a != b {
            differences.push(format!("{what}:\n--- Spin\n{a}\n--- spin-local\n{b}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} requests answered differently:\n\n{}",
        differences.len(),
        requests().len(),
        differences.join("\n\n")
    );
}
