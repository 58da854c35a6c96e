//! Caching: the `Cache-Control` policy (from a component variable), entity tags per
//! representation, and the conditional request headers `If-None-Match` and `If-Range`.

use http::header::{IF_NONE_MATCH, IF_RANGE};
use http::{HeaderMap, HeaderValue};
use http_rules::etag;

use crate::encoding::Coding;

/// The component variable that sets `Cache-Control` on every file answer (Spin's own
/// `spin-fileserver` reads the same setting, as an environment variable `CACHE_CONTROL`).
pub const CACHE_CONTROL_VAR: &str = "cache_control";

/// The policy when `cache_control` is undefined or invalid: browsers and shared caches may
/// reuse a file for a minute, then revalidate it with `If-None-Match` (a cheap 304).
/// Short, because nothing says the files have content-hashed names: after a deploy, a
/// long lifetime would keep serving the old file. `spin-fileserver` defaults to a
/// minute too. A site with fingerprinted assets sets a long one in `spin.toml`.
pub const DEFAULT_CACHE_CONTROL: &str = "public, max-age=60";

/// The `Cache-Control` value for a `cache_control` setting (`None`: the variable is
/// undefined). `Err` carries the refused value's reason, for a log line; the caller then uses
/// [`default_cache_control`]. Accepted: a non-empty, comma-separated list of directives
/// `token` or `token=token` or `token="quoted"`, as RFC 9111 §5.2 writes them, made of
/// characters legal in a header value.
pub fn cache_control(setting: Option<&str>) -> Result<HeaderValue, &'static str> {
    let Some(raw) = setting else {
        return Ok(default_cache_control());
    };
    let value = raw.trim();
    if value.is_empty() {
        return Err("empty");
    }
    // Visible ASCII, spaces and tabs only: no control characters, no line breaks.
    let header = HeaderValue::from_str(value).map_err(|_| "not a legal header value")?;
    directives_are_well_formed(value)
        .then_some(header)
        .ok_or("not a list of cache directives")
}

pub fn default_cache_control() -> HeaderValue {
    HeaderValue::from_static(DEFAULT_CACHE_CONTROL)
}

/// `#( token [ "=" ( token / quoted-string ) ] )`, with at least one directive.
/// Catches typos such as `max-age 3600` or `max-age=` that caches would ignore.
fn directives_are_well_formed(value: &str) -> bool {
    let is_tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    let bytes = value.as_bytes();
    let mut i = 0;
    let mut directives = 0;
    let skip_ows = |i: &mut usize| {
        while *i < bytes.len() && (bytes[*i] == b' ' || bytes[*i] == b'\t') {
            *i += 1;
        }
    };
    let token = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && is_tchar(bytes[*i]) {
            *i += 1;
        }
        *i > start
    };
    loop {
        skip_ows(&mut i);
        if i < bytes.len() && bytes[i] == b',' {
            // Empty list elements are allowed (RFC 9110 §5.6.1).
            i += 1;
            continue;
        }
        if i == bytes.len() {
            return directives > 0;
        }
        if !token(&mut i) {
            return false;
        }
        directives += 1;
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            if i < bytes.len() && bytes[i] == b'"' {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return false,
                        Some(b'"') => break,
                        Some(b'\\') => i += 2,
                        Some(_) => i += 1,
                    }
                }
                i += 1;
            } else if !token(&mut i) {
                return false;
            }
        }
        skip_ows(&mut i);
        match bytes.get(i) {
            None => return true,
            Some(b',') => i += 1,
            Some(_) => return false,
        }
    }
}

/// The strong entity tag of one representation of a file. `identity_tag` is
/// `etag::strong` of the file's bytes; a compressed representation has other bytes, so it
/// needs another strong tag (RFC 9110 §8.8.3.3): the coding goes inside the quotes,
/// `"0123abcd-gzip"`. The gzip bytes are a pure function of the file's (fixed level, no
/// timestamp), so a tag derived from the file's bytes stays true of them; and a 304 for
/// the gzip representation needs no compression to compute it.
pub fn representation_tag(identity_tag: &str, coding: Coding) -> String {
    match coding {
        Coding::Identity => identity_tag.to_owned(),
        coding => {
            let unquoted = identity_tag.trim_end_matches('"');
            format!("{unquoted}-{}\"", coding.token())
        }
    }
}

/// Whether `If-None-Match` matches `tag`, so a GET or HEAD gets 304 (RFC 9110 §13.1.2:
/// weak comparison; `*` matches any current representation). Several header lines form
/// one list; a line that is not valid text matches nothing.
pub fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| etag::none_match(v, tag))
}

