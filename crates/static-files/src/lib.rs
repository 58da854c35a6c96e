//! A Spin HTTP component that serves the files mounted into it (`files = [...]` in
//! `spin.toml`), in place of Spin's prebuilt `spin_static_fs.wasm`. Its settings are the
//! component variables `cache_control`, `custom_not_found_path` and `fallback_path` ([`settings`]).
//!
//! The decision is pure Rust over `http` types ([`respond()`]) with the file system behind
//! [`FileSource`], so it is unit-tested natively; this file is only the Spin entry.

pub mod body;
pub mod caching;
pub mod encoding;
pub mod fs;
pub mod mime;
pub mod path;
pub mod respond;
pub mod settings;
#[cfg(target_arch = "wasm32")]
pub mod wasi_fs;

pub use body::Body;
pub use fs::{FileSource, MemFs, Meta, ReadError, StdFs};
pub use respond::respond;
pub use settings::Settings;

/// The Spin entry point (see `spin-glue` for why it takes the raw `IncomingRequest`).
/// Only built for wasm: natively, the export's symbol name (`wasi:http/...#handle`) breaks
/// the linker's version script for the cdylib, and native tests never call it.
#[cfg(target_arch = "wasm32")]
#[spin_sdk::http_component]
async fn handle(req: spin_sdk::http::IncomingRequest, out: spin_sdk::http::ResponseOutparam) {
    let res = match spin_glue::method(&req.method()) {
        Some(method) => {
            let target = spin_glue::target(&req);
            let headers = spin_glue::headers(&req, &respond::REQUEST_HEADERS);
            let settings = Settings::from_variables(variable);
            respond(
                &method,
                &target,
                &headers,
                &wasi_fs::WasiFs::mount(),
                &settings,
            )
        }
        None => respond::method_not_allowed().map(Body::Bytes),
    };
    let (head, body) = res.into_parts();
    spin_glue::send_chunks(head, body.into_chunks(), out).await;
}

/// A component variable (`[component.static-files.variables]` in `spin.toml`): `Ok(None)`
/// when the component has no such variable.
#[cfg(target_arch = "wasm32")]
fn variable(name: &str) -> settings::Variable {
    use spin_sdk::variables::{get, Error};
    match get(name) {
        Ok(value) => Ok(Some(value)),
        Err(Error::Undefined(_)) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}
