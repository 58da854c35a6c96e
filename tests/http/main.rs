//! The HTTP suite: every behaviour of both components, checked once through the runtime,
//! with the real `.wasm` files and the real `spin.toml` (or a temporary manifest naming the
//! real components). One setting picks the runtime (`TEST_RUNTIME`, see
//! `tests/harness/runtime.rs`): `scripts/test.sh` runs this suite on spin-local and, when a
//! Spin CLI is found, on Spin.

#[path = "../harness/mod.rs"]
mod harness;

mod agreement;
mod app_http;
mod browser;
mod endpoints;
mod large_files;
mod openapi;
mod readme;
mod shared_rules;
mod static_files;
mod static_http;
mod static_pages;
mod traversal;
