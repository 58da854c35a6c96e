//! Property tests on the two components' pure request -> response functions
//! (`tutorial_app::respond`, `static_files::respond` over a `MemFs`) and on the header rules
//! they share (`http_rules`): for arbitrary bytes as query, path segment, `Accept`,
//! `Accept-Encoding`, `If-None-Match`, `If-Range` and `Range`, nothing panics, nothing answers
//! 5xx, the framing is consistent, and no path reaches a file outside the served tree.
//! `/iseven` is checked against an independent oracle, `num-bigint`.
//!
//! Case counts are modest (see `CASES`) so the suite stays fast; a failure is shrunk and its
//! seed saved under `tests/proptest-regressions/` so it replays first next time.

use http::header::{
    HeaderName, ACCEPT, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE,
    CONTENT_TYPE, IF_NONE_MATCH, IF_RANGE, RANGE,
};
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};
use num_bigint::BigInt;
use proptest::prelude::*;
use static_files::{MemFs, Settings};

const CASES: u32 = 512;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Inputs

/// Every byte as `%XX`: any byte string becomes a valid query or path segment.
fn pct_all(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

/// A header value from arbitrary bytes: the bytes a header value may hold (what a real
/// HTTP parser lets through), the others dropped.
fn header_value(bytes: &[u8]) -> HeaderValue {
    let kept: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
        .collect();
    HeaderValue::from_bytes(&kept).expect("filtered to valid header bytes")
}

/// Arbitrary bytes, or a string made of the tokens a header of that kind is built from,
/// so both the parser's edges and its interesting middle are reached.
fn header_bytes(tokens: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        prop::collection::vec(prop::sample::select(tokens), 0..12)
            .prop_map(|parts| parts.concat().into_bytes()),
    ]
}

const ACCEPT_TOKENS: &[&str] = &[
    "text/plain",
    "application/json",
    "text/html",
    "*/*",
    "text/*",
    "application/*",
    "*",
    "/",
    ";q=",
    ";Q=",
    "0",
    "1",
    "0.5",
    "1.000",
    "1.0001",
    "0.",
    ".5",
    "-1",
    "1e3",
    ",",
    ", ",
    " ",
    ";",
    "=",
    "\"",
    "charset=utf-8",
    ";level=1",
    "\t",
    "é",
    "q",
    "NaN",
];
const ENCODING_TOKENS: &[&str] = &[
    "gzip", "identity", "br", "deflate", "*", "x-gzip", "GZIP", ";q=", ";q=0", ";q=1", "0.001",
    "1.5", ",", ", ", " ", ";", "=", "\t", "compress", "zstd",
];
const ETAG_TOKENS: &[&str] = &[
    "\"",
    "W/",
    "w/",
    "*",
    ",",
    ", ",
    " ",
    "\"\"",
    "\"0123456789abcdef\"",
    "abc",
    "-gzip",
    "\"f470dffc1c7dcdc2\"",
    "W/\"x\"",
    "\t",
    "\\\"",
];
const RANGE_TOKENS: &[&str] = &[
    "bytes=",
    "bytes",
    "=",
    "0",
    "1",
    "5",
    "9",
    "10",
    "99",
    "-",
    "--",
    ",",
    " ",
    "\t",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999",
    "+1",
    "-0",
    "items=",
    "BYTES=",
    "0-0",
    "-1",
    "1-",
    "0-99999",
];

fn methods() -> impl Strategy<Value = Method> {
    prop_oneof![
        4 => Just(Method::GET),
        2 => Just(Method::HEAD),
        1 => Just(Method::OPTIONS),
        1 => Just(Method::POST),
        1 => Just(Method::DELETE),
        1 => "[A-Z]{1,8}".prop_map(|m| Method::from_bytes(m.as_bytes()).unwrap()),
    ]
}

/// A path segment as it may appear on the wire: text (any Unicode), percent-encoded
/// arbitrary bytes, or pieces of known trouble.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..24).prop_map(|b| pct_all(&b)),
        prop::collection::vec(prop::sample::select(SEGMENT_TOKENS), 0..6).prop_map(|p| p.concat()),
    ]
}

