//! Cost of recording one case in pilot telemetry, in ns per case.
//!
//! Run with `cargo bench -p govlab-scoring --bench telemetry`. Records
//! 100,000 cases (the size of a large pilot) in process only and with OTLP
//! export to a local sink collector, on 1 and 2 threads, and reports ns per
//! case and the ratio to a baseline that only pushes the same numbers into a
//! mutex-guarded vector. Target: a few µs per case at most.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use govlab_scoring::outcome::Outcome;
use govlab_scoring::telemetry::{CaseRecord, PilotLabels, PilotTelemetry, TelemetryConfig};

const CASES: usize = 100_000;
const BUDGET_NS: f64 = 5_000.0;

fn labels() -> PilotLabels {
    PilotLabels {
        scenario_id: "bench".into(),
        scenario_version: "1".into(),
        split: "test".into(),
        agent_sha256: "00".repeat(32),
    }
}

fn case_ids() -> Vec<String> {
    (0..CASES).map(|idx| format!("CASE-{idx:07}")).collect()
}

fn record(idx: usize, ids: &[String]) -> CaseRecord<'_> {
    CaseRecord {
        case_id: &ids[idx],
        index: idx as u64,
        outcome: if idx.is_multiple_of(10) {
            Outcome::ALL[idx / 10 % 9]
        } else {
            Outcome::Ok
        },
        fuel: 1_000_000 + (idx as u64 * 7_919) % 50_000_000,
        peak_memory_bytes: 65_536 * (1 + idx as u64 % 64),
        latency: Duration::from_micros(200 + idx as u64 % 5_000),
        findings: (idx % 3) as u32,
    }
}

/// Records every case on `threads` threads and returns ns per case.
fn run(config: &TelemetryConfig, threads: usize, ids: &[String]) -> f64 {
    let telemetry = PilotTelemetry::start(config, &labels()).expect("telemetry starts");
    let started = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..threads {
            let telemetry = &telemetry;
            scope.spawn(move || {
                for idx in (thread..CASES).step_by(threads) {
                    telemetry.record_case(&record(idx, ids));
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let finished = telemetry.finish();
    assert_eq!(finished.summary.cases, CASES as u64, "every case recorded");
    elapsed.as_nanos() as f64 / CASES as f64
}

/// The floor: the same numbers pushed into a mutex-guarded vector.
fn baseline(threads: usize, ids: &[String]) -> f64 {
    let sink = Mutex::new(Vec::with_capacity(CASES));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..threads {
            let sink = &sink;
            scope.spawn(move || {
                for idx in (thread..CASES).step_by(threads) {
                    let case = record(idx, ids);
                    let row = (
                        case.case_id.to_owned(),
                        case.outcome,
                        case.fuel,
                        case.peak_memory_bytes,
                        case.latency,
                    );
                    sink.lock().expect("not poisoned").push(row);
                }
            });
        }
    });
    let elapsed = started.elapsed();
    assert_eq!(sink.lock().expect("not poisoned").len(), CASES);
    elapsed.as_nanos() as f64 / CASES as f64
}

/// A collector that accepts OTLP/HTTP requests and throws them away.
fn sink_collector() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let Ok(clone) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(clone);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim_end().is_empty() {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
    });
    format!("http://{addr}")
}

fn main() {
    let ids = case_ids();
    let in_process = TelemetryConfig::in_process();
    let otlp = TelemetryConfig {
        otlp_endpoint: Some(sink_collector()),
        ..TelemetryConfig::in_process()
    };
    // Warm up allocators and lazy statics.
    run(&in_process, 1, &ids);

    println!("telemetry bench: {CASES} cases per run, budget {BUDGET_NS} ns/case");
    for threads in [1, 2] {
        let floor = baseline(threads, &ids);
        let local = run(&in_process, threads, &ids);
        let exported = run(&otlp, threads, &ids);
        println!(
            "threads={threads}: baseline {floor:.0} ns/case | in-process {local:.0} ns/case ({:.1}x baseline) | with OTLP export {exported:.0} ns/case ({:.1}x baseline) | {}",
            local / floor,
            exported / floor,
            if local.max(exported) <= BUDGET_NS {
                "within budget"
            } else {
                "OVER BUDGET"
            }
        );
    }

    // Computing the summary of a 100,000-case pilot (quantiles, histograms).
    let telemetry = PilotTelemetry::start(&in_process, &labels()).expect("telemetry starts");
    for idx in 0..CASES {
        telemetry.record_case(&record(idx, &ids));
    }
    let started = Instant::now();
    let summary = telemetry.summary();
    println!(
        "summary of {} cases: {:.2} ms",
        summary.cases,
        started.elapsed().as_secs_f64() * 1000.0
    );
}
