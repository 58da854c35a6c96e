//! The benchmark's floor: a component that answers every request with a fixed
//! `Hello World!`, in the app's own shape (the raw `wasi:http` request and response, as
//! `spin-glue` hands them over) and with its build settings. What a request to it costs is
//! what the runtime itself costs: instantiation, WASI and HTTP plumbing.
//!
//! Not the SDK's hello world (`http::Request` in, `Response` out), which is the template's
//! floor (`tools/bench/template-hello`): the SDK's types put every header through a `HashMap`,
//! whose random seed is a preview1 call, and the preview1 adapter's first call in an
//! instance grows its memory by a 64 KiB page (docs/benchmark.md).
//!
//! Served by `spin.toml` beside this file (`scripts/bench.sh` builds and runs it).

/// Only built for wasm: natively, the export's symbol name (`wasi:http/...#handle`)
/// breaks the cdylib's linker script, and nothing native calls it.
#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
async fn handle(_req: spin_sdk::http::IncomingRequest, out: spin_sdk::http::ResponseOutparam) {
    let body = b"Hello World!".to_vec();
    let res = http::Response::builder()
        .header(http::header::CONTENT_TYPE, "text/plain")
        .header(http::header::CONTENT_LENGTH, body.len())
        .body(body)
        .expect("a fixed, valid response");
    spin_glue::send(res, out).await;
}
