//! The Spin conventions the host keeps for any component, with the test component
//! (`tests/fixtures/echo`, which reports what it receives): routes and `spin-*` headers,
//! `files` mounts and `environment`, isolation between components, HTTP/1.0 clients,
//! start-up errors and shutdown. (Failing components: `faults.rs`.)

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use spin_local::{start, RunningHost};

use crate::harness::{exchange_with, host_options, parse_reply, send_raw, wasm, Reply, TempDir};

/// A fresh app directory holding `spin.toml` (with `{ECHO}` replaced) and a few files.
fn app_dir(name: &str, manifest: &str) -> TempDir {
    crate::harness::assert_components_are_fresh();
    let dir = TempDir::new(&format!("echo-{name}"));
    std::fs::create_dir_all(dir.join("static/sub")).unwrap();
    std::fs::write(dir.join("static/a.txt"), "hello static\n").unwrap();
    std::fs::write(dir.join("static/sub/b.txt"), "nested\n").unwrap();
    std::fs::write(dir.join("notes.md"), "note\n").unwrap();
    let manifest = manifest.replace("{ECHO}", &wasm("echo.wasm").display().to_string());
    std::fs::write(dir.join("spin.toml"), manifest).unwrap();
    dir
}

const APP: &str = r#"
spin_manifest_version = 2
[application]
name = "echo-app"
version = "0.1.0"
[[trigger.http]]
route = "/..."
component = "echo"
[[trigger.http]]
route = "/static/..."
component = "files"
[[trigger.http]]
route = "/exact"
component = "echo"
[[trigger.http]]
route = "/users/:id/..."
component = "echo"
[component.echo]
source = "{ECHO}"
allowed_outbound_hosts = []
[component.files]
source = "{ECHO}"
files = [{ source = "static", destination = "/data" }, "*.md"]
environment = { CACHE_CONTROL = "max-age=60", FOO = "bar" }
"#;

/// One request with `extra` header lines (each ending in CRLF) and a body.
fn request(addr: SocketAddr, method: &str, target: &str, extra: &str, body: &[u8]) -> Reply {
    let mut raw = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Length: {}\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    exchange_with(addr, &raw, false)
}

fn get(host: &RunningHost, target: &str) -> Reply {
    request(host.addr(), "GET", target, "", b"")
}

/// The body as text (the echo component answers UTF-8).
fn text(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

/// `name: value` lines of the echo component's `headers` answer.
fn echoed(body: &str, name: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string))
}

#[test]
fn serves_on_a_free_port_with_spin_headers() {
    let dir = app_dir("headers", APP);
    let host = start(&dir.join("spin.toml"), host_options()).unwrap();
    assert_ne!(host.addr().port(), 0);

    let r = get(&host, "/hello");
    assert_eq!(r.status, 200);
    assert!(
        text(&r).starts_with("Hello from echo, path=/hello"),
        "{}",
        text(&r)
    );

    let r = request(
        host.addr(),
        "GET",
        "/static/sub/headers?x=1",
        "spin-full-url: forged\r\nspin-path-match-x: forged\r\n",
        b"",
    );
    assert_eq!(r.status, 200);
    let a = host.addr();
    assert_eq!(
        echoed(&text(&r), "spin-full-url").as_deref(),
        Some(format!("http://{a}/static/sub/headers?x=1").as_str())
    );
    assert_eq!(
        echoed(&text(&r), "spin-path-info").as_deref(),
        Some("/sub/headers")
    );
    assert_eq!(
        echoed(&text(&r), "spin-matched-route").as_deref(),
        Some("/static/...")
    );
    assert_eq!(echoed(&text(&r), "spin-base-path").as_deref(), Some("/"));
    assert_eq!(
        echoed(&text(&r), "spin-raw-component-route").as_deref(),
        Some("/static/...")
    );
    assert_eq!(
        echoed(&text(&r), "spin-component-route").as_deref(),
        Some("/static")
    );
    assert!(echoed(&text(&r), "spin-client-addr").is_some_and(|c| c.starts_with("127.0.0.1:")));
    // Kept, as Spin keeps it: the route has no `:x` wildcard, so the host adds no line.
    assert_eq!(
        echoed(&text(&r), "spin-path-match-x").as_deref(),
        Some("forged")
    );

    let r = get(&host, "/users/42/headers");
    assert_eq!(
        echoed(&text(&r), "spin-path-match-id").as_deref(),
        Some("42")
    );
    assert_eq!(
        echoed(&text(&r), "spin-path-info").as_deref(),
        Some("/headers")
    );

    // An exact route matches only itself; longer paths fall to the catch-all.
    let r = get(&host, "/exact/headers");
    assert_eq!(
        echoed(&text(&r), "spin-matched-route").as_deref(),
        Some("/...")
    );

    let r = get(&host, "/.well-known/spin/health");
    assert_eq!((r.status, text(&r).as_str()), (200, "OK"));
    host.shutdown();
}

