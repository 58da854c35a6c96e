//! A local host for Spin apps: runs the HTTP components of a `spin.toml` (manifest v2) in an
//! embedded Wasmtime, routing and presenting requests the way Spin's HTTP trigger does, for
//! machines without the Spin CLI.
//!
//! ```no_run
//! let host = spin_local::start(std::path::Path::new("spin.toml"), spin_local::HostOptions {
//!     listen: "127.0.0.1:0".parse().unwrap(),
//!     ..Default::default()
//! })?;
//! println!("serving on http://{}", host.addr());
//! host.shutdown();
//! # anyhow::Ok(())
//! ```
//!
//! Known differences from `spin up`: only `[[trigger.http]]` with Spin/WASI HTTP components
//! (no Wagi, `static_response`, service chaining or URL sources); no outbound HTTP or networking
//! (requests fail with `HttpRequestDenied`); of the Spin host interfaces only variables
//! (`[variables]`, from `--variable`, `SPIN_VARIABLE_*` or the default, fixed at start-up; see
//! [`variables`]), the others (key-value, SQLite, ...) trap when called; a failing component
//! gets a `500` with an empty body, as in Spin; `files` directories are mounted in place (edits show without
//! a restart) while single files and globs are copied at start, as Spin copies everything.
//!
//! Tuned for requests per second on a developer's machine (see `scripts/bench.sh`): guests
//! run with explicit bounds checks and no guard pages, which Wasmtime allows only without
//! Cranelift's Spectre hardening of those checks (see [`engine::build_engine`]). Fine for
//! running your own components locally; not how a multi-tenant runtime should be set up.

pub mod componentize;
pub mod engine;
pub mod files;
pub mod manifest;
pub mod routes;
pub mod runtime;
pub mod server;
pub mod variables;

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::engine::{CacheOutcome, EngineLimits, EpochTicker};
use crate::manifest::{App, Route};
use crate::routes::Router;
use crate::runtime::{ComponentRuntime, RequestLimits};
use crate::server::AppServer;

/// How to run the app.
#[derive(Debug, Clone)]
pub struct HostOptions {
    /// Address to listen on; port 0 picks a free port (see [`RunningHost::addr`]).
    pub listen: SocketAddr,
    /// Wall-clock limit for one request's guest execution.
    pub request_timeout: Duration,
    /// Linear memory limit per request instance.
    pub memory_limit_bytes: usize,
    /// Instances (so: requests) alive at once; sizes the instance pool.
    pub max_concurrent_requests: u32,
    /// Compile cache directory; `None` means `<manifest dir>/target/spin-local-cache`.
    pub cache_dir: Option<PathBuf>,
    /// A file every component's stdout is appended to (created if need be; hosts may share
    /// it); `None`: the host's own stdout, as Spin prints component output.
    pub guest_stdout: Option<PathBuf>,
    /// The same for every component's stderr.
    pub guest_stderr: Option<PathBuf>,
    /// `--variable NAME=VALUE` pairs: values for `[variables]`, over `SPIN_VARIABLE_*` and
    /// the defaults (the last pair for a name wins).
    pub variables: Vec<(String, String)>,
}

impl Default for HostOptions {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            request_timeout: Duration::from_secs(30),
            memory_limit_bytes: 64 * 1024 * 1024,
            max_concurrent_requests: 256,
            cache_dir: None,
            guest_stdout: None,
            guest_stderr: None,
            variables: Vec::new(),
        }
    }
}

/// A route as listed at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    pub component: String,
    /// The route as Spin prints it after the base URL: `/static (wildcard)`, `/api/hello`.
    pub display: String,
}

/// How one component was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentLoad {
    pub id: String,
    /// Whether the compiled component came from the on-disk cache.
    pub from_cache: bool,
    /// Time to componentize and compile, or to read the cache.
    pub load_time: Duration,
}

/// A host serving on a background thread. Dropping it stops the server and joins the thread.
pub struct RunningHost {
    addr: SocketAddr,
    routes: Vec<RouteInfo>,
    components: Vec<ComponentLoad>,
    startup_time: Duration,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _ticker: EpochTicker,
}

impl RunningHost {
    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, the prefix of every route URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Routable routes, in precedence order.
    pub fn routes(&self) -> &[RouteInfo] {
        &self.routes
    }

    /// Per-component load details.
    pub fn components(&self) -> &[ComponentLoad] {
        &self.components
    }

    /// Time from `start` being called to the listener being ready.
    pub fn startup_time(&self) -> Duration {
        self.startup_time
    }

    /// Stops accepting, lets in-flight requests finish (up to a few seconds), joins the thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RunningHost {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Loads the app (componentize, compile or read the cache, pre-instantiate), binds, and serves
/// on a background thread with its own tokio runtime.
pub fn start(manifest: &Path, opts: HostOptions) -> Result<RunningHost> {
    let started = Instant::now();
    let app = manifest::load(manifest)?;
    let cache_dir = opts
        .cache_dir
        .clone()
        .unwrap_or_else(|| app.dir.join("target").join("spin-local-cache"));

    let engine = engine::build_engine(EngineLimits {
        memory_limit_bytes: opts.memory_limit_bytes,
        max_instances: opts.max_concurrent_requests,
    })?;
    let (app_server, routes, components) = load_app(&app, &engine, &opts, &cache_dir)?;

    let listener = std::net::TcpListener::bind(opts.listen)
        .with_context(|| format!("cannot listen on {}", opts.listen))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;

    let ticker = EpochTicker::start(&engine)?;
    // Guests run on the worker threads until their deadline: with one worker per core, two
    // looping guests would stall every other request for up to the deadline. Spare workers
    // keep healthy requests served (measured: slowest 0.7 s -> 15 ms with 4 loops in flight).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(8)
        .enable_all()
        .thread_name("spin-local-worker")
        .build()
        .context("cannot start the tokio runtime")?;
    let (tx, rx) = tokio::sync::watch::channel(false);
    let app_server = Arc::new(app_server);
    let thread = std::thread::Builder::new()
        .name("spin-local-server".into())
        .spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => server::serve(l, app_server, rx).await,
                    Err(e) => eprintln!("spin-local: cannot use the listener: {e}"),
                }
            });
            // Guest tasks still running past the drain are dropped with the runtime.
            runtime.shutdown_timeout(Duration::from_secs(1));
        })
        .context("cannot start the server thread")?;

    Ok(RunningHost {
        addr,
        routes,
        components,
        startup_time: started.elapsed(),
        shutdown: Some(tx),
        thread: Some(thread),
        _ticker: ticker,
    })
}

