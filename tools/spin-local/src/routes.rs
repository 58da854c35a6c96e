//! Spin HTTP trigger routing and the `spin-*` request headers.
//!
//! Matching is delegated to `routefinder`, the crate (and version) Spin itself uses, set up the
//! way Spin sets it up; so precedence (exact beats wildcard, longer prefix beats shorter, `:name`
//! parameters between the two) and trailing-slash behaviour are Spin's own.

use std::collections::HashMap;
use std::net::SocketAddr;

use anyhow::{anyhow, bail, Result};
use routefinder::{RouteSpec, Segment};

/// One routable `[[trigger.http]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteEntry {
    pub component: String,
    /// The route as written in the manifest (`/static/...`).
    pub raw_route: String,
    /// The route joined with the base path `/`, as Spin reports it in `spin-matched-route`
    /// (note: `/` becomes the empty string, as in Spin).
    pub based_route: String,
    /// Whether the route ends in a trailing wildcard (`/...` or `/*`).
    pub wildcard: bool,
    /// `based_route` without its trailing wildcard.
    pub prefix: String,
}

impl RouteEntry {
    /// The route as Spin prints it under "Available Routes" (appended to the base URL).
    pub fn display(&self) -> String {
        if self.wildcard {
            format!("{} (wildcard)", self.prefix)
        } else {
            self.based_route.clone()
        }
    }
}

/// The result of routing one request path.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteMatch<'a> {
    pub entry: &'a RouteEntry,
    /// What Spin sends as `spin-path-info`: the path after the wildcard route's prefix.
    pub path_info: String,
    /// `:name` parameter captures, in route order.
    pub params: Vec<(String, String)>,
}

pub struct Router {
    rf: routefinder::Router<usize>,
    entries: Vec<RouteEntry>,
}

impl Router {
    /// Builds the router from `(route, component id)` pairs in manifest order.
    /// Returns warnings (duplicate routes) alongside, as Spin logs rather than fails on them.
    pub fn build<'a>(
        routes: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(Router, Vec<String>)> {
        // Duplicates are keyed by the raw route; the last one wins, as in Spin.
        let mut order: Vec<&str> = Vec::new();
        let mut by_route: HashMap<&str, &str> = HashMap::new();
        let mut warnings = Vec::new();
        for (route, component) in routes {
            if let Some(replaced) = by_route.insert(route, component) {
                warnings.push(format!(
                    "duplicate route: {replaced}: {route} (duplicate of {component}) will never be used"
                ));
            } else {
                order.push(route);
            }
        }

        let mut rf = routefinder::Router::new();
        let mut entries = Vec::new();
        for raw_route in order {
            let component = by_route[raw_route];
            let entry = parse_route(raw_route, component)?;
            let spec_text = if entry.wildcard {
                format!("{}/*", entry.prefix)
            } else {
                entry.based_route.clone()
            };
            let spec: RouteSpec = spec_text.as_str().try_into().map_err(|e: String| {
                anyhow!(
                    "Error parsing route {raw_route} associated with component {component}: {e}"
                )
            })?;
            check_spec(&spec).map_err(|e| {
                anyhow!(
                    "Error parsing route {raw_route} associated with component {component}: {e}"
                )
            })?;
            if entry.based_route.starts_with(WELL_KNOWN_PREFIX) {
                warnings.push(format!(
                    "route {raw_route} of {component} is under {WELL_KNOWN_PREFIX}, which the runtime handles: it will never be reached"
                ));
            }
            rf.add(spec, entries.len()).map_err(|e| anyhow!("{e}"))?;
            entries.push(entry);
        }
        Ok((Router { rf, entries }, warnings))
    }

    /// Routes a raw (still percent-encoded) request path.
    pub fn route<'a>(&'a self, path: &str) -> Option<RouteMatch<'a>> {
        let m = self.rf.best_match(path)?;
        let entry = self.entries.get(*m.handler())?;
        let captures = m.captures();
        // Spin keeps trailing slashes in the path info, which routefinder drops.
        let path_info = match captures.wildcard() {
            Some(s) => match (s.is_empty(), path.ends_with('/')) {
                (true, false) => String::new(),
                (true, true) => "/".to_string(),
                (false, false) => format!("/{s}"),
                (false, true) => format!("/{s}/"),
            },
            None => String::new(),
        };
        let params = captures
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        Some(RouteMatch {
            entry,
            path_info,
            params,
        })
    }

    /// Routable entries in precedence order (the order Spin lists them in).
    pub fn routes(&self) -> impl Iterator<Item = &RouteEntry> {
        self.rf.iter().filter_map(|(_, i)| self.entries.get(*i))
    }
}

