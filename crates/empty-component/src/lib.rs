//! The benchmark's floor: the `spin new http-rust` hello world (less its `println!`, so it
//! does nothing but answer), with the same SDK and build settings as the app. What a request
//! to it costs is what the runtime itself costs: instantiation, WASI and HTTP plumbing.
//!
//! Served by `spin.toml` beside this file (`scripts/bench.sh` builds and runs it).

/// Only built for wasm: natively, the export's symbol name (`wasi:http/...#handle`)
/// breaks the cdylib's linker script, and nothing native calls it.
#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
fn handle_hello(
    _req: spin_sdk::http::Request,
) -> anyhow::Result<impl spin_sdk::http::IntoResponse> {
    Ok(spin_sdk::http::Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body("Hello World!")
        .build())
}