/// Whether a `Range` may be served under `If-Range` (RFC 9110 §13.1.5): yes without one;
/// with one, only if it is exactly the identity representation's current strong tag.
/// A weak tag or a date (we send no `Last-Modified`) never matches, so the client gets
/// the whole file, which is always correct.
pub fn range_allowed(headers: &HeaderMap, identity_tag: &str) -> bool {
    match headers.get(IF_RANGE) {
        None => true,
        Some(v) => v.as_bytes().trim_ascii() == identity_tag.as_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_cache_control_is_the_default() {
        assert_eq!(cache_control(None).unwrap(), DEFAULT_CACHE_CONTROL);
    }

    #[test]
    fn valid_cache_control_is_kept_trimmed() {
        for (set, want) in [
            ("public, max-age=3600", "public, max-age=3600"),
            ("  no-cache ", "no-cache"),
            // Surrounding whitespace, a trailing newline included, is not part of it.
            ("max-age=5\n", "max-age=5"),
            ("max-age=31536000, immutable", "max-age=31536000, immutable"),
            (
                "private,max-age=0,must-revalidate",
                "private,max-age=0,must-revalidate",
            ),
            (
                "no-cache=\"Set-Cookie, Vary\"",
                "no-cache=\"Set-Cookie, Vary\"",
            ),
            ("public,, max-age=1", "public,, max-age=1"),
            ("x-ext=\"a\\\"b\"", "x-ext=\"a\\\"b\""),
        ] {
            assert_eq!(cache_control(Some(set)).unwrap(), want, "{set:?}");
        }
    }

    #[test]
    fn invalid_cache_control_is_refused() {
        for set in [
            "",
            "   ",
            ",",
            "max-age=60\r\nSet-Cookie: a=b",
            "max-age=60\n, public",
            "max-age=60\0",
            "max-age=\u{e9}",
            "max-age 3600",
            "max-age=",
            "=60",
            "max-age=\"60",
            "public; max-age=60",
            "max-age=60 public",
        ] {
            assert!(cache_control(Some(set)).is_err(), "{set:?}");
        }
    }

    #[test]
    fn representation_tags_differ_by_coding() {
        let t = etag::strong(b"file");
        assert_eq!(representation_tag(&t, Coding::Identity), t);
        let gz = representation_tag(&t, Coding::Gzip);
        assert_eq!(gz, format!("{}-gzip\"", &t[..t.len() - 1]));
        assert_ne!(gz, t);
        // Still a well-formed tag: it matches itself through If-None-Match.
        assert!(etag::none_match(&gz, &gz));
        assert!(!etag::none_match(&t, &gz));
    }

    fn with(name: http::HeaderName, values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(name.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn if_none_match_rules() {
        let t = etag::strong(b"file");
        assert!(!not_modified(&HeaderMap::new(), &t));
        assert!(not_modified(&with(IF_NONE_MATCH, &[&t]), &t));
        assert!(not_modified(&with(IF_NONE_MATCH, &["*"]), &t));
        assert!(not_modified(&with(IF_NONE_MATCH, &[&format!("W/{t}")]), &t));
        assert!(not_modified(
            &with(IF_NONE_MATCH, &[&format!("\"a\", {t}")]),
            &t
        ));
        assert!(
            not_modified(&with(IF_NONE_MATCH, &["\"a\"", &t]), &t),
            "split over lines"
        );
        assert!(!not_modified(&with(IF_NONE_MATCH, &["\"a\""]), &t));
        let mut bytes = HeaderMap::new();
        bytes.insert(IF_NONE_MATCH, HeaderValue::from_bytes(b"\"\xff\"").unwrap());
        assert!(!not_modified(&bytes, &t));
    }

    #[test]
    fn if_range_rules() {
        let t = etag::strong(b"file");
        assert!(range_allowed(&HeaderMap::new(), &t));
        assert!(range_allowed(&with(IF_RANGE, &[&t]), &t));
        assert!(range_allowed(&with(IF_RANGE, &[&format!(" {t} ")]), &t));
        assert!(
            !range_allowed(&with(IF_RANGE, &[&format!("W/{t}")]), &t),
            "weak"
        );
        assert!(!range_allowed(&with(IF_RANGE, &["\"other\""]), &t));
        assert!(!range_allowed(
            &with(IF_RANGE, &["Tue, 15 Nov 1994 08:12:31 GMT"]),
            &t
        ));
        assert!(!range_allowed(&with(IF_RANGE, &["*"]), &t));
    }
}