#[test]
fn files_environment_and_isolation() {
    let dir = app_dir("files", APP);
    let host = start(&dir.join("spin.toml"), host_options()).unwrap();
    assert_eq!(
        get(&host, "/static/read?p=/data/sub/b.txt").text(),
        "nested\n"
    );
    assert_eq!(get(&host, "/static/read?p=/notes.md").text(), "note\n");
    assert!(get(&host, "/static/write?p=/data/new.txt")
        .text()
        .starts_with("ERR"));
    assert!(!dir.join("static/new.txt").exists());
    let env = text(&get(&host, "/static/env"));
    assert!(
        env.contains("CACHE_CONTROL=max-age=60\n") && env.contains("FOO=bar\n"),
        "{env}"
    );
    assert_eq!(
        text(&get(&host, "/env")).trim(),
        "",
        "the other component has its own env"
    );
    assert_eq!(get(&host, "/args").text(), "[]\n");
    assert!(get(&host, "/read?p=/data/a.txt").text().starts_with("ERR"));

    let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let r = request(host.addr(), "POST", "/echo", "", &body);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert!(r.body == body, "the 200,000-byte body came back changed");

    let r = get(&host, "/outbound");
    assert!(text(&r).contains("HttpRequestDenied"), "{}", text(&r));
}

#[test]
fn no_matching_route_is_404() {
    let manifest = APP.replace("route = \"/...\"", "route = \"/api/...\"");
    let dir = app_dir("404", &manifest);
    let host = start(&dir.join("spin.toml"), host_options()).unwrap();
    let r = get(&host, "/nothing/here");
    assert_eq!((r.status, text(&r).as_str()), (404, ""));
    assert_eq!(get(&host, "/staticx").status, 404);
    assert_eq!(get(&host, "/static").status, 200);
    assert_eq!(get(&host, "/api").status, 200);
}

#[test]
fn missing_source_says_to_build_first() {
    let manifest = APP.replace(
        "source = \"{ECHO}\"\nallowed",
        "source = \"target/nope.wasm\"\nallowed",
    );
    let dir = app_dir("missing", &manifest);
    let err = format!(
        "{:#}",
        start(&dir.join("spin.toml"), host_options()).err().unwrap()
    );
    assert!(
        err.contains("'echo'") && err.contains("nope.wasm") && err.contains("scripts/build.sh"),
        "{err}"
    );
}

#[test]
fn shutdown_stops_listening() {
    let dir = app_dir("shutdown", APP);
    let host = start(&dir.join("spin.toml"), host_options()).unwrap();
    let addr = host.addr();
    assert_eq!(get(&host, "/hello").status, 200);
    drop(host);
    assert!(TcpStream::connect(addr).is_err());
}

/// An HTTP/1.0 client cannot read a chunked body: the answer must be framed by its length
/// or by the connection's close, as hyper does for Spin.
#[test]
fn http_1_0_clients_get_no_chunked_answer() {
    let dir = app_dir("http10", APP);
    let host = start(&dir.join("spin.toml"), host_options()).unwrap();
    let raw = send_raw(
        host.addr(),
        b"GET /hello HTTP/1.0\r\nHost: localhost\r\n\r\n",
        Duration::from_secs(30),
    )
    .unwrap();
    assert!(
        raw.starts_with(b"HTTP/1."),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    let r = parse_reply(&raw, false).expect("a whole answer");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("transfer-encoding"), None);
    assert_eq!(r.text(), "Hello from echo, path=/hello\n");
}
