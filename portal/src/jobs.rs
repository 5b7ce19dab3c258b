//! Pilot runs as jobs: the queue in the `pilots` table, the worker pool
//! that claims and runs them, and live progress over server-sent events.
//!
//! The database is the only shared state, so any number of portal
//! processes may run workers against one database:
//!
//! - **Claim**: one conditional `UPDATE` takes the oldest pilot that is
//!   `queued`, or `running` with an expired lease ([`claim`]). The same
//!   condition is in the sub-select and in the outer `WHERE`, so of two
//!   workers racing for one row exactly one changes it (SQLite serialises
//!   writers; PostgreSQL re-checks the outer condition on the locked row).
//! - **Lease**: while the runner works on a blocking thread, the worker
//!   renews `lease_until` and writes `cases_done`/`cases_total`. Every
//!   write after the claim is conditional on `worker = me`: a worker that
//!   lost its lease to another (it stalled past the lease) stops its run
//!   and writes nothing more.
//! - **Finish**: one transaction writes the signed scorecard, dimension
//!   scores, telemetry and findings documents and, for practice pilots, the
//!   per-case rows. Runner errors and panics end the pilot `failed` with the
//!   error in words; a pilot claimed more than [`MAX_ATTEMPTS`] times is
//!   given up.
//! - **Restart**: [`start`] re-queues the pilots this node's workers left
//!   `running` (their process is gone), so a restart resumes them at once
//!   instead of after the lease. That needs a configured `workers.node`
//!   that no other live process uses; the default node id is new in every
//!   process ([`crate::config::default_node_id`]), so a restarted process
//!   leaves them to the lease and never takes a live process's pilots.
//! - **Progress streams** are capped per principal ([`Jobs::open_stream`]).
//!
//! Progress ([`routes`]) polls the row, so it works whichever process runs
//! the pilot.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::Stream;
use govlab_scenarios::cases::SplitSeed;
use govlab_scenarios::runner::{self, CaseRecord, PilotResult, PilotSpec, RunnerConfig};
use govlab_scenarios::scenario::Scenario;
use serde::Serialize;
use sqlx::Row;
use tokio::sync::Notify;

use crate::actions;
use crate::auth::ClientIp;
use crate::config::Config;
use crate::db::{Db, now_ms};
use crate::error::PortalError;
use crate::model::{self, DIMENSIONS, FindingDoc, FindingsDoc, HistogramDoc, SpreadDoc};
use crate::principal::Principal;
use crate::state::AppState;

/// Claims after which a pilot is failed instead of run again.
pub const MAX_ATTEMPTS: i64 = 3;

/// Findings kept in the `findings` document.
const MAX_FINDINGS: usize = 200;

/// How often progress is written to the row and read by event streams.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Per-case rows per `INSERT` (8 parameters each, far under SQLite's 32766
/// and PostgreSQL's 65535). Measured on SQLite, 20,000 rows: 500 per
/// statement 1.2 s, 100: 0.36 s, 50: 0.2 s (binding cost grows faster than
/// the statement).
const CASE_BATCH: usize = 50;

/// Worker numbers, unique in the process (several pools may share one
/// process, e.g. in tests).
static WORKER_SEQ: AtomicU64 = AtomicU64::new(0);

/// Handle to the worker pool.
#[derive(Debug, Clone)]
pub struct Jobs {
    wake: Arc<Notify>,
    /// This process's node id (fixed for its life).
    node: Arc<str>,
    /// Workers of this process whose loop is running.
    alive: Arc<AtomicUsize>,
    /// Open progress streams per principal (or client address).
    streams: Arc<Mutex<HashMap<String, usize>>>,
}

