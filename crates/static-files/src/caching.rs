//! What a cache is told about a file: the `Cache-Control` policy (from a component
//! variable) and the entity tag of each representation. (The request preconditions that
//! read those tags are `http_rules::conditional`.)

use http::HeaderValue;
#[cfg(test)]
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
}
