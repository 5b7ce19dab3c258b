//! WASI 0.2, deny by default: the per-case [`WasiCtx`] (no preopens, no
//! network, no environment, empty stdin, capped stdout/stderr, virtual
//! clocks, seeded randomness) and the linker overrides that record network
//! attempts and keep sleeps from blocking the host.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, Resource};
use wasmtime_wasi::p2::bindings::sockets::ip_name_lookup::ResolveAddressStream;
use wasmtime_wasi::p2::bindings::sockets::network::{ErrorCode, IpAddressFamily};
use wasmtime_wasi::p2::bindings::sockets::tcp::TcpSocket;
use wasmtime_wasi::p2::bindings::sockets::udp::UdpSocket;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::p2::{DynPollable, Network, Pollable, subscribe};
use wasmtime_wasi::sockets::SocketAddrUse;
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder};

use crate::host::HostState;

/// How far the virtual clocks move on every read: 1 µs.
const CLOCK_STEP_NS: u64 = 1_000;
/// The WASI 0.2 version wasmtime-wasi 48 links; imports of other 0.2.x
/// versions resolve to it through semver matching.
const WASI_VERSION: &str = "0.2.12";

/// What kind of access the agent attempted and was denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeniedKind {
    /// A TCP connect, bind, listen or accept.
    Tcp,
    /// A UDP bind, send or receive.
    Udp,
    /// A DNS lookup (`wasi:sockets/ip-name-lookup`).
    NameLookup,
}

impl DeniedKind {
    /// `tcp`, `udp` or `name_lookup`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeniedKind::Tcp => "tcp",
            DeniedKind::Udp => "udp",
            DeniedKind::NameLookup => "name_lookup",
        }
    }
}

/// One denied attempt that reached the host.
///
/// File access never reaches the host: with no preopened directories the
/// agent's own libc fails the call before asking, so it is not recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeniedAccess {
    /// What was attempted.
    pub kind: DeniedKind,
    /// The operation: `create-socket` (TCP and UDP are refused when the
    /// socket is created, before any address is known), `resolve` (DNS), or
    /// `connect`, `bind`... should an address ever reach the host.
    pub operation: &'static str,
    /// The address family (`ipv4`, `ipv6`), address or host name, capped at
    /// 256 bytes.
    pub target: String,
}

/// The denied attempts of one case, shared with the socket check closure.
#[derive(Clone, Debug, Default)]
pub(crate) struct DeniedLog(Arc<Mutex<Vec<DeniedAccess>>>);

/// At most this many denied attempts are kept per case.
const MAX_DENIED_RECORDS: usize = 100;

impl DeniedLog {
    fn record(&self, access: DeniedAccess) {
        let mut records = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if records.len() < MAX_DENIED_RECORDS {
            records.push(access);
        }
    }

    pub(crate) fn take(&self) -> Vec<DeniedAccess> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A deterministic clock: starts at the case's start time and moves by a
/// fixed step on every read, and by the requested duration on every sleep.
#[derive(Debug)]
pub(crate) struct VirtualClock {
    start_unix_ns: u64,
    elapsed_ns: AtomicU64,
}

impl VirtualClock {
    pub(crate) fn new(start_unix_ns: u64) -> Self {
        VirtualClock {
            start_unix_ns,
            elapsed_ns: AtomicU64::new(0),
        }
    }

    /// Moves the clock one step and returns the nanoseconds since the start.
    fn tick(&self) -> u64 {
        self.advance(CLOCK_STEP_NS)
    }

    /// Moves the clock by `ns` and returns the nanoseconds since the start.
    fn advance(&self, ns: u64) -> u64 {
        let mut now = self.elapsed_ns.load(Ordering::Relaxed);
        loop {
            let next = now.saturating_add(ns);
            match self.elapsed_ns.compare_exchange_weak(
                now,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next,
                Err(actual) => now = actual,
            }
        }
    }