/// Paths under this prefix belong to the runtime (`health`, `info`), never to components.
pub const WELL_KNOWN_PREFIX: &str = "/.well-known/spin/";

fn parse_route(raw_route: &str, component: &str) -> Result<RouteEntry> {
    // Spin joins the route to the base `/`: absolutise, then drop one trailing slash.
    let abs = if raw_route.starts_with('/') {
        raw_route.to_string()
    } else {
        format!("/{raw_route}")
    };
    let based_route = abs.strip_suffix('/').map(str::to_string).unwrap_or(abs);
    let (wildcard, prefix) = if let Some(p) = based_route.strip_suffix("/...") {
        (true, p.to_string())
    } else if let Some(p) = based_route.strip_suffix("/*") {
        (true, p.to_string())
    } else {
        (false, based_route.clone())
    };
    Ok(RouteEntry {
        component: component.to_string(),
        raw_route: raw_route.to_string(),
        based_route,
        wildcard,
        prefix,
    })
}

/// routefinder panics at match time on a wildcard that is not last, or a parameter not followed
/// by `/`, `.` or the end; reject those shapes up front so no request can trigger the panic.
fn check_spec(spec: &RouteSpec) -> Result<()> {
    let segs = spec.segments();
    for (i, seg) in segs.iter().enumerate() {
        let next = segs.get(i + 1);
        match seg {
            Segment::Wildcard if next.is_some() => {
                bail!("a wildcard (`...` or `*`) must be the last segment of the route")
            }
            Segment::Param(_)
                if !matches!(next, None | Some(Segment::Slash) | Some(Segment::Dot)) =>
            {
                bail!("a :parameter must be followed by `/`, `.` or the end of the route")
            }
            _ => {}
        }
    }
    Ok(())
}

/// The request facts that feed the `spin-*` headers.
#[derive(Debug, Clone)]
pub struct RequestInfo<'a> {
    pub scheme: &'a str,
    /// The `Host` header (Spin uses `localhost` when there is none).
    pub host: &'a str,
    /// The request target's path and query, as received.
    pub path_and_query: &'a str,
    pub client_addr: SocketAddr,
}

/// Prefix of the per-parameter headers (`spin-path-match-<name>`).
const PATH_MATCH_PREFIX: &str = "spin-path-match-";

