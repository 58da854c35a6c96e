//! Shared by the integration tests: the app served from the real `spin.toml` on the runtime
//! `TEST_RUNTIME` selects (see [`runtime`]), a raw HTTP/1.1 client ([`client`]), the API
//! description every answer is checked against ([`openapi`]), and what host-only tests need
//! (temporary app directories, the local host's options, resident memory). Included by path
//! in spin-local's host tests too, so that every suite has one client and one launcher.

#![allow(dead_code, unused_imports)] // each test binary uses its own part of this module

pub mod client;
pub mod openapi;
pub mod runtime;
pub mod traversal;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

pub use client::{exchange_with, get_from, parse_reply, send_raw, Conn, Reply};
pub use runtime::{serve, App, Runtime};

use spin_local::HostOptions;

/// The workspace root (where `Cargo.lock` is): this module is shared by the app's tests and
/// spin-local's (`tools/spin-local/tests/host`).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .expect("a workspace root above CARGO_MANIFEST_DIR")
}

/// A component as `scripts/build.sh` leaves it, where `spin.toml` names it.
pub fn wasm(name: &str) -> PathBuf {
    root().join("target/wasm32-wasip1/release").join(name)
}

/// The real app, from the real `spin.toml`, started once per test binary.
pub fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| serve_real_app(&[], "app"))
}

/// The real app with `--variable NAME=VALUE` pairs, on a runtime of its own.
pub fn serve_real_app(variables: &[(&str, &str)], tag: &str) -> App {
    assert_components_are_fresh();
    let exe = std::env::current_exe().unwrap();
    let binary = exe.file_stem().unwrap().to_string_lossy().into_owned();
    serve(
        &root().join("spin.toml"),
        variables,
        &format!("{binary}-{tag}"),
    )
}

pub fn get(target: &str) -> Reply {
    request("GET", target, &[])
}

/// One request to the app on a fresh connection; the answer must agree with
/// `static/openapi.json`.
pub fn request(method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    let head = client::request_head(method, target, headers);
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

/// Raw bytes as a request to the app; the parsed answer.
pub fn exchange(raw: &[u8], head_only: bool) -> Reply {
    exchange_with(app().addr(), raw, head_only)
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

/// The tests must exercise what the sources say now. Cargo leaves an up-to-date wasm
/// untouched, so its own mtime says nothing: `scripts/build.sh` stamps each successful
/// build, and no source may be newer than that stamp.
pub fn assert_components_are_fresh() {
    let stamp = "target/wasm32-wasip1/release/build.stamp";
    let built_at = modified(&root().join(stamp)).unwrap_or_else(|| {
        panic!("{stamp} is missing: run scripts/build.sh (scripts/test.sh does)")
    });
    for name in ["tutorial_app.wasm", "static_files.wasm", "echo.wasm"] {
        assert!(
            wasm(name).is_file(),
            "{name} is missing: run scripts/build.sh (scripts/test.sh does)"
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
        "tools/spin-local/tests/fixtures/echo",
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
    match std::fs::read_dir(path) {
        Ok(entries) => entries
            .flatten()
            .map(|e| newest_in(&e.path()))
            .fold(own, SystemTime::max),
        Err(_) => own,
    }
}

/// Options for a local test host: a free loopback port, and the compile cache under
/// `target/` that every test host shares (each component is compiled once per build).
pub fn host_options() -> HostOptions {
    // The host opens its log file at start: on a fresh clone the folder is not there yet.
    std::fs::create_dir_all(root().join("target/test-logs")).unwrap();
    HostOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        cache_dir: Some(root().join("target/spin-local-cache")),
        guest_stdout: Some(root().join("target/test-logs/host.log")),
        guest_stderr: Some(root().join("target/test-logs/host.stderr.log")),
        ..HostOptions::default()
    }
}

/// The real app on the local host with `opts`, for tests of the host itself (limits, soak).
pub fn start_real_app_locally(opts: HostOptions) -> spin_local::RunningHost {
    assert_components_are_fresh();
    std::fs::create_dir_all(root().join("target/test-logs")).unwrap();
    spin_local::start(&root().join("spin.toml"), opts).expect("the real app starts")
}

/// A fresh directory under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("tutorial-app-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// This process's resident set size (`VmRSS`), in bytes. Local hosts run in-process.
pub fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line");
    kib * 1024
}

/// One component of a test app: its id, its `.wasm`, its route, and any more TOML lines
/// for its `[component.ID]` table (a `files` mount).
pub struct Component<'a> {
    pub id: &'a str,
    pub source: &'a Path,
    pub route: &'a str,
    pub extra: &'a str,
}

/// A `spin.toml` for a test app of `components`, each on its route, no outbound access.
pub fn manifest(name: &str, components: &[Component<'_>]) -> String {
    let mut text = format!(
        "spin_manifest_version = 2\n[application]\nname = \"{name}\"\nversion = \"0.1.0\"\n"
    );
    for c in components {
        text.push_str(&format!(
            "[[trigger.http]]\nroute = \"{}\"\ncomponent = \"{}\"\n",
            c.route, c.id
        ));
    }
    for c in components {
        text.push_str(&format!(
            "[component.{}]\nsource = \"{}\"\nallowed_outbound_hosts = []\n{}",
            c.id,
            c.source.display(),
            c.extra
        ));
    }
    text
}

/// The real static component mounted at `/static/...` over `static/` beside the manifest,
/// with `more_files` appended to its `files` list.
pub fn static_files_manifest(name: &str, more_files: &str) -> String {
    let files = format!("files = [{{ source = \"static\", destination = \"/\" }}{more_files}]\n");
    manifest(
        name,
        &[Component {
            id: "static-files",
            source: &wasm("static_files.wasm"),
            route: "/static/...",
            extra: &files,
        }],
    )
}
