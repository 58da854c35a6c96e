//! A single `Range: bytes=...` request against a representation of known length.

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Range {
    /// Send the whole representation: no range, one we ignore (malformed, other units,
    /// several ranges), as RFC 9110 §14.2 allows.
    Full,
    /// Send bytes `start..=end`.
    Partial { start: u64, end: u64 },
    /// 416, with `Content-Range: bytes */len`.
    Unsatisfiable,
}

/// Evaluates a `Range` header value for a representation `len` bytes long.
pub fn parse(header: &str, len: u64) -> Range {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Range::Full;
    };
    let spec = spec.trim();
    if spec.contains(',') {
        return Range::Full;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Range::Full;
    };
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => match number(suffix) {
            None => Range::Full,
            Some(0) => Range::Unsatisfiable,
            Some(_) if len == 0 => Range::Unsatisfiable,
            Some(n) => Range::Partial {
                start: len.saturating_sub(n),
                end: len - 1,
            },
        },
        (first, last) => {
            let Some(start) = number(first) else {
                return Range::Full;
            };
            let end = match last {
                "" => u64::MAX,
                l => match number(l) {
                    Some(e) if e >= start => e,
                    _ => return Range::Full,
                },
            };
            if start >= len {
                Range::Unsatisfiable
            } else {
                Range::Partial {
                    start,
                    end: end.min(len - 1),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partial(start: u64, end: u64) -> Range {
        Range::Partial { start, end }
    }

    #[test]
    fn closed_open_and_suffix_ranges() {
        assert_eq!(parse("bytes=0-9", 100), partial(0, 9));
        assert_eq!(parse("bytes=90-", 100), partial(90, 99));
        assert_eq!(parse("bytes=-10", 100), partial(90, 99));
        assert_eq!(parse(" bytes= 5-5 ", 100), partial(5, 5));
    }

    #[test]
    fn ends_are_clamped_to_the_length() {
        assert_eq!(parse("bytes=50-1000", 100), partial(50, 99));
        assert_eq!(parse("bytes=-1000", 100), partial(0, 99));
        let overflow = parse("bytes=0-99999999999999999999", 100);
        assert_eq!(overflow, Range::Full, "overflow is malformed");
    }

    #[test]
    fn unsatisfiable_ranges() {
        assert_eq!(parse("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(parse("bytes=200-300", 100), Range::Unsatisfiable);
        assert_eq!(parse("bytes=-0", 100), Range::Unsatisfiable);
        assert_eq!(parse("bytes=0-", 0), Range::Unsatisfiable);
        assert_eq!(parse("bytes=-5", 0), Range::Unsatisfiable);
    }

    #[test]
    fn ignored_ranges_send_everything() {
        for h in [
            "",
            "bytes",
            "bytes=",
            "bytes=-",
            "items=0-1",
            "bytes=5-1",
            "bytes=a-b",
            "bytes=0-1,5-6",
            "bytes=1",
            "bytes=+1-2",
            "bytes=0x1-2",
        ] {
            assert_eq!(parse(h, 100), Range::Full, "{h:?}");
        }
    }
}
