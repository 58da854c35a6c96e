//! Choosing among what the server offers by a client's q-value list (`Accept`,
//! `Accept-Encoding`). Offers are given in the server's order of preference, which
//! breaks ties between equal q-values.

/// Weights are thousandths, as q-values have at most three decimals.
type Weight = u16;

/// One element of a list: a lower-cased token (`text/html`, `gzip`, `*`) and its weight.
fn elements(header: &str) -> impl Iterator<Item = (String, Weight)> + '_ {
    header.split(',').filter_map(|element| {
        let mut parts = element.split(';');
        let token = parts.next()?.trim().to_ascii_lowercase();
        if token.is_empty() {
            return None;
        }
        let mut weight = 1000;
        for param in parts {
            let (name, value) = param.split_once('=')?;
            if name.trim().eq_ignore_ascii_case("q") {
                weight = qvalue(value.trim())?;
            }
        }
        Some((token, weight))
    })
}

/// `0`, `0.5`, `1.000`...; anything else is malformed and drops its element.
fn qvalue(text: &str) -> Option<Weight> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: Weight = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The index of the offer to send, by the most specific matching element's weight
/// (`specificity` rates a match, 0 meaning none); `None` if every offer weighs 0.
fn choose(
    elements: &[(String, Weight)],
    offers: &[&str],
    specificity: impl Fn(&str, &str) -> u8,
    unmatched: impl Fn(&str) -> Weight,
) -> Option<usize> {
    let weight = |offer: &str| {
        elements
            .iter()
            .filter_map(|(token, w)| match specificity(token, offer) {
                0 => None,
                s => Some((s, *w)),
            })
            .max_by_key(|(s, _)| *s)
            .map_or_else(|| unmatched(offer), |(_, w)| w)
    };
    let mut best: Option<(usize, Weight)> = None;
    for (i, offer) in offers.iter().enumerate() {
        let w = weight(offer);
        if w > 0 && best.is_none_or(|(_, b)| w > b) {
            best = Some((i, w));
        }
    }
    best.map(|(i, _)| i)
}

/// The offered media type (`type/subtype`, lower case) an `Accept` header prefers.
/// An absent or empty header accepts anything, so the first offer wins.
pub fn media_type(accept: Option<&str>, offers: &[&str]) -> Option<usize> {
    let list: Vec<_> = accept.map(|h| elements(h).collect()).unwrap_or_default();
    if list.is_empty() {
        return (!offers.is_empty()).then_some(0);
    }
    let specificity = |range: &str, offer: &str| {
        let (otype, _) = offer.split_once('/').unwrap_or((offer, ""));
        match range.split_once('/') {
            _ if range == offer => 3,
            Some((rtype, "*")) if rtype == otype => 2,
            Some(("*", "*")) => 1,
            _ => 0,
        }
    };
    choose(&list, offers, specificity, |_| 0)
}

/// The offered content coding (`br`, `gzip`, `identity`) an `Accept-Encoding` header
/// prefers. `identity` is acceptable unless excluded by `identity;q=0` or by `*;q=0`
/// without an `identity` entry (RFC 9110 §12.5.3).
pub fn encoding(accept_encoding: Option<&str>, offers: &[&str]) -> Option<usize> {
    let list: Vec<_> = accept_encoding
        .map(|h| elements(h).collect())
        .unwrap_or_default();
    let specificity = |token: &str, offer: &str| match token {
        _ if token == offer => 2,
        "*" => 1,
        _ => 0,
    };
    let unmatched = |offer: &str| if offer == "identity" { 1 } else { 0 };
    choose(&list, offers, specificity, unmatched)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPES: &[&str] = &["text/plain", "application/json"];
    const CODINGS: &[&str] = &["br", "gzip", "identity"];

    #[test]
    fn qvalues_parse_strictly() {
        assert_eq!(qvalue("1"), Some(1000));
        assert_eq!(qvalue("1.000"), Some(1000));
        assert_eq!(qvalue("0.5"), Some(500));
        assert_eq!(qvalue("0.125"), Some(125));
        assert_eq!(qvalue("0"), Some(0));
        for bad in ["1.5", "2", "0.1234", "-1", "", ".5", "0.x", "1.001"] {
            assert_eq!(qvalue(bad), None, "{bad}");
        }
    }

    #[test]
    fn media_types_follow_the_accept_header() {
        // (Accept, the index in TYPES chosen)
        for (accept, want) in [
            // Absent or wildcard: the default, the first offer.
            (None, Some(0)),
            (Some(""), Some(0)),
            (Some("*/*"), Some(0)),
            // JSON when asked for, by name (any case) or by range.
            (Some("application/json"), Some(1)),
            (Some("Application/JSON"), Some(1)),
            (Some("application/*"), Some(1)),
            (Some("text/plain;q=0.5, application/json"), Some(1)),
            (Some("application/json;q=0.9, */*;q=0.1"), Some(1)),
            // The most specific range sets an offer's weight.
            (Some("*/*, text/plain;q=0"), Some(1)),
            (Some("text/*;q=0.2, application/json;q=0.1"), Some(0)),
            // Nothing acceptable is none.
            (Some("image/png"), None),
            (Some("*/*;q=0"), None),
            // Malformed elements are dropped.
            (Some("application/json;q=2, text/plain"), Some(0)),
            (Some(",,;;,application/json"), Some(1)),
        ] {
            assert_eq!(media_type(accept, TYPES), want, "{accept:?}");
        }
    }

    #[test]
    fn brotli_is_preferred_on_ties() {
        assert_eq!(encoding(Some("gzip, deflate, br"), CODINGS), Some(0));
        assert_eq!(encoding(Some("*"), CODINGS), Some(0));
    }

    #[test]
    fn encodings_follow_q_values() {
        assert_eq!(encoding(Some("br;q=0.5, gzip"), CODINGS), Some(1));
        assert_eq!(encoding(Some("gzip"), CODINGS), Some(1));
        assert_eq!(encoding(Some("br;q=0, gzip;q=0"), CODINGS), Some(2));
    }

    #[test]
    fn identity_unless_excluded() {
        assert_eq!(encoding(None, CODINGS), Some(2));
        assert_eq!(encoding(Some(""), CODINGS), Some(2));
        assert_eq!(encoding(Some("identity"), CODINGS), Some(2));
        assert_eq!(encoding(Some("deflate"), CODINGS), Some(2));
        assert_eq!(encoding(Some("*;q=0"), CODINGS), None);
        assert_eq!(encoding(Some("identity;q=0"), &["identity"]), None);
        assert_eq!(encoding(Some("*;q=0, identity"), CODINGS), Some(2));
    }
}
