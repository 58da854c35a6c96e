//! Turning a [`Reply`] into the response sent: content negotiation, caching validators,
//! and the security headers every answer carries.

use http::header::{
    HeaderMap, HeaderValue, ACCEPT, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, REFERRER_POLICY, VARY, X_CONTENT_TYPE_OPTIONS,
};
use http::{Response, StatusCode};
use http_rules::{etag, qvalues};

use crate::reply::{Form, Reply};

use http_rules::policy::{HTML_CSP as HTML_POLICY, HTML_REFERRER_POLICY, NOSNIFF};

pub fn render(reply: Reply, request: &HeaderMap) -> Response<Vec<u8>> {
    let accept = request.get(ACCEPT).and_then(|v| v.to_str().ok());
    // Unacceptable `Accept` lists get the default form rather than a 406.
    let json =
        qvalues::media_type(accept, &[reply.form.media_type(), "application/json"]) == Some(1);
    let (content_type, body) = match (json, reply.form) {
        (true, _) => ("application/json", reply.json.render().into_bytes()),
        (false, Form::Text) => ("text/plain; charset=utf-8", reply.body.into_owned()),
        (false, Form::Html) => ("text/html; charset=utf-8", reply.body.into_owned()),
    };

    let mut res = Response::new(body);
    *res.status_mut() = reply.status;
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static(NOSNIFF));
    headers.insert(VARY, HeaderValue::from_static("Accept"));
    // Answers are computed per request and cheap: caches must revalidate (by ETag).
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if !json && reply.form == Form::Html {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(HTML_POLICY),
        );
        headers.insert(
            REFERRER_POLICY,
            HeaderValue::from_static(HTML_REFERRER_POLICY),
        );
    }
    if reply.status == StatusCode::OK {
        validate(&mut res, request);
    }
    res
}

/// Adds the strong `ETag` of the body, and answers `304` when `If-None-Match` matches it.
fn validate(res: &mut Response<Vec<u8>>, request: &HeaderMap) {
    let tag = etag::strong(res.body());
    let matched = request
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|h| etag::none_match(h, &tag));
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
    fn default_form_without_accept() {
        let res = render_with(pages::hello(), &[]);
        assert_eq!(res.headers()[CONTENT_TYPE], "text/plain; charset=utf-8");
        assert_eq!(res.body(), b"Hello World");
    }

    #[test]
    fn json_when_preferred() {
        for accept in [
            "application/json",
            "text/plain;q=0.1, application/json",
            "application/*",
        ] {
            let res = render(
                pages::hello(),
                &[(ACCEPT, HeaderValue::from_static(accept))]
                    .into_iter()
                    .collect(),
            );
            assert_eq!(res.headers()[CONTENT_TYPE], "application/json", "{accept}");
            assert_eq!(res.body(), br#"{"message":"Hello World"}"#, "{accept}");
        }
    }

    #[test]
    fn wildcards_and_unacceptable_lists_get_the_default() {
        for accept in ["*/*", "text/*", "image/png"] {
            let res = render(
                pages::hello(),
                &[(ACCEPT, HeaderValue::from_static(accept))]
                    .into_iter()
                    .collect(),
            );
            assert_eq!(
                res.headers()[CONTENT_TYPE],
                "text/plain; charset=utf-8",
                "{accept}"
            );
        }
    }

    #[test]
    fn every_answer_carries_the_common_headers() {
        for reply in [pages::hello(), pages::animals(), Reply::not_found()] {
            let res = render_with(reply, &[]);
            assert_eq!(res.headers()[X_CONTENT_TYPE_OPTIONS], "nosniff");
            assert_eq!(res.headers()[VARY], "Accept");
            assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");
        }
    }

    #[test]
    fn html_gets_a_locked_down_policy_and_json_does_not() {
        let res = render_with(pages::animals(), &[]);
        assert_eq!(res.headers()[CONTENT_SECURITY_POLICY], HTML_POLICY);
        assert_eq!(res.headers()[REFERRER_POLICY], "no-referrer");
        let res = render_with(pages::animals(), &[("accept", "application/json")]);
        assert!(res.headers().get(CONTENT_SECURITY_POLICY).is_none());
        let res = render_with(pages::hello(), &[]);
        assert!(res.headers().get(CONTENT_SECURITY_POLICY).is_none());
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
        let tag = etag::strong(b"Hello World");
        let request: HeaderMap = [(
            IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"x\", W/{tag}")).unwrap(),
        )]
        .into_iter()
        .collect();
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
