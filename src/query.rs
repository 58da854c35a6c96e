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
    fn the_last_value_of_num() {
        // (query, what it says of `num`)
        for (query, want) in [
            ("num=4", value("4")),
            // The last value wins, even an empty one.
            ("num=4&num=5", value("5")),
            ("num=4&num=", value("")),
            // Missing when absent or the query is empty.
            ("", Param::Missing),
            ("nums=4&x=num", Param::Missing),
            // A key without `=` has an empty value.
            ("num", value("")),
            // `+` and escapes decode, in the key too.
            ("num=+4%20", value(" 4 ")),
            ("n%75m=7", value("7")),
            // Junk escapes stay literal.
            ("num=%zz%", value("%zz%")),
            // Invalid UTF-8 is reported, not replaced; a later value still wins.
            ("num=%ff", Param::NotUtf8),
            ("num=%ff&num=2", value("2")),
            // Empty pairs are skipped.
            ("&&num=3&&", value("3")),
        ] {
            assert_eq!(last(query, "num"), want, "{query:?}");
        }
    }
}