fn load_app(
    app: &App,
    engine: &wasmtime::Engine,
    opts: &HostOptions,
    cache_dir: &Path,
) -> Result<(AppServer, Vec<RouteInfo>, Vec<ComponentLoad>)> {
    let routable: Vec<(&str, &str)> = app
        .http_triggers
        .iter()
        .filter_map(|t| match &t.route {
            Route::Pattern(p) => Some((p.as_str(), t.component.as_str())),
            Route::Private => None,
        })
        .collect();
    let (router, warnings) = Router::build(routable)?;
    for w in warnings {
        eprintln!("spin-local: warning: {w}");
    }
    if app.http_triggers.is_empty() {
        bail!("the manifest has no [[trigger.http]] entries: nothing to serve");
    }

    let linker = runtime::build_linker(engine)?;
    let limits = RequestLimits {
        timeout: opts.request_timeout,
        memory_limit_bytes: opts.memory_limit_bytes,
    };
    let staging_root = cache_dir.join("files");
    let open_log = |path: &Option<PathBuf>| -> Result<Option<std::fs::File>> {
        let Some(path) = path else { return Ok(None) };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(Some(file))
    };
    let guest_stdout = open_log(&opts.guest_stdout)?;
    let guest_stderr = open_log(&opts.guest_stderr)?;
    let app_values = variables::resolve_app(&app.variables, &opts.variables, |name| {
        std::env::var(name).ok()
    })?;
    let used: BTreeSet<&str> = app
        .http_triggers
        .iter()
        .map(|t| t.component.as_str())
        .collect();

    let mut runtimes = HashMap::new();
    let mut loads = Vec::new();
    for id in used {
        let Some(comp) = app.components.get(id) else {
            bail!("no [component.{id}] in the manifest");
        };
        let wasm = match std::fs::read(&comp.source) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                "component '{id}': source {} does not exist; build the app first (scripts/build.sh)",
                comp.source.display()
            ),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("component '{id}': cannot read {}", comp.source.display()))
            }
        };
        let (component, outcome, load_time) = engine::load_component(engine, id, &wasm, cache_dir)
            .with_context(|| format!("component '{id}' ({})", comp.source.display()))?;
        let mounts = files::resolve_mounts(&app.dir, comp, &staging_root)
            .with_context(|| format!("component '{id}': files"))?;
        let env = comp
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let (mut rt, warnings) =
            ComponentRuntime::prepare(&linker, id, &component, env, mounts, limits)?;
        if let Some(file) = &guest_stdout {
            rt = rt.with_stdout(file.try_clone()?);
        }
        if let Some(file) = &guest_stderr {
            rt = rt.with_stderr(file.try_clone()?);
        }
        let vars = variables::resolve_component(&comp.variables, &app_values)
            .with_context(|| format!("[component.{id}.variables]"))?;
        rt = rt.with_variables(vars);
        for w in warnings {
            eprintln!("spin-local: warning: {w}");
        }
        runtimes.insert(id.to_string(), Arc::new(rt));
        loads.push(ComponentLoad {
            id: id.to_string(),
            from_cache: outcome == CacheOutcome::Hit,
            load_time,
        });
    }

    let routes = router
        .routes()
        .map(|e| RouteInfo {
            component: e.component.clone(),
            display: e.display(),
        })
        .collect();
    let app_info = app_info_json(app);
    Ok((AppServer::new(router, runtimes, app_info), routes, loads))
}

/// A suffix for temporary file names that no other thread or process uses at the same time.
pub(crate) fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

/// `/.well-known/spin/info`, in the shape Spin answers it.
fn app_info_json(app: &App) -> String {
    fn quote(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
    let version = app
        .version
        .as_deref()
        .map(quote)
        .unwrap_or_else(|| "null".to_string());
    format!(
        "{{\n  \"name\": {},\n  \"version\": {},\n  \"bartholomew_version\": null,\n  \"oci_image_digest\": null\n}}",
        quote(&app.name),
        version
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let o = HostOptions::default();
        assert_eq!(o.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(o.request_timeout, Duration::from_secs(30));
        assert_eq!(o.memory_limit_bytes, 64 << 20);
    }

    #[test]
    fn running_host_can_live_in_a_static() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<RunningHost>();
    }

    #[test]
    fn info_json_escapes() {
        let app = manifest::parse(
            "spin_manifest_version = 2\n[application]\nname = 'a\"b'\nversion = '1'\n",
            Path::new("/x"),
        )
        .unwrap();
        let j = app_info_json(&app);
        assert!(j.contains(r#""name": "a\"b""#), "{j}");
        assert!(j.contains(r#""version": "1""#), "{j}");
    }
}
