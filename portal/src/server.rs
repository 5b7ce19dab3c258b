//! The HTTP server under [`crate::serve`]: accepts connections under a
//! total and a per-address cap, gives each connection a deadline to send
//! its request head and each request a deadline to send its body, and
//! closes connections that go idle, so slow or greedy clients cannot hold
//! the portal's descriptors or handlers.
//!
//! HTTP/1.1 through hyper's connection builder (axum's `serve` exposes no
//! header timeout). The caps and timeouts are [`ServerConfig`]'s.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt as _;

use crate::config::ServerConfig;

/// Descriptors kept for the database, agent files and the compiled cache
/// when the connection cap is fitted to the open-files limit.
const RESERVED_DESCRIPTORS: usize = 128;

/// How long open connections get to finish after shutdown is asked for
/// (progress streams never finish on their own).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// What a connection over a cap is told before it is closed.
const OVER_CAP_RESPONSE: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\n\
content-length: 0\r\nconnection: close\r\n\r\n";

/// How long a request may take to send its body: the base timeout plus
/// one second per `body_min_bytes_per_sec` bytes its `Content-Length`
/// declares (none for a chunked body: it gets the base alone).
fn body_deadline(config: &ServerConfig, headers: &hyper::HeaderMap) -> Duration {
    let declared = headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
        .unwrap_or(0);
    let allowance_ms = declared.saturating_mul(1000) / config.body_min_bytes_per_sec.max(1);
    Duration::from_millis(
        config
            .body_read_timeout_ms
            .max(1)
            .saturating_add(allowance_ms),
    )
}

/// A request body that fails once its deadline passes, so a client that
/// trickles a body a byte at a time (never idle, never done) cannot hold a
/// connection and a handler; the handler sees a body error and answers.
struct DeadlineBody<B> {
    inner: B,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl<B> DeadlineBody<B> {
    fn new(inner: B, within: Duration) -> DeadlineBody<B> {
        DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(within)),
        }
    }
}

/// The error a body whose deadline passed reports.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTooSlow;

impl<B> http_body::Body for DeadlineBody<B>
where
    B: http_body::Body + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = B::Data;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        if self.inner.is_end_stream() {
            return Pin::new(&mut self.inner).poll_frame(cx).map_err(Into::into);
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(BodyTooSlow))));
        }
        Pin::new(&mut self.inner).poll_frame(cx).map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Open connections, in all and per client address.
#[derive(Debug)]
struct Caps {
    total: usize,
    per_ip: usize,
    open: Mutex<OpenConnections>,
    count: AtomicUsize,
}

#[derive(Debug, Default)]
struct OpenConnections {
    total: usize,
    by_ip: HashMap<IpAddr, usize>,
}

/// One admitted connection; released when dropped.
#[derive(Debug)]
struct Slot {
    caps: Arc<Caps>,
    ip: IpAddr,
}

impl Caps {
    fn admit(caps: &Arc<Caps>, ip: IpAddr) -> Option<Slot> {
        let mut open = caps.open.lock().ok()?;
        let from_ip = open.by_ip.get(&ip).copied().unwrap_or(0);
        if open.total >= caps.total || from_ip >= caps.per_ip {
            return None;
        }
        open.total += 1;
        open.by_ip.insert(ip, from_ip + 1);
        caps.count.store(open.total, Ordering::Relaxed);
        Some(Slot {
            caps: Arc::clone(caps),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.caps.open.lock() {
            open.total = open.total.saturating_sub(1);
            if let Some(n) = open.by_ip.get_mut(&self.ip) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    open.by_ip.remove(&self.ip);
                }
            }
            self.caps.count.store(open.total, Ordering::Relaxed);
        }
    }
}