const SEGMENT_TOKENS: &[&str] = &[
    "..",
    ".",
    "%2e",
    "%2E",
    "%252e",
    "%c0%ae",
    "%C0%AE",
    "%e0%80%ae",
    "\\",
    "%5c",
    "%5C",
    "%2f",
    "%2F",
    "%00",
    "\0",
    "%",
    "%z",
    "%zz",
    "C:",
    ":",
    "?",
    "#",
    "a",
    "index.html",
    "secret.txt",
    "etc",
    "passwd",
    "css",
    "site.css",
    "big.html",
    "%20",
    "+",
    "é",
    "%ff",
    "%c3%a9",
    "john",
    "101",
    "%E6%9D%8E",
];

/// A query: text, percent-encoded arbitrary bytes, or `num=`-ish pairs.
fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..48).prop_map(|b| format!("num={}", pct_all(&b))),
        prop::collection::vec(prop::sample::select(QUERY_TOKENS), 0..10).prop_map(|p| p.concat()),
    ]
}

const QUERY_TOKENS: &[&str] = &[
    "num",
    "=",
    "&",
    "+",
    "-",
    "%2B",
    "%2D",
    "%20",
    "%09",
    "%0A",
    "%",
    "%z",
    "%ff",
    "%00",
    "0",
    "1",
    "7",
    "42",
    "9999999999999999999999999999",
    "n%75m",
    "NUM",
    "_",
    "é",
    "?",
    "#",
    " ",
    "%E2%80%83",
    "%C2%A0",
];

fn app_target() -> impl Strategy<Value = String> {
    let path = prop_oneof![
        Just("/".to_owned()),
        Just("/animals".to_owned()),
        Just("/iseven".to_owned()),
        (segment(), segment()).prop_map(|(n, i)| format!("/students/{n}/{i}")),
        segment().prop_map(|s| format!("/{s}")),
        prop::collection::vec(segment(), 0..5).prop_map(|s| s.join("/")),
    ];
    (path, prop::option::of(query())).prop_map(|(p, q)| match q {
        Some(q) => format!("{p}?{q}"),
        None => p,
    })
}

fn headers_from(pairs: &[(HeaderName, Option<Vec<u8>>)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let Some(v) = value {
            map.append(name.clone(), header_value(v));
        }
    }
    map
}

// ---------------------------------------------------------------------------------------
// Checks shared by both components