    fn elapsed(&self) -> u64 {
        self.elapsed_ns.load(Ordering::Relaxed)
    }
}

struct WallClock(Arc<VirtualClock>);

impl HostWallClock for WallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(CLOCK_STEP_NS)
    }

    fn now(&self) -> Duration {
        Duration::from_nanos(self.0.start_unix_ns.saturating_add(self.0.tick()))
    }
}

struct MonotonicClock(Arc<VirtualClock>);

impl HostMonotonicClock for MonotonicClock {
    fn resolution(&self) -> u64 {
        CLOCK_STEP_NS
    }

    fn now(&self) -> u64 {
        self.0.tick()
    }
}

/// The WASI side of one case.
pub(crate) struct CaseWasi {
    pub(crate) ctx: WasiCtx,
    pub(crate) stdout: MemoryOutputPipe,
    pub(crate) stderr: MemoryOutputPipe,
    pub(crate) clock: Arc<VirtualClock>,
    pub(crate) denied: DeniedLog,
}

/// Builds the locked-down WASI context of one case.
pub(crate) fn case_wasi(seed: u64, clock_start_unix_ns: u64, max_stdio_bytes: usize) -> CaseWasi {
    let stdout = MemoryOutputPipe::new(max_stdio_bytes);
    let stderr = MemoryOutputPipe::new(max_stdio_bytes);
    let clock = Arc::new(VirtualClock::new(clock_start_unix_ns));
    let denied = DeniedLog::default();
    let check_log = denied.clone();

    let mut builder = WasiCtxBuilder::new();
    // Defaults already give: stdin closed (reads see end of stream), no
    // environment, no arguments, no preopens, name lookup denied.
    builder
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .wall_clock(WallClock(clock.clone()))
        .monotonic_clock(MonotonicClock(clock.clone()))
        .secure_random(StdRng::seed_from_u64(mix(seed, 1)))
        .insecure_random(StdRng::seed_from_u64(mix(seed, 2)))
        .insecure_random_seed(u128::from(mix(seed, 3)) << 64 | u128::from(mix(seed, 4)))
        .max_random_size(1 << 20)
        .allow_ip_name_lookup(false)
        .socket_addr_check(move |addr: SocketAddr, usage: SocketAddrUse| {
            let (kind, operation) = describe_use(usage);
            check_log.record(DeniedAccess {
                kind,
                operation,
                target: addr.to_string(),
            });
            Box::pin(async { false })
        });
    CaseWasi {
        ctx: builder.build(),
        stdout,
        stderr,
        clock,
        denied,
    }
}

