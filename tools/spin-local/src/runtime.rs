//! Per-request execution of one component: a fresh instance in a fresh `Store`, as in Spin.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use tokio::sync::oneshot;
use tokio::task::AbortHandle;
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Engine, Store, StoreLimits, StoreLimitsBuilder, UpdateDeadline};
use wasmtime_wasi::cli::OutputFile;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;
use wasmtime_wasi_http::{WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

use crate::files::Mount;
use crate::variables::{self, ComponentVariables};

/// Per-request resource limits.
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    pub timeout: Duration,
    pub memory_limit_bytes: usize,
}

/// The `T` of each request's `Store`.
pub struct HostState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    limits: StoreLimits,
    hooks: DenyOutbound,
    variables: ComponentVariables,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// Outbound HTTP is not offered (as in Spin with `allowed_outbound_hosts = []`): every request
/// a guest sends fails with `HttpRequestDenied`.
struct DenyOutbound {
    component: Arc<str>,
}

impl WasiHttpHooks for DenyOutbound {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        _options: Option<wasmtime_wasi_http::RequestOptions>,
        _fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<
        dyn Future<
                Output = wasmtime_wasi_http::Result<(
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
                )>,
            > + Send,
    > {
        eprintln!(
            "spin-local: component '{}' tried to send an HTTP request to {}; spin-local allows no outbound HTTP",
            self.component,
            request.uri()
        );
        Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) })
    }
}

/// WASI, `wasi:http` and Spin's variables for every component; other imports are handled
/// in `prepare`.
pub fn build_linker(engine: &Engine) -> Result<Linker<HostState>> {
    let mut linker = Linker::<HostState>::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    variables::add_to_linker::<_, HasSelf<ComponentVariables>>(&mut linker, |s| &mut s.variables)?;
    Ok(linker)
}

/// A component ready to serve: pre-instantiated, with its WASI environment.
pub struct ComponentRuntime {
    pub id: String,
    id_shared: Arc<str>,
    pre: ProxyPre<HostState>,
    env: Vec<(String, String)>,
    mounts: Vec<Mount>,
    limits: RequestLimits,
    /// Where the guest's stdout goes; `None`: the host's stdout.
    stdout: Option<OutputFile>,
    /// Where the guest's stderr goes; `None`: the host's stderr.
    stderr: Option<OutputFile>,
    variables: ComponentVariables,
}

impl ComponentRuntime {
    /// Links and pre-instantiates `component`. Imports this host does not provide (for example
    /// Spin's key-value or SQLite interfaces) become traps, so the component still loads and
    /// fails only if it calls them; the returned warnings say so.
    pub fn prepare(
        linker: &Linker<HostState>,
        id: &str,
        component: &Component,
        env: Vec<(String, String)>,
        mounts: Vec<Mount>,
        limits: RequestLimits,
    ) -> Result<(Self, Vec<String>)> {
        let mut warnings = Vec::new();
        let pre = match linker.instantiate_pre(component) {
            Ok(pre) => pre,
            Err(e) => {
                let mut lenient = linker.clone();
                lenient.define_unknown_imports_as_traps(component)?;
                let pre = lenient
                    .instantiate_pre(component)
                    .map_err(anyhow::Error::from)
                    .with_context(|| format!("cannot link component '{id}'"))?;
                warnings.push(format!(
                    "component '{id}' imports interfaces spin-local does not provide ({e:#}); calls to them will trap"
                ));
                pre
            }
        };
        let pre = ProxyPre::new(pre).map_err(anyhow::Error::from).with_context(|| {
            format!("component '{id}' does not export wasi:http/incoming-handler@0.2.x (is it a Spin HTTP component?)")
        })?;
        Ok((
            Self {
                id: id.to_string(),
                id_shared: Arc::from(id),
                pre,
                env,
                mounts,
                limits,
                stdout: None,
                stderr: None,
                variables: ComponentVariables::default(),
            },
            warnings,
        ))
    }

