//! Files over `IN_MEMORY_LIMIT`: streamed from the open file, never compressed, tagged by
//! length and modification time.

use super::*;
use crate::body::IN_MEMORY_LIMIT;

const LEN: usize = IN_MEMORY_LIMIT as usize + 100;

/// A compressible text file just over the limit, its bytes numbered so spans are checked.
fn large() -> (MemFs, Vec<u8>) {
    let body: Vec<u8> = (0..LEN).map(|i| b'a' + (i % 26) as u8).collect();
    (MemFs::new().with("large.txt", body.clone()), body)
}

fn ask_large(method: Method, headers: &[(&str, &str)]) -> Response<Vec<u8>> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    respond(&method, "/large.txt", &map, &large().0)
}

#[test]
fn a_large_file_is_streamed_not_read() {
    let (fs, _) = large();
    let res = crate::respond::respond(
        &Method::GET,
        "/large.txt",
        &HeaderMap::new(),
        &fs,
        &Settings::default(),
    );
    assert!(matches!(res.body(), Body::File { start: 0, len, .. } if *len == LEN as u64));
    assert_eq!(
        header(&res.map(|_| Vec::new()), "content-length"),
        Some(LEN.to_string().as_str())
    );
}

#[test]
fn a_large_file_is_sent_as_it_is_even_to_gzip_clients() {
    let res = ask_large(Method::GET, &[("accept-encoding", "gzip")]);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-encoding"), None);
    assert_eq!(res.body(), &large().1);
    let refused = ask_large(Method::GET, &[("accept-encoding", "gzip, identity;q=0")]);
    assert_eq!(refused.status(), StatusCode::NOT_ACCEPTABLE);
}

#[test]
fn a_large_file_is_tagged_by_length_and_time_and_validates() {
    let tag = etag::strong(format!("{LEN}:0").as_bytes());
    let res = ask_large(Method::GET, &[]);
    assert_eq!(header(&res, "etag"), Some(tag.as_str()));
    let again = ask_large(Method::GET, &[("if-none-match", &tag)]);
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.body().is_empty());
}

#[test]
fn ranges_of_a_large_file_are_spans_of_it() {
    let (_, body) = large();
    let tag = etag::strong(format!("{LEN}:0").as_bytes());
    for (range, start, end) in [("bytes=10-19", 10, 19), ("bytes=-5", LEN - 5, LEN - 1)] {
        let res = ask_large(Method::GET, &[("range", range), ("if-range", &tag)]);
        assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(res.body(), &body[start..=end], "{range}");
        let want = format!("bytes {start}-{end}/{LEN}");
        assert_eq!(header(&res, "content-range"), Some(want.as_str()));
    }
    let stale = ask_large(
        Method::GET,
        &[("range", "bytes=0-0"), ("if-range", "\"old\"")],
    );
    assert_eq!(stale.status(), StatusCode::OK);
}

#[test]
fn head_of_a_large_file_has_get_headers_and_no_body() {
    let get = ask_large(Method::GET, &[]);
    let head = ask_large(Method::HEAD, &[]);
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.body().is_empty());
    for name in ["etag", "content-type", "accept-ranges", "cache-control"] {
        assert_eq!(header(&head, name), header(&get, name), "{name}");
    }
}
