//! Oversized input and slow clients against the real app on the local host (loopback only):
//! a 100 MB request body (declared, and chunked), a 64 KB header, too many headers, a
//! 10,000-segment path; each gets a 4xx or a closed connection within seconds, host memory
//! stays bounded, and the next request is served. Clients that trickle their headers one
//! byte a second do not hold up anyone else.
//!
//! The limits are spin-local's (tools/spin-local/src/server.rs): request head at most
//! `MAX_HEAD_BYTES` (64 KiB) and `MAX_HEADERS` (100) fields, bodies at most `MAX_BODY_BYTES`
//! (16 MiB: a declared longer one is refused unread; a chunked one fails once read past it,
//! which tests/host/faults.rs checks with a component that reads bodies), request heads complete
//! within `HEADER_READ_TIMEOUT` (30 s).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::harness::{host_options, parse_reply, rss_bytes, send_raw, start_real_app_locally};
use spin_local::server::{MAX_BODY_BYTES, MAX_HEADERS, MAX_HEAD_BYTES};

const HUNDRED_MB: usize = 100 * 1000 * 1000;
/// "Quickly": an oversized request is settled within this.
const QUICK: Duration = Duration::from_secs(10);
/// Host memory may grow at most this much while oversized requests are refused.
const MEMORY_BOUND: u64 = 64 << 20;

fn app() -> SocketAddr {
    static HOST: OnceLock<spin_local::RunningHost> = OnceLock::new();
    HOST.get_or_init(|| start_real_app_locally(host_options()))
        .addr()
}

/// The tests here measure memory and time: one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// After each hostile request: the host still answers an ordinary one.
fn assert_still_serving(addr: SocketAddr) {
    let r = crate::harness::get_from(addr, "/iseven?num=4", &[]);
    assert_eq!(
        (r.status, r.body.as_slice()),
        (200, &b"The integer 4 is even"[..])
    );
    let r = crate::harness::get_from(addr, "/static/index.html", &[]);
    assert_eq!(r.status, 200);
}

/// How a hostile request ended.
#[derive(Debug)]
enum Outcome {
    Answered(u16),
    /// Closed or reset without an answer.
    Closed,
}

/// Sends `head`, then streams `body_len` bytes (chunked if `chunked`) from another thread,
/// while this one waits for the answer. The writer stops when the server stops reading.
fn send_streaming(
    addr: SocketAddr,
    head: String,
    body_len: usize,
    chunked: bool,
) -> (Outcome, Duration, usize) {
    let started = Instant::now();
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(QUICK * 3)).unwrap();
    stream.set_write_timeout(Some(QUICK * 3)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sent = Arc::new(Mutex::new(0usize));
    let sent_w = sent.clone();
    let done = Arc::new(AtomicBool::new(false));
    let done_w = done.clone();
    let t = std::thread::spawn(move || {
        if writer.write_all(head.as_bytes()).is_err() {
            return;
        }
        let block = vec![b'x'; 64 * 1024];
        let mut left = body_len;
        while left > 0 && !done_w.load(Ordering::Relaxed) {
            let n = left.min(block.len());
            let ok = if chunked {
                writer
                    .write_all(format!("{n:x}\r\n").as_bytes())
                    .and_then(|_| writer.write_all(&block[..n]))
                    .and_then(|_| writer.write_all(b"\r\n"))
            } else {
                writer.write_all(&block[..n])
            };
            if ok.is_err() {
                return;
            }
            left -= n;
            *sent_w.lock().unwrap() += n;
        }
        if chunked && left == 0 {
            let _ = writer.write_all(b"0\r\n\r\n");
        }
    });
    let mut reader = stream;
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    let outcome = loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break None,
            Ok(n) => {
                bytes.extend_from_slice(&buf[..n]);
                if let Some(r) = parse_reply(&bytes, true) {
                    break Some(r.status);
                }
            }
        }
    };
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = reader.shutdown(std::net::Shutdown::Both);
    t.join().unwrap();
    let sent = *sent.lock().unwrap();
    let outcome = outcome.map_or(Outcome::Closed, Outcome::Answered);
    (outcome, elapsed, sent)
}

