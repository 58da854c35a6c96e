//! The runtime the HTTP suite runs on, chosen by one setting:
//!
//! - `TEST_RUNTIME=spin-local` (the default): the local Wasmtime host (`tools/spin-local`),
//!   in-process;
//! - `TEST_RUNTIME=spin`: the real Spin CLI, `spin up --from MANIFEST` on a free loopback
//!   port, found as `SPIN_BIN`, else `spin` on `PATH`. Asked for and not found, or not
//!   starting, is a failure.
//!
//! Either way the components are the `.wasm` files the manifest names, as the build left them.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use spin_local::{HostOptions, RunningHost};

use super::root;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    SpinLocal,
    Spin,
}

impl Runtime {
    /// The runtime `TEST_RUNTIME` names.
    pub fn selected() -> Runtime {
        match std::env::var("TEST_RUNTIME").as_deref() {
            Err(_) | Ok("") | Ok("spin-local") => Runtime::SpinLocal,
            Ok("spin") => Runtime::Spin,
            Ok(other) => panic!("TEST_RUNTIME={other}: expected 'spin' or 'spin-local'"),
        }
    }
}

/// The Spin CLI: `SPIN_BIN` if set (it must exist), else `spin` on `PATH`.
pub fn spin_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("SPIN_BIN").filter(|b| !b.is_empty()) {
        let bin = PathBuf::from(bin);
        assert!(bin.is_file(), "SPIN_BIN={} is not a file", bin.display());
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("spin"))
        .find(|p| p.is_file())
}

/// An app being served, on either runtime; stopped when dropped.
pub struct App {
    addr: SocketAddr,
    logs: PathBuf,
    running: Running,
}

enum Running {
    Local(RunningHost),
    Spin(SpinProcess),
}

impl App {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The resident memory of the runtime serving this app: for Spin, of every process
    /// in its group (`spin up` and the trigger it runs); for spin-local, this process.
    pub fn rss_bytes(&self) -> u64 {
        match &self.running {
            Running::Local(_) => super::rss_bytes(),
            Running::Spin(p) => group_rss_bytes(p.child.id()),
        }
    }

    /// The file a component's stdout goes to.
    pub fn stdout_of(&self, component: &str) -> PathBuf {
        match self.running {
            // spin-local writes every component's output to one file.
            Running::Local(_) => self.logs.clone(),
            Running::Spin(_) => self.logs.join(format!("{component}_stdout.txt")),
        }
    }

    /// The file a component's stderr goes to.
    pub fn stderr_of(&self, component: &str) -> PathBuf {
        match self.running {
            Running::Local(_) => local_stderr(&self.logs),
            Running::Spin(_) => self.logs.join(format!("{component}_stderr.txt")),
        }
    }
}

/// spin-local's file for every component's stderr, beside the one for their stdout.
fn local_stderr(stdout: &Path) -> PathBuf {
    stdout.with_extension("stderr.log")
}

/// How long `log` is now: the lines a later request writes start there.
pub fn log_len(log: &Path) -> u64 {
    std::fs::metadata(log).map_or(0, |m| m.len())
}

