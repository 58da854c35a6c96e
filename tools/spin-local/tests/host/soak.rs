//! Soak: the real app on the local host (in this process), 64 keep-alive connections on
//! 64 threads, 20,000 requests spread over every endpoint of both components (hits, misses,
//! 400s, 304s, ranges, gzip, HEAD, OPTIONS, 405s, the host's own health route). Zero
//! transport errors, zero 5xx, every status as expected, and the process's resident memory
//! at the end within `MEMORY_BOUND` of its value after a warm-up of the same shape.
//! Loopback only; bounded in count (20,000 after a 4,000 warm-up) and time (`TIME_BOUND`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use crate::harness::{host_options, rss_bytes, start_real_app_locally, Conn};

const CONNECTIONS: usize = 64;
const WARM_UP: usize = 4_000;
/// `SOAK_REQUESTS=N` runs a longer soak by hand (the bounds stay the same).
fn requests() -> usize {
    std::env::var("SOAK_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000)
}
/// Resident memory may grow at most this much from after the warm-up to the end: about
/// 800 bytes a request over 20,000, so a per-request leak of that size fails the test
/// (measured here: +2 MiB over 20,000 requests, and still +2.3 MiB over 200,000).
const MEMORY_BOUND: u64 = 16 << 20;
/// The whole soak (warm-up included) must finish within this, on 2 cores shared by the
/// load generator and the host.
const TIME_BOUND: Duration = Duration::from_secs(120);

/// One request of the mix: method, target, headers, and the status it must get.
struct Probe {
    method: &'static str,
    target: String,
    headers: Vec<(&'static str, String)>,
    status: u16,
}

fn probe(
    method: &'static str,
    target: &str,
    headers: &[(&'static str, &str)],
    status: u16,
) -> Probe {
    Probe {
        method,
        target: target.to_owned(),
        headers: headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect(),
        status,
    }
}

/// The mix, built once (the 304s need the current entity tags).
fn mix(addr: std::net::SocketAddr) -> Vec<Probe> {
    let tag_of = |target: &str, headers: &[(&str, &str)]| {
        crate::harness::get_from(addr, target, headers)
            .header("etag")
            .expect("an ETag")
            .to_owned()
    };
    let hello_tag = tag_of("/", &[]);
    let page_tag = tag_of("/static/index.html", &[]);
    let json = [("Accept", "application/json")];
    let gzip = [("Accept-Encoding", "gzip")];
    let page_gzip_tag = tag_of("/static/index.html", &gzip);
    vec![
        probe("GET", "/", &[], 200),
        probe("GET", "/", &[("If-None-Match", &hello_tag)], 304),
        probe("HEAD", "/", &[], 200),
        probe("GET", "/animals", &[], 200),
        probe("GET", "/animals", &json, 200),
        probe("GET", "/iseven?num=12345678901234567890", &[], 200),
        probe("GET", "/iseven?num=-7", &json, 200),
        probe("GET", "/iseven?num=seven", &[], 400),
        probe("GET", "/iseven", &[], 400),
        probe("OPTIONS", "/iseven", &[], 204),
        probe("GET", "/students/John%20Doe/101", &[], 200),
        probe("GET", "/students/jo1/5", &[], 404),
        probe("GET", "/nope", &[], 404),
        probe("POST", "/", &[("Content-Length", "0")], 405),
        probe("GET", "/static/index.html", &[], 200),
        probe("GET", "/static/", &[], 200),
        probe("GET", "/static/index.html", &gzip, 200),
        probe(
            "GET",
            "/static/index.html",
            &[("If-None-Match", &page_tag)],
            304,
        ),
        probe(
            "GET",
            "/static/index.html",
            &[
                ("Accept-Encoding", "gzip"),
                ("If-None-Match", &page_gzip_tag),
            ],
            304,
        ),
        probe("GET", "/static/index.html", &[("Range", "bytes=0-99")], 206),
        probe("HEAD", "/static/index.html", &[], 200),
        probe("GET", "/static/missing.txt", &[], 404),
        probe("GET", "/static/%2e%2e/spin.toml", &[], 404),
        probe("GET", "/.well-known/spin/health", &[], 200),
    ]
}

#[derive(Default)]
struct Tally {
    ok: AtomicUsize,
    transport_errors: AtomicUsize,
    server_errors: AtomicUsize,
    wrong_status: AtomicUsize,
    first_problem: Mutex<Option<String>>,
}

impl Tally {
    fn problem(&self, what: String) {
        let mut first = self.first_problem.lock().unwrap();
        if first.is_none() {
            *first = Some(what);
        }
    }
}

/// `total` requests over `CONNECTIONS` keep-alive connections, each thread walking the mix
/// from its own offset. A connection that fails is counted and replaced.
fn run(
    addr: std::net::SocketAddr,
    mix: &Arc<Vec<Probe>>,
    total: usize,
    tally: &Arc<Tally>,
) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(CONNECTIONS + 1));
    let threads: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (mix, tally, next, start) =
                (mix.clone(), tally.clone(), next.clone(), start.clone());
            std::thread::spawn(move || {
                let mut conn = Conn::connect(addr, Duration::from_secs(30)).ok();
                start.wait();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let p = &mix[i % mix.len()];
                    let Some(c) = conn.as_mut() else {
                        tally.transport_errors.fetch_add(1, Ordering::Relaxed);
                        conn = Conn::connect(addr, Duration::from_secs(30)).ok();
                        continue;
                    };
                    let headers: Vec<(&str, &str)> =
                        p.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                    match c.request(p.method, &p.target, &headers) {
                        Ok(reply) if reply.status >= 500 => {
                            tally.server_errors.fetch_add(1, Ordering::Relaxed);
                            tally.problem(format!(
                                "{} {} answered {}",
                                p.method, p.target, reply.status
                            ));
                        }
                        Ok(reply) if reply.status != p.status => {
                            tally.wrong_status.fetch_add(1, Ordering::Relaxed);
                            tally.problem(format!(
                                "{} {} answered {} (want {})",
                                p.method, p.target, reply.status, p.status
                            ));
                        }
                        Ok(_) => {
                            tally.ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            tally.transport_errors.fetch_add(1, Ordering::Relaxed);
                            tally.problem(format!("{} {}: {e}", p.method, p.target));
                            conn = Conn::connect(addr, Duration::from_secs(30)).ok();
                        }
                    }
                }
            })
        })
        .collect();
    start.wait();
    let started = Instant::now();
    for t in threads {
        t.join().unwrap();
    }
    started.elapsed()
}

