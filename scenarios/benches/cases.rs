//! Case building throughput per scenario (dataset generation and payload
//! serialization, as the pilot runner does it) and a fingerprint of the
//! built cases, so a faster builder can be checked to build the same bytes.
//!
//! Run with `cargo bench -p govlab-scenarios --bench cases`; set
//! `GOVLAB_BENCH_CASES` to change the cases per scenario (default 20 000)
//! and `GOVLAB_BENCH_SCENARIO` to measure one scenario only.
#![allow(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::time::{Duration, Instant};

use govlab_scenarios::cases::{SplitSeed, build_cases};
use govlab_scenarios::scenario::list;
use sha2::{Digest, Sha256};

/// Cases built at once, as in the runner's default chunk.
const CHUNK: u64 = 1024;

fn main() {
    let cases: u64 = std::env::var("GOVLAB_BENCH_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let only = std::env::var("GOVLAB_BENCH_SCENARIO").ok();
    println!("scenario                   cases   µs/case   fingerprint");
    for scenario in list().unwrap() {
        if only.as_deref().is_some_and(|id| id != scenario.id()) {
            continue;
        }
        let mut building = Duration::ZERO;
        let mut fingerprint = Sha256::new();
        let mut start = 0;
        let mut built_cases = 0u64;
        while start < cases {
            let range = start..(start + CHUNK).min(cases);
            start = range.end;
            let started = Instant::now();
            let built = match build_cases(scenario, SplitSeed::practice(), range) {
                Ok(built) => built,
                Err(err) => {
                    println!("{:<24} stops: {err}", scenario.id());
                    break;
                }
            };
            building += started.elapsed();
            built_cases += built.len() as u64;
            for case in &built {
                for part in [
                    case.case_id.as_bytes(),
                    case.payload.as_bytes(),
                    format!(
                        "{}/{}/{:?}",
                        case.seed, case.clock_start_unix_ns, case.truth
                    )
                    .as_bytes(),
                ] {
                    fingerprint.update((part.len() as u64).to_le_bytes());
                    fingerprint.update(part);
                }
            }
        }
        println!(
            "{:<24} {built_cases:>7} {:>9.2}   {}",
            scenario.id(),
            building.as_secs_f64() * 1e6 / built_cases.max(1) as f64,
            &hex::encode(fingerprint.finalize())[..16]
        );
    }
}