#[test]
fn a_declared_100_mb_body_is_refused_before_it_is_read() {
    let _serial = serial();
    let addr = app();
    assert_still_serving(addr);
    let before = rss_bytes();
    for (method, target) in [
        ("POST", "/"),
        ("GET", "/iseven?num=4"),
        ("PUT", "/static/index.html"),
        ("POST", "/students/john/1"),
        ("POST", "/.well-known/spin/health"),
        ("POST", "/nothing/here"),
    ] {
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {HUNDRED_MB}\r\n\r\n"
        );
        let (outcome, took, sent) = send_streaming(addr, head, HUNDRED_MB, false);
        eprintln!(
            "{method} {target} + 100 MB declared: {outcome:?} in {took:?} after {sent} bytes sent"
        );
        assert!(
            matches!(outcome, Outcome::Answered(413) | Outcome::Closed),
            "{method} {target}: {outcome:?}"
        );
        assert!(took < QUICK, "{method} {target}: took {took:?}");
        assert!(
            sent < HUNDRED_MB,
            "{method} {target}: the host read the whole body"
        );
        assert_still_serving(addr);
    }
    // At the limit itself, the body is accepted (and ignored by the app: a 405 for POST).
    let body = vec![b'x'; MAX_BODY_BYTES as usize];
    let head = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let (outcome, _, _) = send_streaming(addr, head, body.len(), false);
    assert!(
        matches!(outcome, Outcome::Answered(405) | Outcome::Closed),
        "{outcome:?}"
    );
    let grown = rss_bytes().saturating_sub(before);
    assert!(grown < MEMORY_BOUND, "host memory grew {} MiB", grown >> 20);
    assert_still_serving(addr);
}

/// A chunked body declares no length: it streams to the component, which here never reads
/// it. The answer comes without waiting for the body, nothing buffers it, and the host closes
/// the connection rather than read the rest.
#[test]
fn a_chunked_100_mb_body_is_not_buffered() {
    let _serial = serial();
    let addr = app();
    assert_still_serving(addr);
    let before = rss_bytes();
    for (method, target, want) in [
        ("POST", "/", 405),
        ("POST", "/static/index.html", 405),
        ("GET", "/iseven?num=7", 200),
        ("GET", "/static/index.html", 200),
    ] {
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        let (outcome, took, sent) = send_streaming(addr, head, HUNDRED_MB, true);
        eprintln!(
            "{method} {target} + 100 MB chunked: {outcome:?} in {took:?} after {sent} bytes sent"
        );
        assert!(
            matches!(outcome, Outcome::Closed)
                || matches!(outcome, Outcome::Answered(s) if s == want),
            "{method} {target}: {outcome:?}"
        );
        assert!(took < QUICK, "{method} {target}: took {took:?}");
        assert!(
            sent < HUNDRED_MB,
            "{method} {target}: the whole body was read"
        );
        assert_still_serving(addr);
    }
    let grown = rss_bytes().saturating_sub(before);
    assert!(grown < MEMORY_BOUND, "host memory grew {} MiB", grown >> 20);
}

/// Sends `raw` and returns the status, or `None` for a connection closed without one.
fn status_of(addr: SocketAddr, raw: &[u8]) -> (Option<u16>, Duration) {
    let started = Instant::now();
    let status = send_raw(addr, raw, QUICK * 3)
        .ok()
        .and_then(|b| parse_reply(&b, true))
        .map(|r| r.status);
    (status, started.elapsed())
}

