//! The header values both components send, defined once.

/// The methods every route of both components answers: `Allow` on 204 (OPTIONS) and 405.
pub const ALLOWED_METHODS: &str = "GET, HEAD, OPTIONS";

/// `Content-Security-Policy` on every HTML answer. The pages use no scripts, styles,
/// images, frames or forms, so everything is denied: injected markup can load and send
/// nothing.
pub const HTML_CSP: &str =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `Content-Security-Policy` on every SVG and other XML answer. Opened on its own, such a
/// file is a document whose scripts (SVG's, or XHTML's inside any XML) run with this
/// origin. Inline styles, and images and fonts embedded as `data:` (as drawing programs
/// export them), still apply. Embedded with `<img>`, an SVG runs no scripts and this
/// header does not apply.
pub const XML_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; sandbox";

/// `Referrer-Policy` on every HTML answer.
pub const HTML_REFERRER_POLICY: &str = "no-referrer";

/// `X-Content-Type-Options` on every answer.
pub const NOSNIFF: &str = "nosniff";