impl Jobs {
    /// A pool for `config` (workers start with [`start`]); the node id is
    /// chosen here, once ([`Config::node_name`]).
    pub fn new(config: &Config) -> Jobs {
        Jobs {
            wake: Arc::new(Notify::new()),
            node: Arc::from(config.node_name()),
            alive: Arc::new(AtomicUsize::new(0)),
            streams: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// This process's node id: worker names are `<node>/<pid>/<n>`.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Workers of this process that are running (a worker that panicked is
    /// no longer counted).
    pub fn alive_workers(&self) -> usize {
        self.alive.load(Ordering::Relaxed)
    }

    /// Counts one more progress stream of `key`, or refuses with 429 when
    /// `key` already holds `cap`; the stream is uncounted when the returned
    /// guard drops.
    pub fn open_stream(&self, key: &str, cap: usize) -> Result<StreamSlot, PortalError> {
        let mut streams = self
            .streams
            .lock()
            .map_err(|_| PortalError::internal("stream counter lock poisoned"))?;
        let open = streams.entry(key.to_owned()).or_insert(0);
        if *open >= cap {
            return Err(PortalError::TooManyRequests {
                message: format!(
                    "too many progress streams open (at most {cap} at once); close one first"
                ),
                retry_after: 5,
            });
        }
        *open += 1;
        Ok(StreamSlot {
            streams: Arc::clone(&self.streams),
            key: key.to_owned(),
        })
    }

    /// Tells idle workers of this process that a pilot was queued (workers
    /// of other processes find it within `workers.poll_ms`).
    pub fn notify(&self) {
        self.wake.notify_waiters();
    }
}

/// One open progress stream, counted until dropped (see
/// [`Jobs::open_stream`]).
#[derive(Debug)]
pub struct StreamSlot {
    streams: Arc<Mutex<HashMap<String, usize>>>,
    key: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut streams) = self.streams.lock()
            && let Some(open) = streams.get_mut(&self.key)
        {
            *open = open.saturating_sub(1);
            if *open == 0 {
                streams.remove(&self.key);
            }
        }
    }
}

/// Counts a worker as alive while its loop runs (unwinding included).
struct AliveGuard(Arc<AtomicUsize>);

impl AliveGuard {
    fn new(alive: &Arc<AtomicUsize>) -> AliveGuard {
        alive.fetch_add(1, Ordering::Relaxed);
        AliveGuard(Arc::clone(alive))
    }
}

