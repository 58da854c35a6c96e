//! The static file component: `static_files::respond` over an in-memory site with decoy
//! files outside it, on any method, path, `If-None-Match`, `Range`, `If-Range` and
//! `Accept-Encoding` (see `src/lib.rs` for the input format).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tutorial_app_fuzz::check_static(data);
});
