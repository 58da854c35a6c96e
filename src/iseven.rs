//! `GET /iseven?num=N`: the parity of an integer of any length.

use http::StatusCode;

use crate::query::{self, Param};
use crate::reply::{Json, Reply};

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Parity {
    Even,
    Odd,
}

/// The parity of an optional `+`/`-` followed by ASCII digits, or `None` if `num` is not
/// such an integer. Only the last digit matters, so the length is unbounded.
pub fn parity(num: &str) -> Option<Parity> {
    let digits = num.strip_prefix(['+', '-']).unwrap_or(num);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.as_bytes()[digits.len() - 1] % 2 {
        0 => Some(Parity::Even),
        _ => Some(Parity::Odd),
    }
}

/// The answer for the query string of a request to `/iseven`.
pub fn answer(query: &str) -> Reply {
    let raw = match query::last(query, "num") {
        Param::Value(v) => v,
        Param::Missing => return missing(),
        Param::NotUtf8 => {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "the query parameter num is not valid UTF-8",
            )
        }
    };
    let num = raw.trim();
    if num.is_empty() {
        return missing();
    }
    let word = match parity(num) {
        Some(Parity::Even) => "even",
        Some(Parity::Odd) => "odd",
        None => {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                format!("{num} is not a valid integer"),
            )
        }
    };
    Reply::text(
        StatusCode::OK,
        format!("The integer {num} is {word}"),
        Json::Fields(vec![
            ("number", num.to_owned()),
            ("parity", word.to_owned()),
        ]),
    )
}

fn missing() -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "the query parameter num is required, for example /iseven?num=4",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(reply: &Reply) -> &str {
        std::str::from_utf8(&reply.body).unwrap()
    }

    #[test]
    fn parity_of_small_numbers() {
        assert_eq!(parity("4"), Some(Parity::Even));
        assert_eq!(parity("7"), Some(Parity::Odd));
        assert_eq!(parity("0"), Some(Parity::Even));
    }

    #[test]
    fn signs_are_allowed_once() {
        assert_eq!(parity("-3"), Some(Parity::Odd));
        assert_eq!(parity("+10"), Some(Parity::Even));
        assert_eq!(parity("+-1"), None);
        assert_eq!(parity("--1"), None);
        assert_eq!(parity("-"), None);
        assert_eq!(parity("+"), None);
    }

    #[test]
    fn parity_of_five_thousand_digits_uses_the_last_digit() {
        let odd = "9".repeat(4999) + "1";
        let even = "1".repeat(4999) + "8";
        assert_eq!(parity(&odd), Some(Parity::Odd));
        assert_eq!(parity(&even), Some(Parity::Even));
    }

    #[test]
    fn only_ascii_digits_count() {
        for bad in ["abc", "4.0", "1e3", "0x10", "٣", "²", "1 2", "", "12a"] {
            assert_eq!(parity(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn valid_answers_echo_the_trimmed_number_as_given() {
        let res = answer("num=%20007+");
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(body(&res), "The integer 007 is odd");
        assert_eq!(res.json.render(), r#"{"number":"007","parity":"odd"}"#);
        assert_eq!(body(&answer("num=-12")), "The integer -12 is even");
        assert_eq!(body(&answer("num=%2B5")), "The integer +5 is odd");
    }

    #[test]
    fn the_last_num_wins() {
        assert_eq!(body(&answer("num=4&num=5")), "The integer 5 is odd");
    }

    #[test]
    fn invalid_numbers_are_a_400_echoing_the_value() {
        let res = answer("num=%3Cscript%3E");
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(body(&res), "<script> is not a valid integer");
        assert_eq!(
            res.json.render(),
            r#"{"error":"\u003cscript> is not a valid integer"}"#
        );
    }

    #[test]
    fn missing_or_empty_num_names_the_parameter() {
        for q in ["", "x=1", "num=", "num=+++", "num=4&num="] {
            let res = answer(q);
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{q}");
            assert!(body(&res).contains("num"), "{q}");
            assert!(!body(&res).contains("not a valid integer"), "{q}");
        }
    }

    #[test]
    fn invalid_utf8_is_a_400() {
        let res = answer("num=%ff");
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(body(&res).contains("UTF-8"));
    }

    #[test]
    fn junk_escapes_are_just_an_invalid_integer() {
        let res = answer("num=%zz");
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(body(&res), "%zz is not a valid integer");
    }
}
