//! Turns a wasm32-wasip1 core module into a component, as Spin does when it loads one.

use anyhow::{Context, Result};
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER,
    WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};

/// Which preview1 adapter wraps a core module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapter {
    /// The reactor adapter: what Spin and this host use when they load a module.
    Reactor,
    /// The proxy adapter: imports only what `wasi:http/proxy` gives (no file system).
    Proxy,
}

impl Adapter {
    fn bytes(self) -> &'static [u8] {
        match self {
            Adapter::Reactor => WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
            Adapter::Proxy => WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER,
        }
    }
}

/// What a `.wasm` file holds, from its 8-byte header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasmKind {
    CoreModule,
    Component,
}

/// Reads the preamble: magic `\0asm`, then version 1 (module) or the component layer encoding.
pub fn wasm_kind(bytes: &[u8]) -> Option<WasmKind> {
    match bytes.get(..8)? {
        [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00] => Some(WasmKind::CoreModule),
        [0x00, 0x61, 0x73, 0x6d, _, _, 0x01, 0x00] => Some(WasmKind::Component),
        _ => None,
    }
}

/// Returns component bytes: a component as is, a core module wrapped with the WASI preview1
/// reactor adapter (spin-sdk HTTP components are reactor cdylibs).
pub fn componentize(bytes: &[u8]) -> Result<Vec<u8>> {
    componentize_with(bytes, Adapter::Reactor)
}

/// [`componentize`] with a chosen adapter (`spin-local componentize`, for the benchmark's
/// variants: a component built ahead of time instead of at load).
pub fn componentize_with(bytes: &[u8], adapter: Adapter) -> Result<Vec<u8>> {
    match wasm_kind(bytes) {
        Some(WasmKind::Component) => Ok(bytes.to_vec()),
        Some(WasmKind::CoreModule) => wit_component::ComponentEncoder::default()
            .validate(true)
            .module(bytes)
            .context("cannot read the core module's component type information")?
            .adapter(WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, adapter.bytes())
            .context("cannot load the WASI preview1 adapter")?
            .encode()
            .context("cannot turn the core module into a component"),
        None => anyhow::bail!("not a WebAssembly file (bad magic number or version)"),
    }
}

/// Identifies the adapter in cache keys, so a different adapter never reuses a cached compile.
pub fn adapter_fingerprint() -> &'static [u8] {
    WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_kinds() {
        assert_eq!(
            wasm_kind(b"\0asm\x01\0\0\0rest"),
            Some(WasmKind::CoreModule)
        );
        assert_eq!(wasm_kind(b"\0asm\x0d\0\x01\0"), Some(WasmKind::Component));
        assert_eq!(wasm_kind(b"\0asm"), None);
        assert_eq!(wasm_kind(b"garbage!"), None);
    }

    #[test]
    fn an_empty_module_becomes_a_component() {
        let c = componentize(b"\0asm\x01\0\0\0").unwrap();
        assert_eq!(wasm_kind(&c), Some(WasmKind::Component));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(componentize(b"not wasm at all").is_err());
    }
}