/// SplitMix64 of `seed` and a stream number: independent seeds per generator.
fn mix(seed: u64, stream: u64) -> u64 {
    let mut z = seed.wrapping_add(stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn describe_use(usage: SocketAddrUse) -> (DeniedKind, &'static str) {
    match usage {
        SocketAddrUse::TcpBind => (DeniedKind::Tcp, "bind"),
        SocketAddrUse::TcpListen => (DeniedKind::Tcp, "listen"),
        SocketAddrUse::TcpAccept => (DeniedKind::Tcp, "accept"),
        SocketAddrUse::TcpConnect => (DeniedKind::Tcp, "connect"),
        SocketAddrUse::UdpBind => (DeniedKind::Udp, "bind"),
        SocketAddrUse::UdpSend => (DeniedKind::Udp, "send"),
        SocketAddrUse::UdpReceive => (DeniedKind::Udp, "receive"),
    }
}

/// A pollable that is ready at once: sleeps complete in virtual time.
struct Ready;

#[wasmtime_wasi::async_trait]
impl Pollable for Ready {
    async fn ready(&mut self) {}
}

/// Links WASI 0.2 and overrides what must not touch the real world: DNS
/// lookups and socket creation are recorded and denied, sleeps advance the virtual clock instead
/// of blocking the host thread (neither fuel nor epochs interrupt a blocked
/// host call).
pub(crate) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    wasmtime_wasi::p2::add_to_linker_sync(linker)?;
    linker.allow_shadowing(true);

    let mut lookup = linker.instance(&format!("wasi:sockets/ip-name-lookup@{WASI_VERSION}"))?;
    lookup.func_wrap(
        "resolve-addresses",
        |store: StoreContextMut<'_, HostState>,
         (_network, name): (Resource<Network>, String)|
         -> wasmtime::Result<(Result<Resource<ResolveAddressStream>, ErrorCode>,)> {
            let mut target = name;
            crate::text::truncate(&mut target, 256);
            store.data().denied.record(DeniedAccess {
                kind: DeniedKind::NameLookup,
                operation: "resolve",
                target,
            });
            Ok((Err(ErrorCode::AccessDenied),))
        },
    )?;

    // TCP and UDP are disabled in the context, so sockets are refused at
    // creation, before any address is known; record the attempt there.
    let mut tcp = linker.instance(&format!("wasi:sockets/tcp-create-socket@{WASI_VERSION}"))?;
    tcp.func_wrap(
        "create-tcp-socket",
        |store: StoreContextMut<'_, HostState>,
         (family,): (IpAddressFamily,)|
         -> wasmtime::Result<(Result<Resource<TcpSocket>, ErrorCode>,)> {
            store.data().denied.record(DeniedAccess {
                kind: DeniedKind::Tcp,
                operation: "create-socket",
                target: family_name(family).to_owned(),
            });
            Ok((Err(ErrorCode::AccessDenied),))
        },
    )?;
    let mut udp = linker.instance(&format!("wasi:sockets/udp-create-socket@{WASI_VERSION}"))?;
    udp.func_wrap(
        "create-udp-socket",
        |store: StoreContextMut<'_, HostState>,
         (family,): (IpAddressFamily,)|
         -> wasmtime::Result<(Result<Resource<UdpSocket>, ErrorCode>,)> {
            store.data().denied.record(DeniedAccess {
                kind: DeniedKind::Udp,
                operation: "create-socket",
                target: family_name(family).to_owned(),
            });
            Ok((Err(ErrorCode::AccessDenied),))
        },
    )?;

    let mut clock = linker.instance(&format!("wasi:clocks/monotonic-clock@{WASI_VERSION}"))?;
    clock.func_wrap(
        "subscribe-duration",
        |mut store: StoreContextMut<'_, HostState>, (duration,): (u64,)| {
            let state = store.data_mut();
            state.clock.advance(duration);
            ready_pollable(state)
        },
    )?;
    clock.func_wrap(
        "subscribe-instant",
        |mut store: StoreContextMut<'_, HostState>, (when,): (u64,)| {
            let state = store.data_mut();
            let now = state.clock.elapsed();
            state.clock.advance(when.saturating_sub(now));
            ready_pollable(state)
        },
    )?;
    linker.allow_shadowing(false);
    Ok(())
}

fn family_name(family: IpAddressFamily) -> &'static str {
    match family {
        IpAddressFamily::Ipv4 => "ipv4",
        IpAddressFamily::Ipv6 => "ipv6",
    }
}

fn ready_pollable(state: &mut HostState) -> wasmtime::Result<(Resource<DynPollable>,)> {
    let ready = state.table.push(Ready)?;
    Ok((subscribe(&mut state.table, ready)?,))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_clocks_step_deterministically() {
        let clock = Arc::new(VirtualClock::new(1_700_000_000_000_000_000));
        let wall = WallClock(clock.clone());
        let mono = MonotonicClock(clock.clone());
        assert_eq!(mono.now(), 1_000);
        assert_eq!(wall.now(), Duration::from_nanos(1_700_000_000_000_002_000));
        clock.advance(5_000_000);
        assert_eq!(mono.now(), 5_003_000);
    }

    #[test]
    fn seeds_differ_per_stream_and_case() {
        assert_ne!(mix(1, 1), mix(1, 2));
        assert_ne!(mix(1, 1), mix(2, 1));
        assert_eq!(mix(7, 3), mix(7, 3));
    }
}