/// What every answer must satisfy, for any request.
fn check_framing(method: &Method, res: &Response<Vec<u8>>) -> Result<(), TestCaseError> {
    let status = res.status();
    prop_assert!(status.as_u16() < 500, "status {status}");
    let bodiless = *method == Method::HEAD
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    if bodiless {
        prop_assert!(res.body().is_empty(), "{method} {status} carried a body");
    } else {
        let length = res.headers().get(CONTENT_LENGTH);
        let want = HeaderValue::from(res.body().len());
        prop_assert_eq!(length, Some(&want), "Content-Length of a {} answer", status);
    }
    if !bodiless && !res.body().is_empty() {
        prop_assert!(res.headers().contains_key(CONTENT_TYPE), "no Content-Type");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The app

proptest! {
    #![proptest_config(config())]

    /// Any method, target, `Accept` and `If-None-Match`: an answer below 500, framed right.
    #[test]
    fn app_never_fails(
        method in methods(),
        target in app_target(),
        accept in prop::option::of(header_bytes(ACCEPT_TOKENS)),
        inm in prop::option::of(header_bytes(ETAG_TOKENS)),
        accept_encoding in prop::option::of(header_bytes(ENCODING_TOKENS)),
        range in prop::option::of(header_bytes(RANGE_TOKENS)),
    ) {
        let headers = headers_from(&[
            (ACCEPT, accept),
            (IF_NONE_MATCH, inm),
            (ACCEPT_ENCODING, accept_encoding),
            (RANGE, range),
        ]);
        let res = tutorial_app::respond(&method, &target, &headers);
        check_framing(&method, &res)?;
        if let Some(ct) = res.headers().get(CONTENT_TYPE) {
            let ct = ct.to_str().unwrap();
            prop_assert!(
                ct == "application/json" || ct.ends_with("; charset=utf-8"),
                "Content-Type {ct}"
            );
        }
    }

    /// Replaying the answer's own `ETag` gets a bodiless 304, for every route that has one.
    #[test]
    fn app_etag_round_trips(target in app_target(), accept in prop::option::of(header_bytes(ACCEPT_TOKENS))) {
        let mut headers = headers_from(&[(ACCEPT, accept)]);
        let first = tutorial_app::respond(&Method::GET, &target, &headers);
        if let Some(tag) = first.headers().get(http::header::ETAG).cloned() {
            headers.insert(IF_NONE_MATCH, tag);
            let again = tutorial_app::respond(&Method::GET, &target, &headers);
            prop_assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
            prop_assert!(again.body().is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------
// /iseven against num-bigint

/// What `/iseven` must answer for `num` (the decoded parameter), from `num-bigint` alone.
/// `None`: a 400. The integer grammar is an optional sign and decimal digits; `num-bigint`
/// also takes `_` between digits, which an integer in a URL is not, so those are refused
/// before asking it.
fn oracle(num: &str) -> Option<(String, &'static str)> {
    let t = num.trim();
    if t.is_empty() || t.contains('_') {
        return None;
    }
    let n: BigInt = t.parse().ok()?;
    let even = (&n % 2) == BigInt::from(0);
    Some((t.to_owned(), if even { "even" } else { "odd" }))
}

/// Integers as people and scripts send them: signs (sometimes two), leading zeros, long
/// digit runs, surrounding whitespace (ASCII and Unicode), and some junk.
fn number_text() -> impl Strategy<Value = String> {
    let ws = "[ \t\n\r\u{0b}\u{0c}\u{a0}\u{2003}\u{3000}]{0,3}";
    let re = |r: String| proptest::string::string_regex(&r).expect("a valid regex");
    prop_oneof![
        4 => re(format!("{ws}[+-]{{0,2}}[0-9]{{1,60}}{ws}")),
        2 => re(format!("{ws}[+-]?[0-9]{{200,1200}}{ws}")),
        2 => re(format!("{ws}[-+0-9_ .eExa\u{663}\u{b2}]{{0,12}}{ws}")),
        1 => any::<String>().boxed(),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn iseven_agrees_with_num_bigint(num in number_text(), json in any::<bool>()) {
        let mut headers = HeaderMap::new();
        if json {
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        let target = format!("/iseven?num={}", pct_all(num.as_bytes()));
        let res = tutorial_app::respond(&Method::GET, &target, &headers);
        let body = String::from_utf8(res.body().clone()).expect("UTF-8 body");
        match oracle(&num) {
            Some((shown, word)) => {
                prop_assert_eq!(res.status(), StatusCode::OK, "{:?}: {}", num, body);
                if json {
                    let want = format!(r#"{{"number":"{shown}","parity":"{word}"}}"#);
                    prop_assert_eq!(body, want);
                } else {
                    prop_assert_eq!(body, format!("The integer {shown} is {word}"));
                }
            }
            None => prop_assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{:?}: {}", num, body),
        }
    }

    /// The same numbers written with `+` for spaces and raw digits: form decoding agrees.
    #[test]
    fn iseven_plus_is_a_space(digits in "[0-9]{1,40}", pad in 0usize..3) {
        let target = format!("/iseven?num={}{digits}{}", "+".repeat(pad), "+".repeat(pad));
        let res = tutorial_app::respond(&Method::GET, &target, &HeaderMap::new());
        let (shown, word) = oracle(&digits).unwrap();
        let want = format!("The integer {shown} is {word}");
        prop_assert_eq!(res.body().as_slice(), want.as_bytes());
    }
}

// ---------------------------------------------------------------------------------------
// The static component

const SECRET: &[u8] = b"SECRET-OUTSIDE-THE-MOUNT-7f3a";

/// A small site, plus decoys: entries whose keys are what an escaping path would resolve
/// to. `MemFs` serves any key it is asked for, so if path resolution ever let `..`, an
/// absolute path, a backslash or a drive through, the secret would come back.
fn site() -> MemFs {
    let big: String = (0..200)
        .map(|i| format!("<li>animal {}</li>\n", i % 7))
        .collect();
    MemFs::new()
        .with("index.html", "<!doctype html><title>home</title>")
        .with("css/site.css", "body{}")
        .with("big.html", big)
        .with("img/logo.png", vec![0x89u8, b'P', b'N', b'G', 0, 1, 2, 3])
        .with("docs/index.html", "<p>docs</p>")
        .with("%2e%2e", "a file literally named %2e%2e")
        .with("..", SECRET)
        .with("../secret.txt", SECRET)
        .with("a/../../secret.txt", SECRET)
        .with("/etc/passwd", SECRET)
        .with("/secret.txt", SECRET)
        .with("..\\secret.txt", SECRET)
        .with("a\\..\\..\\secret.txt", SECRET)
        .with("C:/secret.txt", SECRET)
        .with("C:\\secret.txt", SECRET)
        .with("./secret.txt", SECRET)
        .with("secret.txt\0.png", SECRET)
        .with("../index.html", SECRET)
        .with("/index.html", SECRET)
        .with("css/../../secret.txt", SECRET)
}

fn static_path() -> impl Strategy<Value = Vec<u8>> {
    const FILES: &[&str] = &[
        "/index.html",
        "/big.html",
        "/",
        "/docs/",
        "/docs",
        "/css/site.css",
        "/img/logo.png",
        "",
    ];
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..48),
        3 => prop::collection::vec(segment(), 0..6).prop_map(|s| format!("/{}", s.join("/")).into_bytes()),
        3 => prop::sample::select(FILES).prop_map(|f| f.as_bytes().to_vec()),
    ]
}

/// `Range` values: token soup, or well-formed `bytes=a-b` / `bytes=-n` with small numbers
/// (inside and past the files' lengths) so 206 and 416 are reached too.
fn range_bytes() -> impl Strategy<Value = Vec<u8>> {
    let n = prop::option::of(prop_oneof![0u64..40, 0u64..5000, any::<u64>()]);
    prop_oneof![
        header_bytes(RANGE_TOKENS),
        (n.clone(), n).prop_map(|(a, b)| {
            let show = |x: Option<u64>| x.map(|v| v.to_string()).unwrap_or_default();
            format!("bytes={}-{}", show(a), show(b)).into_bytes()
        }),
    ]
}

/// `Accept-Encoding` values: token soup, or the lists that choose gzip, refuse identity
/// (406 unless gzip fits) or refuse everything.
fn encoding_bytes() -> impl Strategy<Value = Vec<u8>> {
    const LISTS: &[&str] = &[
        "gzip",
        "gzip, deflate, br",
        "identity;q=0",
        "*;q=0",
        "gzip;q=0, identity;q=0",
        "br",
        "identity",
        "gzip;q=0.5, identity;q=1",
    ];
    prop_oneof![
        header_bytes(ENCODING_TOKENS),
        prop::sample::select(LISTS).prop_map(|l| l.as_bytes().to_vec()),
    ]
}

/// Entity-tag values: token soup, `*`, or the site's real tags (identity and gzip), alone or
/// in lists, so 304 and `If-Range` matches are reached too.
fn tag_bytes() -> impl Strategy<Value = Vec<u8>> {
    let bodies: Vec<Vec<u8>> = ["index.html", "big.html", "css/site.css", "docs/index.html"]
        .iter()
        .map(|f| static_files::FileSource::read(&site(), f).unwrap())
        .collect();
    let mut tags: Vec<String> = Vec::new();
    for b in &bodies {
        let t = http_rules::etag::strong(b);
        tags.push(static_files::caching::representation_tag(
            &t,
            static_files::encoding::Coding::Gzip,
        ));
        tags.push(format!("W/{t}"));
        tags.push(t);
    }
    prop_oneof![
        2 => header_bytes(ETAG_TOKENS),
        1 => Just(b"*".to_vec()),
        3 => prop::collection::vec(prop::sample::select(tags), 1..3).prop_map(|t| t.join(", ").into_bytes()),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn gunzip(gz: &[u8]) -> Vec<u8> {
    assert_eq!(&gz[..3], &[0x1f, 0x8b, 8], "a gzip member");
    miniz_oxide::inflate::decompress_to_vec(&gz[10..gz.len() - 8]).expect("valid deflate")
}

proptest! {
    #![proptest_config(config())]

    /// Any method, path (as the URI path, or as Spin's `spin-path-info` bytes) and
    /// conditional/range/encoding headers: below 500, framed right, and the bytes served are
    /// exactly a file of the site (or the range of one asked for) and never a decoy's.
    #[test]
    fn static_never_fails_or_leaks(
        method in methods(),
        path in static_path(),
        as_header in any::<bool>(),
        accept_encoding in prop::option::of(encoding_bytes()),
        inm in prop::option::weighted(0.3, tag_bytes()),
        range in prop::option::weighted(0.6, range_bytes()),
        if_range in prop::option::weighted(0.2, tag_bytes()),
    ) {
        let fs = site();
        let mut headers = headers_from(&[
            (ACCEPT_ENCODING, accept_encoding),
            (IF_NONE_MATCH, inm),
            (RANGE, range),
            (IF_RANGE, if_range),
        ]);
        let uri_path = if as_header {
            headers.insert(static_files::respond::SPIN_PATH_INFO, header_value(&path));
            "/ignored".to_owned()
        } else {
            String::from_utf8_lossy(&path).into_owned()
        };
        let res = static_files::respond(&method, &uri_path, &headers, &fs, &Settings::default())
            .map(|body| body.into_bytes().expect("an in-memory body reads"));
        check_framing(&method, &res)?;
        let body = res.body();
        prop_assert!(!contains(body, SECRET), "leaked the secret: {:?}", String::from_utf8_lossy(&path));
        for (_, v) in res.headers() {
            prop_assert!(!contains(v.as_bytes(), SECRET));
        }

        let status = res.status();
        if status == StatusCode::OK && method == Method::GET {
            let identity = if res.headers().get(CONTENT_ENCODING).is_some() {
                gunzip(body)
            } else {
                body.clone()
            };
            let files: [&[u8]; 5] = [
                b"<!doctype html><title>home</title>",
                b"body{}",
                b"<p>docs</p>",
                &[0x89, b'P', b'N', b'G', 0, 1, 2, 3],
                b"a file literally named %2e%2e",
            ];
            let is_big = identity.starts_with(b"<li>animal 0</li>");
            prop_assert!(is_big || files.contains(&identity.as_slice()), "served unknown bytes");
        }
        if status == StatusCode::PARTIAL_CONTENT {
            let cr = res.headers().get(CONTENT_RANGE).unwrap().to_str().unwrap().to_owned();
            let (span, total) = cr.strip_prefix("bytes ").unwrap().split_once('/').unwrap();
            let (start, end) = span.split_once('-').unwrap();
            let (start, end, total): (u64, u64, u64) =
                (start.parse().unwrap(), end.parse().unwrap(), total.parse().unwrap());
            prop_assert!(start <= end && end < total, "{cr}");
            if method == Method::GET {
                prop_assert_eq!(body.len() as u64, end - start + 1);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The shared header rules, directly

proptest! {
    #![proptest_config(config())]

    #[test]
    fn range_parse_stays_inside_the_representation(h in header_bytes(RANGE_TOKENS), len in prop_oneof![Just(0u64), 0u64..100, any::<u64>()]) {
        let h = String::from_utf8_lossy(&h);
        match http_rules::range::parse(&h, len) {
            http_rules::range::Range::Partial { start, end } => {
                prop_assert!(start <= end && end < len, "{h:?} len {len}: {start}-{end}");
            }
            http_rules::range::Range::Full | http_rules::range::Range::Unsatisfiable => {}
        }
    }

    #[test]
    fn negotiation_picks_an_offer_or_none(a in header_bytes(ACCEPT_TOKENS), e in header_bytes(ENCODING_TOKENS)) {
        let a = String::from_utf8_lossy(&a);
        let e = String::from_utf8_lossy(&e);
        let types = ["text/plain", "application/json"];
        if let Some(i) = http_rules::qvalues::media_type(Some(&a), &types) {
            prop_assert!(i < types.len());
        }
        let codings = ["gzip", "identity"];
        if let Some(i) = http_rules::qvalues::encoding(Some(&e), &codings) {
            prop_assert!(i < codings.len());
        }
    }

    #[test]
    fn a_tag_matches_itself_in_any_list(body in prop::collection::vec(any::<u8>(), 0..64), other in header_bytes(ETAG_TOKENS)) {
        let tag = http_rules::etag::strong(&body);
        let other = String::from_utf8_lossy(&other);
        prop_assert!(http_rules::etag::none_match(&tag, &tag));
        let weak = format!("W/{tag}");
        let listed = format!("\"x\", {tag}");
        prop_assert!(http_rules::etag::none_match(&weak, &tag));
        prop_assert!(http_rules::etag::none_match(&listed, &tag));
        let _ = http_rules::etag::none_match(&other, &tag);
    }
}
