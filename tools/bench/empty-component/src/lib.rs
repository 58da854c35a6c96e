//! The benchmark's floor: a component that answers every request with a fixed
//! `Hello World!`, in the app's own shape (the raw `wasi:http` request and response, as
//! `spin-glue` hands them over) and with its build settings. What a request to it costs is
//! what the runtime itself costs: instantiation, WASI and HTTP plumbing.
//!
//! Not the SDK's hello world (`http::Request` in, `Response` out), which is the template's
//! floor (`tools/bench/template-hello`): the SDK's types put every header through a
//! `HashMap`, whose random seed is a preview1 call, and the preview1 adapter's first call in
//! an instance grows its memory by a 64 KiB page (docs/benchmark.md).
//!
//! Its features are the ladder from this floor to the app, one host interaction per step
//! (`Cargo.toml`); `scripts/build.sh --baseline` builds each step beside the floor.
//!
//! Served by `spin.toml` beside this file (`scripts/bench.sh` builds and runs it).

/// Only built for wasm: natively, the export's symbol name (`wasi:http/...#handle`)
/// breaks the cdylib's linker script, and nothing native calls it.
// Each step is tested with `cfg!` where it acts, never kept in a local: the handler is an
// async state machine, and a flag stored across its `.await` would keep every step's code.
#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
async fn handle(req: spin_sdk::http::IncomingRequest, out: spin_sdk::http::ResponseOutparam) {
    use http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, VARY};

    let started = if cfg!(feature = "log-line") {
        spin_glue::stdio::now_ns()
    } else {
        0
    };
    if cfg!(feature = "read-request") {
        use http::header::{ACCEPT, IF_NONE_MATCH};
        let target = spin_glue::target(&req);
        let method = spin_glue::method(&req.method());
        let headers = spin_glue::headers(&req, &[ACCEPT, IF_NONE_MATCH]);
        std::hint::black_box((target, method, headers));
    }
    let body = b"Hello World!".to_vec();
    let res = if cfg!(feature = "app-headers") {
        // What the app sends with its `/` (but a fixed ETag: no hashing here).
        http::Response::builder()
            .header(CONTENT_TYPE, "text/plain; charset=utf-8")
            .header(VARY, "Accept")
            .header(CACHE_CONTROL, "no-cache")
            .header(ETAG, "\"0123456789abcdef\"")
            .header(http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")
    } else {
        http::Response::builder().header(CONTENT_TYPE, "text/plain")
    };
    let res = res
        .header(CONTENT_LENGTH, body.len())
        .body(body)
        .expect("a fixed, valid response");
    spin_glue::send(res, out).await;
    if cfg!(feature = "log-line") {
        let micros = spin_glue::stdio::now_ns().saturating_sub(started) / 1000;
        // The app's line for the same answer (src/access_log.rs), written out here: linking
        // the app's crate would bring its own `handle` export into this component.
        let line =
            format!(r#"{{"method":"GET","path":"/","status":200,"bytes":12,"micros":{micros}}}"#);
        spin_glue::stdio::stdout_line(&line);
    }
}
