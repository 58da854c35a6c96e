//! A raw HTTP/1.1 client: request targets and header bytes go out exactly as written (a URL
//! library would normalise away the `..` and `%2e` the traversal tests need), answers are
//! parsed by their framing. Loopback only.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The value of the first header line of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }
}

/// The head of a `Connection: close` request with extra header lines.
pub fn request_head(method: &str, target: &str, headers: &[(&str, &str)]) -> String {
    let mut head =
        format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
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

/// Sends `raw` to `addr` and parses the whole answer; panics on anything but a well-formed
/// answer (and on a body after HEAD).
pub fn exchange_with(addr: SocketAddr, raw: &[u8], head_only: bool) -> Reply {
    let bytes = send_raw(addr, raw, Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("{}: {e}", first_line(raw)));
    let reply = parse_reply(&bytes, head_only).unwrap_or_else(|| {
        panic!(
            "{}: no well-formed answer in {:?}",
            first_line(raw),
            String::from_utf8_lossy(&bytes)
        )
    });
    if head_only {
        let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        assert_eq!(bytes.len(), split + 4, "a HEAD answer carried a body");
    }
    reply
}

/// One `Connection: close` GET to `addr`, not checked against the API description.
pub fn get_from(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Reply {
    exchange_with(addr, request_head("GET", target, headers).as_bytes(), false)
}

fn first_line(raw: &[u8]) -> String {
    let line = raw.split(|&b| b == b'\r').next().unwrap_or_default();
    String::from_utf8_lossy(&line[..line.len().min(100)]).into_owned()
}

/// Parses a whole answer (head and, unless `head_only`, its body). `None` when `bytes`
/// holds no complete head or a broken chunked body.
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
        read_chunked(&mut BufReader::new(rest)).ok()?
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
