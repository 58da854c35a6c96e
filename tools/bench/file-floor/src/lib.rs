//! The static component's floor: `index.html` from the mount, read with the host calls
//! that serving any file from a Spin `files` mount takes (`open-at`, `stat`, one `read`),
//! plus the one component variable the static component reads per file
//! (`cache_control`), and answered as the empty component answers, with no HTTP logic.
//!
//! Under Spin each file-system call is a hop to a blocking thread and the variable a
//! `block_in_place`: what this component loses against the empty component is what Spin
//! charges for a file, which no file server can avoid (docs/benchmark.md). The static
//! component's own code is its distance from this floor.
//!
//! Served by `spin.toml` beside this file (`scripts/bench.sh` builds and runs it).

/// Only built for wasm, as the empty component.
#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
async fn handle(_req: spin_sdk::http::IncomingRequest, out: spin_sdk::http::ResponseOutparam) {
    use wasi::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};

    let dirs = wasi::filesystem::preopens::get_directories();
    let body = dirs.first().and_then(|(root, _)| {
        let file = root
            .open_at(
                PathFlags::SYMLINK_FOLLOW,
                "index.html",
                OpenFlags::empty(),
                DescriptorFlags::READ,
            )
            .ok()?;
        let len = file.stat().ok()?.size;
        Some(file.read(len, 0).ok()?.0)
    });
    let cache_control = spin_sdk::variables::get("cache_control").unwrap_or_default();
    let res = match body {
        Some(body) => http::Response::builder()
            .header(http::header::CONTENT_TYPE, "text/html")
            .header(http::header::CACHE_CONTROL, cache_control)
            .header(http::header::CONTENT_LENGTH, body.len())
            .body(body),
        None => http::Response::builder()
            .status(http::StatusCode::NOT_FOUND)
            .body(Vec::new()),
    }
    .unwrap_or_default();
    spin_glue::send(res, out).await;
}
