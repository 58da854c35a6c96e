//! `GET /students/{name}/{id}`: a greeting for a student and a course.

use http::StatusCode;

use crate::reply::{Json, Reply};
use http_rules::percent::{decode, Escapes};

/// The student's name and course id from the two raw (still percent-encoded) path
/// segments after `/students/`, or `None` when they do not fit the route.
///
/// The seed's route class `[a-z, A-Z]` admits letters, a comma and a space; read
/// literally and made Unicode-aware, a name is one or more letters, spaces or commas.
pub fn parse<'a>(name: &str, id: &'a str) -> Option<(String, &'a str)> {
    let name = String::from_utf8(decode(name, false, Escapes::Strict)?).ok()?;
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == ',');
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    (name_ok && id_ok).then_some((name, id))
}

pub fn answer(name: &str, id: &str) -> Reply {
    match parse(name, id) {
        Some((name, id)) => Reply::text(
            StatusCode::OK,
            format!("Hello {name} the course you are viewing is {id}"),
            Json::Fields(vec![("name", name.clone()), ("course_id", id.to_owned())]),
        ),
        None => Reply::not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names_and_numeric_ids() {
        assert_eq!(parse("john", "101"), Some(("john".to_owned(), "101")));
    }

    #[test]
    fn names_are_percent_decoded_and_may_hold_spaces_and_commas() {
        assert_eq!(parse("John%20Doe", "7"), Some(("John Doe".to_owned(), "7")));
        assert_eq!(parse("a,b", "7"), Some(("a,b".to_owned(), "7")));
        assert_eq!(parse("Zo%C3%AB", "7"), Some(("Zoë".to_owned(), "7")));
        assert_eq!(parse("%E6%9D%8E", "7"), Some(("李".to_owned(), "7")));
    }

    #[test]
    fn ids_are_echoed_as_given() {
        assert_eq!(parse("amy", "007"), Some(("amy".to_owned(), "007")));
    }

    #[test]
    fn anything_else_does_not_match() {
        for (name, id) in [
            ("jo1", "5"),
            ("john", "abc"),
            ("john", ""),
            ("", "5"),
            ("john", "-5"),
            ("john", "%35"),
            ("a+b", "5"),
            ("%3Cb%3E", "5"),
            ("%zz", "5"),
            ("%ff", "5"),
            ("john%2F", "5"),
        ] {
            assert_eq!(parse(name, id), None, "{name:?} {id:?}");
        }
    }

    #[test]
    fn the_greeting_has_no_stray_parenthesis() {
        let res = answer("john", "101");
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(
            &res.body[..],
            b"Hello john the course you are viewing is 101"
        );
        assert_eq!(res.json.render(), r#"{"name":"john","course_id":"101"}"#);
    }

    #[test]
    fn a_bad_name_is_a_404() {
        assert_eq!(answer("jo1", "5").status, StatusCode::NOT_FOUND);
    }
}
