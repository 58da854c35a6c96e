//! Shared by the reliability tests (tests/traversal.rs, tests/limits.rs, tests/soak.rs,
//! tests/faults.rs): hosts started on a free loopback port with the compile cache the other
//! tests use, temporary app directories, a raw HTTP/1.1 client that sends bytes exactly as
//! written (one request per connection, or keep-alive), and the process's resident memory.
//! Everything talks to 127.0.0.1 only.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use spin_local::HostOptions;

#[path = "../common/reply.rs"]
mod reply;
pub use reply::Reply;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The real components, as scripts/build.sh leaves them.
pub fn wasm(name: &str) -> PathBuf {
    root().join("target/wasm32-wasip1/release").join(name)
}

/// Options for a test host: a free loopback port, and the compile cache under `target/`
/// that every test host shares (each component is compiled once per build, not per host).
pub fn host_options() -> HostOptions {
    HostOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        cache_dir: Some(root().join("target/spin-local-cache")),
        // Component output (the app's access log: thousands of lines in the soak) goes to a
        // file, so the test output stays readable.
        guest_stdout: Some(guest_stdout()),
        ..HostOptions::default()
    }
}

fn guest_stdout() -> PathBuf {
    let dir = root().join("target/guest-stdout");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("reliability.log")
}

/// A fresh directory under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("tutorial-app-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Sends `raw` on a fresh connection, then reads until the server closes (or `timeout`
/// passes without a byte). `Err` for a refused connection or a reset before any byte.
pub fn send_raw(addr: SocketAddr, raw: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(raw)?;
    let mut bytes = Vec::new();
    match stream.read_to_end(&mut bytes) {
        Ok(_) => Ok(bytes),
        // A reset after the answer arrived (the server closed with unread input) still
        // leaves the answer.
        Err(_) if !bytes.is_empty() => Ok(bytes),
        Err(e) => Err(e),
    }
}

/// One `Connection: close` request, target sent as written; the parsed answer.
pub fn get(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Reply {
    let mut head = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let bytes = send_raw(addr, head.as_bytes(), Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("GET {target}: {e}"));
    parse_reply(&bytes, false).unwrap_or_else(|| {
        panic!(
            "GET {target}: no answer ({:?})",
            String::from_utf8_lossy(&bytes)
        )
    })
}

/// Parses a whole answer (head and, unless `head_only`, its body). `None` when `bytes`
/// holds no complete head.
pub fn parse_reply(bytes: &[u8], head_only: bool) -> Option<Reply> {
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let (status, headers) = parse_head(&bytes[..split + 2])?;
    let rest = &bytes[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if head_only {
        Vec::new()
    } else if chunked {
        let mut reader = BufReader::new(rest);
        read_chunked(&mut reader).ok()?
    } else {
        rest.to_vec()
    };
    Some(Reply {
        status,
        headers,
        body,
    })
}

fn parse_head(head: &[u8]) -> Option<(u16, Vec<(String, String)>)> {
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split("\r\n").filter(|l| !l.is_empty());
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some((status, headers))
}

fn read_chunked(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
        if size == 0 {
            // Trailers, then the blank line.
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                if line == "\r\n" || line.is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
    }
}

/// A keep-alive HTTP/1.1 connection: one request at a time, answers read exactly by their
/// framing (Content-Length, chunked, or none for HEAD/204/304).
pub struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    pub fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<Conn> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
    ) -> io::Result<Reply> {
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\n");
        for (n, v) in headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        self.writer.write_all(head.as_bytes())?;
        self.read_reply(method == "HEAD")
    }

    pub fn read_reply(&mut self, head_only: bool) -> io::Result<Reply> {
        let mut head = Vec::new();
        loop {
            let n = self.reader.read_until(b'\n', &mut head)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "closed before an answer",
                ));
            }
            if head.ends_with(b"\r\n\r\n") {
                break;
            }
        }
        let (status, headers) = parse_head(&head)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad answer head"))?;
        let find = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let bodiless = head_only || status == 204 || status == 304 || (100..200).contains(&status);
        let body = if bodiless {
            Vec::new()
        } else if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            read_chunked(&mut self.reader)?
        } else if let Some(len) = find("content-length") {
            let len: usize = len
                .parse()
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad Content-Length"))?;
            let mut body = vec![0; len];
            self.reader.read_exact(&mut body)?;
            body
        } else {
            let mut body = Vec::new();
            self.reader.read_to_end(&mut body)?;
            body
        };
        Ok(Reply {
            status,
            headers,
            body,
        })
    }
}

/// This process's resident set size (`VmRSS`), in bytes. The hosts run in-process.
pub fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line");
    kib * 1024
}

/// Refuses to test components older than their sources (as tests/common does for the
/// app it starts): the tests must exercise what the sources say now.
pub fn assert_fresh(wasm_name: &str, sources: &[&str]) {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let built = modified(&wasm(wasm_name)).unwrap_or_else(|| {
        panic!("{wasm_name} is missing: run scripts/build.sh (scripts/test.sh does)")
    });
    fn newest(p: &Path) -> std::time::SystemTime {
        let own = std::fs::metadata(p)
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH);
        match std::fs::read_dir(p) {
            Ok(entries) => entries
                .flatten()
                .map(|e| newest(&e.path()))
                .fold(own, std::cmp::max),
            Err(_) => own,
        }
    }
    for s in sources {
        assert!(
            newest(&root().join(s)) <= built,
            "{wasm_name} is older than {s}: run scripts/build.sh (scripts/test.sh does)"
        );
    }
}

/// The real app (the real spin.toml and both real components) on a free loopback port,
/// with `opts` (use [`host_options`] for the defaults).
pub fn start_real_app(opts: HostOptions) -> spin_local::RunningHost {
    assert_fresh(
        "tutorial_app.wasm",
        &[
            "src",
            "static",
            "Cargo.toml",
            "crates/http-rules/src",
            "crates/spin-glue/src",
        ],
    );
    assert_fresh(
        "static_files.wasm",
        &["crates/static-files/src", "crates/static-files/Cargo.toml"],
    );
    spin_local::start(&root().join("spin.toml"), opts).expect("the real app starts")
}
