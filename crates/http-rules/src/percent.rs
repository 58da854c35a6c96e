//! Percent-decoding to bytes. Callers decide what invalid UTF-8 means for them.

/// How to treat a `%` that is not followed by two hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Escapes {
    /// Keep it as a literal `%`, as `application/x-www-form-urlencoded` parsing does.
    Lenient,
    /// Refuse the input.
    Strict,
}

/// One unit of percent-encoded input.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unit {
    /// A byte as it was written.
    Raw(u8),
    /// The byte a `%XX` escape stands for.
    Escaped(u8),
    /// A `%` not followed by two hex digits (only the `%` is consumed).
    BadEscape,
}

/// The units of `input`, in order. Callers that must tell an escaped byte from a raw one
/// (an encoded `/` inside a path segment) match on [`Unit`]; the rest use [`decode`].
pub fn units(input: &[u8]) -> impl Iterator<Item = Unit> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let b = *input.get(i)?;
        if b != b'%' {
            i += 1;
            return Some(Unit::Raw(b));
        }
        let pair = (
            input.get(i + 1).and_then(hex),
            input.get(i + 2).and_then(hex),
        );
        Some(match pair {
            (Some(hi), Some(lo)) => {
                i += 3;
                Unit::Escaped(hi << 4 | lo)
            }
            _ => {
                i += 1;
                Unit::BadEscape
            }
        })
    })
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in form data).
/// Returns `None` only for a malformed escape under [`Escapes::Strict`].
pub fn decode(input: &str, plus_is_space: bool, escapes: Escapes) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    for unit in units(input.as_bytes()) {
        out.push(match unit {
            Unit::Raw(b'+') if plus_is_space => b' ',
            Unit::Raw(b) | Unit::Escaped(b) => b,
            Unit::BadEscape if escapes == Escapes::Strict => return None,
            Unit::BadEscape => b'%',
        });
    }
    Some(out)
}

fn hex(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_in_either_case() {
        assert_eq!(
            decode("a%20b%2fc%2F", false, Escapes::Strict).unwrap(),
            b"a b/c/"
        );
    }

    #[test]
    fn plus_is_a_space_only_in_form_data() {
        assert_eq!(decode("a+b", true, Escapes::Strict).unwrap(), b"a b");
        assert_eq!(decode("a+b", false, Escapes::Strict).unwrap(), b"a+b");
    }

    #[test]
    fn lenient_keeps_malformed_escapes_literally() {
        assert_eq!(decode("%zz%4%", true, Escapes::Lenient).unwrap(), b"%zz%4%");
    }

    #[test]
    fn strict_refuses_malformed_escapes() {
        for bad in ["%zz", "%4", "%", "a%g0"] {
            assert_eq!(decode(bad, false, Escapes::Strict), None, "{bad}");
        }
    }

    #[test]
    fn units_tell_escaped_bytes_from_raw_ones() {
        let got: Vec<_> = units(b"a%2f/%g").collect();
        assert_eq!(
            got,
            [
                Unit::Raw(b'a'),
                Unit::Escaped(b'/'),
                Unit::Raw(b'/'),
                Unit::BadEscape,
                Unit::Raw(b'g'),
            ]
        );
    }

    #[test]
    fn decodes_to_bytes_not_text() {
        assert_eq!(
            decode("%ff%00", false, Escapes::Strict).unwrap(),
            vec![0xff, 0x00]
        );
    }
}
