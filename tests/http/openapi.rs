//! The OpenAPI description: served as a static file, it names the four endpoints, and
//! the checker that every integration test's answers go through really rejects answers
//! that stray from it.

use crate::harness::openapi::check;
use crate::harness::{get, Reply};

fn reply(status: u16, content_type: &str, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![("content-type".into(), content_type.into())],
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn the_document_is_served_as_a_static_file() {
    let served = get("/static/openapi.json");
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), Some("application/json"));
    let doc: serde_json::Value = serde_json::from_slice(&served.body).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    for path in ["/", "/animals", "/iseven", "/students/{name}/{id}"] {
        assert!(
            doc["paths"][path]["get"].is_object(),
            "{path} is not described"
        );
    }
}

#[test]
fn conforming_answers_pass() {
    let ok = [
        (
            "GET",
            "/",
            reply(200, "text/plain; charset=utf-8", "Hello World"),
        ),
        (
            "GET",
            "/",
            reply(200, "application/json", r#"{"message":"Hello World"}"#),
        ),
        (
            "GET",
            "/iseven?num=4",
            reply(200, "application/json", r#"{"number":"4","parity":"even"}"#),
        ),
        (
            "GET",
            "/iseven",
            reply(400, "application/json", r#"{"error":"x"}"#),
        ),
        ("GET", "/students/a/1", reply(304, "", "")),
        (
            "POST",
            "/animals",
            reply(405, "text/plain; charset=utf-8", "Method Not Allowed"),
        ),
        (
            "GET",
            "/static/a/b.css",
            reply(200, "text/css; charset=utf-8", "a{}"),
        ),
        (
            "GET",
            "/nope",
            reply(404, "text/plain; charset=utf-8", "Not Found"),
        ),
    ];
    for (method, target, r) in ok {
        assert_eq!(check(method, target, &r), Ok(()), "{method} {target}");
    }
}

#[test]
fn straying_answers_are_caught() {
    let bad = [
        ("GET", "/", reply(200, "application/xml", "<a/>")),
        ("GET", "/", reply(201, "text/plain", "x")),
        (
            "GET",
            "/iseven?num=4",
            reply(
                200,
                "application/json",
                r#"{"number":"4","parity":"maybe"}"#,
            ),
        ),
        (
            "GET",
            "/iseven?num=4",
            reply(200, "application/json", r#"{"number":"4"}"#),
        ),
        (
            "GET",
            "/iseven?num=4",
            reply(200, "application/json", r#"{"number":"x4","parity":"odd"}"#),
        ),
        (
            "GET",
            "/students/a/1",
            reply(
                200,
                "application/json",
                r#"{"name":"a","course_id":"1","x":"y"}"#,
            ),
        ),
        (
            "GET",
            "/animals",
            reply(200, "application/json", r#"{"animals":[1]}"#),
        ),
        (
            "GET",
            "/animals",
            reply(200, "application/json", "not json"),
        ),
        ("GET", "/", reply(304, "", "body")),
        ("POST", "/", reply(200, "text/plain", "x")),
        ("GET", "/nope", reply(200, "text/plain", "x")),
    ];
    for (method, target, r) in bad {
        assert!(
            check(method, target, &r).is_err(),
            "{method} {target} {} passed",
            r.status
        );
    }
}
