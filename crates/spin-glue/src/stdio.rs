//! The clock and the log lines a component writes, called as `wasi:clocks` and `wasi:cli`
//! (WASI 0.2) imports rather than through `std`.
//!
//! `std::time::Instant`, `println!` and `eprintln!` are preview1 calls, which reach the host
//! through the preview1 adapter that Spin links into the component. The adapter's first call
//! in an instance allocates its state, a 64 KiB page, and its first write to a descriptor
//! another: the instance grew from 2 pages to 4 on every request. Under Spin that growth
//! (an `mprotect` per page, and twice the memory to reset afterwards) held the app's `/`
//! to about 70% of the requests per second it serves without it (docs/benchmark.md).
//!
//! Natively (the unit tests and the native tests of the handlers) the lines go through `std`.

/// Nanoseconds on the host's monotonic clock: only differences mean anything.
#[cfg(target_arch = "wasm32")]
pub fn now_ns() -> u64 {
    wasi::clocks::monotonic_clock::now()
}

/// Writes `line` and a newline to stdout (Spin keeps it in the component's log and, under
/// `spin up`, prints it). On wasm a failed write drops the rest of the line: a log line is
/// never worth an error.
pub fn stdout_line(line: &str) {
    #[cfg(target_arch = "wasm32")]
    write_line(&wasi::cli::stdout::get_stdout(), line);
    #[cfg(not(target_arch = "wasm32"))]
    println!("{line}");
}

/// Writes `line` and a newline to stderr, as [`stdout_line`] does to stdout: for what went
/// wrong, which Spin keeps in `{component}_stderr.txt` in its log directory.
pub fn stderr_line(line: &str) {
    #[cfg(target_arch = "wasm32")]
    write_line(&wasi::cli::stderr::get_stderr(), line);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{line}");
}

#[cfg(target_arch = "wasm32")]
fn write_line(out: &wasi::io::streams::OutputStream, line: &str) {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    // The host takes at most 4,096 bytes per `blocking-write-and-flush`.
    for chunk in bytes.chunks(4096) {
        if out.blocking_write_and_flush(chunk).is_err() {
            return;
        }
    }
}
