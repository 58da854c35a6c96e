//! Request path → a relative path that cannot leave the mount. Pure: no I/O.
//!
//! The input is the raw (still percent-encoded) path: Spin's `spin-path-info` is cut from
//! the raw request target, and so is the URI path. Everything is decided on that raw form
//! or on whole decoded segments; nothing is ever decoded twice.

use http::StatusCode;
use http_rules::percent::{self, Unit};

/// A path inside the mount, made only of ordinary segments joined by `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafePath {
    /// Segments joined by `/`, no leading or trailing `/`; empty for the mount root.
    rel: String,
    /// The request named a directory outright (empty path or trailing `/`).
    dir: bool,
}

impl SafePath {
    /// The relative path, e.g. `css/site.css`; empty for the mount root.
    pub fn as_str(&self) -> &str {
        &self.rel
    }

    /// Whether the request itself asked for a directory (empty path or trailing `/`).
    pub fn is_dir_request(&self) -> bool {
        self.dir
    }

    /// The `index.html` inside this path, taken as a directory.
    pub fn index(&self) -> String {
        if self.rel.is_empty() {
            "index.html".to_owned()
        } else {
            format!("{}/index.html", self.rel)
        }
    }
}

/// Why a path was refused. Malformed input is a 400; anything that merely looks like an
/// attempt to leave the mount is a 404, so it reveals nothing about what exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// `%` not followed by two hex digits.
    BadEscape,
    /// The decoded bytes are not UTF-8 (this includes overlong forms like `%c0%ae`).
    NotUtf8,
    /// NUL or another control character, raw or encoded.
    ControlChar,
    /// `%2f` or `%5c`: a separator smuggled inside a segment.
    EncodedSeparator,
    /// A `.` or `..` segment.
    DotSegment,
    /// A backslash, which some hosts treat as a separator.
    Backslash,
    /// A `:` (drive letters, Windows alternate data streams).
    Colon,
    /// An empty segment (`//`), which would make the rest look absolute.
    EmptySegment,
}

impl PathError {
    pub fn status(self) -> StatusCode {
        match self {
            PathError::BadEscape | PathError::NotUtf8 | PathError::ControlChar => {
                StatusCode::BAD_REQUEST
            }
            PathError::EncodedSeparator
            | PathError::DotSegment
            | PathError::Backslash
            | PathError::Colon
            | PathError::EmptySegment => StatusCode::NOT_FOUND,
        }
    }
}

/// Turns a raw request path (`/css/site.css`, `/`, or empty) into a [`SafePath`].
///
/// Anything from the first `?` or `#` on is ignored: in a raw path those can only start
/// the query or fragment (a literal one in a name arrives as `%3F` / `%23`).
pub fn resolve(raw: &[u8]) -> Result<SafePath, PathError> {
    let end = raw
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .unwrap_or(raw.len());
    let raw = &raw[..end];
    // One leading `/` separates the path from the mount root; Spin's path-info for the
    // route's base itself is empty, so the `/` is optional.
    let raw = raw.strip_prefix(b"/").unwrap_or(raw);

    let mut rel = String::with_capacity(raw.len());
    let mut dir = raw.is_empty();
    let mut segments = raw.split(|&b| b == b'/').peekable();
    while let Some(seg) = segments.next() {
        let last = segments.peek().is_none();
        if seg.is_empty() {
            if last {
                // A trailing `/`: the request names a directory.
                dir = true;
                break;
            }
            return Err(PathError::EmptySegment);
        }
        let seg = decode_segment(seg)?;
        check_segment(&seg)?;
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str(&seg);
    }
    Ok(SafePath { rel, dir })
}

/// Strict percent-decoding of one segment, then UTF-8 validation.
fn decode_segment(seg: &[u8]) -> Result<String, PathError> {
    let mut out = Vec::with_capacity(seg.len());
    for unit in percent::units(seg) {
        match unit {
            Unit::Raw(b) => out.push(b),
            // Decided on the escape itself: a decoded separator must never split or join
            // segments, whatever the file system would make of it.
            Unit::Escaped(b'/' | b'\\') => return Err(PathError::EncodedSeparator),
            Unit::Escaped(b) => out.push(b),
            Unit::BadEscape => return Err(PathError::BadEscape),
        }
    }
    String::from_utf8(out).map_err(|_| PathError::NotUtf8)
}