    /// Sends the guest's stdout to `file` instead of the host's stdout (the benchmarks send
    /// it to `/dev/null`: still a write per line, as with a redirected host).
    pub fn with_stdout(mut self, file: std::fs::File) -> Self {
        self.stdout = Some(OutputFile::new(file));
        self
    }

    /// Sends the guest's stderr to `file` instead of the host's stderr.
    pub fn with_stderr(mut self, file: std::fs::File) -> Self {
        self.stderr = Some(OutputFile::new(file));
        self
    }

    /// The values `fermyon:spin/variables.get` answers (none by default: every name is
    /// `undefined`, as for a component without `[component.ID.variables]`).
    pub fn with_variables(mut self, variables: ComponentVariables) -> Self {
        self.variables = variables;
        self
    }

    fn new_store(&self, deadline: Instant) -> Result<Store<HostState>> {
        let mut wasi = WasiCtxBuilder::new();
        match &self.stdout {
            Some(file) => wasi.stdout(file.clone()),
            None => wasi.inherit_stdout(),
        };
        match &self.stderr {
            Some(file) => wasi.stderr(file.clone()),
            None => wasi.inherit_stderr(),
        };
        wasi.envs(&self.env)
            // Small local files: reading them in place beats a hop to the blocking pool.
            .allow_blocking_current_thread(true)
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false);
        for m in &self.mounts {
            wasi.preopened_dir(&m.host, &m.guest, FsPerms::ReadOnly)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("cannot open {} for the guest", m.host.display()))?;
        }
        let state = HostState {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            limits: StoreLimitsBuilder::new()
                .memory_size(self.limits.memory_limit_bytes)
                .build(),
            hooks: DenyOutbound {
                component: self.id_shared.clone(),
            },
            variables: self.variables.clone(),
        };
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|s| &mut s.limits);
        // Each epoch tick: past the deadline, trap; otherwise yield so other requests (and the
        // timeout below) get to run even while this guest computes.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            if Instant::now() >= deadline {
                Err(wasmtime::format_err!("request deadline exceeded"))
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });
        Ok(store)
    }

    /// Runs the component on `req`. `Err` means the guest produced no response (trap,
    /// deadline, instantiation failure); the caller answers 500.
    pub async fn handle<B>(
        &self,
        req: hyper::Request<B>,
    ) -> Result<hyper::Response<HyperOutgoingBody>>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let timeout = self.limits.timeout;
        let mut store = self.new_store(Instant::now() + timeout)?;
        let (tx, mut rx) = oneshot::channel();
        let (request, outparam) = {
            let mut http = store.data_mut().http();
            let request = http.new_incoming_request(Scheme::Http, req)?;
            let outparam = http.new_response_outparam(tx)?;
            (request, outparam)
        };
        let pre = self.pre.clone();
        let mut guest: Pin<Box<dyn Future<Output = Result<()>> + Send>> = Box::pin(async move {
            let run = async {
                let proxy = pre
                    .instantiate_async(&mut store)
                    .await
                    .map_err(anyhow::Error::from)
                    .context("cannot instantiate the component")?;
                proxy
                    .wasi_http_incoming_handler()
                    .call_handle(&mut store, request, outparam)
                    .await
                    .map_err(anyhow::Error::from)
            };
            match tokio::time::timeout(timeout, run).await {
                Ok(r) => r,
                Err(_) => Err(anyhow!("request deadline of {timeout:?} exceeded")),
            }
        });

        // The guest runs right here, on the connection's task, until it has sent its response
        // head and then either returned or had to wait (typically for hyper to take a body
        // chunk). A small answer is then complete without a task or a hop to another worker
        // thread; only a guest still running past its head moves to a task of its own, to
        // stream the rest. Dropping this future (client gone before the head) stops the guest.
        let mut head = None;
        let finished = std::future::poll_fn(|cx| {
            if let Poll::Ready(result) = guest.as_mut().poll(cx) {
                return Poll::Ready(Some(result));
            }
            match Pin::new(&mut rx).poll(cx) {
                Poll::Ready(h) => {
                    head = Some(h);
                    Poll::Ready(None)
                }
                Poll::Pending => Poll::Pending,
            }
        })
        .await;

        let (head, abort) = match finished {
            // Returned (or trapped, or timed out): its head, if it sent one, is in the channel.
            Some(result) => match rx.try_recv() {
                Ok(head) => {
                    if let Err(e) = result {
                        eprintln!(
                            "spin-local: component '{}' failed after its response started (the body may be cut short): {e:#}",
                            self.id
                        );
                    }
                    (head, None)
                }
                Err(_) => {
                    result?;
                    bail!("the component returned without sending a response")
                }
            },
            // Head sent, guest still running: it streams the rest from a task of its own.
            None => {
                let head = head.expect("set with the head");
                let id = self.id_shared.clone();
                let task = tokio::spawn(async move {
                    if let Err(e) = guest.await {
                        eprintln!(
                            "spin-local: component '{id}' failed after its response started (the body may be cut short): {e:#}"
                        );
                    }
                });
                (
                    head.map_err(|_| anyhow!("the response channel closed"))?,
                    Some(task.abort_handle()),
                )
            }
        };
        let response = head.map_err(|code| {
            anyhow!("the component answered with error code {code:?} instead of a response")
        })?;
        Ok(response.map(|body| match abort {
            Some(abort) => AbortOnDropBody {
                body,
                abort: Some(abort),
            }
            .boxed_unsync(),
            None => body,
        }))
    }

    /// One request as [`handle`](Self::handle) runs it, but on the caller's task and with
    /// each phase timed, for the benchmarks' per-request breakdown. Returns the response's
    /// status and whole body.
    #[doc(hidden)]
    pub async fn handle_timed<B>(
        &self,
        req: hyper::Request<B>,
    ) -> Result<(PhaseTimes, http::StatusCode, Bytes)>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let mut t = PhaseTimes::default();
        let start = Instant::now();
        let mut store = self.new_store(start + self.limits.timeout)?;
        let (tx, rx) = oneshot::channel();
        let (request, outparam) = {
            let mut http = store.data_mut().http();
            (
                http.new_incoming_request(Scheme::Http, req)?,
                http.new_response_outparam(tx)?,
            )
        };
        let mark = Instant::now();
        t.store = mark - start;
        let proxy = self.pre.instantiate_async(&mut store).await?;
        let after_instantiate = Instant::now();
        t.instantiate = after_instantiate - mark;
        let call = proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, request, outparam);
        let read = async {
            let response = rx
                .await
                .map_err(|_| anyhow!("no response"))?
                .map_err(|code| anyhow!("error code {code:?}"))?;
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            anyhow::Ok((status, body))
        };
        let (called, read) = tokio::join!(call, read);
        called?;
        let (status, body) = read?;
        let after_handle = Instant::now();
        t.handle = after_handle - after_instantiate;
        drop(store);
        t.drop = after_handle.elapsed();
        Ok((t, status, body))
    }
}

/// Time spent in each phase of one request (see [`ComponentRuntime::handle_timed`]).
#[doc(hidden)]
#[derive(Debug, Default, Clone, Copy)]
pub struct PhaseTimes {
    /// WASI and HTTP contexts, the `Store`, the request and response-outparam resources.
    pub store: Duration,
    /// A fresh instance from the pre-instantiated component (pool slot, memory image).
    pub instantiate: Duration,
    /// The guest's handler, from the call to the last byte of the body (and the log line).
    pub handle: Duration,
    /// Dropping the `Store`: the instance goes back to the pool, its memory is reset.
    pub drop: Duration,
}

/// A response body that stops the guest when hyper drops it (client disconnected), as Spin does.
struct AbortOnDropBody {
    body: HyperOutgoingBody,
    abort: Option<AbortHandle>,
}

impl Drop for AbortOnDropBody {
    fn drop(&mut self) {
        if let Some(h) = self.abort.take() {
            h.abort();
        }
    }
}

impl Body for AbortOnDropBody {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
