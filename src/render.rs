//! Turning a [`Reply`] into the response sent: content negotiation and caching
//! validators. (The security headers and framing are `http_rules::response::finish`.)

use http::header::{HeaderMap, HeaderValue, ACCEPT, CACHE_CONTROL, CONTENT_TYPE, ETAG, VARY};
use http::{Response, StatusCode};
use http_rules::{conditional, etag, qvalues};

use crate::reply::{Form, Reply};

pub fn render(reply: Reply, request: &HeaderMap) -> Response<Vec<u8>> {
    let accept = conditional::joined(request, &ACCEPT);
    // Unacceptable `Accept` lists get the default form rather than a 406.
    let offers = [reply.form.media_type(), "application/json"];
    let json = qvalues::media_type(accept.as_deref(), &offers) == Some(1);
    let (content_type, body) = match (json, reply.form) {
        (true, _) => ("application/json", reply.json.render().into_bytes()),
        (false, Form::Text) => ("text/plain; charset=utf-8", reply.body.into_owned()),
        (false, Form::Html) => ("text/html; charset=utf-8", reply.body.into_owned()),
    };

    let mut res = Response::new(body);
    *res.status_mut() = reply.status;
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(VARY, HeaderValue::from_static("Accept"));
    // Answers are computed per request and cheap: caches must revalidate (by ETag).
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if reply.status == StatusCode::OK {
        validate(&mut res, request);
    }
    res
}

/// Adds the strong `ETag` of the body, and answers `304` when `If-None-Match` matches it.
fn validate(res: &mut Response<Vec<u8>>, request: &HeaderMap) {
    let tag = etag::strong(res.body());
    let matched = conditional::not_modified(request, &tag);
    if let Ok(value) = HeaderValue::from_str(&tag) {
        res.headers_mut().insert(ETAG, value);
    }
    if matched {
        *res.status_mut() = StatusCode::NOT_MODIFIED;
        res.body_mut().clear();
        res.headers_mut().remove(CONTENT_TYPE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(n, v)| (n.parse().unwrap(), HeaderValue::from_static(v)))
            .collect()
    }

    fn render_with(reply: Reply, pairs: &[(&'static str, &'static str)]) -> Response<Vec<u8>> {
        render(reply, &headers(pairs))
    }

    #[test]
    fn the_form_follows_accept() {
        let text = ("text/plain; charset=utf-8", &b"Hello World"[..]);
        let json = ("application/json", &br#"{"message":"Hello World"}"#[..]);
        for (accept, (content_type, body)) in [
            (None, text),
            // JSON when preferred.
            (Some("application/json"), json),
            (Some("text/plain;q=0.1, application/json"), json),
            (Some("application/*"), json),
            // Wildcards and unacceptable lists get the default.
            (Some("*/*"), text),
            (Some("text/*"), text),
            (Some("image/png"), text),
        ] {
            let pairs = accept.map(|a| ("accept", a));
            let res = render_with(pages::hello(), pairs.as_slice());
            assert_eq!(res.headers()[CONTENT_TYPE], content_type, "{accept:?}");
            assert_eq!(res.body(), body, "{accept:?}");
        }
    }

    #[test]
    fn every_answer_carries_vary_and_no_cache() {
        for reply in [pages::hello(), pages::animals(), Reply::not_found()] {
            let res = render_with(reply, &[]);
            assert_eq!(res.headers()[VARY], "Accept");
            assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");
        }
    }

    #[test]
    fn every_accept_line_counts() {
        let mut request = HeaderMap::new();
        request.append(ACCEPT, HeaderValue::from_static("text/plain;q=0.1"));
        request.append(ACCEPT, HeaderValue::from_static("application/json"));
        let res = render(pages::hello(), &request);
        assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
    }

    #[test]
    fn ok_answers_carry_a_strong_etag_of_their_body() {
        let res = render_with(pages::hello(), &[]);
        assert_eq!(res.headers()[ETAG], etag::strong(b"Hello World").as_str());
        let json = render_with(pages::hello(), &[("accept", "application/json")]);
        assert_ne!(json.headers()[ETAG], res.headers()[ETAG]);
    }

    #[test]
    fn errors_carry_no_etag() {
        assert!(render_with(Reply::not_found(), &[])
            .headers()
            .get(ETAG)
            .is_none());
    }

    #[test]
    fn a_matching_if_none_match_is_304_with_the_same_etag() {
        use http::header::IF_NONE_MATCH;
        let tag = etag::strong(b"Hello World");
        // The matching tag on the second line: every line counts.
        let mut request = HeaderMap::new();
        request.append(IF_NONE_MATCH, HeaderValue::from_static("\"x\""));
        request.append(
            IF_NONE_MATCH,
            HeaderValue::from_str(&format!("W/{tag}")).unwrap(),
        );
        let res = render(pages::hello(), &request);
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert!(res.body().is_empty());
        assert_eq!(res.headers()[ETAG], tag.as_str());
    }

    #[test]
    fn a_stale_if_none_match_gets_the_full_answer() {
        let res = render_with(pages::hello(), &[("if-none-match", "\"stale\"")]);
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.body(), b"Hello World");
    }
}
