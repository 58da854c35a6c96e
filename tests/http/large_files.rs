//! A file far larger than a request's memory: 16 clients download 100 MB at once, and the
//! runtime's resident memory must stay within 128 MiB of its idle value (the static
//! component streams 64 KiB chunks; read whole, it took Spin to +1.1 GiB).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::harness::{runtime, static_files_manifest, TempDir};

const SIZE: u64 = 100 * 1000 * 1000;
const CLIENTS: usize = 16;
const BOUND: u64 = 128 << 20;

/// GET `target`; the status and how many body bytes arrived (read and dropped as they come).
fn download(addr: SocketAddr, target: &str) -> (u16, u64) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    let mut buf = vec![0; 256 * 1024];
    let mut got = 0;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got += n as u64,
            Err(e) => panic!("reading {target} after {got} bytes: {e}"),
        }
    }
    (status, got)
}

#[test]
#[ignore = "Spin's memory: the Spin tier runs it (spin-local shares this test's process)"]
fn sixteen_downloads_of_100_mb_stay_within_128_mib() {
    let dir = TempDir::new("large-files");
    std::fs::create_dir_all(dir.join("static")).unwrap();
    let file = std::fs::File::create(dir.join("static/large.bin")).unwrap();
    file.set_len(SIZE).unwrap();
    let manifest = dir.join("spin.toml");
    std::fs::write(&manifest, static_files_manifest("large-files", "")).unwrap();
    let app = runtime::serve(&manifest, &[], "large-files");
    let addr = app.addr();
    assert_eq!(download(addr, "/static/large.bin?warm").1, SIZE);
    let idle = app.rss_bytes();

    let done = AtomicBool::new(false);
    let (peak, results) = std::thread::scope(|s| {
        let sampler = s.spawn(|| {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(app.rss_bytes());
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        });
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| s.spawn(move || download(addr, &format!("/static/large.bin?{i}"))))
            .collect();
        let results: Vec<_> = clients.into_iter().map(|c| c.join().unwrap()).collect();
        done.store(true, Ordering::Relaxed);
        (sampler.join().unwrap(), results)
    });
    let growth = peak.saturating_sub(idle);
    eprintln!(
        "large files: idle {} MiB, peak {} MiB during {CLIENTS} downloads of {SIZE} B (+{} MiB)",
        idle >> 20,
        peak >> 20,
        growth >> 20
    );
    for (i, (status, got)) in results.into_iter().enumerate() {
        assert_eq!((status, got), (200, SIZE), "client {i}");
    }
    assert!(
        growth <= BOUND,
        "resident memory grew by {} MiB",
        growth >> 20
    );
}

/// A range far into a file too large to read whole: the bytes at that offset, so the
/// component seeks its open file rather than reading from the start or reading it all.
#[test]
fn a_range_of_a_streamed_file_is_its_bytes() {
    const LEN: usize = 3 << 20;
    let dir = TempDir::new("streamed-range");
    std::fs::create_dir_all(dir.join("static")).unwrap();
    let pattern: Vec<u8> = (0..LEN).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.join("static/pattern.bin"), &pattern).unwrap();
    let manifest = dir.join("spin.toml");
    std::fs::write(&manifest, static_files_manifest("streamed-range", "")).unwrap();
    let app = runtime::serve(&manifest, &[], "streamed-range");
    let (start, end) = (2_500_000, 2_500_009);
    let range = format!("bytes={start}-{end}");
    let reply = crate::harness::get_from(app.addr(), "/static/pattern.bin", &[("Range", &range)]);
    assert_eq!(reply.status, 206);
    assert_eq!(reply.body, &pattern[start..=end]);
    let whole = crate::harness::get_from(app.addr(), "/static/pattern.bin", &[]);
    assert_eq!(whole.status, 200);
    assert!(whole.body == pattern, "the whole file, byte for byte");
}
