//! `spin-local up`: run a Spin app locally without the Spin CLI (flags mirror `spin up`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use spin_local::HostOptions;

/// Each request allocates and frees a Store, its WASI and HTTP contexts, header maps and
/// resource tables, from whichever worker thread runs it. With mimalloc's per-thread heaps
/// the host spent 35 µs of CPU per request on `/` where it spent 38-39 with glibc's malloc
/// (2 cores, wrk -c32 on the same machine), +5-8% requests/s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
spin-local: run a Spin app's HTTP components locally (no Spin CLI needed)

USAGE:
    spin-local up [OPTIONS]
    spin-local componentize <MODULE> <OUT> [--proxy]   wrap a core module in a component
                                                      (the reactor adapter, or the proxy one)

OPTIONS:
    -f, --from <PATH>             The spin.toml to run, or its directory [default: ./spin.toml]
        --listen <ADDR>           Address to listen on [default: 127.0.0.1:3000]
        --request-timeout <SECS>  Per-request time limit for a component [default: 30]
        --memory-limit <MIB>      Per-request linear memory limit [default: 64]
        --cache-dir <DIR>         Compile cache [default: <manifest dir>/target/spin-local-cache]
        --variable <NAME=VALUE>   Value for a [variables] entry (repeatable); also read from
                                  SPIN_VARIABLE_<NAME>, as spin up does
    -h, --help                    Print this help
";

#[derive(Debug)]
struct UpArgs {
    from: PathBuf,
    opts: HostOptions,
}

#[derive(Debug)]
enum Command {
    Help,
    Up(UpArgs),
    Componentize {
        module: PathBuf,
        out: PathBuf,
        adapter: spin_local::componentize::Adapter,
    },
}

fn parse_args(args: &[String]) -> Result<Command> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some("up") => {}
        Some("componentize") => return parse_componentize(it.as_slice()),
        Some(other) => bail!("unknown command '{other}' (try `spin-local --help`)"),
    }
    let mut from = PathBuf::from("spin.toml");
    let mut opts = HostOptions::default();
    while let Some(arg) = it.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| anyhow!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "-f" | "--from" | "--file" => from = PathBuf::from(value(flag)?),
            "--listen" => {
                let v = value(flag)?;
                opts.listen = v.parse().with_context(|| {
                    format!("--listen: '{v}' is not an address like 127.0.0.1:3000")
                })?;
            }
            "--request-timeout" => {
                let v = value(flag)?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| {
                        anyhow!("--request-timeout: '{v}' is not a positive number of seconds")
                    })?;
                opts.request_timeout = Duration::from_secs_f64(secs);
            }
            "--memory-limit" => {
                let v = value(flag)?;
                let mib: usize = v.parse().ok().filter(|m| *m > 0).ok_or_else(|| {
                    anyhow!("--memory-limit: '{v}' is not a positive number of MiB")
                })?;
                opts.memory_limit_bytes = mib << 20;
            }
            "--cache-dir" => opts.cache_dir = Some(PathBuf::from(value(flag)?)),
            "--variable" => {
                let v = value(flag)?;
                let (name, val) = v.split_once('=').ok_or_else(|| {
                    anyhow!("--variable: '{v}' is not NAME=VALUE (e.g. cache_control=no-cache)")
                })?;
                opts.variables.push((name.to_string(), val.to_string()));
            }
            other => bail!("unknown option '{other}' (try `spin-local --help`)"),
        }
    }
    Ok(Command::Up(UpArgs { from, opts }))
}

