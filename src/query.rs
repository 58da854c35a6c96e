//! Reading one parameter from an `application/x-www-form-urlencoded` query string.

use http_rules::percent::{decode, Escapes};

/// What a query says about one parameter.
#[derive(Debug, PartialEq, Eq)]
pub enum Param {
    Missing,
    /// Present, but its decoded bytes are not UTF-8.
    NotUtf8,
    Value(String),
}

/// The last value of `name` in `query` (the part after `?`), as form parsing defines it:
/// pairs split on `&`, `+` is a space, escapes decoded, malformed escapes kept literally.
pub fn last(query: &str, name: &str) -> Param {
    let mut found = Param::Missing;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if decode(key, true, Escapes::Lenient).as_deref() != Some(name.as_bytes()) {
            continue;
        }
        if !value.contains(['%', '+']) {
            // Nothing to decode: the common case, and a 5,000-digit number is copied once.
            found = Param::Value(value.to_owned());
            continue;
        }
        let bytes = decode(value, true, Escapes::Lenient).unwrap_or_default();
        found = match String::from_utf8(bytes) {
            Ok(s) => Param::Value(s),
            Err(_) => Param::NotUtf8,
        };
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> Param {
        Param::Value(s.to_owned())
    }

    #[test]
    fn finds_a_plain_value() {
        assert_eq!(last("num=4", "num"), value("4"));
    }

    #[test]
    fn last_value_wins() {
        assert_eq!(last("num=4&num=5", "num"), value("5"));
        assert_eq!(last("num=4&num=", "num"), value(""));
    }

    #[test]
    fn missing_when_absent_or_empty_query() {
        assert_eq!(last("", "num"), Param::Missing);
        assert_eq!(last("nums=4&x=num", "num"), Param::Missing);
    }

    #[test]
    fn a_key_without_equals_has_an_empty_value() {
        assert_eq!(last("num", "num"), value(""));
    }

    #[test]
    fn plus_and_escapes_decode() {
        assert_eq!(last("num=+4%20", "num"), value(" 4 "));
        assert_eq!(last("n%75m=7", "num"), value("7"));
    }

    #[test]
    fn junk_escapes_stay_literal() {
        assert_eq!(last("num=%zz%", "num"), value("%zz%"));
    }

    #[test]
    fn invalid_utf8_is_reported_not_replaced() {
        assert_eq!(last("num=%ff", "num"), Param::NotUtf8);
        assert_eq!(last("num=%ff&num=2", "num"), value("2"));
    }

    #[test]
    fn empty_pairs_are_skipped() {
        assert_eq!(last("&&num=3&&", "num"), value("3"));
    }
}