impl Drop for AliveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The worker pool could not do its bookkeeping (the database failed).
#[derive(Debug, thiserror::Error)]
#[error("pilot queue: {0}")]
pub struct JobError(#[from] sqlx::Error);

/// Re-queues the pilots this node's workers left `running` (they died with
/// the previous process of the same node id) and starts `workers.count`
/// workers. Pilots of other node ids are never touched here: another node
/// takes them over only when their lease runs out ([`claim`]).
pub async fn start(state: &AppState) -> Result<(), crate::StartError> {
    let node = state.jobs.node().to_owned();
    let requeued = requeue_node(&state.db, &node)
        .await
        .map_err(|err| crate::StartError::Other(err.to_string()))?;
    if requeued > 0 {
        tracing::info!(requeued, node, "re-queued pilots left running by this node");
    }
    tracing::info!(
        node,
        workers = state.config.workers.count,
        "starting pilot workers"
    );
    for _ in 0..state.config.workers.count {
        let id = format!(
            "{node}/{}/{}",
            std::process::id(),
            WORKER_SEQ.fetch_add(1, Ordering::Relaxed)
        );
        tokio::spawn(worker_loop(state.clone(), id));
    }
    if requeued > 0 {
        state.jobs.notify();
    }
    Ok(())
}

/// Puts the pilots left `running` by workers named `<node>/…` back in the
/// queue; returns how many.
pub async fn requeue_node(db: &Db, node: &str) -> Result<u64, JobError> {
    let mut pattern = String::with_capacity(node.len() + 2);
    for c in node.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push_str("/%");
    let result = sqlx::query(
        "UPDATE pilots SET status = 'queued', worker = NULL, lease_until = NULL \
         WHERE status = 'running' AND worker LIKE $1 ESCAPE '\\'",
    )
    .bind(pattern)
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// Claims the oldest claimable pilot for `worker` with a lease of `lease`:
/// a queued one, or a running one whose lease expired. Returns its id and
/// how many times it has now been claimed. Exactly one of any number of
/// concurrent callers gets a given pilot. Public for tests and tools; the
/// workers call it.
pub async fn claim(
    db: &Db,
    worker: &str,
    lease: Duration,
) -> Result<Option<(String, i64)>, JobError> {
    // Another worker may win the row between our sub-select and update; try
    // again while something is claimable.
    for _ in 0..8 {
        let now = now_ms();
        let lease_until = now.saturating_add(duration_ms(lease));
        let result = sqlx::query(
            "UPDATE pilots SET status = 'running', worker = $1, lease_until = $2, \
             attempts = attempts + 1, started_at = COALESCE(started_at, $3), cases_done = 0 \
             WHERE id = (SELECT id FROM pilots \
                 WHERE status = 'queued' OR (status = 'running' AND lease_until < $3) \
                 ORDER BY created_at, id LIMIT 1) \
             AND (status = 'queued' OR (status = 'running' AND lease_until < $3))",
        )
        .bind(worker)
        .bind(lease_until)
        .bind(now)
        .execute(db)
        .await?;
        if result.rows_affected() == 1 {
            let row: Option<(String, i64)> = sqlx::query_as(
                "SELECT id, attempts FROM pilots WHERE worker = $1 AND status = 'running' \
                 ORDER BY lease_until DESC LIMIT 1",
            )
            .bind(worker)
            .fetch_optional(db)
            .await?;
            // `None`: taken over already (a lease shorter than this round trip).
            return Ok(row);
        }
        let (claimable,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM pilots \
             WHERE status = 'queued' OR (status = 'running' AND lease_until < $1)",
        )
        .bind(now_ms())
        .fetch_one(db)
        .await?;
        if claimable == 0 {
            return Ok(None);
        }
    }
    Ok(None)
}

fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// One worker: claim, run, repeat; wait for [`Jobs::notify`] or the poll
/// interval when the queue is empty.
async fn worker_loop(state: AppState, me: String) {
    let _alive = AliveGuard::new(&state.jobs.alive);
    let poll = Duration::from_millis(state.config.workers.poll_ms.max(10));
    loop {
        // Registered before the claim so a notify during it is not lost.
        let notified = state.jobs.wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        match claim(&state.db, &me, lease_of(&state)).await {
            Ok(Some((id, attempts))) => {
                tracing::info!(pilot = id, worker = me, attempts, "pilot claimed");
                if let Err(err) = run_claimed(&state, &me, &id, attempts).await {
                    tracing::warn!(pilot = id, worker = me, "pilot bookkeeping failed: {err}");
                    tokio::time::sleep(poll).await;
                }
                continue;
            }
            Ok(None) => {}
            Err(err) => tracing::warn!(worker = me, "cannot claim a pilot: {err}"),
        }
        tokio::select! {
            () = &mut notified => {}
            () = tokio::time::sleep(poll) => {}
        }
    }
}

fn lease_of(state: &AppState) -> Duration {
    Duration::from_secs(state.config.workers.lease_seconds.max(1))
}

/// The split and seed a pilot of `scenario` on `split` runs on: practice's
/// public seed, or the evaluation split keyed by the lab's evaluation key
/// (read at start from the configuration or `GOVLAB_EVAL_KEY`). The one definition the workers and the reference
/// rows ([`crate::references`]) share; the error is in words.
pub fn split_for(state: &AppState, scenario: &Scenario, split: &str) -> Result<SplitSeed, String> {
    let key = if split == "practice" {
        None
    } else {
        match state.evaluation_key {
            Some(key) => Some(key),
            None => {
                return Err(format!(
                    "{} {}, then run the pilot again",
                    scenario.id(),
                    actions::NO_EVALUATION_KEY
                ));
            }
        }
    };
    runner::split_seed(split, key).map_err(|err| error_chain(&err))
}

/// How a run ended, before it is written.
#[derive(Debug)]
enum RunEnd {
    Done(Box<PilotResult>),
    Failed(String),
    /// Another worker took the pilot over; write nothing.
    LostLease,
}

/// Sets the flag when the run's future is dropped (runtime shut down, task
/// aborted), so the blocking runner stops at its next case.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs a claimed pilot to its end and records it.
async fn run_claimed(state: &AppState, me: &str, id: &str, attempts: i64) -> Result<(), JobError> {
    if attempts > MAX_ATTEMPTS {
        let message = format!("gave up after {MAX_ATTEMPTS} attempts");
        return fail(&state.db, id, me, &message).await;
    }
    let pilot = match model::get_pilot(&state.db, id).await {
        Ok(Some(pilot)) => pilot,
        Ok(None) => return Ok(()),
        Err(err) => return fail(&state.db, id, me, &err.to_string()).await,
    };
    let practice = pilot.split == "practice";
    let scenario = match Scenario::builtin(&pilot.scenario) {
        Ok(scenario) => scenario,
        Err(err) => return fail(&state.db, id, me, &error_chain(&err)).await,
    };
    let split = match split_for(state, scenario, &pilot.split) {
        Ok(split) => split,
        Err(message) => return fail(&state.db, id, me, &message).await,
    };
    let cases = pilot.case_limit.and_then(|n| u64::try_from(n).ok());
    let spec_cases = PilotSpec {
        scenario,
        split,
        cases,
    }
    .cases();

    let done = Arc::new(AtomicU64::new(0));
    let cancel = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(Arc::clone(&cancel));
    let task = {
        let done = Arc::clone(&done);
        let cancel = Arc::clone(&cancel);
        let blobs = state.blobs.clone();
        let sha = pilot.agent_sha256.clone();
        let nice = state.config.workers.nice;
        let runner_config = RunnerConfig {
            cache_dir: Some(state.cache_dir.clone()),
            compiler: state.config.compiler.clone(),
            compile_timeout: state.config.compile_timeout(),
            keep_cases: practice,
            max_findings: MAX_FINDINGS,
            ..RunnerConfig::default()
        };
        spawn_pilot_thread(nice, move || -> Result<PilotResult, String> {
            let bytes = blobs.get(&sha).map_err(|err| match err {
                // The log line (see `fail`) has the path; users get words.
                crate::store::StoreError::Io { path, source } => format!(
                    "the agent's stored binary cannot be read ({source}; at {})",
                    path.display()
                ),
                other => error_chain(&other),
            })?;
            let spec = PilotSpec {
                scenario,
                split,
                cases,
            };
            runner::run_pilot(&spec, &bytes, &runner_config, |n, _| {
                done.fetch_max(n, Ordering::Relaxed);
                if cancel.load(Ordering::Relaxed) {
                    // Unwinds the runner's threads without the panic hook;
                    // the worker knows why from the flag.
                    std::panic::resume_unwind(Box::new(Abandoned));
                }
            })
            .map_err(|err| error_chain(&err))
        })
    };
    tokio::pin!(task);

    let lease = lease_of(state);
    let renew_every = lease / 3;
    let mut last_written = (u64::MAX, tokio::time::Instant::now());
    let mut ticker = tokio::time::interval(PROGRESS_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let end = loop {
        tokio::select! {
            joined = &mut task => break run_end(joined, cancel.load(Ordering::Relaxed)),
            _ = ticker.tick() => {
                let n = done.load(Ordering::Relaxed);
                let now = tokio::time::Instant::now();
                let quiet = n == last_written.0 && now.duration_since(last_written.1) < renew_every;
                if quiet || cancel.load(Ordering::Relaxed) {
                    continue;
                }
                match heartbeat(&state.db, id, me, n, spec_cases, lease).await {
                    Ok(true) => last_written = (n, now),
                    Ok(false) => {
                        tracing::warn!(pilot = id, worker = me, "lost the lease; stopping this run");
                        cancel.store(true, Ordering::Relaxed);
                    }
                    Err(err) => tracing::warn!(pilot = id, worker = me, "cannot renew the lease: {err}"),
                }
            }
        }
    };
    match end {
        RunEnd::LostLease => Ok(()),
        RunEnd::Failed(message) => fail(&state.db, id, me, &message).await,
        RunEnd::Done(result) => {
            let writing = std::time::Instant::now();
            let written = finish(state, id, me, practice, &result).await?;
            tracing::info!(
                pilot = id,
                cases = result.scorecard.cases,
                run_ms = duration_ms(result.timings.total),
                write_ms = duration_ms(writing.elapsed()),
                written,
                "pilot done"
            );
            if !written {
                tracing::warn!(pilot = id, worker = me, "finished after losing the lease");
            }
            Ok(())
        }
    }
}

/// What the blocking task's end means; `abandoned`: this worker gave the
/// run up (lost lease, shutdown), so a panic is its own doing.
fn run_end(joined: std::thread::Result<Result<PilotResult, String>>, abandoned: bool) -> RunEnd {
    match joined {
        Ok(Ok(result)) => RunEnd::Done(Box::new(result)),
        Ok(Err(message)) => RunEnd::Failed(message),
        Err(_) if abandoned => RunEnd::LostLease,
        Err(panic) => RunEnd::Failed(format!("the runner panicked: {}", panic_message(&*panic))),
    }
}

/// Runs a pilot on a thread of its own at scheduling priority `nice`
/// (Linux nice value; the runner's and the sandbox's threads inherit it),
/// so pages and the API keep the cores they need while pilots take the
/// rest. Resolves to the pilot's result, or the panic that ended it.
async fn spawn_pilot_thread(
    nice: i32,
    work: impl FnOnce() -> Result<PilotResult, String> + Send + 'static,
) -> std::thread::Result<Result<PilotResult, String>> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("govlab-pilot".to_owned())
        .spawn(move || {
            lower_priority(nice);
            let _ = sender.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)));
        });
    if let Err(err) = spawned {
        return Ok(Err(format!("cannot start a thread for the pilot: {err}")));
    }
    receiver
        .await
        .unwrap_or_else(|_| Ok(Err("the pilot's thread ended without an answer".to_owned())))
}

