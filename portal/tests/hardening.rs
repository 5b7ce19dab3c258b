//! The portal under attack and faults (issue 13): slow and greedy
//! connections, uploads refused before their body is read, readiness
//! with the database gone, cross-site posts, node identity, error ids
//! instead of server paths, progress-stream caps and private files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use govlab_portal::model::{self, NewPilot, PilotStatus};
use govlab_portal::{AppState, Config, jobs};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tower::ServiceExt as _;

// ---- a real server --------------------------------------------------------

/// A portal serving on a free local port until dropped.
struct Served {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn serve(edit: impl FnOnce(&mut Config)) -> Served {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = support::config(dir.path());
    config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
    edit(&mut config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (ready, addr) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        govlab_portal::serve(
            config,
            move |addr| {
                let _ = ready.send(addr);
            },
            async move {
                let _ = stopped.await;
            },
        )
        .await
        .expect("the portal serves");
    });
    let addr = tokio::time::timeout(Duration::from_secs(30), addr)
        .await
        .expect("the portal starts in time")
        .expect("address");
    Served {
        addr,
        stop: Some(stop),
        dir,
    }
}

/// `GET path` on a fresh connection (`Connection: close`): the status, or
/// `None` when the connection was closed without an answer.
async fn get_status(addr: SocketAddr, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// Whether the server closed `stream` (EOF or reset) within `within`; bytes
/// it sent first (a 408 or 503) are read and ignored.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

async fn partial_request(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\n")
        .await
        .expect("partial head");
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_loris_connections_are_closed_and_healthz_still_answers() {
    let served = serve(|c| {
        c.server.header_read_timeout_ms = 2_000;
        c.server.max_connections = 600;
        c.server.max_connections_per_ip = 400;
    })
    .await;
    let opened = Instant::now();
    let mut partial = Vec::new();
    for _ in 0..200 {
        partial.push(partial_request(served.addr).await);
    }
    let asked = Instant::now();
    assert_eq!(get_status(served.addr, "/healthz").await, Some(200));
    assert!(
        asked.elapsed() < Duration::from_millis(1_500),
        "/healthz took {:?} beside 200 slow connections",
        asked.elapsed()
    );
    // Each partial head gets the header timeout (2 s), and a little more.
    let started = Instant::now();
    for stream in &mut partial {
        assert!(
            closed_within(stream, Duration::from_secs(6)).await,
            "a connection with a partial head was still open after {:?}",
            started.elapsed()
        );
    }
    assert!(
        opened.elapsed() >= Duration::from_millis(1_500),
        "closed before the header timeout: {:?}",
        opened.elapsed()
    );
    assert_eq!(get_status(served.addr, "/healthz").await, Some(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_per_address_cap_are_refused_at_once() {
    let served = serve(|c| {
        c.server.header_read_timeout_ms = 30_000;
        c.server.max_connections_per_ip = 5;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(partial_request(served.addr).await);
    }
    // Let the server admit them all before the sixth knocks.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut sixth = partial_request(served.addr).await;
    assert!(
        closed_within(&mut sixth, Duration::from_secs(2)).await,
        "the sixth connection from one address was kept"
    );
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if get_status(served.addr, "/healthz").await == Some(200) {
            break;
        }
        assert!(Instant::now() < deadline, "slots were not released");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_kept_alive_connections_are_closed() {
    let served = serve(|c| {
        c.server.header_read_timeout_ms = 30_000;
        c.server.idle_timeout_ms = 500;
    })
    .await;
    let mut stream = TcpStream::connect(served.addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n")
        .await
        .expect("request");
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf).await.expect("response");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let idle_since = Instant::now();
    assert!(closed_within(&mut stream, Duration::from_secs(5)).await);
    assert!(
        idle_since.elapsed() >= Duration::from_millis(400),
        "closed too early: {:?}",
        idle_since.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_trickled_a_byte_at_a_time_is_cut_at_its_deadline() {
    let served = serve(|c| {
        c.server.header_read_timeout_ms = 30_000;
        c.server.idle_timeout_ms = 30_000;
        c.server.body_read_timeout_ms = 500;
    })
    .await;
    let mut stream = TcpStream::connect(served.addr).await.expect("connect");
    // 1,000 bytes declared: 15 ms of allowance at 65,536 bytes/s.
    stream
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: portal\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 1000\r\n\r\nuser=",
        )
        .await
        .expect("head");
    // A byte every 100 ms: never idle, and 100 s to finish.
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while started.elapsed() < Duration::from_secs(10) {
        if stream.write_all(b"a").await.is_err() {
            break;
        }
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
        if !answer.is_empty() {
            break;
        }
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(5),
        "the trickled body held the request for {elapsed:?}"
    );
    // Not refused for another reason before the body was read.
    assert!(
        elapsed >= Duration::from_millis(400),
        "answered before the body deadline ({elapsed:?}): {}",
        String::from_utf8_lossy(&answer)
    );
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 4"),
        "a cut body is answered 4xx (or the connection closed): {text}"
    );
}

// ---- uploads: authorised before the body is read -------------------------

/// A request body that sends `first` and then never another byte, counting
/// bytes handed over in `sent`.
fn stalled_body(first: Vec<u8>, sent: Arc<AtomicUsize>) -> Body {
    let first = futures_util::stream::once(async move {
        sent.fetch_add(first.len(), Ordering::Relaxed);
        Ok::<_, std::io::Error>(Bytes::from(first))
    });
    Body::from_stream(futures_util::StreamExt::chain(
        first,
        futures_util::stream::pending(),
    ))
}

/// An endless body of 64 KiB chunks, counting bytes handed over in `sent`.
fn endless_body(sent: Arc<AtomicUsize>) -> Body {
    let chunks = futures_util::stream::repeat_with(move || {
        sent.fetch_add(65_536, Ordering::Relaxed);
        Ok::<_, std::io::Error>(Bytes::from(vec![0u8; 65_536]))
    });
    Body::from_stream(chunks)
}

fn upload_request(agent: &str, token: &str, length: Option<u64>, body: Body) -> Request<Body> {
    let mut request = Request::post(format!("/api/agents/{agent}/versions"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/wasm");
    if let Some(length) = length {
        request = request.header(header::CONTENT_LENGTH, length);
    }
    request.body(body).expect("request")
}

async fn agent_of_team_a(state: &AppState) -> String {
    model::create_agent(&state.db, "team-a", "alpha", support::SCENARIO, "", "t")
        .await
        .expect("agent")
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_tcp_a_forbidden_upload_is_answered_403_before_its_body_arrives() {
    let served = serve(|_| {}).await;
    // A second handle on the same data directory to make the records.
    let state = AppState::new(support::config(served.dir.path()))
        .await
        .expect("state");
    let agent = agent_of_team_a(&state).await;
    let investor =
        govlab_portal::auth::tokens::create(&state.db, govlab_portal::Role::Investor, None, "test")
            .await
            .expect("token")
            .secret;
    let mut stream = TcpStream::connect(served.addr).await.expect("connect");
    let head = format!(
        "POST /api/agents/{agent}/versions HTTP/1.1\r\nHost: {}\r\n\
         Authorization: Bearer {investor}\r\nContent-Type: application/wasm\r\n\
         Content-Length: {}\r\n\r\n\0asm",
        served.addr,
        31 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("answered without the 31 MiB body")
        .expect("read");
    let status = String::from_utf8_lossy(&buf[..n]);
    assert!(status.starts_with("HTTP/1.1 403"), "{status}");
}

#[tokio::test]
async fn a_forbidden_upload_is_refused_without_reading_its_body() {
    let lab = support::lab().await;
    let agent = agent_of_team_a(&lab.state).await;
    let declared = 31 * 1024 * 1024;
    for (token, status) in [(&lab.investor, 403), (&lab.team_b, 404)] {
        let sent = Arc::new(AtomicUsize::new(0));
        let request = upload_request(
            &agent,
            token,
            Some(declared),
            stalled_body(b"\0asm".to_vec(), Arc::clone(&sent)),
        );
        let response =
            tokio::time::timeout(Duration::from_secs(5), lab.router.clone().oneshot(request))
                .await
                .expect("refused without waiting for the 31 MiB body")
                .expect("router answers");
        assert_eq!(response.status(), status);
        assert_eq!(sent.load(Ordering::Relaxed), 0, "no byte of the body read");
    }
}

#[tokio::test]
async fn an_upload_over_the_cap_is_refused_as_its_bytes_arrive() {
    let lab = support::lab_with(|c| c.limits.upload_max_bytes = 1024 * 1024).await;
    let agent = agent_of_team_a(&lab.state).await;
    let sent = Arc::new(AtomicUsize::new(0));
    let request = upload_request(&agent, &lab.team_a, None, endless_body(Arc::clone(&sent)));
    let response =
        tokio::time::timeout(Duration::from_secs(10), lab.router.clone().oneshot(request))
            .await
            .expect("refused before the endless body ends")
            .expect("router answers");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let read = sent.load(Ordering::Relaxed);
    assert!(
        read <= 1024 * 1024 + 2 * 65_536,
        "{read} bytes read for a 1 MiB cap"
    );
    // Nothing is left in the staging directory.
    let staging = lab.dir.path().join("agents").join("incoming");
    let left = std::fs::read_dir(&staging).map_or(0, Iterator::count);
    assert_eq!(left, 0, "staging files left behind");
}

#[tokio::test]
async fn uploads_beyond_the_concurrency_cap_get_503_with_retry_after() {
    let lab = support::lab_with(|c| c.limits.concurrent_uploads = 1).await;
    let agent = agent_of_team_a(&lab.state).await;
    let first = lab.router.clone().oneshot(upload_request(
        &agent,
        &lab.team_a,
        Some(1000),
        stalled_body(b"\0asm".to_vec(), Arc::new(AtomicUsize::new(0))),
    ));
    let first = tokio::spawn(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    while lab.state.upload_slots.available_permits() > 0 {
        assert!(Instant::now() < deadline, "the first upload never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let second = lab
        .router
        .clone()
        .oneshot(upload_request(
            &agent,
            &lab.team_a,
            Some(4),
            Body::from(b"\0asm".to_vec()),
        ))
        .await
        .expect("router answers");
    assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(second.headers().contains_key(header::RETRY_AFTER));
    first.abort();
    let _ = first.await;
    assert_eq!(lab.state.upload_slots.available_permits(), 1);
}

// ---- readiness -----------------------------------------------------------

#[tokio::test]
async fn readyz_is_503_when_the_database_is_gone_and_healthz_stays_200() {
    let lab = support::lab().await;
    let ready = support::get(&lab.router, "/readyz", None).await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.body["ready"], true);
    assert_eq!(ready.body["database"], true);
    assert_eq!(
        ready.body["migrations_applied"],
        ready.body["migrations_expected"]
    );
    assert_eq!(ready.body["queued"], 0);
    lab.state.db.close().await;
    let gone = support::get(&lab.router, "/readyz", None).await;
    assert_eq!(gone.status, 503, "{}", gone.body);
    assert_eq!(gone.body["ready"], false);
    assert_eq!(gone.body["database"], false);
    assert_eq!(
        support::get(&lab.router, "/healthz", None).await.status,
        200
    );
}

// ---- cross-site posts ----------------------------------------------------

async fn login(lab: &support::Lab, extra: &[(&str, &str)]) -> axum::response::Response {
    let mut request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "127.0.0.1:8080");
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let body = format!("token={}", lab.team_a);
    lab.router
        .clone()
        .oneshot(request.body(Body::from(body)).expect("request"))
        .await
        .expect("router answers")
}

#[tokio::test]
async fn login_from_a_foreign_origin_is_refused_without_a_session() {
    let lab = support::lab().await;
    for headers in [
        &[("origin", "https://evil.example")][..],
        &[("origin", "null")][..],
        &[("sec-fetch-site", "cross-site")][..],
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://127.0.0.1:8080"),
        ][..],
    ] {
        let response = login(&lab, headers).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert!(
            !response.headers().contains_key(header::SET_COOKIE),
            "{headers:?}"
        );
    }
    for headers in [
        &[("origin", "http://127.0.0.1:8080")][..],
        &[("sec-fetch-site", "same-origin")][..],
        &[][..],
    ] {
        let response = login(&lab, headers).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{headers:?}");
        assert!(response.headers().contains_key(header::SET_COOKIE));
    }
}

#[tokio::test]
async fn cookie_posts_from_a_foreign_origin_are_refused_even_with_the_csrf_token() {
    let lab = support::lab().await;
    let session = team_a_browser_session(&lab.state).await;
    let (id, csrf) = (session.0.as_str(), session.1.as_str());
    let request = |origin: &str| {
        Request::post("/api/agents")
            .header(header::COOKIE, format!("govlab_session={id}"))
            .header("x-csrf-token", csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, origin)
            .header(header::HOST, "127.0.0.1:8080")
            .body(Body::from(r#"{"name": "x", "scenario": "appeals-triage"}"#))
            .expect("request")
    };
    let foreign = lab
        .router
        .clone()
        .oneshot(request("https://evil.example"))
        .await
        .expect("answers");
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let own = lab
        .router
        .clone()
        .oneshot(request("http://127.0.0.1:8080"))
        .await
        .expect("answers");
    assert_eq!(own.status(), StatusCode::CREATED);
}

// ---- node identity -------------------------------------------------------

async fn queued_pilot(state: &AppState, sha256: &str) -> String {
    let agent = model::create_agent(&state.db, "team-a", "alpha", support::SCENARIO, "", "t")
        .await
        .expect("agent");
    let version = model::create_version(&state.db, &agent.id, sha256, 8, "", "t")
        .await
        .expect("version");
    model::create_pilot(
        &state.db,
        &NewPilot {
            version: &version,
            agent: &agent,
            scenario_version: "1",
            split: "practice",
            case_limit: Some(3),
            requested_by: "t",
        },
    )
    .await
    .expect("pilot")
}

#[tokio::test]
async fn a_process_does_not_requeue_a_pilot_leased_by_another_node() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = AppState::new(support::config(dir.path()))
        .await
        .expect("first process");
    let second = AppState::new(support::config(dir.path()))
        .await
        .expect("second process on the same host and database");
    assert_ne!(first.jobs.node(), second.jobs.node());
    let sha = first.blobs.put(b"placeholder").expect("blob");
    let pilot = queued_pilot(&first, &sha).await;
    let worker = format!("{}/1/0", first.jobs.node());
    let (claimed, _) = jobs::claim(&first.db, &worker, Duration::from_secs(60))
        .await
        .expect("claim")
        .expect("a pilot to claim");
    assert_eq!(claimed, pilot);
    // The second process starts (its workers.count is 0): it must leave
    // the first one's running pilot alone.
    jobs::start(&second).await.expect("second starts");
    let row = model::get_pilot(&second.db, &pilot)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(row.status, PilotStatus::Running);
    let (owner,): (Option<String>,) = sqlx::query_as("SELECT worker FROM pilots WHERE id = $1")
        .bind(&pilot)
        .fetch_one(&second.db)
        .await
        .expect("worker column");
    assert_eq!(owner.as_deref(), Some(worker.as_str()));
    // What a restart of the first process (same node id) would do instead.
    assert_eq!(
        jobs::requeue_node(&first.db, first.jobs.node())
            .await
            .expect("requeue"),
        1
    );
}

// ---- error ids, never server paths ---------------------------------------

#[tokio::test]
async fn a_pilot_whose_agent_blob_is_missing_shows_an_error_id_and_no_path() {
    let lab = support::lab_with(|c| {
        c.workers.count = 1;
        c.workers.poll_ms = 20;
    })
    .await;
    let missing = format!("e0{}", "0".repeat(62));
    let pilot = queued_pilot(&lab.state, &missing).await;
    jobs::start(&lab.state).await.expect("workers start");
    let deadline = Instant::now() + Duration::from_secs(30);
    let row = loop {
        let row = model::get_pilot(&lab.state.db, &pilot)
            .await
            .expect("read")
            .expect("exists");
        if row.status.is_final() {
            break row;
        }
        assert!(Instant::now() < deadline, "the pilot never ended: {row:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(row.status, PilotStatus::Failed);
    let error = row.error.expect("an error");
    let data_dir = lab.dir.path().to_str().expect("utf-8 path");
    assert!(!error.contains(data_dir), "{error}");
    assert!(!error.contains("/agents/"), "{error}");
    assert!(!error.contains(".wasm"), "{error}");
    assert!(error.contains("error id "), "{error}");
    let api = support::get(
        &lab.router,
        &format!("/api/pilots/{pilot}"),
        Some(&lab.team_a),
    )
    .await;
    let shown = api.body.to_string();
    assert!(!shown.contains(data_dir), "{shown}");
    assert!(shown.contains("error id "), "{shown}");
}

// ---- progress streams ----------------------------------------------------

#[tokio::test]
async fn progress_streams_are_capped_per_principal() {
    let lab = support::lab_with(|c| c.limits.streams_per_principal = 2).await;
    let sha = lab.state.blobs.put(b"placeholder").expect("blob");
    let pilot = queued_pilot(&lab.state, &sha).await;
    let open = |token: &str| {
        lab.router.clone().oneshot(
            Request::get(format!("/api/pilots/{pilot}/events"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .expect("request"),
        )
    };
    let first = open(&lab.team_a).await.expect("answers");
    let second = open(&lab.team_a).await.expect("answers");
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(second.status(), StatusCode::OK);
    let third = open(&lab.team_a).await.expect("answers");
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    // Staff are another principal, with streams of their own.
    assert_eq!(
        open(&lab.staff).await.expect("answers").status(),
        StatusCode::OK
    );
    drop(first);
    assert_eq!(
        open(&lab.team_a).await.expect("answers").status(),
        StatusCode::OK
    );
    drop(second);
}

// ---- private files -------------------------------------------------------

#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_agent_store_cache_and_database_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("lab");
    let mut config = support::config(dir.path());
    config.data_dir = data.clone();
    let state = AppState::new(config).await.expect("state");
    let mode = |path: std::path::PathBuf| {
        std::fs::metadata(&path)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(data.clone()), 0o700);
    assert_eq!(mode(data.join("agents")), 0o700);
    assert_eq!(mode(data.join("compiled")), 0o700);
    assert_eq!(mode(data.join("govlab.db")), 0o600);
    let sha = state.blobs.put(b"component").expect("blob");
    let blob = data
        .join("agents")
        .join(&sha[..2])
        .join(format!("{sha}.wasm"));
    assert_eq!(mode(blob.clone()), 0o600);
    assert_eq!(mode(blob.parent().expect("dir").to_owned()), 0o700);
}

#[tokio::test]
async fn a_page_upload_needs_its_csrf_field_before_the_file() {
    let lab = support::lab().await;
    let agent = agent_of_team_a(&lab.state).await;
    let session = team_a_browser_session(&lab.state).await;
    let (id, csrf) = (session.0.as_str(), session.1.as_str());
    let boundary = "XBOUNDARYX";
    let csrf_part =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n");
    let file_part = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wasm\"\r\n\
         Content-Type: application/wasm\r\n\r\nthis is not a component\r\n"
    );
    let send = |body: String| {
        lab.router.clone().oneshot(
            Request::post(format!("/agents/{agent}/versions"))
                .header(header::COOKIE, format!("govlab_session={id}"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .expect("request"),
        )
    };
    let file_first = send(format!("{file_part}{csrf_part}--{boundary}--\r\n"))
        .await
        .expect("answers");
    assert_eq!(file_first.status(), StatusCode::FORBIDDEN);
    let csrf_first = send(format!("{csrf_part}{file_part}--{boundary}--\r\n"))
        .await
        .expect("answers");
    // Received and checked: the sandbox refuses the bytes.
    assert_eq!(csrf_first.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// A signed-in team-a browser session: its id (the cookie) and CSRF token.
async fn team_a_browser_session(state: &AppState) -> (String, String) {
    let session = support::session(state, govlab_portal::Role::Startup, Some("team-a"), true).await;
    let (id, csrf) = session
        .strip_prefix("session:")
        .and_then(|s| s.split_once(':'))
        .expect("session:ID:CSRF");
    (id.to_owned(), csrf.to_owned())
}

/// `govlab verify --portal URL` fetches the lab key from a running portal:
/// the key matches the id it is published with, and an address that is
/// not a portal is named in the refusal.
#[tokio::test]
async fn the_lab_key_is_fetched_from_a_running_portal() {
    use govlab_portal::auth::client::lab_public_key;
    let served = serve(|_| {}).await;
    let base = format!("http://{}", served.addr);
    let (hex, key_id) = lab_public_key(&base).await.expect("the lab key");
    let key = govlab_scoring::certificate::LabPublicKey::parse(&hex).expect("a key");
    assert_eq!(key.key_id(), key_id);
    let err = lab_public_key(&format!("{base}/nowhere"))
        .await
        .expect_err("not a portal")
        .to_string();
    assert!(err.contains("is --portal the portal's address?"), "{err}");
}

/// What `govlab verify --portal` reads of a lab-key answer is capped: a
/// server that streams more than 4 KiB is refused, not read to the end.
#[tokio::test]
async fn an_oversized_lab_key_answer_is_refused_at_its_cap() {
    use tokio::io::AsyncWriteExt as _;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let mut request = [0u8; 1024];
            let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut request).await;
            let body = vec![b'a'; 1 << 20];
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
        }
    });
    let err = govlab_portal::auth::client::lab_public_key(&format!("http://{addr}"))
        .await
        .expect_err("over the cap")
        .to_string();
    assert!(err.contains("more than 4096 bytes"), "{err}");
}
