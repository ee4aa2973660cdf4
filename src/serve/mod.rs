//! `caseload serve`: the workshop page, live what-ifs in a browser.
//!
//! A thin HTTP front end (axum on tokio) over the same typed pipeline as
//! the command line: a request's plan becomes a scenario in one place
//! (`plan`), is simulated by the runner on the shared worker pool, compared
//! with the starting position on common random numbers (the analysis
//! layer, as `compare` does) and rendered by `output` (the headline words,
//! the SVG charts, the drivers). `api` holds the handlers and the limits;
//! the page itself (`assets/`) is compiled in, so the server reads no file
//! but the scenarios named on its command line, read once at start.
//!
//! Load: simulations run one at a time on a blocking thread (each uses
//! every core through the runner's pool), behind a short queue; a newer
//! request of the same page supersedes its older ones still queued, which
//! are answered 409; a full queue is answered 503.

mod api;
pub mod plan;

use crate::error::{Error, Result};
use crate::la;
use crate::runner;
use crate::scenario::Loaded;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State as Shared};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// The largest request body the server reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Connections open at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 256;
/// A connection that neither sends nor takes a byte for this long is
/// closed (longer than a request may wait for its turn).
pub const IDLE: Duration = Duration::from_secs(60);
/// How long answers in flight may take to finish once the server is told
/// to stop.
pub const DRAIN: Duration = Duration::from_secs(5);

/// What the server is started with: where to listen and the scenario files
/// the page may start from, already read and checked.
#[derive(Debug, Clone)]
pub struct Config {
    pub address: SocketAddr,
    pub files: Vec<Loaded>,
}

/// A bound server, not yet answering.
pub struct Server {
    listener: TcpListener,
    state: Arc<api::State>,
    address: SocketAddr,
}

/// Binds the address. A port in use or an address that is not this
/// computer's is a usage error (exit 2).
pub async fn bind(config: Config) -> Result<Server> {
    let listener = TcpListener::bind(config.address).await.map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "port {} is in use (is another caseload serve running?); choose another with --port",
                config.address.port()
            ),
            std::io::ErrorKind::AddrNotAvailable => {
                "that address is not one of this computer's; use 127.0.0.1 (this computer only)".to_string()
            }
            std::io::ErrorKind::PermissionDenied => format!(
                "not allowed to listen on port {} (ports below 1024 need an administrator); choose another with --port",
                config.address.port()
            ),
            _ => e.to_string(),
        };
        Error::Usage(format!("serve: cannot listen on {}: {why}", config.address))
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("serve: cannot listen on {}: {e}", config.address)))?;
    let figures = la::Figures::embedded()?;
    let starts = config
        .files
        .iter()
        .map(|l| plan::Start::file(l).map(Arc::new))
        .collect::<Result<Vec<_>>>()?;
    let pool = runner::pool(None).map_err(|e| Error::Internal(format!("serve: cannot start the workers: {e}")))?;
    let state = Arc::new(api::State::new(figures, starts, pool, address));
    Ok(Server {
        listener,
        state,
        address,
    })
}

impl Server {
    /// The address it listens on (with the port chosen when 0 was asked).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Answers until `shutdown` completes, then finishes the answers in
    /// flight, for at most [`DRAIN`].
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let app = router(self.state);
        let listener = Guarded {
            inner: self.listener,
            slots: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
        };
        let stopping = Arc::new(tokio::sync::Notify::new());
        let told = stopping.clone();
        let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
            shutdown.await;
            told.notify_one();
        });
        tokio::select! {
            done = async { serving.await } => done.map_err(|e| Error::io(format!("serve on {}", self.address), e)),
            () = async { stopping.notified().await; tokio::time::sleep(DRAIN).await } => Ok(()),
        }
    }
}

/// The listener, bounded: at most [`MAX_CONNECTIONS`] open at once, each
/// closed after [`IDLE`] without a byte either way, so that slow or silent
/// clients cannot hold the server.
struct Guarded {
    inner: TcpListener,
    slots: Arc<Semaphore>,
}

