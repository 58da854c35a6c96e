//! Shared by the integration tests: the app served by the local host from the real
//! `spin.toml`, and a raw HTTP/1.1 client that sends request targets exactly as written
//! (a URL library would normalise away the `..` and `%2e` the traversal tests need).

#![allow(dead_code)] // each test binary uses its own part of this module

pub mod openapi;
mod reply;

pub use reply::Reply;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use spin_local::{HostOptions, RunningHost};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where this test binary's hosts write what components print (the app's access log):
/// a file under `target/guest-stdout/`, so test output stays readable.
pub fn guest_stdout() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let name = exe.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = root().join("target/guest-stdout");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{name}.log"))
}

/// The app, started once per test binary on a free loopback port.
pub fn app() -> SocketAddr {
    static HOST: OnceLock<RunningHost> = OnceLock::new();
    HOST.get_or_init(|| start_with_variables(&[])).addr()
}

/// A host of its own for the real `spin.toml`, given `--variable NAME=VALUE` pairs.
pub fn start_with_variables(variables: &[(&str, &str)]) -> RunningHost {
    assert_components_are_fresh();
    let opts = HostOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        guest_stdout: Some(guest_stdout()),
        variables: variables
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        ..HostOptions::default()
    };
    spin_local::start(&root().join("spin.toml"), opts).expect("the local host starts")
}

/// The tests must exercise what the sources say now. Cargo leaves an up-to-date wasm
/// untouched, so its own mtime says nothing: `scripts/build.sh` stamps each successful
/// build, and no source may be newer than that stamp.
fn assert_components_are_fresh() {
    let stamp = "target/wasm32-wasip1/release/build.stamp";
    let built_at = modified(&root().join(stamp)).unwrap_or_else(|| {
        panic!("{stamp} is missing: run scripts/build.sh (scripts/test.sh does)")
    });
    for wasm in ["tutorial_app.wasm", "static_files.wasm"] {
        let path = root().join("target/wasm32-wasip1/release").join(wasm);
        assert!(
            path.is_file(),
            "{wasm} is missing: run scripts/build.sh (scripts/test.sh does)"
        );
    }
    let sources = [
        "Cargo.toml",
        "Cargo.lock",
        "src",
        "static/index.html",
        "crates/static-files",
        "crates/spin-glue",
        "crates/http-rules",
    ];
    for source in sources {
        assert!(
            newest_in(&root().join(source)) <= built_at,
            "{source} changed after the last wasm build: run scripts/build.sh (scripts/test.sh does)"
        );
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn newest_in(path: &Path) -> SystemTime {
    let own = modified(path).unwrap_or(SystemTime::UNIX_EPOCH);
    if !path.is_dir() {
        return own;
    }
    let entries = std::fs::read_dir(path).into_iter().flatten().flatten();
    let paths: Vec<PathBuf> = entries.map(|e| e.path()).collect();
    paths
        .iter()
        .map(|p| newest_in(p))
        .fold(own, SystemTime::max)
}

/// The animals page, as both `/animals` and `/static/index.html` must serve it: the bytes
/// of `static/index.html`, as HTML.
pub fn assert_is_the_animals_page(reply: &Reply) {
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let page = std::fs::read(root().join("static/index.html")).unwrap();
    assert_eq!(reply.body, page);
}

pub fn get(target: &str) -> Reply {
    request("GET", target, &[])
}

/// Sends one request on a fresh connection and reads the whole answer.
pub fn request(method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    let mut head =
        format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let reply = exchange(head.as_bytes(), method == "HEAD");
    if let Err(why) = openapi::check(method, target, &reply) {
        let shown: String = target.chars().take(80).collect();
        panic!(
            "{method} {shown} answered {} against static/openapi.json: {why}",
            reply.status
        );
    }
    reply
}

/// Writes raw bytes as a request and parses the answer.
pub fn exchange(raw: &[u8], head_only: bool) -> Reply {
    exchange_with(app(), raw, head_only)
}

/// A plain GET to the host at `addr`.
pub fn get_from(addr: SocketAddr, target: &str) -> Reply {
    let head = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    exchange_with(addr, head.as_bytes(), false)
}

fn exchange_with(addr: SocketAddr, raw: &[u8], head_only: bool) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect to the local host");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(raw).expect("send the request");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read the answer");
    parse(&bytes, head_only)
}

fn parse(bytes: &[u8], head_only: bool) -> Reply {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(bytes)));
    let head = std::str::from_utf8(&bytes[..split]).expect("ASCII headers");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').expect("a header line");
            (n.trim().to_ascii_lowercase(), v.trim().to_owned())
        })
        .collect();
    let rest = &bytes[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if head_only {
        assert!(rest.is_empty(), "a HEAD answer carried a body");
        Vec::new()
    } else if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size line");
        let size_text = std::str::from_utf8(&rest[..eol]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        rest = &rest[eol + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}
