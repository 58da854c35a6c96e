//! The HTTP front end: hyper 1 (HTTP/1.1, keep-alive), routing, `spin-*` headers, errors.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST};
use http::uri::{Authority, Uri};
use http::{Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use crate::routes::{is_reserved_header, spin_headers, RequestInfo, Router, WELL_KNOWN_PREFIX};
use crate::runtime::ComponentRuntime;

/// A client that has not sent a full request head within this time is disconnected.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// On shutdown, in-flight requests get this long to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Everything needed to answer requests for one app.
pub struct AppServer {
    pub router: Router,
    pub components: HashMap<String, Arc<ComponentRuntime>>,
    /// Body of `/.well-known/spin/info`.
    pub app_info: String,
    warned_not_found: AtomicBool,
}

impl AppServer {
    pub fn new(
        router: Router,
        components: HashMap<String, Arc<ComponentRuntime>>,
        app_info: String,
    ) -> Self {
        Self {
            router,
            components,
            app_info,
            warned_not_found: AtomicBool::new(false),
        }
    }

    /// Answers one request; never fails (errors become 4xx/5xx responses).
    pub async fn handle(
        &self,
        mut req: hyper::Request<Incoming>,
        client_addr: SocketAddr,
    ) -> Response<HyperOutgoingBody> {
        // Route on the raw, still percent-encoded path, as Spin does.
        let path = req.uri().path().to_string();

        if let Some(well_known) = path.strip_prefix(WELL_KNOWN_PREFIX) {
            return match well_known {
                "health" => text(StatusCode::OK, "OK"),
                "info" => Response::builder()
                    .header(CONTENT_TYPE, "application/json")
                    .body(full(self.app_info.clone().into()))
                    .unwrap_or_else(|_| empty(StatusCode::INTERNAL_SERVER_ERROR)),
                _ => empty(StatusCode::NOT_FOUND),
            };
        }

        let Some(route_match) = self.router.route(&path) else {
            if !self.warned_not_found.swap(true, Ordering::Relaxed)
                && std::io::stderr().is_terminal()
            {
                eprintln!(
                    "spin-local: request to {path} matched no route and got a generic 404; add a catch-all (/...) route for a custom 404 page"
                );
            }
            return empty(StatusCode::NOT_FOUND);
        };
        let Some(component) = self.components.get(&route_match.entry.component) else {
            eprintln!(
                "spin-local: route {} names component '{}', which is not loaded",
                route_match.entry.raw_route, route_match.entry.component
            );
            return text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error\n");
        };

        // The authority comes from the Host header or an absolute-form target, as in Spin.
        let authority = match request_authority(&req) {
            Ok(a) => a,
            Err(msg) => return text(StatusCode::BAD_REQUEST, msg),
        };
        let host_for_url = req
            .headers()
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string)
            .unwrap_or_else(|| authority.to_string());
        let path_and_query = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str().to_string())
            .unwrap_or_else(|| "/".to_string());

        let reserved: Vec<HeaderName> = req
            .headers()
            .keys()
            .filter(|k| is_reserved_header(k.as_str()))
            .cloned()
            .collect();
        for name in reserved {
            req.headers_mut().remove(&name);
        }
        let info = RequestInfo {
            scheme: "http",
            host: &host_for_url,
            path_and_query: &path_and_query,
            client_addr,
        };
        for (name, value) in spin_headers(&route_match, &info) {
            if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                req.headers_mut().insert(n, v);
            }
        }
        match Uri::builder()
            .scheme("http")
            .authority(authority)
            .path_and_query(path_and_query.as_str())
            .build()
        {
            Ok(uri) => *req.uri_mut() = uri,
            Err(_) => {
                return text(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: invalid request target\n",
                )
            }
        }

        let method = req.method().clone();
        match component.handle(req).await {
            Ok(resp) => resp,
            Err(e) => {
                eprintln!(
                    "spin-local: component '{}' failed on {method} {path}: {e:#}",
                    component.id
                );
                text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error\n")
            }
        }
    }
}

fn request_authority(req: &hyper::Request<Incoming>) -> Result<Authority, &'static str> {
    let from_header = match req.headers().get(HOST) {
        Some(h) => Some(
            h.to_str()
                .ok()
                .and_then(|s| s.parse::<Authority>().ok())
                .ok_or("Bad Request: invalid Host header\n")?,
        ),
        None => None,
    };
    match (from_header, req.uri().authority().cloned()) {
        (Some(h), Some(u)) if h != u => {
            Err("Bad Request: Host header does not match the request target\n")
        }
        (Some(a), _) | (None, Some(a)) => Ok(a),
        (None, None) => Err("Bad Request: missing Host header\n"),
    }
}

fn full(bytes: Bytes) -> HyperOutgoingBody {
    Full::new(bytes)
        .map_err(|never: Infallible| match never {})
        .boxed_unsync()
}

fn empty(status: StatusCode) -> Response<HyperOutgoingBody> {
    let mut r = Response::new(full(Bytes::new()));
    *r.status_mut() = status;
    r
}

fn text(status: StatusCode, body: &'static str) -> Response<HyperOutgoingBody> {
    let mut r = Response::new(full(Bytes::from_static(body.as_bytes())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// Accepts connections until `shutdown` flips (or its sender goes away), then lets in-flight
/// requests finish for up to `DRAIN_TIMEOUT`.
pub async fn serve(
    listener: TcpListener,
    app: Arc<AppServer>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, client_addr)) => {
                    let _ = stream.set_nodelay(true);
                    conns.spawn(serve_connection(stream, client_addr, app.clone(), shutdown.clone()));
                }
                Err(e) => {
                    // E.g. out of file descriptors: back off instead of spinning.
                    eprintln!("spin-local: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        conns.abort_all();
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    client_addr: SocketAddr,
    app: Arc<AppServer>,
    mut shutdown: watch::Receiver<bool>,
) {
    let service = service_fn(move |req| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(app.handle(req, client_addr).await) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        // Connection errors (resets, timeouts, malformed requests) concern one client only.
        _ = conn.as_mut() => {}
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
