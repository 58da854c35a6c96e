//! Percent-decoding to bytes. Callers decide what invalid UTF-8 means for them.

/// How to treat a `%` that is not followed by two hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Escapes {
    /// Keep it as a literal `%`, as `application/x-www-form-urlencoded` parsing does.
    Lenient,
    /// Refuse the input.
    Strict,
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in form data).
/// Returns `None` only for a malformed escape under [`Escapes::Strict`].
pub fn decode(input: &str, plus_is_space: bool, escapes: Escapes) -> Option<Vec<u8>> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => match (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 3;
                    continue;
                }
                _ if escapes == Escapes::Strict => return None,
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
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
    fn decodes_to_bytes_not_text() {
        assert_eq!(
            decode("%ff%00", false, Escapes::Strict).unwrap(),
            vec![0xff, 0x00]
        );
    }
}