/// The open-files soft limit of this process, when it can be read
/// (`/proc/self/limits`, Linux).
fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files")
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The total connection cap in effect: the configured one, lowered to fit
/// the open-files limit (less [`RESERVED_DESCRIPTORS`]).
pub fn effective_max_connections(config: &ServerConfig) -> usize {
    let wanted = config.max_connections.max(1);
    match open_files_limit() {
        Some(limit) if limit.saturating_sub(RESERVED_DESCRIPTORS) < wanted => {
            let fitted = limit.saturating_sub(RESERVED_DESCRIPTORS).max(16);
            tracing::warn!(
                configured = wanted,
                open_files_limit = limit,
                cap = fitted,
                "server.max_connections lowered to fit the open-files limit"
            );
            fitted
        }
        _ => wanted,
    }
}

/// A socket that notes when it last read or wrote a byte.
struct Tracked<T> {
    inner: T,
    epoch: Instant,
    last_active_ms: Arc<AtomicU64>,
}

impl<T> Tracked<T> {
    fn touch(&self) {
        let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_active_ms.store(ms, Ordering::Relaxed);
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tracked<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tracked<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Counts a request in flight until dropped.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn new(count: &Arc<AtomicUsize>) -> InFlight {
        count.fetch_add(1, Ordering::Relaxed);
        InFlight(Arc::clone(count))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then gives open
/// connections [`SHUTDOWN_GRACE`] to finish.
pub async fn run(
    listener: TcpListener,
    router: Router,
    config: &ServerConfig,
    shutdown: impl Future<Output = ()> + Send,
) {
    let caps = Arc::new(Caps {
        total: effective_max_connections(config),
        per_ip: config.max_connections_per_ip.max(1),
        open: Mutex::new(OpenConnections::default()),
        count: AtomicUsize::new(0),
    });
    let (stop, stopped) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, remote)) => match Caps::admit(&caps, remote.ip()) {
                Some(slot) => {
                    tokio::spawn(connection(
                        stream,
                        remote,
                        router.clone(),
                        config.clone(),
                        stopped.clone(),
                        slot,
                    ));
                }
                None => {
                    tracing::debug!(%remote, "connection over the cap refused");
                    // Best effort, never waits: the socket is closed next.
                    let _ = stream.try_write(OVER_CAP_RESPONSE);
                }
            },
            Err(err) => {
                // Out of descriptors or a connection reset before accept:
                // wait a little rather than spin.
                tracing::warn!("accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    drop(listener);
    let _ = stop.send(true);
    let deadline = Instant::now() + SHUTDOWN_GRACE;
    while caps.count.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One connection: HTTP/1.1 with the header deadline, closed when idle.
async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    router: Router,
    config: ServerConfig,
    mut stopped: watch::Receiver<bool>,
    _slot: Slot,
) {
    let _ = stream.set_nodelay(true);
    let last_active_ms = Arc::new(AtomicU64::new(0));
    let epoch = Instant::now();
    let io = TokioIo::new(Tracked {
        inner: stream,
        epoch,
        last_active_ms: Arc::clone(&last_active_ms),
    });
    let in_flight = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&in_flight);
    let body_config = config.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(remote));
        let guard = InFlight::new(&counter);
        let deadline = body_deadline(&body_config, request.headers());
        let request = request.map(|body| axum::body::Body::new(DeadlineBody::new(body, deadline)));
        let response = router.clone().oneshot(request);
        async move {
            let response = response.await;
            drop(guard);
            response
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_millis(config.header_read_timeout_ms.max(1)))
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let idle = Duration::from_millis(config.idle_timeout_ms.max(1));
    let mut ticker =
        tokio::time::interval((idle / 4).clamp(Duration::from_millis(10), Duration::from_secs(1)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            served = conn.as_mut() => {
                if let Err(err) = served {
                    tracing::debug!(%remote, "connection closed: {err}");
                }
                return;
            }
            _ = ticker.tick() => {
                let since = epoch.elapsed().saturating_sub(Duration::from_millis(
                    last_active_ms.load(Ordering::Relaxed),
                ));
                // A request in flight (a handler at work, an upload whose
                // body has its own read deadline) is not idleness.
                if since >= idle && in_flight.load(Ordering::Relaxed) == 0 {
                    tracing::debug!(%remote, "idle connection closed");
                    return;
                }
            }
            changed = stopped.changed(), if !shutting_down => {
                shutting_down = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}