/// Rules for one decoded segment.
fn check_segment(seg: &str) -> Result<(), PathError> {
    if seg == "." || seg == ".." {
        return Err(PathError::DotSegment);
    }
    // Control characters first: they make the input malformed (400) whatever else it holds.
    if seg.chars().any(char::is_control) {
        return Err(PathError::ControlChar);
    }
    if seg.contains('\\') {
        return Err(PathError::Backslash);
    }
    if seg.contains(':') {
        return Err(PathError::Colon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> (String, bool) {
        let p = resolve(raw.as_bytes()).unwrap_or_else(|e| panic!("{raw:?} refused: {e:?}"));
        (p.as_str().to_owned(), p.is_dir_request())
    }

    fn err(raw: &str) -> PathError {
        match resolve(raw.as_bytes()) {
            Ok(p) => panic!("{raw:?} accepted as {p:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn accepted_paths_resolve() {
        // (raw path, resolved path, is a directory request)
        for (raw, path, dir) in [
            ("/index.html", "index.html", false),
            ("/css/site.css", "css/site.css", false),
            ("index.html", "index.html", false),
            // Directories: a trailing slash, or nothing at all.
            ("", "", true),
            ("/", "", true),
            ("/docs/", "docs", true),
            ("/docs", "docs", false),
            // The query and the fragment are not part of the path.
            ("/a.css?v=1", "a.css", false),
            ("/a.css#x", "a.css", false),
            ("/?x=../..", "", true),
            ("/a/b.js?x=%zz", "a/b.js", false),
            // Escapes are decoded, in either case; raw UTF-8 is accepted as it is.
            ("/hello%20world.txt", "hello world.txt", false),
            ("/caf%C3%A9.html", "café.html", false),
            ("/caf%c3%a9.html", "café.html", false),
            ("/100%25.txt", "100%.txt", false),
            ("/q%3F.txt", "q?.txt", false),
            ("/café.html", "café.html", false),
            // Dots inside names are fine.
            ("/a..b", "a..b", false),
            ("/...", "...", false),
            ("/.well-known/x", ".well-known/x", false),
            // Decoded once: `%252e%252e` is the literal name `%2e%2e`, never a traversal.
            ("/%252e%252e", "%2e%2e", false),
            ("/%252e%252e/%252fetc", "%2e%2e/%2fetc", false),
            ("/%255c", "%5c", false),
        ] {
            assert_eq!(ok(raw), (path.to_owned(), dir), "{raw:?}");
        }
    }

    #[test]
    fn index_of() {
        assert_eq!(resolve(b"/").unwrap().index(), "index.html");
        assert_eq!(resolve(b"/a/b/").unwrap().index(), "a/b/index.html");
    }

    #[test]
    fn traversal_corpus_is_404() {
        for raw in [
            "/..",
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/a/..",
            "/../",
            "..",
            "/%2e%2e",
            "/%2E%2e",
            "/%2e%2E/x",
            "/.%2e",
            "/%2e.",
            "/%2e",
            "/.",
            "/./index.html",
            "/a/%2e%2e/%2e%2e/etc/passwd",
            "/%2f",
            "/%2F",
            "/..%2fetc%2fpasswd",
            "/..%2Fetc",
            "/a%2fb",
            "/%5c",
            "/%5C",
            "/..%5c..%5cwindows",
            "/\\",
            "/..\\",
            "/..\\..\\etc\\passwd",
            "/a\\b",
            "//etc/passwd",
            "//",
            "///",
            "/a//b",
            "/C:/Windows/win.ini",
            "/c:",
            "/a/C:%5cx",
            "/file.txt:stream",
            "/C%3A/Windows",
        ] {
            let e = err(raw);
            assert_eq!(e.status(), StatusCode::NOT_FOUND, "{raw:?} gave {e:?}");
        }
    }

    #[test]
    fn specific_reasons() {
        assert_eq!(err("/%2e%2e"), PathError::DotSegment);
        assert_eq!(err("/%2F"), PathError::EncodedSeparator);
        assert_eq!(err("/x%5cy"), PathError::EncodedSeparator);
        assert_eq!(err("/x\\y"), PathError::Backslash);
        assert_eq!(err("//etc/passwd"), PathError::EmptySegment);
        assert_eq!(err("/C:"), PathError::Colon);
    }

    #[test]
    fn malformed_is_400() {
        for (raw, want) in [
            ("/%zz", PathError::BadEscape),
            ("/%", PathError::BadEscape),
            ("/a%", PathError::BadEscape),
            ("/a%2", PathError::BadEscape),
            ("/%g0", PathError::BadEscape),
            ("/%+1", PathError::BadEscape),
            ("/%ff", PathError::NotUtf8),
            ("/%c0%ae%c0%ae", PathError::NotUtf8),
            ("/%c0%ae%c0%ae/etc/passwd", PathError::NotUtf8),
            ("/%e0%80%ae", PathError::NotUtf8),
            ("/%ed%a0%80", PathError::NotUtf8),
            ("/%00", PathError::ControlChar),
            ("/index.html%00.png", PathError::ControlChar),
            ("/a%0d%0aX-Injected:1", PathError::ControlChar),
            ("/a%7f", PathError::ControlChar),
            ("/a%c2%85", PathError::ControlChar),
            ("/a\tb", PathError::ControlChar),
        ] {
            assert_eq!(err(raw), want, "{raw:?}");
            assert_eq!(want.status(), StatusCode::BAD_REQUEST);
        }
    }

    #[test]
    fn raw_invalid_utf8_is_400() {
        assert_eq!(resolve(b"/a\xffb"), Err(PathError::NotUtf8));
        assert_eq!(resolve(b"/\xc0\xae\xc0\xae"), Err(PathError::NotUtf8));
        assert_eq!(resolve(b"/\0"), Err(PathError::ControlChar));
    }

    #[test]
    fn huge_input_does_not_panic() {
        let long = format!("/{}", "a/".repeat(50_000));
        assert!(resolve(long.as_bytes()).unwrap().is_dir_request());
        let escapes = "%".repeat(100_000);
        assert_eq!(resolve(escapes.as_bytes()), Err(PathError::BadEscape));
    }
}
