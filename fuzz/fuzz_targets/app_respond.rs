//! The app component: `tutorial_app::respond` on any method, request target, `Accept`,
//! `If-None-Match`, `Accept-Encoding` and `Range` (see `src/lib.rs` for the input format).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tutorial_app_fuzz::check_app(data);
});
