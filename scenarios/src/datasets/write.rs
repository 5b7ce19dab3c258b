//! Streaming output: JSONL or native CSV, generated in parallel chunks
//! that are written strictly in order, so memory stays constant and the
//! bytes do not depend on the number of threads.

use std::fmt;
use std::io::Write;
use std::str::FromStr;
use std::sync::mpsc;

use super::{Context, Dataset, DatasetError, GenConfig};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One JSON document per line.
    Jsonl,
    /// The native `;`-separated layout of the Madrid open-data files.
    Csv,
}

impl Format {
    /// `jsonl` or `csv`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Format, String> {
        match text.trim().to_lowercase().as_str() {
            "jsonl" | "json" | "ndjson" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            other => Err(format!("unknown format `{other}`: use jsonl or csv")),
        }
    }
}

/// What to write.
#[derive(Debug, Clone, Copy)]
pub struct WriteConfig {
    /// Dataset, split, seed and population.
    pub generate: GenConfig,
    /// Number of records (indices `0..rows`).
    pub rows: u64,
    /// Output format of the records (truth is always JSONL).
    pub format: Format,
    /// Worker threads (1 = generate on the calling thread).
    pub threads: usize,
    /// Records per chunk handed to a worker.
    pub chunk_rows: u64,
}

impl WriteConfig {
    /// JSONL, one thread per available core, chunks of 4096 records.
    pub fn new(generate: GenConfig, rows: u64) -> WriteConfig {
        WriteConfig {
            generate,
            rows,
            format: Format::Jsonl,
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            chunk_rows: 4096,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteStats {
    /// Records written.
    pub records: u64,
    /// Truth records written.
    pub truth_records: u64,
    /// Bytes of record output.
    pub bytes: u64,
}

/// One encoded chunk.
struct Chunk {
    records: Vec<u8>,
    truth: Vec<u8>,
    count: u64,
    truth_count: u64,
}

fn encode_chunk(
    context: &Context,
    config: &WriteConfig,
    start: u64,
    end: u64,
    want_truth: bool,
) -> Result<Chunk, DatasetError> {
    let dataset = config.generate.dataset;
    let mut chunk = Chunk {
        records: Vec::with_capacity(((end - start) as usize).saturating_mul(256)),
        truth: Vec::new(),
        count: 0,
        truth_count: 0,
    };
    let mut line = String::new();
    for index in start..end {
        let generated = context.generate(dataset, index);
        match config.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut chunk.records, &generated.record)
                    .map_err(|source| DatasetError::Serialize { dataset, source })?;
                chunk.records.push(b'\n');
            }
            Format::Csv => {
                line.clear();
                generated.record.write_csv_row(&mut line);
                line.push_str("\r\n");
                chunk.records.extend_from_slice(line.as_bytes());
            }
        }
        chunk.count += 1;
        if let (true, Some(truth)) = (want_truth, &generated.truth) {
            serde_json::to_writer(&mut chunk.truth, truth)
                .map_err(|source| DatasetError::Serialize { dataset, source })?;
            chunk.truth.push(b'\n');
            chunk.truth_count += 1;
        }
    }
    Ok(chunk)
}

/// The CSV header line of a Madrid dataset.
fn csv_header(dataset: Dataset) -> Option<&'static str> {
    match dataset {
        Dataset::MadridResidents => Some(super::madrid_residents::CSV_HEADER),
        Dataset::MadridRequests => Some(super::madrid_requests::CSV_HEADER),
        Dataset::MadridAir => Some(super::madrid_air::CSV_HEADER),
        _ => None,
    }
}

/// Generates `config.rows` records and writes them to `out` (and truth
/// records to `truth`, when given and the dataset is labelled), calling
/// `progress` with the number of records written so far after each chunk.
pub fn write(
    config: &WriteConfig,
    out: &mut dyn Write,
    mut truth: Option<&mut dyn Write>,
    progress: &mut dyn FnMut(u64),
) -> Result<WriteStats, DatasetError> {
    let dataset = config.generate.dataset;
    if !dataset.formats().contains(&config.format) {
        return Err(DatasetError::UnsupportedFormat {
            dataset,
            format: config.format,
        });
    }
    let records_io = |source| DatasetError::Io {
        what: "records",
        source,
    };
    let mut stats = WriteStats::default();
    if config.format == Format::Csv
        && let Some(header) = csv_header(dataset)
    {
        out.write_all(header.as_bytes()).map_err(records_io)?;
        out.write_all(b"\r\n").map_err(records_io)?;
        stats.bytes += header.len() as u64 + 2;
    }
    let want_truth = truth.is_some() && dataset.has_truth();
    let context = Context::new(&config.generate);
    let chunk_rows = config.chunk_rows.max(1);
    let n_chunks = config.rows.div_ceil(chunk_rows);
    let chunk_range = |chunk: u64| {
        (
            chunk * chunk_rows,
            ((chunk + 1) * chunk_rows).min(config.rows),
        )
    };

    let mut emit = |chunk: Chunk, stats: &mut WriteStats| -> Result<(), DatasetError> {
        out.write_all(&chunk.records).map_err(records_io)?;
        if let Some(truth) = truth.as_deref_mut() {
            truth
                .write_all(&chunk.truth)
                .map_err(|source| DatasetError::Io {
                    what: "truth",
                    source,
                })?;
        }
        stats.records += chunk.count;
        stats.truth_records += chunk.truth_count;
        stats.bytes += chunk.records.len() as u64;
        progress(stats.records);
        Ok(())
    };

    let threads = config.threads.clamp(1, 64);
    if threads == 1 || n_chunks <= 1 {
        for chunk in 0..n_chunks {
            let (start, end) = chunk_range(chunk);
            emit(
                encode_chunk(&context, config, start, end, want_truth)?,
                &mut stats,
            )?;
        }
        return Ok(stats);
    }

    // Worker `w` encodes chunks w, w + threads, …, each into its own
    // bounded channel; the writer takes chunk k from worker k mod threads,
    // so output is in order and at most 2 chunks per worker are buffered.
    std::thread::scope(|scope| {
        let mut receivers = Vec::with_capacity(threads);
        for worker in 0..threads {
            let (sender, receiver) = mpsc::sync_channel::<Result<Chunk, DatasetError>>(2);
            receivers.push(receiver);
            let context = &context;
            scope.spawn(move || {
                let mut chunk = worker as u64;
                while chunk < n_chunks {
                    let (start, end) = chunk_range(chunk);
                    let encoded = encode_chunk(context, config, start, end, want_truth);
                    let failed = encoded.is_err();
                    if sender.send(encoded).is_err() || failed {
                        return;
                    }
                    chunk += threads as u64;
                }
            });
        }
        for chunk in 0..n_chunks {
            let receiver = &receivers[(chunk % threads as u64) as usize];
            let encoded = receiver.recv().map_err(|_| DatasetError::Io {
                what: "records",
                source: std::io::Error::other("a generator thread stopped early"),
            })??;
            if let Err(err) = emit(encoded, &mut stats) {
                // Dropping the receivers stops the workers at their next send.
                drop(receivers);
                return Err(err);
            }
        }
        Ok(stats)
    })
}
