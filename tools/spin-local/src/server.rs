//! The HTTP front end: hyper 1 (HTTP/1.1, keep-alive), routing, `spin-*` headers, errors.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONNECTION, CONTENT_TYPE, HOST};
use http::uri::{Authority, Uri};
use http::{Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use crate::routes::{spin_headers, RequestInfo, Router, WELL_KNOWN_PREFIX};
use crate::runtime::ComponentRuntime;

/// A client that has not sent a full request head within this time is disconnected, however
/// steadily it trickles bytes (a slow client costs one idle task meanwhile, never a thread).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Request line plus headers may take at most this many bytes: hyper's read buffer, so also
/// what one connection can make the host hold while it parses. A longer head is refused with
/// 431 (a target longer than the URI parser's 64 KiB with 414) and the connection closed,
/// before any component runs. 64 KiB lets a 60 KB query string through to the component,
/// which the app must answer itself; hyper's own default, which Spin keeps, is about 400 KiB.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// hyper checks its buffer only between reads, so a head somewhat over its limit can still
/// parse: its buffer gets this slack, and [`head_bytes`] enforces the exact limit.
const READ_BUFFER_BYTES: usize = MAX_HEAD_BYTES + 16 * 1024;
/// At most this many header fields (hyper's default, made explicit); more is a 431.
pub const MAX_HEADERS: usize = 100;
/// Request bodies may be at most this long. One that declares more (`Content-Length`) gets
/// 413 and the connection is closed, before any component runs and without reading the body.
/// A chunked body streams to the component as it reads (the host buffers a few frames at
/// most); past this many bytes the stream fails, and a component that then fails or answers
/// 5xx is answered 413 instead. A quarter of the default guest memory cap, so a component
/// may still read a body of this size whole.
pub const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;
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
        if req.body().size_hint().lower() > MAX_BODY_BYTES {
            return payload_too_large();
        }
        if head_bytes(&req) > MAX_HEAD_BYTES {
            let mut res = text(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "Request Header Fields Too Large\n",
            );
            res.headers_mut()
                .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
            return res;
        }

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
            return empty(StatusCode::INTERNAL_SERVER_ERROR);
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

        let info = RequestInfo {
            scheme: "http",
            host: &host_for_url,
            path_and_query: &path_and_query,
            client_addr,
        };
        // As Spin does: a client's own `spin-*` lines stay, and the host's come after them,
        // so a component must read the last line of each.
        for (name, value) in spin_headers(&route_match, &info) {
            if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                req.headers_mut().append(n, v);
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
        let over_limit = Arc::new(AtomicBool::new(false));
        let req = req.map(|body| LimitedBody {
            inner: body,
            remaining: MAX_BODY_BYTES,
            over_limit: over_limit.clone(),
        });
        let result = component.handle(req).await;
        if over_limit.load(Ordering::Relaxed)
            && result
                .as_ref()
                .map_or(true, |r| r.status().is_server_error())
        {
            // The component failed on the body the client was told is too long.
            return payload_too_large();
        }
        match result {
            Ok(resp) => resp,
            Err(e) => {
                eprintln!(
                    "spin-local: component '{}' failed on {method} {path}: {e:#}",
                    component.id
                );
                // Spin's answer to a failed component: a 500 with an empty body.
                empty(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

/// 413, closing the connection: the rest of the body stays unread, so the connection
/// cannot carry another request.
fn payload_too_large() -> Response<HyperOutgoingBody> {
    let mut r = text(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Payload Too Large: request bodies may be at most 16 MiB\n",
    );
    r.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    r
}

/// The request body as the component reads it: at most `MAX_BODY_BYTES`; past that, every
/// read fails with a body-size error and `over_limit` is set.
struct LimitedBody {
    inner: Incoming,
    remaining: u64,
    over_limit: Arc<AtomicBool>,
}

impl hyper::body::Body for LimitedBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.over_limit.load(Ordering::Relaxed) {
            return Poll::Ready(Some(Err(too_long())));
        }
        let frame = match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => frame,
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        };
        if let Some(data) = frame.data_ref() {
            let len = data.len() as u64;
            if len > self.remaining {
                self.over_limit.store(true, Ordering::Relaxed);
                return Poll::Ready(Some(Err(too_long())));
            }
            self.remaining -= len;
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

fn too_long() -> wasmtime_wasi_http::Error {
    wasmtime_wasi_http::Error::HttpRequestBodySize(Some(MAX_BODY_BYTES))
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

/// The size of the request head as sent, near enough: request line and header lines.
fn head_bytes<B>(req: &hyper::Request<B>) -> usize {
    let line = req.method().as_str().len() + req.uri().to_string().len() + 12;
    let fields: usize = req
        .headers()
        .iter()
        .map(|(n, v)| n.as_str().len() + v.len() + 4)
        .sum();
    line + fields
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
        .max_buf_size(READ_BUFFER_BYTES)
        .max_headers(MAX_HEADERS)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_too_large_closes_and_names_the_limit() {
        let r = payload_too_large();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(r.headers()[CONNECTION], "close");
        // The body text says "16 MiB": keep it in step with the constant.
        assert_eq!(MAX_BODY_BYTES, 16 << 20);
    }
}
