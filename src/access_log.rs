//! One access-log line per request, as a JSON object on stdout (Spin keeps component
//! output in its logs).

use crate::json;

pub fn line(method: &str, path: &str, status: u16, bytes: usize, micros: u128) -> String {
    format!(
        "{{\"method\":{},\"path\":{},\"status\":{status},\"bytes\":{bytes},\"micros\":{micros}}}",
        json::string(method),
        json::string(path),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_one_json_object_with_every_field() {
        assert_eq!(
            line("GET", "/iseven", 200, 21, 35),
            r#"{"method":"GET","path":"/iseven","status":200,"bytes":21,"micros":35}"#
        );
    }

    #[test]
    fn hostile_paths_stay_on_one_line_and_inside_their_string() {
        let l = line("GET", "/a\"\n}{", 404, 9, 1);
        assert!(!l.contains('\n'));
        assert!(l.contains(r#""path":"/a\"\n}{""#));
    }
}
