//! One request through the host, in process: a fresh instance from the pre-instantiated
//! component, the guest's handler, the whole response body, the instance dropped. No
//! sockets, no HTTP parsing: what is left is the WebAssembly side of every request.
//!
//! `cargo bench -p spin-local` (the components must be built first: `scripts/build.sh`,
//! plus `-p empty-component` for the floor; `scripts/bench.sh` does both). Criterion reports
//! the mean and median per request; after it, a plain timing loop prints the median, p90
//! and p99 and where the time goes (see `ComponentRuntime::handle_timed`).
//!
//! `SPIN_LOCAL_BENCH_REQUESTS` sets the timing loop's length (default 20000);
//! `SPIN_LOCAL_BENCH_WASM_DIR` reads the components from another directory (for example a
//! build with names, for `perf` with `SPIN_LOCAL_PERFMAP=1`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::Criterion;
use http_body_util::Empty;
use spin_local::engine::{build_engine, load_component, EngineLimits};
use spin_local::files::Mount;
use spin_local::routes::{spin_headers, RequestInfo, Router};
use spin_local::runtime::{build_linker, ComponentRuntime, PhaseTimes, RequestLimits};
use spin_local::variables::{resolve_app, resolve_component, ComponentVariables};
use std::hint::black_box;

/// As in the `spin-local` binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Case {
    name: &'static str,
    wasm: &'static str,
    uri: String,
    headers: Vec<(String, String)>,
    mounts: Vec<Mount>,
    variables: ComponentVariables,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cases() -> Vec<Case> {
    let plain = |name, wasm, target: &str| Case {
        name,
        wasm,
        uri: format!("http://127.0.0.1:3000{target}"),
        headers: headers(target),
        mounts: Vec::new(),
        variables: ComponentVariables::default(),
    };
    vec![
        plain("empty /", "empty_component.wasm", "/"),
        plain("app /", "tutorial_app.wasm", "/"),
        plain("app /animals", "tutorial_app.wasm", "/animals"),
        plain(
            "app /iseven (5,000 digits)",
            "tutorial_app.wasm",
            &format!("/iseven?num={}", "7".repeat(5000)),
        ),
        Case {
            mounts: vec![Mount {
                host: root().join("static"),
                guest: "/".into(),
            }],
            variables: manifest_variables("static-files"),
            ..plain(
                "static /static/index.html",
                "static_files.wasm",
                "/static/index.html",
            )
        },
    ]
}

/// A component's variables as spin.toml gives them, with every default (no overrides).
fn manifest_variables(component: &str) -> ComponentVariables {
    let app = spin_local::manifest::load(&root().join("spin.toml")).expect("spin.toml");
    let values = resolve_app(&app.variables, &[], |_| None).expect("variables resolve");
    resolve_component(&app.components[component].variables, &values).expect("component variables")
}

/// The headers the host adds for `target`: the `spin-*` set for the route spin.toml gives
/// it (`/...` for the app and the floor, `/static/...` for files), plus what wrk sends.
fn headers(target: &str) -> Vec<(String, String)> {
    let (router, _) =
        Router::build([("/...", "app"), ("/static/...", "static-files")]).expect("routes");
    let path = target.split('?').next().unwrap_or(target);
    let m = router.route(path).expect("a route");
    let info = RequestInfo {
        scheme: "http",
        host: "127.0.0.1:3000",
        path_and_query: target,
        client_addr: "127.0.0.1:50000".parse().expect("an address"),
    };
    let mut all = vec![("host".to_string(), "127.0.0.1:3000".to_string())];
    all.extend(spin_headers(&m, &info));
    all
}

fn request(case: &Case) -> hyper::Request<Empty<Bytes>> {
    let mut req = hyper::Request::builder().uri(&case.uri);
    for (name, value) in &case.headers {
        req = req.header(name, value);
    }
    req.body(Empty::new()).expect("a valid request")
}

fn load(engine: &wasmtime::Engine, case: &Case) -> ComponentRuntime {
    let dir = std::env::var_os("SPIN_LOCAL_BENCH_WASM_DIR").map_or_else(
        || root().join("target/wasm32-wasip1/release"),
        PathBuf::from,
    );
    let path = dir.join(case.wasm);
    let wasm = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; build the components first (scripts/build.sh, and `scripts/build.sh --baseline` for the empty one; scripts/bench.sh does both)",
            path.display()
        )
    });
    let cache = root().join("target/spin-local-cache");
    let (component, _, _) = load_component(engine, case.wasm, &wasm, &cache).expect("compiles");
    let linker = build_linker(engine).expect("linker");
    let limits = RequestLimits {
        timeout: Duration::from_secs(30),
        memory_limit_bytes: 64 << 20,
    };
    let devnull = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/null")
        .expect("/dev/null");
    let (rt, _) = ComponentRuntime::prepare(
        &linker,
        case.name,
        &component,
        Vec::new(),
        case.mounts.clone(),
        limits,
    )
    .expect("links");
    rt.with_stdout(devnull)
        .with_variables(case.variables.clone())
}

fn one(rt: &tokio::runtime::Runtime, comp: &ComponentRuntime, case: &Case) -> PhaseTimes {
    let (t, status, body) = rt
        .block_on(comp.handle_timed(request(case)))
        .expect("the request succeeds");
    assert!(status.is_success(), "{}: {status}", case.name);
    black_box(body);
    t
}

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    // `cargo bench` passes --bench; anything else (`cargo test --benches`) is a smoke run.
    let full = std::env::args().any(|a| a == "--bench");
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));

    let engine = build_engine(EngineLimits {
        memory_limit_bytes: 64 << 20,
        max_instances: 16,
    })
    .expect("engine");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");
    let cases: Vec<(Case, ComponentRuntime)> = cases()
        .into_iter()
        .filter(|c| filter.as_deref().is_none_or(|f| c.name.contains(f)))
        .map(|c| {
            let comp = load(&engine, &c);
            (c, comp)
        })
        .collect();

    let mut group = criterion.benchmark_group("request");
    for (case, comp) in &cases {
        group.bench_function(case.name, |b| b.iter(|| one(&rt, comp, case)));
    }
    group.finish();
    criterion.final_summary();

    let n: usize = if full {
        std::env::var("SPIN_LOCAL_BENCH_REQUESTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20_000)
    } else {
        10
    };
    println!("\nOne request in process, {n} requests each (µs):\n");
    println!("| component, target | median | p90 | p99 | store + WASI ctx | instantiate | guest handler | drop (reset) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (case, comp) in &cases {
        for _ in 0..n.min(1000) {
            one(&rt, comp, case);
        }
        let mut total = Vec::with_capacity(n);
        let mut phases: [Vec<Duration>; 4] = Default::default();
        for _ in 0..n {
            let started = Instant::now();
            let t = one(&rt, comp, case);
            total.push(started.elapsed());
            for (v, d) in phases
                .iter_mut()
                .zip([t.store, t.instantiate, t.handle, t.drop])
            {
                v.push(d);
            }
        }
        let us = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e6);
        let pct = |v: &mut Vec<Duration>, p: f64| {
            v.sort_unstable();
            v[((v.len() - 1) as f64 * p).round() as usize]
        };
        let med: Vec<String> = phases.iter_mut().map(|v| us(pct(v, 0.5))).collect();
        println!(
            "| {} | {} | {} | {} | {} |",
            case.name,
            us(pct(&mut total, 0.5)),
            us(pct(&mut total, 0.9)),
            us(pct(&mut total, 0.99)),
            med.join(" | ")
        );
    }
    println!("\n(phases: medians; the difference between the sum and the median total is the request's own set-up and timing.)");
}