#[test]
fn oversized_heads_are_4xx_and_the_next_request_is_served() {
    let _serial = serial();
    let addr = app();
    assert_still_serving(addr);
    let before = rss_bytes();

    let big = "v".repeat(64 * 1024);
    let many: String = (0..=MAX_HEADERS)
        .map(|i| format!("x-h{i}: {i}\r\n"))
        .collect();
    let long_target = format!("/static/{}", "a".repeat(70_000));
    let cases: Vec<(&str, String, &[u16])> = vec![
        (
            "a 64 KB header",
            format!("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\n\r\n"),
            &[431],
        ),
        (
            "64 KB over 64 headers of 1 KB",
            format!(
                "GET / HTTP/1.1\r\nHost: localhost\r\n{}\r\n",
                (0..64)
                    .map(|i| format!("x-k{i}: {}\r\n", "k".repeat(1024)))
                    .collect::<String>()
            ),
            &[431],
        ),
        (
            "one header more than allowed",
            format!("GET / HTTP/1.1\r\nHost: localhost\r\n{many}\r\n"),
            &[431],
        ),
        (
            "a 64 KB cookie",
            format!(
                "GET /static/index.html HTTP/1.1\r\nHost: localhost\r\nCookie: a={big}\r\n\r\n"
            ),
            &[431],
        ),
        (
            "a 70 KB request target",
            format!("GET {long_target} HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            &[414, 431],
        ),
    ];
    for (what, raw, want) in cases {
        let (status, took) = status_of(addr, raw.as_bytes());
        eprintln!("{what}: {status:?} in {took:?}");
        assert!(
            status.is_none() || want.contains(&status.unwrap()),
            "{what}: answered {status:?}, want one of {want:?} or a close"
        );
        assert!(took < QUICK, "{what}: took {took:?}");
        assert_still_serving(addr);
    }
    // Just under the limit, a big header is still fine.
    let fits = "v".repeat(MAX_HEAD_BYTES - 1024);
    let (status, _) = status_of(
        addr,
        format!("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {fits}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(status, Some(200));
    let grown = rss_bytes().saturating_sub(before);
    assert!(grown < MEMORY_BOUND, "host memory grew {} MiB", grown >> 20);
}

#[test]
fn ten_thousand_path_segments_are_a_quick_4xx() {
    let _serial = serial();
    let addr = app();
    for target in [
        "/a".repeat(10_000),
        format!("/static{}", "/a".repeat(10_000)),
        format!("/static{}", "/..".repeat(10_000)),
        format!("/static{}/", "/%2e%2e".repeat(2_000)),
        format!("/students{}", "/1".repeat(10_000)),
        format!("/iseven{}?num=1", "/".repeat(10_000)),
        format!("/static{}index.html", "/".repeat(10_000)),
    ] {
        let started = Instant::now();
        let r = crate::harness::get_from(addr, &target, &[]);
        let took = started.elapsed();
        assert!(
            (400..500).contains(&r.status),
            "{}...: answered {}",
            &target[..40],
            r.status
        );
        assert!(took < QUICK, "{}...: took {took:?}", &target[..40]);
        assert_still_serving(addr);
    }
}

/// Slow-loris: 200 connections that send their request head one byte a second for 3 s do not
/// delay 100 ordinary requests made meanwhile (each on a new connection).
#[test]
fn slow_clients_do_not_block_others() {
    let _serial = serial();
    let addr = app();
    assert_still_serving(addr);
    const SLOW: usize = 200;
    const FAST: usize = 100;
    let head = b"GET /iseven?num=1 HTTP/1.1\r\nHost: localhost\r\nX-Pad: slow\r\n\r\n";
    let stop = Arc::new(AtomicBool::new(false));
    let stop_slow = stop.clone();
    let slow = std::thread::spawn(move || {
        let mut conns: Vec<TcpStream> = (0..SLOW)
            .map(|_| TcpStream::connect(addr).unwrap())
            .collect();
        let mut sent = 0;
        let started = Instant::now();
        while !stop_slow.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(3) {
            for c in &mut conns {
                c.write_all(&head[sent..sent + 1])
                    .expect("a slow client is still connected");
            }
            sent += 1;
            std::thread::sleep(Duration::from_secs(1));
        }
        (conns, sent)
    });
    // Let the slow clients connect and send their first bytes.
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    for i in 0..FAST {
        let t = Instant::now();
        let r = crate::harness::get_from(addr, &format!("/iseven?num={i}"), &[]);
        slowest = slowest.max(t.elapsed());
        assert_eq!(r.status, 200, "fast request {i}");
    }
    let fast_total = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (mut conns, sent) = slow.join().unwrap();
    eprintln!("{FAST} requests beside {SLOW} slow clients: {fast_total:?}, slowest {slowest:?}");
    assert!(sent < head.len(), "the slow clients finished their heads");
    assert!(
        fast_total < Duration::from_secs(3),
        "{FAST} requests took {fast_total:?}"
    );
    assert!(
        slowest < Duration::from_secs(1),
        "the slowest took {slowest:?}"
    );
    // The slow clients were never answered (their heads are unfinished) but are still
    // connected: finishing the head now gets them served.
    for c in conns.iter_mut().take(3) {
        c.write_all(&head[sent..]).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 12];
        c.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"HTTP/1.1 200");
    }
}
