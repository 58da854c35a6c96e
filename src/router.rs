//! The route table and the method rules shared by every route.

use http::{Method, Response, StatusCode};

use crate::reply::{self, method_not_allowed, not_found};
use crate::{iseven, students};

/// The animals page: the same bytes `static/index.html` serves under `/static/`,
/// embedded at build time so no request touches the file system.
pub const ANIMALS_PAGE: &[u8] = include_bytes!("../static/index.html");

/// The routes, matched on the raw request path (trailing slashes are not folded).
#[derive(Debug, PartialEq, Eq)]
enum Route<'a> {
    Hello,
    Animals,
    IsEven,
    Student { name: &'a str, id: &'a str },
}

fn route(path: &str) -> Option<Route<'_>> {
    match path {
        "/" => Some(Route::Hello),
        "/animals" => Some(Route::Animals),
        "/iseven" => Some(Route::IsEven),
        _ => {
            let rest = path.strip_prefix("/students/")?;
            let (name, id) = rest.split_once('/')?;
            (!id.contains('/')).then_some(Route::Student { name, id })
        }
    }
}

/// The whole component: a request line in, a response out.
/// `target` is the request's path and query, as in `/iseven?num=4`.
pub fn respond(method: &Method, target: &str) -> Response<Vec<u8>> {
    let mut res = answer(method, target);
    // HEAD: the same status and headers as GET, on every path, without the body.
    if method == Method::HEAD {
        res.body_mut().clear();
    }
    res
}

fn answer(method: &Method, target: &str) -> Response<Vec<u8>> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let Some(route) = route(path) else {
        return not_found();
    };
    if method != Method::GET && method != Method::HEAD {
        return method_not_allowed();
    }
    match route {
        Route::Hello => reply::text(StatusCode::OK, "Hello World"),
        Route::Animals => reply::with_type(StatusCode::OK, reply::HTML, ANIMALS_PAGE),
        Route::IsEven => iseven::answer(query),
        Route::Student { name, id } => students::answer(name, id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(target: &str) -> Response<Vec<u8>> {
        respond(&Method::GET, target)
    }

    #[test]
    fn hello_is_plain_text() {
        let res = get("/");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
        assert_eq!(res.body(), b"Hello World");
    }

    #[test]
    fn animals_is_the_static_page_as_html() {
        let res = get("/animals");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
        assert_eq!(
            res.body(),
            std::fs::read("static/index.html").unwrap().as_slice()
        );
    }

    #[test]
    fn routes_match_the_table() {
        assert_eq!(route("/"), Some(Route::Hello));
        assert_eq!(route("/animals"), Some(Route::Animals));
        assert_eq!(route("/iseven"), Some(Route::IsEven));
        assert_eq!(
            route("/students/a/1"),
            Some(Route::Student { name: "a", id: "1" })
        );
    }

    #[test]
    fn near_misses_are_not_routes() {
        for path in [
            "",
            "/nope",
            "/animals/",
            "/iseven/",
            "//",
            "/students",
            "/students/",
            "/students/john",
            "/students/john/1/",
            "/students/a/1/x",
            "/Animals",
        ] {
            assert_eq!(route(path), None, "{path:?}");
        }
    }

    #[test]
    fn near_misses_are_404() {
        for path in [
            "/nope",
            "/animals/",
            "/students",
            "/students/john",
            "/students/john/",
            "/students//1",
            "/students/john/1/",
            "/students/a/1/x",
        ] {
            assert_eq!(get(path).status(), StatusCode::NOT_FOUND, "{path:?}");
        }
    }

    #[test]
    fn the_query_goes_to_iseven_only() {
        assert_eq!(get("/iseven?num=4").body(), b"The integer 4 is even");
        assert_eq!(get("/?num=4").body(), b"Hello World");
        assert_eq!(get("/animals?x=1").status(), StatusCode::OK);
    }

    #[test]
    fn bad_students_are_404_with_a_short_text_body() {
        let res = get("/students/jo1/5");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
        assert_eq!(res.body(), b"Not Found");
    }

    #[test]
    fn head_keeps_status_and_headers_and_drops_the_body() {
        for target in [
            "/",
            "/animals",
            "/iseven?num=3",
            "/iseven?num=x",
            "/students/a/1",
            "/nope",
        ] {
            let g = get(target);
            let h = respond(&Method::HEAD, target);
            assert_eq!(h.status(), g.status(), "{target}");
            assert_eq!(h.headers(), g.headers(), "{target}");
            assert!(h.body().is_empty(), "{target}");
        }
    }

    #[test]
    fn other_methods_are_405_with_allow() {
        for m in [
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::OPTIONS,
        ] {
            let res = respond(&m, "/");
            assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{m}");
            assert_eq!(res.headers()["allow"], "GET, HEAD");
        }
    }

    #[test]
    fn unknown_paths_are_404_whatever_the_method() {
        assert_eq!(
            respond(&Method::POST, "/nope").status(),
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn hostile_targets_never_5xx() {
        let long_query = format!("/iseven?num={}", "%zz".repeat(20_000));
        let many_segments = "/a".repeat(10_000);
        let digits = format!("/iseven?num={}", "7".repeat(5000));
        for target in [
            long_query.as_str(),
            many_segments.as_str(),
            digits.as_str(),
            "/%",
            "/students/%/%",
            "?",
            "",
        ] {
            assert!(
                get(target).status().as_u16() < 500,
                "{}",
                &target[..target.len().min(40)]
            );
        }
    }
}
