//! Strong entity tags derived from a body, and `If-None-Match` evaluation.

/// A strong entity tag for `body`: a 64-bit FNV-1a hash of the bytes, quoted.
/// Any change to the body changes the tag with overwhelming likelihood, which is all a
/// cache validator needs; it is not a security boundary.
pub fn strong(body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in body {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{hash:016x}\"")
}

/// Whether an `If-None-Match` header value matches `etag` (a quoted tag, as from
/// [`strong`]): `*`, or a comma-separated list of tags compared weakly, so `W/"x"`
/// matches `"x"`. A malformed value matches nothing, so the full answer is sent.
pub fn none_match(header: &str, etag: &str) -> bool {
    let header = header.trim();
    if header == "*" {
        return true;
    }
    let ours = opaque(etag);
    tags(header).is_some_and(|list| list.iter().any(|t| Some(*t) == ours))
}

/// The opaque part (quotes included) of a tag, weak or strong.
fn opaque(tag: &str) -> Option<&str> {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let valid = tag.len() >= 2
        && tag.starts_with('"')
        && tag.ends_with('"')
        && tag[1..tag.len() - 1]
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80);
    valid.then_some(tag)
}

/// The opaque parts of a list of tags, or `None` if any element is malformed.
fn tags(list: &str) -> Option<Vec<&str>> {
    list.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(opaque)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_tags_are_quoted_and_follow_the_body() {
        let a = strong(b"Hello World");
        assert!(a.starts_with('"') && a.ends_with('"') && a.len() == 18);
        assert_eq!(a, strong(b"Hello World"));
        assert_ne!(a, strong(b"Hello World!"));
        assert_ne!(strong(b""), strong(b"\0"));
    }

    #[test]
    fn star_matches_anything() {
        assert!(none_match("*", &strong(b"x")));
        assert!(none_match("  * ", &strong(b"x")));
    }

    #[test]
    fn exact_weak_and_listed_tags_match() {
        let t = strong(b"x");
        assert!(none_match(&t, &t));
        assert!(none_match(&format!("W/{t}"), &t));
        assert!(none_match(&format!("\"other\", {t}"), &t));
        assert!(none_match(&format!("\"other\",W/{t} ,"), &t));
    }

    #[test]
    fn other_tags_do_not_match() {
        let t = strong(b"x");
        assert!(!none_match("\"other\"", &t));
        assert!(!none_match("", &t));
        assert!(!none_match(&t[1..t.len() - 1], &t), "unquoted");
        assert!(
            !none_match(&format!("w/{t}"), &t),
            "lower-case w is not weak"
        );
    }

    #[test]
    fn malformed_lists_match_nothing() {
        let t = strong(b"x");
        assert!(!none_match(&format!("{t}, garbage"), &t));
        assert!(!none_match("\"", &t));
        assert!(!none_match("\"a\"b\"", &t));
    }
}
