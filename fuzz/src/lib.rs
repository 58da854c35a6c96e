//! Input format and checks for the fuzz targets, shared with `tests/fuzz_corpus.rs` (which
//! includes this file with `#[path]`), so the committed corpus and every crash regression
//! replay in the ordinary test run without libFuzzer.
//!
//! An input reads like a request head, so corpus files are readable and easy to write:
//!
//! ```text
//! GET /iseven?num=42
//! accept: application/json
//! if-none-match: "0123456789abcdef"
//! ```
//!
//! Lines end in `\n` (a `\r` before it is dropped). The first line is the method, a space
//! and the request target (any bytes; invalid UTF-8 is replaced, as the target the
//! components get is text); a method that is not a valid token becomes `GET`. Every other
//! line is `name: value`; a line that would not make a valid header is skipped, as an HTTP
//! parser would refuse it. Any header may be given, `spin-path-info` included (the static
//! component then serves that path, as under Spin).
//!
//! The checks: the answer is below 500; its framing is consistent (no body on HEAD, 204
//! and 304, else a `Content-Length` equal to the body's length); a 206's `Content-Range`
//! lies inside the file; and the static component never serves a byte of the decoy files
//! whose names are where an escaping path would lead.

use std::sync::OnceLock;

use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};
use static_files::{MemFs, Settings};

/// One decoded input.
pub struct Case {
    pub method: Method,
    pub target: String,
    pub headers: HeaderMap,
}

pub fn parse(data: &[u8]) -> Case {
    let mut lines = data
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let first = lines.next().unwrap_or_default();
    let (method, target) = match first.iter().position(|&b| b == b' ') {
        Some(i) => (&first[..i], &first[i + 1..]),
        None => (first, &b""[..]),
    };
    let method = Method::from_bytes(method).unwrap_or(Method::GET);
    let target = String::from_utf8_lossy(target).into_owned();
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = HeaderName::from_bytes(line[..colon].trim_ascii());
        let value = HeaderValue::from_bytes(line[colon + 1..].trim_ascii());
        if let (Ok(name), Ok(value)) = (name, value) {
            headers.append(name, value);
        }
    }
    Case {
        method,
        target,
        headers,
    }
}

/// The app component on one input; panics if a property fails.
pub fn check_app(data: &[u8]) {
    let case = parse(data);
    let res = tutorial_app::respond(&case.method, &case.target, &case.headers);
    check_framing(&case.method, &res);
}

/// Bytes that only the decoy files hold.
pub const SECRET: &[u8] = b"SECRET-OUTSIDE-THE-MOUNT-7f3a";

/// The files of the served tree, and their bytes.
pub const FILES: &[(&str, &[u8])] = &[
    ("index.html", b"<!doctype html><title>home</title>"),
    ("css/site.css", b"body{}"),
    ("docs/index.html", b"<p>docs</p>"),
    ("img/logo.png", &[0x89, b'P', b'N', b'G', 0, 1, 2, 3]),
    ("%2e%2e", b"a file literally named %2e%2e"),
    ("big.html", BIG),
];

const BIG: &[u8] = b"<!doctype html><title>animals</title><ul>\
<li>Snake</li><li>Horse</li><li>Mouse</li><li>Bird</li><li>Snake</li><li>Horse</li>\
<li>Mouse</li><li>Bird</li><li>Snake</li><li>Horse</li><li>Mouse</li><li>Bird</li>\
<li>Snake</li><li>Horse</li><li>Mouse</li><li>Bird</li><li>Snake</li><li>Horse</li></ul>";

/// Keys a path that escaped the tree would resolve to. `MemFs` serves whatever key it is
/// asked for, so a path resolution that let one through would serve the secret.
pub const DECOYS: &[&str] = &[
    "..",
    "../secret.txt",
    "a/../../secret.txt",
    "css/../../secret.txt",
    "/etc/passwd",
    "/secret.txt",
    "..\\secret.txt",
    "a\\..\\..\\secret.txt",
    "C:/secret.txt",
    "C:\\secret.txt",
    "./secret.txt",
    "secret.txt\0.png",
    "../index.html",
    "/index.html",
];

pub fn site() -> &'static MemFs {
    static SITE: OnceLock<MemFs> = OnceLock::new();
    SITE.get_or_init(|| {
        let fs = FILES
            .iter()
            .fold(MemFs::new(), |fs, (name, body)| fs.with(name, *body));
        DECOYS.iter().fold(fs, |fs, name| fs.with(name, SECRET))
    })
}

/// The static component on one input; panics if a property fails.
pub fn check_static(data: &[u8]) {
    let case = parse(data);
    let res = static_files::respond(
        &case.method,
        &case.target,
        &case.headers,
        site(),
        &Settings::default(),
    )
    .map(|body| body.into_bytes().expect("an in-memory body reads"));
    check_framing(&case.method, &res);
    let body = res.body();
    assert!(!contains(body, SECRET), "a decoy's bytes were served");
    // A redirect's `Location` repeats the request's own query: the marker there came
    // from the client, not from a decoy.
    if !contains(case.target.as_bytes(), SECRET) {
        for (name, value) in res.headers() {
            assert!(
                !contains(value.as_bytes(), SECRET),
                "a decoy's bytes in {name}"
            );
        }
    }
    let gzip = res.headers().contains_key(CONTENT_ENCODING);
    if res.status() == StatusCode::OK && case.method == Method::GET && !gzip {
        assert!(
            FILES.iter().any(|(_, f)| *f == body.as_slice()),
            "a 200 whose body is no file of the site"
        );
    }
    if gzip && case.method == Method::GET && res.status() == StatusCode::OK {
        assert!(
            body.starts_with(&[0x1f, 0x8b, 8]),
            "gzip without a gzip header"
        );
    }
    if res.status() == StatusCode::PARTIAL_CONTENT {
        let cr = res.headers()[CONTENT_RANGE]
            .to_str()
            .expect("ASCII Content-Range");
        let (span, total) = cr
            .strip_prefix("bytes ")
            .and_then(|r| r.split_once('/'))
            .expect("bytes a-b/len");
        let (start, end) = span.split_once('-').expect("a-b");
        let (start, end, total): (u64, u64, u64) = (
            start.parse().unwrap(),
            end.parse().unwrap(),
            total.parse().unwrap(),
        );
        assert!(start <= end && end < total, "Content-Range {cr}");
        if case.method == Method::GET {
            assert_eq!(body.len() as u64, end - start + 1, "206 body length");
            let file = FILES
                .iter()
                .find(|(_, f)| f.len() as u64 == total)
                .expect("a file of that length");
            assert_eq!(body.as_slice(), &file.1[start as usize..=end as usize]);
        }
    }
}

/// Status below 500 and consistent framing, for any answer of either component.
pub fn check_framing(method: &Method, res: &Response<Vec<u8>>) {
    let status = res.status();
    assert!(status.as_u16() < 500, "answered {status}");
    let bodiless = *method == Method::HEAD
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    if bodiless {
        assert!(
            res.body().is_empty(),
            "{method} answered {status} with a body"
        );
    } else {
        assert_eq!(
            res.headers().get(CONTENT_LENGTH),
            Some(&HeaderValue::from(res.body().len())),
            "Content-Length of a {status} answer"
        );
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
