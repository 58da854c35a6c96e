//! `native-server --listen ADDR`: the app's router and handlers ([`tutorial_app::respond`])
//! compiled natively and served by hyper in one process — the benchmark's ceiling, the same
//! app with no WebAssembly at all (see `scripts/bench.sh`).
//!
//! It does per request what the component's entry point does: the method, the target, the
//! two request headers the handlers read, `respond`, and one JSON access-log line on stdout.
//! Spin-specific work (routing between components, `spin-*` headers) is the host's and is
//! left out: that is part of what the comparison measures.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use http::header::{HeaderMap, ACCEPT, IF_NONE_MATCH};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// As in the spin-local binary: the comparison is between runtimes, not allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 3002));
    let mut log = true;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--listen" => {
                let v = args.next().unwrap_or_default();
                listen = v
                    .parse()
                    .unwrap_or_else(|_| die(&format!("--listen: bad address '{v}'")));
            }
            "--no-log" => log = false,
            "-h" | "--help" => {
                println!("usage: native-server [--listen 127.0.0.1:3002] [--no-log]");
                return;
            }
            other => die(&format!("unknown argument '{other}'")),
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| die(&format!("tokio: {e}")));
    rt.block_on(serve(listen, log));
}

fn die(msg: &str) -> ! {
    eprintln!("native-server: {msg}");
    std::process::exit(2)
}

async fn serve(listen: SocketAddr, log: bool) {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .unwrap_or_else(|e| die(&format!("cannot listen on {listen}: {e}")));
    println!(
        "Serving http://{}",
        listener.local_addr().expect("a bound address")
    );
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let service = service_fn(move |req| async move {
                        Ok::<_, Infallible>(answer(req, log))
                    });
                    let _ = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            _ = tokio::signal::ctrl_c() => break,
        }
    }
}

fn answer(req: hyper::Request<hyper::body::Incoming>, log: bool) -> hyper::Response<Full<Bytes>> {
    let started = Instant::now();
    let target = req
        .uri()
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_owned();
    // As the component: only the headers the handlers read; other methods answer 405.
    let mut headers = HeaderMap::new();
    for name in [ACCEPT, IF_NONE_MATCH] {
        for value in req.headers().get_all(&name) {
            headers.append(name.clone(), value.clone());
        }
    }
    let method = req.method().clone();
    let res = tutorial_app::respond(&method, &target, &headers);
    let (status, bytes) = (res.status().as_u16(), res.body().len());
    let res = res.map(|body| Full::new(Bytes::from(body)));
    if log {
        let path = target.split('?').next().unwrap_or_default();
        let micros = started.elapsed().as_micros();
        let mut line = tutorial_app::access_log::line(method.as_str(), path, status, bytes, micros);
        line.push('\n');
        // One write per line, as the component writes it to wasi:cli/stdout.
        let _ = std::io::stdout().lock().write_all(line.as_bytes());
    }
    res
}
