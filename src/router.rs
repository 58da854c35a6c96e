//! The route table and the method rules shared by every route.

use http::header::HeaderMap;
use http::{Method, Response, StatusCode};
use http_rules::response;

use crate::render::render;
use crate::reply::Reply;
use crate::{iseven, pages, students};

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

/// The whole component: a request head in, a response out.
/// `target` is the request's path and query, as in `/iseven?num=4`.
pub fn respond(method: &Method, target: &str, headers: &HeaderMap) -> Response<Vec<u8>> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let reply = match route(path) {
        None => Reply::not_found(),
        Some(_) if !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) => {
            Reply::error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
        }
        Some(route) => {
            let reply = answer(route, query);
            // OPTIONS tells what a resource allows, so it must not vouch for one that GET
            // does not find: OPTIONS /students/0/abc gets GET's 404.
            if method == Method::OPTIONS && reply.status != StatusCode::NOT_FOUND {
                return response::options();
            }
            reply
        }
    };
    let mut res = render(reply, headers);
    if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        response::allow(&mut res);
    }
    // HEAD: the same status and headers as GET, on every path, without the body.
    response::finish(&mut res, method == Method::HEAD);
    res
}

/// What GET answers on a route.
fn answer(route: Route<'_>, query: &str) -> Reply {
    match route {
        Route::Hello => pages::hello(),
        Route::Animals => pages::animals(),
        Route::IsEven => iseven::answer(query),
        Route::Student { name, id } => students::answer(name, id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::CONTENT_LENGTH;
    use http_rules::policy::{ALLOWED_METHODS as ALLOWED, HTML_CSP};

    fn get(target: &str) -> Response<Vec<u8>> {
        respond(&Method::GET, target, &HeaderMap::new())
    }

    fn call(method: Method, target: &str) -> Response<Vec<u8>> {
        respond(&method, target, &HeaderMap::new())
    }

    #[test]
    fn hello_is_plain_text() {
        let res = get("/");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
        assert_eq!(res.headers()["content-length"], "11");
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
            let h = call(Method::HEAD, target);
            assert_eq!(h.status(), g.status(), "{target}");
            let mut without_length = g.headers().clone();
            without_length.remove(CONTENT_LENGTH);
            assert_eq!(h.headers(), &without_length, "{target}");
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
            Method::TRACE,
        ] {
            let res = call(m.clone(), "/");
            assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{m}");
            assert_eq!(res.headers()["allow"], ALLOWED);
        }
    }

    #[test]
    fn options_is_204_with_allow_on_every_route() {
        for target in ["/", "/animals", "/iseven", "/students/a/1"] {
            let res = call(Method::OPTIONS, target);
            assert_eq!(res.status(), StatusCode::NO_CONTENT, "{target}");
            assert_eq!(res.headers()["allow"], ALLOWED);
            assert_eq!(res.headers()["x-content-type-options"], "nosniff");
            assert!(res.body().is_empty());
        }
        for missing in ["/nope", "/students/0/abc", "/students/jo1/101"] {
            let res = call(Method::OPTIONS, missing);
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{missing}");
            assert_eq!(res.body(), b"Not Found", "{missing}: GET's answer");
        }
        // A query GET refuses is no missing resource.
        let res = call(Method::OPTIONS, "/iseven?num=x");
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }

    #[test]
    fn unknown_paths_are_404_whatever_the_method() {
        assert_eq!(call(Method::POST, "/nope").status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn answers_are_finished_with_the_shared_rules() {
        let page = get("/animals");
        assert_eq!(page.headers()["content-security-policy"], HTML_CSP);
        assert_eq!(page.headers()["x-content-type-options"], "nosniff");
        let json = respond(
            &Method::GET,
            "/animals",
            &[(http::header::ACCEPT, "application/json".parse().unwrap())]
                .into_iter()
                .collect(),
        );
        assert!(json.headers().get("content-security-policy").is_none());
    }

    #[test]
    fn hostile_targets_get_their_4xx() {
        let long_query = format!("/iseven?num={}", "%zz".repeat(20_000));
        let many_segments = "/a".repeat(10_000);
        for (target, status) in [
            (long_query.as_str(), StatusCode::BAD_REQUEST),
            (many_segments.as_str(), StatusCode::NOT_FOUND),
            ("/%", StatusCode::NOT_FOUND),
            ("/students/%/%", StatusCode::NOT_FOUND),
            ("?", StatusCode::NOT_FOUND),
            ("", StatusCode::NOT_FOUND),
        ] {
            let shown = &target[..target.len().min(40)];
            assert_eq!(get(target).status(), status, "{shown}");
        }
    }
}