/// Sets the calling thread's nice value (best effort: a refusal is logged,
/// and the pilot runs at the priority it has).
fn lower_priority(nice: i32) {
    // Never above the server's own priority, never past the lowest.
    let nice = nice.clamp(0, 19);
    if nice == 0 {
        return;
    }
    if let Err(err) = rustix::process::setpriority_process(None, nice) {
        tracing::warn!("cannot lower the pilot thread's priority to nice {nice}: {err}");
    }
}

/// Panic payload the progress callback unwinds with when the run is
/// abandoned.
struct Abandoned;

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_owned()
    }
}

/// `err: source: source…`, the way `{:#}` prints an `anyhow` chain.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Renews the lease and records progress; `false` when the pilot is no
/// longer this worker's.
async fn heartbeat(
    db: &Db,
    id: &str,
    me: &str,
    done: u64,
    total: u64,
    lease: Duration,
) -> Result<bool, JobError> {
    let result = sqlx::query(
        "UPDATE pilots SET lease_until = $1, cases_done = $2, cases_total = $3 \
         WHERE id = $4 AND worker = $5 AND status = 'running'",
    )
    .bind(now_ms().saturating_add(duration_ms(lease)))
    .bind(to_i64(done))
    .bind(to_i64(total))
    .bind(id)
    .bind(me)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Ends a pilot `failed`, if it is still this worker's. `message` is
/// logged in full with a new error id; the row, which users see, gets it
/// with server paths removed ([`crate::error::scrub_paths`]) and the id,
/// so staff can find the log line.
async fn fail(db: &Db, id: &str, me: &str, message: &str) -> Result<(), JobError> {
    let error_id = crate::error::new_error_id();
    tracing::warn!(pilot = id, worker = me, error_id, "pilot failed: {message}");
    let message = format!(
        "{} (error id {error_id})",
        crate::error::scrub_paths(message)
    );
    sqlx::query(
        "UPDATE pilots SET status = 'failed', error = $1, finished_at = $2, lease_until = NULL \
         WHERE id = $3 AND worker = $4 AND status = 'running'",
    )
    .bind(message)
    .bind(now_ms())
    .bind(id)
    .bind(me)
    .execute(db)
    .await?;
    Ok(())
}

/// The `telemetry` document of a result.
pub fn telemetry_doc(result: &PilotResult) -> model::TelemetryDoc {
    let summary = &result.telemetry;
    let spread = |s: &govlab_scoring::telemetry::Spread| SpreadDoc {
        median: s.median,
        p95: s.p95,
        max: s.max,
    };
    let histogram = |h: &govlab_scoring::telemetry::Histogram| HistogramDoc {
        edges: h.edges.clone(),
        counts: h.counts.clone(),
    };
    model::TelemetryDoc {
        cases: summary.cases,
        by_outcome: summary
            .by_outcome
            .iter()
            .map(|(outcome, n)| (outcome.as_str().to_owned(), *n))
            .collect(),
        fuel: spread(&summary.fuel),
        peak_memory_bytes: spread(&summary.peak_memory_bytes),
        latency_us: spread(&summary.latency_us),
        findings: summary.findings,
        wall_ms: u64::try_from(summary.wall_total.as_millis()).unwrap_or(u64::MAX),
        fuel_histogram: histogram(&summary.fuel_histogram),
        latency_histogram: histogram(&summary.latency_histogram),
    }
}

/// The `findings` document of a result (the first [`MAX_FINDINGS`]).
pub fn findings_doc(result: &PilotResult) -> FindingsDoc {
    FindingsDoc {
        by_rule: result
            .findings_by_rule
            .iter()
            .map(|(rule, n)| ((*rule).to_owned(), *n))
            .collect(),
        first: result
            .findings
            .iter()
            .take(MAX_FINDINGS)
            .map(|finding| FindingDoc {
                case_id: finding.case_id.clone(),
                rule: finding.rule.to_owned(),
                location: finding.location.clone(),
                message: finding.message.clone(),
            })
            .collect(),
    }
}

/// Writes a finished pilot in one transaction; `false` (and nothing
/// written) when it is no longer this worker's.
async fn finish(
    state: &AppState,
    id: &str,
    me: &str,
    practice: bool,
    result: &PilotResult,
) -> Result<bool, JobError> {
    // Pilots below the scenario's minimum are refused when requested; an
    // uncertifiable result is kept unsigned rather than lost.
    let signed = match result.sign(&state.lab_key) {
        Ok(signed) => signed.to_json(),
        Err(why) => {
            tracing::warn!(pilot = id, "scorecard not signed: {why}");
            result.scorecard.to_json()
        }
    };
    let card_sha256 = crate::store::sha256_hex(signed.as_bytes());
    let telemetry = serde_json::to_string(&telemetry_doc(result)).unwrap_or_default();
    let findings = serde_json::to_string(&findings_doc(result)).unwrap_or_default();
    let scorecard = &result.scorecard;
    let score_of = |column: &str| {
        let name = DIMENSIONS
            .iter()
            .find(|(_, col)| *col == column)
            .map(|(name, _)| *name)?;
        scorecard
            .dimensions
            .iter()
            .find(|(dim, _)| *dim == name)
            .and_then(|(_, dim)| dim.score)
    };
    let total = to_i64(scorecard.cases);
    let mut tx = state.db.begin().await?;
    let updated = sqlx::query(
        "UPDATE pilots SET status = 'done', finished_at = $1, lease_until = NULL, error = NULL, \
         cases_done = $2, cases_total = $2, composite = $3, dim_effectiveness = $4, \
         dim_interoperability = $5, dim_efficiency = $6, dim_reliability = $7, \
         dim_compliance = $8, dim_fairness = $9, scorecard = $10, card_sha256 = $11, \
         telemetry = $12, findings = $13, composite_low = $16, composite_high = $17 \
         WHERE id = $14 AND worker = $15 AND status = 'running'",
    )
    .bind(now_ms())
    .bind(total)
    .bind(scorecard.composite)
    .bind(score_of("dim_effectiveness"))
    .bind(score_of("dim_interoperability"))
    .bind(score_of("dim_efficiency"))
    .bind(score_of("dim_reliability"))
    .bind(score_of("dim_compliance"))
    .bind(score_of("dim_fairness"))
    .bind(&signed)
    .bind(&card_sha256)
    .bind(&telemetry)
    .bind(&findings)
    .bind(id)
    .bind(me)
    .bind(scorecard.composite_interval.map(|iv| iv.low))
    .bind(scorecard.composite_interval.map(|iv| iv.high))
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    if practice {
        insert_cases(&mut tx, id, &result.cases).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Inserts a practice pilot's per-case rows (from
/// `RunnerConfig::keep_cases`), [`CASE_BATCH`] rows per statement.
async fn insert_cases(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pilot_id: &str,
    cases: &[CaseRecord],
) -> Result<(), JobError> {
    sqlx::query("DELETE FROM pilot_cases WHERE pilot_id = $1")
        .bind(pilot_id)
        .execute(&mut **tx)
        .await?;
    for (batch_no, batch) in cases.chunks(CASE_BATCH).enumerate() {
        let mut sql = String::from(
            "INSERT INTO pilot_cases (pilot_id, idx, case_id, outcome, fuel, \
             peak_memory_bytes, latency_us, findings) VALUES ",
        );
        for row in 0..batch.len() {
            let p = row * 8;
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6,
                p + 7,
                p + 8
            ));
        }
        // Audited: only numbered placeholders are spliced in; every value
        // is a bound parameter.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (offset, case) in batch.iter().enumerate() {
            let idx = batch_no * CASE_BATCH + offset;
            query = query
                .bind(pilot_id)
                .bind(i64::try_from(idx).unwrap_or(i64::MAX))
                .bind(case.case_id.clone())
                .bind(case.outcome.as_str())
                .bind(to_i64(case.fuel))
                .bind(to_i64(case.peak_memory_bytes))
                .bind(to_i64(case.latency_us))
                .bind(i64::from(case.findings));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Progress routes: `GET /pilots/{id}/events` and
/// `GET /api/pilots/{id}/events` (server-sent events).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pilots/{id}/events", get(events))
        .route("/api/pilots/{id}/events", get(events))
}

/// The data of a `progress`, `done` or `failed` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressEvent {
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Cases finished so far.
    pub cases_done: i64,
    /// Cases in the pilot (0 until a worker starts it).
    pub cases_total: i64,
    /// Why it failed (`failed` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

async fn read_progress(db: &Db, id: &str) -> Result<Option<ProgressEvent>, sqlx::Error> {
    let row =
        sqlx::query("SELECT status, cases_done, cases_total, error FROM pilots WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    row.map(|row| {
        Ok(ProgressEvent {
            status: row.try_get("status")?,
            cases_done: row.try_get("cases_done")?,
            cases_total: row.try_get("cases_total")?,
            error: row.try_get("error")?,
        })
    })
    .transpose()
}

/// Streams a pilot's progress: `progress` events on every change, then one
/// `done` or `failed` event, then the stream ends.
/// At most `limits.streams_per_principal` streams are open at once per
/// principal (per client address for anonymous visitors); one more is 429.
async fn events(
    State(state): State<AppState>,
    viewer: Option<Principal>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, PortalError> {
    let (pilot, _) = actions::pilot_for(&state, viewer.as_ref(), &id).await?;
    let key = match &viewer {
        Some(principal) => format!("principal:{}", principal.subject),
        None => format!("address:{ip}"),
    };
    let slot = state
        .jobs
        .open_stream(&key, state.config.limits.streams_per_principal.max(1))?;
    struct Cursor {
        db: Db,
        id: String,
        last: Option<ProgressEvent>,
        /// The state when the stream was opened, sent first.
        opened: Option<ProgressEvent>,
        finished: bool,
        first: bool,
        _slot: StreamSlot,
    }
    // Read now, not when the body is first polled: the stream starts from
    // the state the client asked about, however soon a worker moves on.
    let opened = read_progress(&state.db, &pilot.id).await.ok().flatten();
    let cursor = Cursor {
        _slot: slot,
        db: state.db.clone(),
        id: pilot.id,
        last: None,
        opened,
        finished: false,
        first: true,
    };
    let stream = futures_util::stream::unfold(cursor, |mut cursor| async move {
        if cursor.finished {
            return None;
        }
        loop {
            if !std::mem::take(&mut cursor.first) {
                tokio::time::sleep(PROGRESS_EVERY).await;
            }
            let read = match cursor.opened.take() {
                Some(opened) => Ok(Some(opened)),
                None => read_progress(&cursor.db, &cursor.id).await,
            };
            let now = match read {
                Ok(Some(now)) => now,
                // Deleted, or the database is gone: end the stream.
                Ok(None) => return None,
                Err(err) => {
                    tracing::warn!(pilot = cursor.id, "progress stream: {err}");
                    continue;
                }
            };
            let is_final = model::PilotStatus::parse(&now.status).is_some_and(|s| s.is_final());
            if is_final && cursor.last.as_ref() == Some(&now) {
                cursor.finished = true;
                let name = if now.status == "done" {
                    "done"
                } else {
                    "failed"
                };
                return Some((Ok(event(name, &now)), cursor));
            }
            if cursor.last.as_ref() != Some(&now) {
                // A final state is shown as progress first, then at once
                // as the closing event.
                cursor.first = is_final;
                let out = event("progress", &now);
                cursor.last = Some(now);
                return Some((Ok(out), cursor));
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn event(name: &str, data: &ProgressEvent) -> Event {
    Event::default()
        .event(name)
        .data(serde_json::to_string(data).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn a_panicking_runner_fails_the_pilot_in_words() {
        let joined = spawn_pilot_thread(0, || -> Result<PilotResult, String> {
            panic!("index out of bounds in a scorer")
        })
        .await;
        match run_end(joined, false) {
            RunEnd::Failed(message) => assert_eq!(
                message,
                "the runner panicked: index out of bounds in a scorer"
            ),
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_abandoned_run_writes_nothing() {
        let joined = spawn_pilot_thread(0, || -> Result<PilotResult, String> {
            std::panic::resume_unwind(Box::new(Abandoned))
        })
        .await;
        assert!(matches!(run_end(joined, true), RunEnd::LostLease));
    }

    #[tokio::test]
    async fn pilots_run_at_the_configured_nice_value_and_threads_inherit_it() {
        let base = rustix::process::getpriority_process(None).unwrap();
        if base > 7 {
            eprintln!("the test runs at nice {base}: lowering to 7 needs privilege, skipped");
            return;
        }
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = std::sync::Arc::clone(&seen);
        let joined = spawn_pilot_thread(7, move || -> Result<PilotResult, String> {
            let own = rustix::process::getpriority_process(None).map_err(|e| e.to_string())?;
            // A thread the runner starts (as it does per core) inherits it.
            let child = std::thread::spawn(|| rustix::process::getpriority_process(None))
                .join()
                .map_err(|_| "child panicked".to_owned())?
                .map_err(|e| e.to_string())?;
            record.lock().map_err(|_| "poisoned")?.extend([own, child]);
            Err("done".to_owned())
        })
        .await;
        assert!(matches!(run_end(joined, false), RunEnd::Failed(m) if m == "done"));
        assert_eq!(*seen.lock().unwrap(), vec![7, 7]);
        // The caller's own thread keeps its priority.
        assert_eq!(rustix::process::getpriority_process(None).unwrap(), base);
    }

    #[test]
    fn error_chains_read_like_anyhow_alternate() {
        #[derive(Debug, thiserror::Error)]
        #[error("the sandbox refused the agent")]
        struct Outer(#[source] std::io::Error);
        let err = Outer(std::io::Error::other("no \\0asm header"));
        assert_eq!(
            error_chain(&err),
            "the sandbox refused the agent: no \\0asm header"
        );
    }
}
