//! Replays the fuzzing corpus and crash regressions (fuzz/corpus/TARGET/*,
//! fuzz/regressions/TARGET/*) through the same input decoding and checks as the cargo-fuzz
//! targets (fuzz/src/lib.rs, included below), so they run in every `cargo test`, without
//! libFuzzer or nightly. scripts/fuzz.sh runs the fuzzer itself (bounded; not in the tests).

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz_cases;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
    }
    files.sort();
    files
}

fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(
        files.len() >= 5,
        "fuzz/corpus/{target} holds {} inputs; the committed corpus is missing",
        files.len()
    );
    for file in files {
        let data = std::fs::read(&file).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "{} fails the {target} checks (input: {:?})",
            file.display(),
            String::from_utf8_lossy(&data)
        );
    }
}

#[test]
fn app_corpus_replays_clean() {
    replay("app_respond", fuzz_cases::check_app);
}

#[test]
fn static_corpus_replays_clean() {
    replay("static_respond", fuzz_cases::check_static);
}

/// The input format itself: a readable request head.
#[test]
fn inputs_decode_like_a_request_head() {
    let case =
        fuzz_cases::parse(b"HEAD /iseven?num=4\r\naccept: application/json\nbad line\n: x\n");
    assert_eq!(case.method, http::Method::HEAD);
    assert_eq!(case.target, "/iseven?num=4");
    assert_eq!(case.headers.len(), 1);
    assert_eq!(case.headers["accept"], "application/json");
    assert_eq!(fuzz_cases::parse(b"\xff\xfe /x").method, http::Method::GET);
    assert_eq!(fuzz_cases::parse(b"").target, "");
}

/// The decoys are what the static checks rely on: make sure they would be caught.
#[test]
fn a_decoy_is_reachable_only_by_an_escaping_key() {
    use static_files::FileSource;
    let site = fuzz_cases::site();
    assert_eq!(
        site.read("../secret.txt").unwrap(),
        fuzz_cases::SECRET,
        "the decoy exists"
    );
    let panicked = std::panic::catch_unwind(|| {
        fuzz_cases::check_static(b"GET /index.html");
    });
    assert!(panicked.is_ok());
}
