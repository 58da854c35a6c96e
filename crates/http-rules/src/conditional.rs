//! Request preconditions over a request's header map (RFC 9110 §13.1). A list header
//! may arrive split over several lines, which together form one list; a line that is not
//! valid text is skipped, as if it had not been sent.

use http::header::{HeaderMap, HeaderName, IF_NONE_MATCH, IF_RANGE, RANGE};

use crate::etag;

/// All lines of a list header joined into one value (`None` when absent or when no line
/// is valid text): `Accept`, `Accept-Encoding`.
pub fn joined(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let mut lines = headers.get_all(name).iter().filter_map(|v| v.to_str().ok());
    let first = lines.next()?.to_owned();
    Some(lines.fold(first, |all, line| all + ", " + line))
}

/// The value of a header that takes one value (`Range`, `If-Range`): `None` when absent,
/// sent more than once, or not text, since a repeated one cannot be trusted either way.
pub fn single<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    let mut lines = headers.get_all(name).iter();
    match (lines.next(), lines.next()) {
        (Some(value), None) => value.to_str().ok(),
        _ => None,
    }
}

/// Whether `If-None-Match` matches `tag`, so a GET or HEAD gets 304 (§13.1.2: weak
/// comparison; `*` matches any current representation), over every line.
pub fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| etag::none_match(v, tag))
}

/// The `Range` value to evaluate, if any: a range is served only when `If-Range` (§13.1.5)
/// is absent or is exactly `identity_tag`, the identity representation's current strong
/// tag. A weak tag or a date (no `Last-Modified` is sent) never matches, so the client
/// gets the whole representation, which is always correct.
pub fn range<'a>(headers: &'a HeaderMap, identity_tag: &str) -> Option<&'a str> {
    let value = single(headers, &RANGE)?;
    let allowed = !headers.contains_key(IF_RANGE)
        || single(headers, &IF_RANGE).is_some_and(|v| v.trim() == identity_tag);
    allowed.then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with(pairs: &[(HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, v) in pairs {
            h.append(name.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn list_lines_join_and_bad_lines_are_skipped() {
        let name = http::header::ACCEPT;
        assert_eq!(joined(&HeaderMap::new(), &name), None);
        let mut h = with(&[(name.clone(), "a"), (name.clone(), "b;q=0.5")]);
        assert_eq!(joined(&h, &name).as_deref(), Some("a, b;q=0.5"));
        h.append(name.clone(), HeaderValue::from_bytes(b"\xff").unwrap());
        assert_eq!(joined(&h, &name).as_deref(), Some("a, b;q=0.5"));
    }

    #[test]
    fn if_none_match_over_every_line() {
        let t = etag::strong(b"file");
        assert!(!not_modified(&HeaderMap::new(), &t));
        assert!(not_modified(&with(&[(IF_NONE_MATCH, &t)]), &t));
        assert!(not_modified(&with(&[(IF_NONE_MATCH, "*")]), &t));
        assert!(not_modified(
            &with(&[(IF_NONE_MATCH, &format!("W/{t}"))]),
            &t
        ));
        let split = with(&[(IF_NONE_MATCH, "\"a\""), (IF_NONE_MATCH, &t)]);
        assert!(not_modified(&split, &t), "the tag on the second line");
        assert!(!not_modified(&with(&[(IF_NONE_MATCH, "\"a\"")]), &t));
        let mut bytes = HeaderMap::new();
        bytes.insert(IF_NONE_MATCH, HeaderValue::from_bytes(b"\"\xff\"").unwrap());
        assert!(!not_modified(&bytes, &t));
    }

    #[test]
    fn if_range_allows_only_the_current_strong_tag() {
        let t = etag::strong(b"file");
        let range = (RANGE, "bytes=0-1");
        assert_eq!(super::range(&with(&[range.clone()]), &t), Some("bytes=0-1"));
        for (if_range, allowed) in [
            (t.clone(), true),
            (format!(" {t} "), true),
            (format!("W/{t}"), false),
            ("\"other\"".to_owned(), false),
            ("Tue, 15 Nov 1994 08:12:31 GMT".to_owned(), false),
            ("*".to_owned(), false),
        ] {
            let h = with(&[range.clone(), (IF_RANGE, &if_range)]);
            assert_eq!(super::range(&h, &t).is_some(), allowed, "{if_range:?}");
        }
    }

    #[test]
    fn repeated_single_value_headers_are_ignored() {
        let t = etag::strong(b"file");
        let two_ranges = with(&[(RANGE, "bytes=0-1"), (RANGE, "bytes=2-3")]);
        assert_eq!(range(&two_ranges, &t), None);
        let two_if_ranges = with(&[(RANGE, "bytes=0-1"), (IF_RANGE, &t), (IF_RANGE, &t)]);
        assert_eq!(range(&two_if_ranges, &t), None);
    }
}
