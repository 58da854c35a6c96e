//! `GET /` and `GET /animals`.

use http::StatusCode;

use crate::json;
use crate::reply::{Json, Reply};

/// The animals page: the same bytes `static/index.html` serves under `/static/`,
/// embedded at build time so no request touches the file system.
pub const ANIMALS_PAGE: &[u8] = include_bytes!("../static/index.html");

pub fn hello() -> Reply {
    Reply::text(
        StatusCode::OK,
        "Hello World",
        Json::Fields(vec![("message", "Hello World".to_owned())]),
    )
}

pub fn animals() -> Reply {
    Reply::html(ANIMALS_PAGE, Json::With(animals_json))
}

fn animals_json() -> String {
    let page = std::str::from_utf8(ANIMALS_PAGE).unwrap_or_default();
    format!("{{\"animals\":{}}}", json::array(&animal_names(page)))
}

/// The animal names in page order: the text of each `<option>`, so the page stays
/// the one place they are written.
pub fn animal_names(page: &str) -> Vec<&str> {
    page.split("<option>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</option>"))
        .map(|(name, _)| name.trim())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_page_in_order() {
        let page = std::str::from_utf8(ANIMALS_PAGE).unwrap();
        assert_eq!(animal_names(page), ["Snake", "Horse", "Mouse", "Bird"]);
    }

    #[test]
    fn names_track_the_markup() {
        assert_eq!(
            animal_names("<option> Cat </option><p>x</p><option>Dog</option>"),
            ["Cat", "Dog"]
        );
        assert!(animal_names("<select></select>").is_empty());
    }

    #[test]
    fn animals_json_lists_them() {
        assert_eq!(
            animals().json.render(),
            r#"{"animals":["Snake","Horse","Mouse","Bird"]}"#
        );
    }

    #[test]
    fn hello_in_both_forms() {
        let r = hello();
        assert_eq!(&r.body[..], b"Hello World");
        assert_eq!(r.json.render(), r#"{"message":"Hello World"}"#);
    }
}
