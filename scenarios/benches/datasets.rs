//! Generation throughput per dataset: records per second on one core, JSONL
//! encoded into an in-memory buffer.
//!
//! Run with `cargo bench -p govlab-scenarios --bench datasets`.

use std::time::{Duration, Instant};

use govlab_scenarios::datasets::{Dataset, GenConfig, PRACTICE_SEED, Split, WriteConfig, write};

/// The `kz.citizens` target from the issue.
const KZ_CITIZENS_TARGET: f64 = 300_000.0;

fn main() {
    println!("dataset               records     seconds   records/s/core   MB/s");
    let mut citizens_rate = 0.0;
    for dataset in Dataset::ALL {
        let generate = GenConfig::new(dataset, Split::Practice, PRACTICE_SEED);
        // Warm up the code lists and caches.
        let mut sink = Vec::new();
        let warm = WriteConfig {
            threads: 1,
            ..WriteConfig::new(generate, 1000)
        };
        if let Err(err) = write(&warm, &mut sink, None, &mut |_| {}) {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
        // Grow the run until it lasts at least a second.
        let mut rows = 20_000u64;
        loop {
            let config = WriteConfig {
                threads: 1,
                chunk_rows: 8192,
                ..WriteConfig::new(generate, rows)
            };
            sink.clear();
            let mut bytes = 0u64;
            let start = Instant::now();
            let result = write(&config, &mut CountingSink(&mut bytes), None, &mut |_| {});
            let elapsed = start.elapsed();
            if let Err(err) = result {
                eprintln!("error: {err}");
                std::process::exit(1);
            }
            if elapsed < Duration::from_secs(1) && rows < 50_000_000 {
                rows *= 2;
                continue;
            }
            let rate = rows as f64 / elapsed.as_secs_f64();
            let mb_per_s = bytes as f64 / elapsed.as_secs_f64() / 1e6;
            println!(
                "{:<20} {rows:>8} {:>11.3} {rate:>16.0} {mb_per_s:>6.1}",
                dataset.name(),
                elapsed.as_secs_f64()
            );
            if dataset == Dataset::KzCitizens {
                citizens_rate = rate;
            }
            break;
        }
    }
    println!(
        "kz.citizens: {:.0} records/s/core, target {:.0}: {}",
        citizens_rate,
        KZ_CITIZENS_TARGET,
        if citizens_rate >= KZ_CITIZENS_TARGET {
            "met"
        } else {
            "NOT met"
        }
    );
}

/// A writer that only counts bytes (the records are still fully encoded).
struct CountingSink<'a>(&'a mut u64);

impl std::io::Write for CountingSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