fn parse_componentize(args: &[String]) -> Result<Command> {
    use spin_local::componentize::Adapter;
    let (flags, paths): (Vec<&String>, Vec<&String>) =
        args.iter().partition(|a| a.starts_with('-'));
    let adapter = match flags.as_slice() {
        [] => Adapter::Reactor,
        [f] if f.as_str() == "--proxy" => Adapter::Proxy,
        _ => bail!("componentize takes one flag, --proxy"),
    };
    match paths.as_slice() {
        [module, out] => Ok(Command::Componentize {
            module: PathBuf::from(module),
            out: PathBuf::from(out),
            adapter,
        }),
        _ => bail!("usage: spin-local componentize <MODULE> <OUT> [--proxy]"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let up = match parse_args(args)? {
        Command::Help => {
            print!("{USAGE}");
            return Ok(());
        }
        Command::Up(up) => up,
        Command::Componentize {
            module,
            out,
            adapter,
        } => {
            let bytes =
                std::fs::read(&module).with_context(|| format!("reading {}", module.display()))?;
            let component = spin_local::componentize::componentize_with(&bytes, adapter)?;
            std::fs::write(&out, component)
                .with_context(|| format!("writing {}", out.display()))?;
            return Ok(());
        }
    };
    let host = spin_local::start(&up.from, up.opts)?;

    for c in host.components() {
        let how = if c.from_cache {
            "compile cache"
        } else {
            "compiled"
        };
        eprintln!(
            "spin-local: component '{}' ready ({how}, {} ms)",
            c.id,
            c.load_time.as_millis()
        );
    }
    println!("\nServing {}", host.base_url());
    println!("Available Routes:");
    for r in host.routes() {
        println!("  {}: {}{}", r.component, host.base_url(), r.display);
    }

    wait_for_signal()?;
    eprintln!("spin-local: shutting down");
    host.shutdown();
    Ok(())
}

/// Blocks until Ctrl-C or SIGTERM.
fn wait_for_signal() -> Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            tokio::select! {
                r = tokio::signal::ctrl_c() => r?,
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        tokio::signal::ctrl_c().await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn up(s: &str) -> UpArgs {
        match parse_args(&args(s)).unwrap() {
            Command::Up(u) => u,
            other => panic!("not up: {other:?}"),
        }
    }

    #[test]
    fn defaults_and_flags() {
        let u = up("up");
        assert_eq!(u.from, PathBuf::from("spin.toml"));
        assert_eq!(u.opts.listen.to_string(), "127.0.0.1:3000");
        let u = up(
            "up --from x/spin.toml --listen 0.0.0.0:8080 --request-timeout 2.5 --memory-limit 16",
        );
        assert_eq!(u.from, PathBuf::from("x/spin.toml"));
        assert_eq!(u.opts.listen.to_string(), "0.0.0.0:8080");
        assert_eq!(u.opts.request_timeout, Duration::from_millis(2500));
        assert_eq!(u.opts.memory_limit_bytes, 16 << 20);
        let u = up("up -f app --listen=127.0.0.1:0");
        assert_eq!(u.from, PathBuf::from("app"));
        assert_eq!(u.opts.listen.port(), 0);
        assert_eq!(u.opts.cache_dir, None);
        let u = up("up --cache-dir /tmp/c");
        assert_eq!(u.opts.cache_dir, Some(PathBuf::from("/tmp/c")));
        let u = up("up --variable a=1 --variable=b=x=y --variable c=");
        let pair = |n: &str, v: &str| (n.to_string(), v.to_string());
        assert_eq!(
            u.opts.variables,
            vec![pair("a", "1"), pair("b", "x=y"), pair("c", "")]
        );
    }

    #[test]
    fn help_and_errors() {
        assert!(matches!(parse_args(&args("")).unwrap(), Command::Help));
        assert!(matches!(
            parse_args(&args("--help")).unwrap(),
            Command::Help
        ));
        assert!(matches!(parse_args(&args("up -h")).unwrap(), Command::Help));
        assert!(parse_args(&args("down")).is_err());
        assert!(parse_args(&args("up --listen")).is_err());
        assert!(parse_args(&args("up --listen nope")).is_err());
        assert!(parse_args(&args("up --bogus")).is_err());
        assert!(parse_args(&args("up --variable novalue")).is_err());
        assert!(parse_args(&args("componentize a.wasm")).is_err());
        assert!(parse_args(&args("componentize a.wasm b.wasm --bogus")).is_err());
        assert!(matches!(
            parse_args(&args("componentize a.wasm b.wasm --proxy")).unwrap(),
            Command::Componentize {
                adapter: spin_local::componentize::Adapter::Proxy,
                ..
            }
        ));
    }
}
