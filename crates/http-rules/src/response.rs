//! What every answer of both components carries, applied last: the security headers and
//! the framing of the body.

use http::header::{
    HeaderValue, ALLOW, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};
use http::{Response, StatusCode};

use crate::policy::{ALLOWED_METHODS, HTML_CSP, HTML_REFERRER_POLICY, NOSNIFF, XML_CSP};

/// A body [`finish`] can frame: its length is known before it is sent.
pub trait Framed {
    fn len(&self) -> u64;
    /// Drops the body (HEAD, 204, 304).
    fn clear(&mut self);
}

impl Framed for Vec<u8> {
    fn len(&self) -> u64 {
        Vec::len(self) as u64
    }

    fn clear(&mut self) {
        Vec::clear(self)
    }
}

/// Finishes an answer. Every answer gets `nosniff`; HTML (by its `Content-Type`) also gets
/// the CSP and referrer policy that keep injected markup from loading or sending anything,
/// and SVG and XML, the other documents a browser runs scripts in, a CSP of their own.
/// Then the body is framed, so the length always matches it: a GET gets an exact
/// `Content-Length` (the host then need not chunk); HEAD, 204 and 304 carry no body and
/// no length, since wasi-http hosts check a declared length against the bytes written.
pub fn finish<B: Framed>(res: &mut Response<B>, head: bool) {
    let essence = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map_or("", str::trim);
    let is = |media_type: &str| essence.eq_ignore_ascii_case(media_type);
    let html = is("text/html");
    // Any XML type (`image/svg+xml`, `application/xhtml+xml`, ...) can carry a script.
    let suffix = essence.as_bytes().rchunks(4).next().unwrap_or_default();
    let xml = is("application/xml") || is("text/xml") || suffix.eq_ignore_ascii_case(b"+xml");
    let headers = res.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static(NOSNIFF));
    if html {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(HTML_CSP));
        headers.insert(
            REFERRER_POLICY,
            HeaderValue::from_static(HTML_REFERRER_POLICY),
        );
    } else if xml {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(XML_CSP));
    }
    let bodiless = matches!(
        res.status(),
        StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED
    );
    if head || bodiless {
        res.body_mut().clear();
        res.headers_mut().remove(CONTENT_LENGTH);
    } else {
        let len = HeaderValue::from(res.body().len());
        res.headers_mut().insert(CONTENT_LENGTH, len);
    }
}

/// `Allow` on a 405 and on OPTIONS.
pub fn allow<B>(res: &mut Response<B>) {
    res.headers_mut()
        .insert(ALLOW, HeaderValue::from_static(ALLOWED_METHODS));
}

/// The `204` for OPTIONS on a resource that exists: what it allows, and no body.
pub fn options() -> Response<Vec<u8>> {
    let mut res = Response::new(Vec::new());
    *res.status_mut() = StatusCode::NO_CONTENT;
    allow(&mut res);
    finish(&mut res, false);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: StatusCode, content_type: &'static str, body: &[u8]) -> Response<Vec<u8>> {
        let mut res = Response::new(body.to_vec());
        *res.status_mut() = status;
        res.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        res
    }

    #[test]
    fn get_is_framed_by_its_exact_length() {
        let mut res = answer(StatusCode::OK, "text/plain", b"hello");
        finish(&mut res, false);
        assert_eq!(res.headers()[CONTENT_LENGTH], "5");
        assert_eq!(res.body(), b"hello");
    }

    #[test]
    fn head_204_and_304_carry_no_body_and_no_length() {
        for (status, head) in [
            (StatusCode::OK, true),
            (StatusCode::NOT_FOUND, true),
            (StatusCode::NO_CONTENT, false),
            (StatusCode::NOT_MODIFIED, false),
        ] {
            let mut res = answer(status, "text/plain", b"hello");
            res.headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from_static("5"));
            finish(&mut res, head);
            assert!(res.body().is_empty(), "{status} head={head}");
            assert!(res.headers().get(CONTENT_LENGTH).is_none(), "{status}");
        }
    }

    #[test]
    fn html_svg_and_xml_get_their_policies_and_everything_gets_nosniff() {
        let mut html = answer(StatusCode::NOT_FOUND, "text/html; charset=utf-8", b"<p>");
        finish(&mut html, false);
        assert_eq!(html.headers()[CONTENT_SECURITY_POLICY], HTML_CSP);
        assert_eq!(html.headers()[REFERRER_POLICY], HTML_REFERRER_POLICY);
        assert_eq!(html.headers()[X_CONTENT_TYPE_OPTIONS], NOSNIFF);
        for content_type in [
            "image/svg+xml",
            "application/xml",
            "text/xml; charset=utf-8",
            "application/xhtml+xml",
            "Image/SVG+XML",
        ] {
            let mut doc = answer(StatusCode::OK, content_type, b"<svg/>");
            finish(&mut doc, false);
            assert_eq!(
                doc.headers()[CONTENT_SECURITY_POLICY],
                XML_CSP,
                "{content_type}"
            );
            assert!(doc.headers().get(REFERRER_POLICY).is_none());
            assert_eq!(doc.headers()[X_CONTENT_TYPE_OPTIONS], NOSNIFF);
        }
        for content_type in [
            "application/json",
            "text/plain",
            "image/png",
            "text/xmlish",
            "+xm",
        ] {
            let mut res = answer(StatusCode::OK, content_type, b"{}");
            finish(&mut res, false);
            assert!(res.headers().get(CONTENT_SECURITY_POLICY).is_none());
            assert_eq!(res.headers()[X_CONTENT_TYPE_OPTIONS], NOSNIFF);
        }
    }

    #[test]
    fn options_is_an_empty_204_with_allow() {
        let res = options();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert_eq!(res.headers()[ALLOW], ALLOWED_METHODS);
        assert_eq!(res.headers()[X_CONTENT_TYPE_OPTIONS], NOSNIFF);
        assert!(res.body().is_empty() && res.headers().get(CONTENT_LENGTH).is_none());
    }
}
