//! File extension → `Content-Type`. A short fixed table: the common web types only, so the
//! component stays small (no `mime_guess`).

/// What an unknown extension is served as; with `nosniff` the browser will not guess.
pub const FALLBACK: &str = "application/octet-stream";

// Text types carry `charset=utf-8` so browsers do not guess the encoding. Types whose
// format defines its own encoding (JSON, XML, SVG) get none.
const TABLE: &[(&str, &str)] = &[
    ("html", "text/html; charset=utf-8"),
    ("htm", "text/html; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("json", "application/json"),
    ("map", "application/json"),
    ("webmanifest", "application/manifest+json"),
    ("txt", "text/plain; charset=utf-8"),
    ("md", "text/markdown; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    ("xml", "application/xml"),
    ("yaml", "application/yaml"),
    ("yml", "application/yaml"),
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("avif", "image/avif"),
    ("ico", "image/x-icon"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("ttf", "font/ttf"),
    ("otf", "font/otf"),
    ("wasm", "application/wasm"),
    ("pdf", "application/pdf"),
    ("mp4", "video/mp4"),
    ("webm", "video/webm"),
    ("mp3", "audio/mpeg"),
];

/// The content type for a file path (`css/site.css`), chosen by its extension,
/// case-insensitively. A name without an extension (or a dotfile like `.htaccess`)
/// gets [`FALLBACK`].
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = match name.rfind('.') {
        Some(i) if i > 0 => &name[i + 1..],
        _ => return FALLBACK,
    };
    TABLE
        .iter()
        .find(|(e, _)| e.eq_ignore_ascii_case(ext))
        .map_or(FALLBACK, |(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_extension() {
        for (file, want) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.htm", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.mjs", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.txt", "text/plain; charset=utf-8"),
            ("a.md", "text/markdown; charset=utf-8"),
            ("a.xml", "application/xml"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.jpeg", "image/jpeg"),
            ("a.gif", "image/gif"),
            ("a.webp", "image/webp"),
            ("a.avif", "image/avif"),
            ("a.ico", "image/x-icon"),
            ("a.woff", "font/woff"),
            ("a.woff2", "font/woff2"),
            ("a.wasm", "application/wasm"),
            ("a.pdf", "application/pdf"),
            ("a.js.map", "application/json"),
            ("a.yaml", "application/yaml"),
            ("a.yml", "application/yaml"),
            ("a.csv", "text/csv; charset=utf-8"),
        ] {
            assert_eq!(content_type(file), want, "{file}");
        }
    }

    #[test]
    fn case_insensitive() {
        assert_eq!(content_type("A.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("photo.JpG"), "image/jpeg");
    }

    #[test]
    fn uses_last_segment_and_last_dot() {
        assert_eq!(content_type("dir.css/file"), FALLBACK);
        assert_eq!(content_type("css/site.min.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("archive.tar.gz"), FALLBACK);
    }

    #[test]
    fn unknown_and_missing_extensions() {
        assert_eq!(content_type("a.exe"), FALLBACK);
        assert_eq!(content_type("README"), FALLBACK);
        assert_eq!(content_type(".htaccess"), FALLBACK);
        assert_eq!(content_type("dir/.css"), FALLBACK);
        assert_eq!(content_type("trailing."), FALLBACK);
        assert_eq!(content_type(""), FALLBACK);
    }
}
