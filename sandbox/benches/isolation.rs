//! What per-case isolation costs, measured in one run on a ~1.5 KB appeal:
//!
//! - (a) `native`: the appeals-triage logic called as a Rust function;
//! - (b) `warm`: the same agent in one reused store and instance, with
//!   production limits (fuel on, refilled per call);
//! - (c) `isolated`: a fresh store and instance per case, the production path;
//! - (d) `isolated_no_fuel`: (c) with fuel metering off.
//!
//! Criterion reports each variant; then the bench times batches of each
//! variant interleaved, takes medians, and prints the ratios (c)/(b),
//! (b)/(a) and (c)/(d) (fuel overhead). Target: (c)/(b) ≤ 1.3.
//!
//! Run with `cargo bench -p govlab-sandbox --bench isolation`. It builds the
//! example agents first (`sdk/examples`, `wasm32-wasip2`, release).
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use govlab_sandbox::{
    Case, HostServices, Limits, LoadedAgent, NoServices, Outcome, Sandbox, SandboxConfig,
};
use serde_json::Value;

fn build_agents() -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "build",
            "--target",
            "wasm32-wasip2",
            "--release",
            "--manifest-path",
        ])
        .arg(root.join("sdk/examples/Cargo.toml"))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .unwrap();
    assert!(status.success(), "building sdk/examples failed: {status}");
    std::fs::read(root.join("sdk/examples/target/wasm32-wasip2/release/appeals_triage.wasm"))
        .unwrap()
}

/// The first test appeal, its text repeated until the case is ~1.5 KB.
fn appeal() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sdk/examples/appeals-triage/testdata/appeals.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let row: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let mut case = row["case"].clone();
    let texto = case["record"]["texto"].as_str().unwrap().to_owned();
    let mut long = texto.clone();
    while case.to_string().len() < 1_400 {
        long.push(' ');
        long.push_str(&texto);
        case["record"]["texto"] = Value::String(long.clone());
    }
    case.to_string()
}

struct Setup {
    payload: String,
    payload_json: Value,
    case: Case,
    services: Arc<dyn HostServices>,
    agent: LoadedAgent,
    agent_no_fuel: LoadedAgent,
}

impl Setup {
    fn new() -> Self {
        let bytes = build_agents();
        let payload = appeal();
        let with_fuel = Sandbox::new(SandboxConfig::default()).unwrap();
        let without_fuel = Sandbox::new(SandboxConfig {
            limits: Limits {
                fuel: None,
                ..Limits::default()
            },
            ..SandboxConfig::default()
        })
        .unwrap();
        let setup = Setup {
            payload_json: serde_json::from_str(&payload).unwrap(),
            case: Case {
                scenario: "appeals-triage".to_owned(),
                payload: payload.clone(),
                seed: 1,
                clock_start_unix_ns: 1_750_000_000_000_000_000,
            },
            payload,
            services: Arc::new(NoServices),
            agent: with_fuel.load(&bytes).unwrap(),
            agent_no_fuel: without_fuel.load(&bytes).unwrap(),
        };
        let report = setup.agent.run_case(&setup.case, &setup.services);
        assert_eq!(report.outcome, Outcome::Ok, "{:?}", report.detail);
        println!(
            "appeal: {} bytes; fuel per case: {}; peak memory: {} bytes",
            setup.payload.len(),
            report.fuel_used,
            report.peak_memory_bytes
        );
        setup
    }

    fn native(&self) -> Value {
        appeals_triage::triage(black_box(&self.payload_json))
    }

    fn isolated(&self) -> Outcome {
        self.agent
            .run_case(black_box(&self.case), &self.services)
            .outcome
    }

    fn isolated_no_fuel(&self) -> Outcome {
        self.agent_no_fuel
            .run_case(black_box(&self.case), &self.services)
            .outcome
    }
}

/// Median per-iteration time over `batches` batches of `per_batch` calls.
fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let setup = Setup::new();
    let mut warm = setup
        .agent
        .warm_instance_for_benchmarks(&setup.services)
        .unwrap();
    assert!(warm.decide("appeals-triage", &setup.payload).is_ok());
    assert!(warm.decide("appeals-triage", &setup.payload).is_ok());
    println!(
        "fuel per call in a warm instance (after its first call): {}",
        warm.last_fuel_used()
    );

    let mut criterion = Criterion::default()
        .configure_from_args()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let mut group = criterion.benchmark_group("isolation");
    group.bench_function("a_native", |b| b.iter(|| setup.native()));
    group.bench_function("b_warm", |b| {
        b.iter(|| {
            warm.decide("appeals-triage", black_box(&setup.payload))
                .is_ok()
        })
    });
    group.bench_function("c_isolated", |b| b.iter(|| setup.isolated()));
    group.bench_function("d_isolated_no_fuel", |b| {
        b.iter(|| setup.isolated_no_fuel())
    });
    group.finish();

    // Ratios from one interleaved measurement, so machine noise hits every
    // variant alike.
    let (batches, per_batch) = (31, 50);
    let mut times = [const { Vec::new() }; 4];
    for _ in 0..batches {
        let start = Instant::now();
        for _ in 0..per_batch {
            black_box(setup.native());
        }
        times[0].push(start.elapsed() / per_batch);
        let start = Instant::now();
        for _ in 0..per_batch {
            black_box(
                warm.decide("appeals-triage", black_box(&setup.payload))
                    .is_ok(),
            );
        }
        times[1].push(start.elapsed() / per_batch);
        let start = Instant::now();
        for _ in 0..per_batch {
            black_box(setup.isolated());
        }
        times[2].push(start.elapsed() / per_batch);
        let start = Instant::now();
        for _ in 0..per_batch {
            black_box(setup.isolated_no_fuel());
        }
        times[3].push(start.elapsed() / per_batch);
    }
    let [native, warm_t, isolated, no_fuel] = times.map(|mut batch| median(&mut batch));
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("medians of {batches} batches x {per_batch} calls:");
    println!("  (a) native            {native:>12.2?}");
    println!("  (b) warm instance     {warm_t:>12.2?}");
    println!("  (c) isolated          {isolated:>12.2?}");
    println!("  (d) isolated, no fuel {no_fuel:>12.2?}");
    println!("ratios:");
    println!(
        "  (c)/(b) isolation cost  {:.3} (target <= 1.3)",
        ratio(isolated, warm_t)
    );
    println!("  (b)/(a) wasm vs native  {:.3}", ratio(warm_t, native));
    println!("  (c)/(d) fuel overhead   {:.3}", ratio(isolated, no_fuel));
}
