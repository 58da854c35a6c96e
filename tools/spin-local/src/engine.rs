//! The Wasmtime engine and the on-disk compile cache.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::componentize;

/// How often the epoch advances. Guests yield to the scheduler and check their deadline once
/// per tick, so this is also the deadline's granularity.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Per slot, this much memory (and table) is reset in place rather than released to the kernel.
const KEEP_RESIDENT: usize = 4 << 20;

/// Sizing of the engine's instance pool.
#[derive(Debug, Clone, Copy)]
pub struct EngineLimits {
    /// Largest linear memory a guest may grow to (also the per-store cap).
    pub memory_limit_bytes: usize,
    /// Component instances alive at once (so: requests in flight).
    pub max_instances: u32,
}

/// Builds an engine with the pooling allocator, copy-on-write memory images and epoch
/// interruption (async support is always on in Wasmtime 48).
pub fn build_engine(limits: EngineLimits) -> Result<Engine> {
    let n = limits.max_instances.max(1);
    // Slots are sized for the memory cap, rounded up to whole 64 KiB pages.
    let memory = limits.memory_limit_bytes.div_ceil(65536).max(1) * 65536;
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(n)
        // A componentized module is the module, the adapter and a few small shim/fixup modules.
        .max_core_instances_per_component(32)
        .total_core_instances(n.saturating_mul(8))
        .max_memories_per_component(4)
        .total_memories(n.saturating_mul(2))
        .max_tables_per_component(8)
        .total_tables(n.saturating_mul(4))
        .total_stacks(n)
        .max_memory_size(memory);
    // Where Linux's PAGEMAP_SCAN can find the pages a request dirtied (kernel 6.7+), reset just
    // those in place instead of madvise: pages stay resident, so the next instance takes no page
    // faults and no TLB-shootdown IPIs hit the other cores (+50% requests/s measured). Without
    // it, keeping memory resident would mean a memset of the whole low region every request.
    if PoolingAllocationConfig::is_pagemap_scan_available() {
        pool.pagemap_scan(wasmtime::Enabled::Yes)
            .linear_memory_keep_resident(KEEP_RESIDENT)
            .table_keep_resident(KEEP_RESIDENT);
    }

    let mut config = Config::new();
    config
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        .epoch_interruption(true)
        .memory_init_cow(true)
        // Reserve only what a memory may use instead of 4 GiB per slot: a few hundred slots
        // then need tens of GiB of address space rather than terabytes. The price is explicit
        // bounds checks in compiled code, small next to per-request instantiation costs.
        .memory_reservation(memory as u64)
        .memory_reservation_for_growth(0)
        // No guard pages and no signal handlers: every bounds check is explicit (with a
        // reservation this small most already were), so a slot's memory is never protected
        // again once a guest has grown into it. With guard pages, Wasmtime `mprotect`s a slot
        // back to its initial size on each instantiation and open again on each `memory.grow`
        // (three calls per request here: the adapter and the allocator both grow memory),
        // and every one of those shoots down the TLBs of the other cores. Measured on 2 cores:
        // about a third fewer host CPU cycles per request, +40% requests/s.
        // The price: Wasmtime then requires Cranelift's Spectre hardening of bounds checks
        // off. Acceptable for a local host that runs the developer's own components; not a
        // setting for a multi-tenant runtime (Spin keeps Wasmtime's defaults).
        .signals_based_traps(false)
        .memory_guard_size(0)
        .guard_before_linear_memory(false);
    // SAFETY: these flags only select how bounds checks are compiled (see above); Wasmtime
    // refuses signals_based_traps(false) unless both are off.
    unsafe {
        config
            .cranelift_flag_set("enable_heap_access_spectre_mitigation", "false")
            .cranelift_flag_set("enable_table_access_spectre_mitigation", "false");
    }
    // `perf record` can name JIT-compiled guest functions (from the module's name section,
    // when it has one) with `SPIN_LOCAL_PERFMAP=1`, which writes /tmp/perf-<pid>.map.
    if std::env::var_os("SPIN_LOCAL_PERFMAP").is_some_and(|v| v == "1") {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    Engine::new(&config)
        .map_err(anyhow::Error::from)
        .context("cannot create the Wasmtime engine")
}

/// Advances the engine's epoch on a dedicated thread (not a tokio task: guests that never
/// yield could otherwise starve it) until the returned guard is dropped.
pub struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EpochTicker {
    pub fn start(engine: &Engine) -> Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let engine = engine.weak();
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("spin-local-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    match engine.upgrade() {
                        Some(e) => e.increment_epoch(),
                        None => break,
                    }
                }
            })?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// How a component was obtained, for start-up reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    Hit,
    Compiled,
}

