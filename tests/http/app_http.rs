//! The app's HTTP behaviour beyond the bare answers: content negotiation, validators and
//! caching, security headers and OPTIONS, through the real component and `spin.toml`.

use crate::harness::{get, request, Reply};

const ROUTES: [&str; 4] = ["/", "/animals", "/iseven?num=4", "/students/john/101"];

fn get_json(target: &str) -> Reply {
    request("GET", target, &[("Accept", "application/json")])
}

fn assert_json(reply: &Reply, status: u16, body: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.text(), body);
}

#[test]
fn json_forms_of_every_route() {
    assert_json(&get_json("/"), 200, r#"{"message":"Hello World"}"#);
    assert_json(
        &get_json("/animals"),
        200,
        r#"{"animals":["Snake","Horse","Mouse","Bird"]}"#,
    );
    assert_json(
        &get_json("/iseven?num=4"),
        200,
        r#"{"number":"4","parity":"even"}"#,
    );
    assert_json(
        &get_json("/iseven?num=-007"),
        200,
        r#"{"number":"-007","parity":"odd"}"#,
    );
    assert_json(
        &get_json("/students/john/101"),
        200,
        r#"{"name":"john","course_id":"101"}"#,
    );
}

#[test]
fn json_errors_keep_the_status_of_the_text_form() {
    for target in [
        "/iseven?num=abc",
        "/iseven",
        "/iseven?num=%ff",
        "/nope",
        "/students/jo1/5",
    ] {
        let text = get(target);
        let json = get_json(target);
        assert_eq!(json.status, text.status, "{target}");
        assert_eq!(
            json.header("content-type"),
            Some("application/json"),
            "{target}"
        );
        let body = json.text();
        assert!(
            body.starts_with(r#"{"error":""#) && body.ends_with("\"}"),
            "{target}: {body}"
        );
    }
    let post = request(
        "POST",
        "/",
        &[("Accept", "application/json"), ("Content-Length", "0")],
    );
    assert_json(&post, 405, r#"{"error":"Method Not Allowed"}"#);
}

#[test]
fn json_escapes_what_it_echoes() {
    let reply = get_json("/iseven?num=%3Cb%3E%22");
    assert_json(
        &reply,
        400,
        r#"{"error":"\u003cb>\" is not a valid integer"}"#,
    );
}

#[test]
fn q_values_decide_and_wildcards_mean_the_default() {
    let prefer_json = request(
        "GET",
        "/",
        &[("Accept", "text/plain;q=0.5, application/json;q=0.9")],
    );
    assert_eq!(prefer_json.header("content-type"), Some("application/json"));
    for accept in ["*/*", "text/*", "application/json;q=0, */*", "text/html"] {
        let reply = request("GET", "/", &[("Accept", accept)]);
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8"),
            "{accept}"
        );
    }
    let html = request(
        "GET",
        "/animals",
        &[("Accept", "text/html, application/json;q=0.1")],
    );
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
}

#[test]
fn negotiated_answers_vary_on_accept() {
    for target in ROUTES.iter().chain(&["/nope", "/iseven?num=x"]) {
        assert_eq!(get(target).header("vary"), Some("Accept"), "{target}");
    }
}

#[test]
fn every_ok_answer_has_a_strong_etag_and_matching_if_none_match_is_304() {
    for target in ROUTES {
        let first = get(target);
        let tag = first
            .header("etag")
            .unwrap_or_else(|| panic!("{target}: no ETag"))
            .to_owned();
        assert!(
            tag.starts_with('"') && tag.ends_with('"'),
            "{target}: weak or unquoted {tag}"
        );
        assert_eq!(
            get(target).header("etag"),
            Some(tag.as_str()),
            "{target}: tag not stable"
        );

        for condition in [
            tag.clone(),
            format!("\"nope\", {tag}"),
            format!("W/{tag}"),
            "*".to_owned(),
        ] {
            let again = request("GET", target, &[("If-None-Match", &condition)]);
            assert_eq!(again.status, 304, "{target} with {condition}");
            assert!(again.body.is_empty(), "{target}");
            assert_eq!(again.header("etag"), Some(tag.as_str()), "{target}");
        }
        let stale = request("GET", target, &[("If-None-Match", "\"stale\"")]);
        assert_eq!(stale.status, 200, "{target}");
        assert_eq!(stale.body, first.body, "{target}");
    }
}

#[test]
fn the_etag_follows_the_representation() {
    let text = get("/").header("etag").unwrap().to_owned();
    let json = get_json("/").header("etag").unwrap().to_owned();
    assert_ne!(text, json);
    assert_ne!(
        get("/iseven?num=4").header("etag"),
        get("/iseven?num=5").header("etag")
    );
    let head = request("HEAD", "/", &[("If-None-Match", &text)]);
    assert_eq!(head.status, 304);
}

#[test]
fn errors_have_no_etag() {
    for target in ["/nope", "/iseven?num=x"] {
        assert_eq!(get(target).header("etag"), None, "{target}");
    }
}

#[test]
fn dynamic_answers_are_no_cache() {
    for target in ROUTES.iter().chain(&["/nope"]) {
        assert_eq!(
            get(target).header("cache-control"),
            Some("no-cache"),
            "{target}"
        );
    }
}

#[test]
fn nosniff_on_every_answer() {
    for target in ROUTES.iter().chain(&["/nope", "/iseven?num=x"]) {
        assert_eq!(
            get(target).header("x-content-type-options"),
            Some("nosniff"),
            "{target}"
        );
    }
}

#[test]
fn one_json_access_log_line_per_request() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let path = format!("/log-probe-{nanos}");
    let log = crate::harness::app().stdout_of("app");
    let from = crate::harness::runtime::log_len(&log);
    assert_eq!(get(&format!("{path}?secret=1")).status, 404);
    let found = crate::harness::runtime::wait_for_lines(&log, from, &path);
    let [line] = found.as_slice() else {
        panic!("{} lines for one request: {found:?}", found.len());
    };
    let entry: serde_json::Value = serde_json::from_str(line).expect("the line is one JSON object");
    assert_eq!(entry["method"], "GET");
    assert_eq!(entry["path"], path.as_str(), "the path, without the query");
    assert_eq!(entry["status"], 404);
    assert_eq!(entry["bytes"], 9);
    assert!(entry["micros"].is_u64(), "{line}");
    assert_eq!(entry.as_object().unwrap().len(), 5, "{line}");
}