impl axum::serve::Listener for Guarded {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        loop {
            let Ok(slot) = self.slots.clone().acquire_owned().await else {
                // The semaphore is never closed; were it, accept nothing more.
                std::future::pending::<()>().await;
                continue;
            };
            match self.inner.accept().await {
                Ok((io, address)) => {
                    let _ = io.set_nodelay(true);
                    let connection = Connection {
                        io,
                        _slot: slot,
                        idle: Box::pin(tokio::time::sleep(IDLE)),
                    };
                    return (connection, address);
                }
                // Out of file descriptors and the like: wait, then go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// One accepted connection, holding its slot until it closes.
struct Connection {
    io: TcpStream,
    _slot: OwnedSemaphorePermit,
    idle: Pin<Box<Sleep>>,
}

impl Connection {
    fn active(&mut self) {
        self.idle.as_mut().reset(Instant::now() + IDLE);
    }

    /// Ready with an error once the connection has been idle too long.
    fn timed_out(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.idle.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the connection was idle too long",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(done) => {
                this.active();
                Poll::Ready(done)
            }
            Poll::Pending => this.timed_out(cx),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Ready(done) => {
                this.active();
                Poll::Ready(done)
            }
            Poll::Pending => this.timed_out(cx).map(|r| r.map(|()| 0)),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// Every route, with the body limit and the checks every request passes.
fn router(state: Arc<api::State>) -> Router {
    Router::new()
        .route("/", get(api::page))
        .route("/page.js", get(api::script))
        .route("/page.css", get(api::style))
        .route("/api/starts", get(api::starts))
        .route("/api/start", post(api::start))
        .route("/api/plan", post(api::plan))
        .route("/api/report", post(api::report))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Refuses a request for another host name when listening on loopback (a
/// web page elsewhere cannot reach the server through a name that points
/// here), a plan that is not JSON or that another site's page posts, and
/// marks every answer as not to be sniffed, framed or cached.
async fn guard(Shared(state): Shared<Arc<api::State>>, request: Request, next: Next) -> Response {
    if state.loopback {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !api::is_local_host(host) {
            return api::error(
                StatusCode::MISDIRECTED_REQUEST,
                "this server answers only to 127.0.0.1, localhost or [::1]",
            )
            .into_response();
        }
    }
    if request.method() == axum::http::Method::POST {
        let headers = request.headers();
        let text = |name| headers.get(name).and_then(|h: &HeaderValue| h.to_str().ok());
        if !text(header::CONTENT_TYPE).is_some_and(|t| t.starts_with("application/json")) {
            return api::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the plan as JSON, with Content-Type: application/json",
            )
            .into_response();
        }
        // Another site's page in the same browser may not post plans here.
        if let Some(origin) = text(header::ORIGIN) {
            let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            if Some(authority) != text(header::HOST) {
                return api::error(
                    StatusCode::FORBIDDEN,
                    "plans are taken only from the workshop page itself",
                )
                .into_response();
            }
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}

/// Whether an address reaches only this computer.
pub fn is_loopback(address: &SocketAddr) -> bool {
    address.ip().is_loopback()
}

/// A server answering on a runtime of its own thread, until dropped: for
/// tests, and for anything that embeds the page.
pub struct Running {
    pub address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

/// Starts a server on a thread of its own and returns once it listens.
pub fn spawn(config: Config) -> Result<Running> {
    let runtime = runtime()?;
    let server = runtime.block_on(bind(config))?;
    let address = server.address();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        runtime.block_on(server.run(async move {
            let _ = stopped.await;
        }))
    });
    Ok(Running {
        address,
        stop: Some(stop),
        thread: Some(thread),
    })
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The runtime the server answers on: two threads are plenty, since the
/// simulations run on the runner's pool.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("serve: cannot start the server's runtime: {e}")))
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
pub async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_keep_the_page_to_this_computer() {
        for local in ["127.0.0.1:8765", "127.0.0.2:1", "[::1]:8765"] {
            assert!(is_loopback(&local.parse().unwrap()), "{local}");
        }
        for open in ["0.0.0.0:8765", "[::]:8765", "192.168.1.5:8765", "10.0.0.1:80"] {
            assert!(!is_loopback(&open.parse().unwrap()), "{open}");
        }
    }

    #[test]
    fn host_names_of_this_computer_are_local_whatever_the_port_or_case() {
        for host in ["127.0.0.1:8765", "localhost", "LocalHost:1", "[::1]:8765", "[::1]"] {
            assert!(api::is_local_host(host), "{host}");
        }
        for host in [
            "",
            "attacker.example",
            "127.0.0.1.attacker.example:80",
            "localhost.example",
            "[::2]:1",
        ] {
            assert!(!api::is_local_host(host), "{host}");
        }
    }
}