/// Loads `wasm` (module or component bytes) as a component: from the cache under `cache_dir`
/// when an entry for these bytes and this engine exists, otherwise componentize, compile with
/// Cranelift and store the result for next time.
pub fn load_component(
    engine: &Engine,
    id: &str,
    wasm: &[u8],
    cache_dir: &Path,
) -> Result<(Component, CacheOutcome, Duration)> {
    let started = Instant::now();
    let key = cache_key(engine, wasm);
    let file_stem = format!("{}-", crate::files::sanitize_id(id));
    let path = cache_dir.join(format!("{file_stem}{key}.cwasm"));

    if path.is_file() {
        // SAFETY: the file was written by `precompile_component` of an engine with the same
        // compatibility hash (it is in the key) and is replaced only by atomic renames, so it is
        // a valid, unchanging artifact. A corrupt or foreign file fails the header checks in
        // `deserialize_file` and we fall back to compiling.
        match unsafe { Component::deserialize_file(engine, &path) } {
            Ok(c) => return Ok((c, CacheOutcome::Hit, started.elapsed())),
            Err(e) => eprintln!(
                "spin-local: ignoring unusable compile cache {}: {e:#}",
                path.display()
            ),
        }
    }

    let component_bytes = componentize::componentize(wasm)?;
    let compiled = engine
        .precompile_component(&component_bytes)
        .map_err(anyhow::Error::from)
        .context("cannot compile the component")?;
    // SAFETY: `compiled` was just produced by this engine.
    let component = unsafe { Component::deserialize(engine, &compiled) }?;
    if let Err(e) = store_atomically(cache_dir, &path, &compiled) {
        eprintln!(
            "spin-local: cannot write compile cache {}: {e:#}",
            path.display()
        );
    } else {
        prune_siblings(cache_dir, &file_stem, &path);
    }
    Ok((component, CacheOutcome::Compiled, started.elapsed()))
}

/// Hash of the source bytes, the adapter (used when the source is a core module) and the
/// engine's compatibility hash (Wasmtime version, target, settings).
fn cache_key(engine: &Engine, wasm: &[u8]) -> String {
    struct ShaHasher<'a>(&'a mut Sha256);
    impl Hasher for ShaHasher<'_> {
        fn finish(&self) -> u64 {
            0
        }
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
    }
    let mut sha = Sha256::new();
    sha.update(b"spin-local compile cache v1\0");
    sha.update((wasm.len() as u64).to_le_bytes());
    sha.update(wasm);
    sha.update(componentize::adapter_fingerprint());
    std::hash::Hash::hash(
        &engine.precompile_compatibility_hash(),
        &mut ShaHasher(&mut sha),
    );
    sha.finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn store_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp: PathBuf = dir.join(format!(".tmp-{}.cwasm", crate::unique_suffix()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(())
}

/// Removes cache entries for the same component built from other bytes (best effort).
fn prune_siblings(dir: &Path, stem: &str, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name
            .strip_prefix(stem)
            .and_then(|rest| rest.strip_suffix(".cwasm"))
            .is_some_and(|h| h.len() == 24 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if ours && e.path() != keep {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