/// The lines of `log` past byte `from` that contain `needle`, once there is at least one
/// (the runtimes write component output asynchronously); fails after 5 s without one.
pub fn wait_for_lines(log: &Path, from: u64, needle: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = std::fs::read(log).unwrap_or_default();
        let after = text.get(from as usize..).unwrap_or_default();
        let found: Vec<String> = String::from_utf8_lossy(after)
            .lines()
            .filter(|l| l.contains(needle))
            .map(str::to_owned)
            .collect();
        if !found.is_empty() {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "no line with {needle:?} in {} after byte {from}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Serves `manifest` with `--variable NAME=VALUE` pairs on the selected runtime, as
/// `spin up` does by default (Spin copies the `files` mounts to a temporary directory;
/// spin-local mounts directories in place and copies single files). `tag` names its logs
/// under `target/test-logs/`.
pub fn serve(manifest: &Path, variables: &[(&str, &str)], tag: &str) -> App {
    serve_on(Runtime::selected(), manifest, variables, tag, false)
}

/// Serves `manifest` with its directory mounts preopened in place on both runtimes
/// (`spin up --direct-mounts`): for fixtures whose symlinks Spin's copy would follow.
pub fn serve_in_place(manifest: &Path, tag: &str) -> App {
    serve_on(Runtime::selected(), manifest, &[], tag, true)
}

/// Serves `manifest` on the given runtime, whatever `TEST_RUNTIME` says.
pub fn serve_on(
    runtime: Runtime,
    manifest: &Path,
    variables: &[(&str, &str)],
    tag: &str,
    in_place: bool,
) -> App {
    let logs_dir = root().join("target/test-logs");
    std::fs::create_dir_all(&logs_dir).unwrap();
    match runtime {
        Runtime::SpinLocal => {
            let logs = logs_dir.join(format!("{tag}.spin-local.log"));
            let opts = HostOptions {
                guest_stdout: Some(logs.clone()),
                guest_stderr: Some(local_stderr(&logs)),
                variables: variables
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                ..super::host_options()
            };
            let host = spin_local::start(manifest, opts).expect("the local host starts");
            App {
                addr: host.addr(),
                logs,
                running: Running::Local(host),
            }
        }
        Runtime::Spin => {
            let bin = spin_bin()
                .expect("TEST_RUNTIME=spin, but no Spin CLI: set SPIN_BIN or put `spin` on PATH");
            let logs = logs_dir.join(format!("{tag}.spin"));
            let process = SpinProcess::start(&bin, manifest, variables, in_place, &logs);
            App {
                addr: process.addr,
                logs,
                running: Running::Spin(process),
            }
        }
    }
}

/// A `spin up` process in a process group of its own (Spin runs its trigger as a child),
/// killed when dropped and, for apps held in statics, when the test binary exits.
struct SpinProcess {
    child: Child,
    addr: SocketAddr,
    console: PathBuf,
}

impl SpinProcess {
    fn start(
        bin: &Path,
        manifest: &Path,
        variables: &[(&str, &str)],
        in_place: bool,
        logs: &Path,
    ) -> Self {
        use std::os::unix::process::CommandExt;
        let _ = std::fs::remove_dir_all(logs);
        std::fs::create_dir_all(logs).unwrap();
        let console = logs.join("spin.log");
        for _attempt in 0..3 {
            let addr = free_port();
            let mut cmd = Command::new(bin);
            // From the app's directory, as a user runs it: with --direct-mounts, Spin 4.1
            // resolves mount sources against the working directory, not the manifest's.
            cmd.current_dir(manifest.parent().unwrap())
                .arg("up")
                .arg("--from")
                .arg(manifest)
                .arg("--listen")
                .arg(addr.to_string())
                .arg("--log-dir")
                .arg(logs)
                .arg("--state-dir")
                .arg(logs.join("state"));
            if in_place {
                cmd.arg("--direct-mounts");
            }
            for (name, value) in variables {
                cmd.arg("--variable").arg(format!("{name}={value}"));
            }
            let out = std::fs::File::create(&console).unwrap();
            cmd.stdin(Stdio::null())
                .stdout(out.try_clone().unwrap())
                .stderr(out)
                .process_group(0);
            let child = cmd
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
            track(child.id());
            let mut process = SpinProcess {
                child,
                addr,
                console: console.clone(),
            };
            match process.wait_ready(Duration::from_secs(120)) {
                Ok(()) => return process,
                // Someone took the port between our probe and Spin's bind: try another.
                Err(log) if log.contains("Address already in use") => continue,
                Err(log) => panic!(
                    "spin up --from {} did not start:\n{log}",
                    manifest.display()
                ),
            }
        }
        panic!("spin up: no free port after three tries");
    }

    /// Waits until the listener accepts connections; the console output if Spin exits first.
    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        let path = self.console.clone();
        let console = || std::fs::read_to_string(&path).unwrap_or_default();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("(exit {status})\n{}", console()));
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("(not listening after {limit:?})\n{}", console()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SpinProcess {
    fn drop(&mut self) {
        kill_group(self.child.id());
        let _ = self.child.wait();
    }
}

/// The summed `VmRSS` of the processes whose process group is `pgid`.
fn group_rss_bytes(pgid: u32) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid pgrp ...`: comm may hold spaces, so split after its `)`.
        let Some(rest) = stat.rsplit_once(") ").map(|(_, r)| r) else {
            continue;
        };
        if rest.split(' ').nth(2) != Some(&pgid.to_string()) {
            continue;
        }
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        total += kib * 1024;
    }
    total
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().unwrap()
}

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
    fn atexit(callback: extern "C" fn()) -> i32;
}

const SIGKILL: i32 = 9;

static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Statics are never dropped: the Spin processes they hold are killed at exit instead.
fn track(pid: u32) {
    let mut groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    if groups.is_empty() {
        unsafe { atexit(kill_all) };
    }
    groups.push(pid);
}

extern "C" fn kill_all() {
    let groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    for &pid in groups.iter() {
        unsafe { kill(-(pid as i32), SIGKILL) };
    }
}

fn kill_group(pid: u32) {
    unsafe { kill(-(pid as i32), SIGKILL) };
    GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|&p| p != pid);
}
