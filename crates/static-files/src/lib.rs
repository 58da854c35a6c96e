//! A Spin HTTP component that serves the files mounted into it (`files = [...]` in
//! `spin.toml`), in place of Spin's prebuilt `spin_static_fs.wasm`. Its one setting,
//! `Cache-Control`, is the component variable `cache_control`.
//!
//! The decision is pure Rust over `http` types ([`respond()`]) with the file system behind
//! [`FileSource`], so it is unit-tested natively; this file is only the Spin entry.

pub mod caching;
pub mod encoding;
pub mod fs;
pub mod mime;
pub mod path;
pub mod respond;

pub use fs::{FileSource, MemFs, ReadError, StdFs};
pub use respond::{respond, Settings};

/// Where the mount appears inside the guest: `destination = "/"` in `spin.toml`.
pub const MOUNT: &str = "/";

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
            let settings = settings(cache_control_variable());
            respond(&method, &target, &headers, &StdFs::new(MOUNT), &settings)
        }
        None => respond::method_not_allowed(),
    };
    spin_glue::send(res, out).await;
}

/// The component variable `cache_control` (`[component.static-files.variables]` in
/// `spin.toml`): `Ok(None)` when the component has no such variable.
#[cfg(target_arch = "wasm32")]
fn cache_control_variable() -> Result<Option<String>, String> {
    use spin_sdk::variables::{get, Error};
    match get(caching::CACHE_CONTROL_VAR) {
        Ok(value) => Ok(Some(value)),
        Err(Error::Undefined(_)) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// The deployment's settings from the component's variables. A value that cannot be read
/// or is invalid is reported on stderr (the host's log) and replaced by the default: a typo
/// in the manifest must not take the site down, nor put a broken header on every answer.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn settings(cache_control: Result<Option<String>, String>) -> Settings {
    let value =
        cache_control.and_then(|v| caching::cache_control(v.as_deref()).map_err(str::to_string));
    let cache_control = value.unwrap_or_else(|why| {
        eprintln!(
            "static-files: ignoring variable {} ({why}); using {:?}",
            caching::CACHE_CONTROL_VAR,
            caching::DEFAULT_CACHE_CONTROL
        );
        caching::default_cache_control()
    });
    Settings { cache_control }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_from_the_variable() {
        let set = |v: &str| settings(Ok(Some(v.to_owned()))).cache_control;
        assert_eq!(set("public, max-age=3600"), "public, max-age=3600");
        assert_eq!(set("no-store"), "no-store");
        let default = caching::DEFAULT_CACHE_CONTROL;
        assert_eq!(settings(Ok(None)).cache_control, default);
        assert_eq!(set(""), default);
        assert_eq!(set("max-age=1\r\nX-Evil: 1"), default);
        assert_eq!(set("max-age 1"), default);
        let provider_error = Err("provider(\"vault unreachable\")".to_owned());
        assert_eq!(settings(provider_error).cache_control, default);
    }
}