#[test]
fn twenty_thousand_requests_on_64_connections() {
    let began = Instant::now();
    let host = start_real_app_locally(host_options());
    let addr = host.addr();
    let mix = Arc::new(mix(addr));

    let warm = Arc::new(Tally::default());
    let warm_time = run(addr, &mix, WARM_UP, &warm);
    let rss_warm = rss_bytes();

    let requests = requests();
    let tally = Arc::new(Tally::default());
    let took = run(addr, &mix, requests, &tally);
    let rss_end = rss_bytes();

    let ok = tally.ok.load(Ordering::Relaxed);
    let transport = tally.transport_errors.load(Ordering::Relaxed)
        + warm.transport_errors.load(Ordering::Relaxed);
    let server =
        tally.server_errors.load(Ordering::Relaxed) + warm.server_errors.load(Ordering::Relaxed);
    let wrong =
        tally.wrong_status.load(Ordering::Relaxed) + warm.wrong_status.load(Ordering::Relaxed);
    let grown = rss_end as i64 - rss_warm as i64;
    eprintln!(
        "soak: warm-up {WARM_UP} requests in {warm_time:.2?}; {requests} requests on {CONNECTIONS} connections in {took:.2?} \
         ({:.0} req/s); RSS after warm-up {} MiB, at the end {} MiB ({:+} KiB)",
        requests as f64 / took.as_secs_f64(),
        rss_warm >> 20,
        rss_end >> 20,
        grown / 1024
    );
    let first = tally
        .first_problem
        .lock()
        .unwrap()
        .clone()
        .or_else(|| warm.first_problem.lock().unwrap().clone());
    assert_eq!(transport, 0, "transport errors; first problem: {first:?}");
    assert_eq!(server, 0, "5xx answers; first problem: {first:?}");
    assert_eq!(wrong, 0, "unexpected statuses; first problem: {first:?}");
    assert_eq!(ok, requests);
    assert!(
        grown < MEMORY_BOUND as i64,
        "resident memory grew {} MiB during the soak (bound {} MiB)",
        grown >> 20,
        MEMORY_BOUND >> 20
    );
    assert!(
        began.elapsed() < TIME_BOUND,
        "the soak took {:?}",
        began.elapsed()
    );
    drop(host);
}
