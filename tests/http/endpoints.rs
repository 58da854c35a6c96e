//! The app component's four routes over real HTTP, through the runtime and `spin.toml`.

use crate::harness::{get, request, Reply};

const TEXT: &str = "text/plain; charset=utf-8";

fn assert_text(reply: &Reply, status: u16, body: &str) {
    let got = String::from_utf8_lossy(&reply.body);
    assert_eq!(reply.status, status, "body: {got:?}");
    assert_eq!(reply.header("content-type"), Some(TEXT));
    assert_eq!(reply.text(), body);
}

#[test]
fn hello() {
    assert_text(&get("/"), 200, "Hello World");
}

#[test]
fn animals_is_the_page_as_html() {
    let reply = get("/animals");
    crate::harness::assert_is_the_animals_page(&reply);
    assert!(reply.text().starts_with("<!DOCTYPE html>"));
    assert!(reply.text().contains("width=device-width, initial-scale=1"));
}

#[test]
fn iseven_answers_parity() {
    // (num as sent, as the answer shows it, its parity)
    for (num, shown, parity) in [
        ("4", "4", "even"),
        ("7", "7", "odd"),
        ("-3", "-3", "odd"),
        ("%2B8", "+8", "even"),
    ] {
        let answer = format!("The integer {shown} is {parity}");
        assert_text(&get(&format!("/iseven?num={num}")), 200, &answer);
    }
}

#[test]
fn iseven_takes_integers_of_any_length() {
    let big = "123456789012345678901234567890";
    assert_text(
        &get(&format!("/iseven?num={big}")),
        200,
        &format!("The integer {big} is even"),
    );
    let digits = "9".repeat(5_000);
    let reply = get(&format!("/iseven?num={digits}"));
    assert_text(&reply, 200, &format!("The integer {digits} is odd"));
}

#[test]
fn iseven_decodes_the_query_as_form_data() {
    assert_text(&get("/iseven?num=+4+"), 200, "The integer 4 is even");
    assert_text(&get("/iseven?num=%204%09"), 200, "The integer 4 is even");
    assert_text(&get("/iseven?num=007"), 200, "The integer 007 is odd");
    assert_text(&get("/iseven?num=4&num=5"), 200, "The integer 5 is odd");
    assert_text(&get("/iseven?n%75m=6"), 200, "The integer 6 is even");
}

#[test]
fn iseven_rejects_non_integers_as_plain_text() {
    for (query, echoed) in [
        ("abc", "abc"),
        ("%D9%A3", "٣"),
        ("%C2%B2", "²"),
        ("1.5", "1.5"),
        ("--1", "--1"),
        ("%zz", "%zz"),
        (
            "%3Cscript%3Ealert(1)%3C/script%3E",
            "<script>alert(1)</script>",
        ),
    ] {
        let reply = get(&format!("/iseven?num={query}"));
        assert_text(&reply, 400, &format!("{echoed} is not a valid integer"));
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{query}"
        );
    }
}

#[test]
fn iseven_without_a_number_names_the_parameter() {
    for target in [
        "/iseven",
        "/iseven?",
        "/iseven?num=",
        "/iseven?num=++",
        "/iseven?other=1",
    ] {
        let reply = get(target);
        assert_eq!(reply.status, 400, "{target}");
        assert_eq!(reply.header("content-type"), Some(TEXT), "{target}");
        assert!(reply.text().contains("num"), "{target}: {}", reply.text());
    }
}

#[test]
fn iseven_invalid_utf8_is_a_bad_value() {
    let reply = get("/iseven?num=%ff%fe");
    assert_eq!(reply.status, 400);
    assert!(reply.text().contains("UTF-8"));
}

#[test]
fn students_are_greeted() {
    assert_text(
        &get("/students/john/101"),
        200,
        "Hello john the course you are viewing is 101",
    );
    assert_text(
        &get("/students/a,b/7"),
        200,
        "Hello a,b the course you are viewing is 7",
    );
    assert_text(
        &get("/students/John%20Doe/007"),
        200,
        "Hello John Doe the course you are viewing is 007",
    );
    assert_text(
        &get("/students/Zo%C3%AB/3"),
        200,
        "Hello Zoë the course you are viewing is 3",
    );
}

#[test]
fn anything_else_under_students_is_404() {
    for target in [
        "/students/john/abc",
        "/students/john/",
        "/students/jo1/5",
        "/students/john",
        "/students",
        "/students/john/1/",
        "/students/john/1/x",
        "/students/%3Cb%3E/1",
        "/students/%zz/1",
    ] {
        assert_eq!(get(target).status, 404, "{target}");
    }
}

#[test]
fn unknown_paths_are_404_in_plain_text() {
    for target in ["/nope", "/animals/", "/iseven/", "/Animals"] {
        let reply = get(target);
        assert_eq!(reply.status, 404, "{target}");
        assert_eq!(reply.header("content-type"), Some(TEXT), "{target}");
        assert!(!reply.body.is_empty() && reply.body.len() < 100, "{target}");
    }
}

#[test]
fn head_matches_get_without_a_body() {
    for target in [
        "/",
        "/animals",
        "/iseven?num=2",
        "/iseven?num=x",
        "/students/amy/1",
        "/nope",
    ] {
        let got = get(target);
        let head = request("HEAD", target, &[]);
        assert_eq!(head.status, got.status, "{target}");
        assert_eq!(
            head.header("content-type"),
            got.header("content-type"),
            "{target}"
        );
        assert!(head.body.is_empty(), "{target}");
    }
}

#[test]
fn a_60_kb_query_reaches_the_app() {
    let junk = "%zz".repeat(20_000);
    let reply = get(&format!("/iseven?num={junk}"));
    assert_eq!(reply.status, 400);
    assert_eq!(reply.text(), format!("{junk} is not a valid integer"));
}

#[test]
fn hostile_input_never_answers_5xx() {
    let long_query = format!("/iseven?num={}", "%zz".repeat(20_000)); // 60 KB
    let many_segments = "/a".repeat(5_000);
    let many_student_segments = format!("/students{}", "/x".repeat(5_000));
    for target in [
        long_query.as_str(),
        many_segments.as_str(),
        many_student_segments.as_str(),
        "/%",
        "/%%%",
        "/iseven?%=%&&=&num=%",
        "/students/%/%",
        "/iseven?num=%00",
    ] {
        let reply = get(target);
        assert!(
            (200..500).contains(&reply.status),
            "{} answered {}",
            &target[..target.len().min(60)],
            reply.status
        );
    }
}
