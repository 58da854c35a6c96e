//! The Tornado tutorial server as one Spin HTTP component.
//!
//! Everything that decides an answer is plain Rust over `http` types (see [`respond`]),
//! so it runs natively in unit tests and benchmarks; this file is only the Spin entry.

pub mod access_log;
mod iseven;
mod json;
mod pages;
mod query;
mod render;
mod reply;
mod router;
mod students;

pub use router::respond;

/// The Spin entry point; only built for wasm (natively, the export's symbol name,
/// `wasi:http/incoming-handler@0.2.0#handle`, breaks the cdylib's linker script).
#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
async fn handle(req: spin_sdk::http::IncomingRequest, out: spin_sdk::http::ResponseOutparam) {
    use http::header::{ACCEPT, IF_NONE_MATCH};

    let started = spin_glue::stdio::now_ns();
    let target = spin_glue::target(&req);
    let method = spin_glue::method(&req.method()).unwrap_or(http::Method::POST); // any other: 405
    let res = respond(
        &method,
        &target,
        &spin_glue::headers(&req, &[ACCEPT, IF_NONE_MATCH]),
    );
    let path = target.split('?').next().unwrap_or_default();
    let (status, bytes) = (res.status().as_u16(), res.body().len());
    spin_glue::send(res, out).await;
    let micros = u128::from(spin_glue::stdio::now_ns().saturating_sub(started) / 1000);
    spin_glue::stdio::stdout_line(&access_log::line(
        method.as_str(),
        path,
        status,
        bytes,
        micros,
    ));
}
