//! Just enough JSON writing for the small bodies here, without serde's code size.

/// `s` as a JSON string literal, quotes included.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `<` too, so JSON sniffed as HTML by a careless client holds no tags.
            c if c < ' ' || c == '<' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An object of string-valued fields, in the order given.
pub fn object(fields: &[(&str, &str)]) -> String {
    let members: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{}", string(k), string(v)))
        .collect();
    format!("{{{}}}", members.join(","))
}

/// An array of strings.
pub fn array(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_controls_and_tags() {
        assert_eq!(string("a\"b\\c\n\u{1}<"), r#""a\"b\\c\n\u0001\u003c""#);
    }

    #[test]
    fn keeps_unicode() {
        assert_eq!(string("Zoë 李"), "\"Zoë 李\"");
    }

    #[test]
    fn objects_and_arrays() {
        assert_eq!(object(&[("a", "1"), ("b", "x")]), r#"{"a":"1","b":"x"}"#);
        assert_eq!(object(&[]), "{}");
        assert_eq!(array(&["x", "y"]), r#"["x","y"]"#);
        assert_eq!(array(&[]), "[]");
    }
}