/// The `spin-*` headers Spin's HTTP trigger adds to a request ("Additional request information").
pub fn spin_headers(m: &RouteMatch<'_>, req: &RequestInfo<'_>) -> Vec<(String, String)> {
    let e = m.entry;
    let component_route = e
        .raw_route
        .strip_suffix("/...")
        .unwrap_or(&e.raw_route)
        .to_string();
    let mut out = vec![
        ("spin-path-info".to_string(), m.path_info.clone()),
        (
            "spin-full-url".to_string(),
            format!("{}://{}{}", req.scheme, req.host, req.path_and_query),
        ),
        ("spin-matched-route".to_string(), e.based_route.clone()),
        ("spin-base-path".to_string(), "/".to_string()),
        ("spin-raw-component-route".to_string(), e.raw_route.clone()),
        ("spin-component-route".to_string(), component_route),
        ("spin-client-addr".to_string(), req.client_addr.to_string()),
    ];
    for (name, value) in &m.params {
        // Spin builds SPIN_PATH_MATCH_<NAME> and then turns `_` into `-` and lowercases.
        let name = name.to_ascii_lowercase().replace('_', "-");
        out.push((format!("{PATH_MATCH_PREFIX}{name}"), value.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router {
        Router::build(routes.iter().copied()).unwrap().0
    }

    fn component(r: &Router, path: &str) -> Option<String> {
        r.route(path).map(|m| m.entry.component.clone())
    }

    #[test]
    fn exact_routes() {
        let r = router(&[("/foo", "foo"), ("/foo/bar", "foobar")]);
        assert_eq!(component(&r, "/foo").as_deref(), Some("foo"));
        assert_eq!(component(&r, "/foo/bar").as_deref(), Some("foobar"));
        assert_eq!(component(&r, "/foo/baz"), None);
        assert_eq!(component(&r, "/"), None);
        // routefinder (and so Spin) ignores one trailing slash on exact routes.
        assert_eq!(component(&r, "/foo/").as_deref(), Some("foo"));
    }

    #[test]
    fn catch_all_wildcard() {
        let r = router(&[("/...", "all")]);
        for p in ["/", "/foo/bar", "/abc/", "/this/should/be/captured"] {
            assert_eq!(component(&r, p).as_deref(), Some("all"), "{p}");
        }
        assert_eq!(r.route("/1/2/3").unwrap().path_info, "/1/2/3");
        assert_eq!(r.route("/").unwrap().path_info, "/");
    }

    #[test]
    fn exact_beats_wildcard() {
        let r = router(&[("/...", "wildcard"), ("/one", "one_exact")]);
        assert_eq!(component(&r, "/one").as_deref(), Some("one_exact"));
        assert_eq!(component(&r, "/two").as_deref(), Some("wildcard"));
    }

    #[test]
    fn longest_wildcard_prefix_wins_regardless_of_order() {
        let a = [
            ("/one/...", "one"),
            ("/one/two/...", "onetwo"),
            ("/one/two/three/...", "onetwothree"),
        ];
        let mut b = a;
        b.reverse();
        for routes in [a, b] {
            let r = router(&routes);
            assert_eq!(
                component(&r, "/one/two/three/four").as_deref(),
                Some("onetwothree")
            );
            assert_eq!(component(&r, "/one/two/x").as_deref(), Some("onetwo"));
            assert_eq!(component(&r, "/one/x").as_deref(), Some("one"));
        }
    }

    #[test]
    fn wildcard_matches_its_base_but_not_a_longer_segment() {
        let r = router(&[("/static/...", "static")]);
        assert_eq!(component(&r, "/static").as_deref(), Some("static"));
        assert_eq!(component(&r, "/static/").as_deref(), Some("static"));
        assert_eq!(component(&r, "/static/a/b.css").as_deref(), Some("static"));
        assert_eq!(component(&r, "/staticx"), None);
        assert_eq!(component(&r, "/"), None);
    }

    #[test]
    fn path_info_keeps_trailing_slashes_like_spin() {
        let r = router(&[("/test/...", "c")]);
        assert_eq!(r.route("/test").unwrap().path_info, "");
        assert_eq!(r.route("/test/").unwrap().path_info, "/");
        assert_eq!(r.route("/test/hello").unwrap().path_info, "/hello");
        assert_eq!(r.route("/test/hello/").unwrap().path_info, "/hello/");
    }

    #[test]
    fn star_is_a_wildcard_too() {
        let r = router(&[("/files/*", "c")]);
        let m = r.route("/files/a/b").unwrap();
        assert_eq!(m.path_info, "/a/b");
        assert!(m.entry.wildcard);
    }

    #[test]
    fn routes_on_the_raw_percent_encoded_path() {
        let r = router(&[("/a%20b", "enc"), ("/...", "all")]);
        assert_eq!(component(&r, "/a%20b").as_deref(), Some("enc"));
        assert_eq!(component(&r, "/a b").as_deref(), Some("all"));
    }

    #[test]
    fn named_parameters() {
        let r = router(&[
            ("/users/:id", "user"),
            ("/users/...", "users"),
            ("/1/:two/...", "w"),
        ]);
        let m = r.route("/users/42").unwrap();
        assert_eq!(m.entry.component, "user");
        assert_eq!(m.params, vec![("id".to_string(), "42".to_string())]);
        // An exact segment beats a parameter, a parameter beats a wildcard.
        assert_eq!(component(&r, "/users/42/x").as_deref(), Some("users"));
        let m = r.route("/1/2/3").unwrap();
        assert_eq!(m.params, vec![("two".to_string(), "2".to_string())]);
        assert_eq!(m.path_info, "/3");
    }

    #[test]
    fn panicking_route_shapes_are_rejected() {
        assert!(Router::build([("/*/x", "c")]).is_err());
        assert!(Router::build([("/x/*.json", "c")]).is_err());
        // Not a wildcard (it is not at the end), just literal text, as in Spin.
        assert!(Router::build([("/.../x", "c")]).is_ok());
        assert!(Router::build([("/:", "c")]).is_err());
    }

    #[test]
    fn duplicates_last_one_wins_with_a_warning() {
        let (r, warnings) = Router::build([("/foo", "first"), ("/foo", "second")]).unwrap();
        assert_eq!(component(&r, "/foo").as_deref(), Some("second"));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("first"));
    }

    #[test]
    fn display_and_order_match_spin() {
        let r = router(&[
            ("/...", "app"),
            ("/static/...", "static-files"),
            ("/", "root"),
        ]);
        let shown: Vec<(String, String)> = r
            .routes()
            .map(|e| (e.component.clone(), e.display()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("root".to_string(), "".to_string()),
                ("static-files".to_string(), "/static (wildcard)".to_string()),
                ("app".to_string(), " (wildcard)".to_string()),
            ]
        );
    }

    fn info<'a>(host: &'a str, pq: &'a str) -> RequestInfo<'a> {
        RequestInfo {
            scheme: "http",
            host,
            path_and_query: pq,
            client_addr: "127.0.0.1:8777".parse().unwrap(),
        }
    }

    fn header(h: &[(String, String)], name: &str) -> String {
        h.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn spin_headers_for_a_wildcard_route() {
        let r = router(&[("/static/...", "static-files"), ("/...", "app")]);
        let m = r.route("/static/a.css").unwrap();
        let h = spin_headers(&m, &info("127.0.0.1:3000", "/static/a.css?x=1"));
        assert_eq!(
            header(&h, "spin-full-url"),
            "http://127.0.0.1:3000/static/a.css?x=1"
        );
        assert_eq!(header(&h, "spin-path-info"), "/a.css");
        assert_eq!(header(&h, "spin-matched-route"), "/static/...");
        assert_eq!(header(&h, "spin-base-path"), "/");
        assert_eq!(header(&h, "spin-raw-component-route"), "/static/...");
        assert_eq!(header(&h, "spin-component-route"), "/static");
        assert_eq!(header(&h, "spin-client-addr"), "127.0.0.1:8777");
        assert_eq!(h.len(), 7);

        let m = r.route("/static").unwrap();
        let h = spin_headers(&m, &info("h", "/static"));
        assert_eq!(header(&h, "spin-path-info"), "");
    }

    #[test]
    fn spin_headers_for_exact_and_root_routes() {
        let r = router(&[("/api/hello", "a"), ("/", "root"), ("/...", "all")]);
        let m = r.route("/api/hello").unwrap();
        let h = spin_headers(&m, &info("localhost", "/api/hello"));
        assert_eq!(header(&h, "spin-path-info"), "");
        assert_eq!(header(&h, "spin-matched-route"), "/api/hello");
        assert_eq!(header(&h, "spin-component-route"), "/api/hello");

        let m = r.route("/").unwrap();
        assert_eq!(m.entry.component, "root");
        let h = spin_headers(&m, &info("localhost", "/"));
        // Spin strips the trailing slash when joining with the base, leaving "" here.
        assert_eq!(header(&h, "spin-matched-route"), "");
        assert_eq!(header(&h, "spin-raw-component-route"), "/");

        let m = r.route("/x/y").unwrap();
        let h = spin_headers(&m, &info("localhost", "/x/y"));
        assert_eq!(header(&h, "spin-matched-route"), "/...");
        assert_eq!(header(&h, "spin-component-route"), "");
        assert_eq!(header(&h, "spin-path-info"), "/x/y");
    }

    #[test]
    fn spin_headers_with_parameters() {
        let r = router(&[("/foo/:user_id/...", "c")]);
        let m = r.route("/foo/42/bar").unwrap();
        let h = spin_headers(&m, &info("fermyon.dev", "/foo/42/bar?k=v"));
        assert_eq!(header(&h, "spin-path-match-user-id"), "42");
        assert_eq!(header(&h, "spin-path-info"), "/bar");
        assert_eq!(header(&h, "spin-component-route"), "/foo/:user_id");
        assert_eq!(header(&h, "spin-matched-route"), "/foo/:user_id/...");
    }
}
