//! OpenTelemetry for pilots: a span per pilot and per case, outcome/fuel/latency metrics,
//! OTLP export, and the in-process recorder the scorecard is computed from.
//!
//! [`PilotTelemetry::start`] opens the pilot span; [`PilotTelemetry::record_case`]
//! (callable from any thread) emits one child span per finished case with
//! the attributes `govlab.case.{id,outcome,fuel,peak_memory_bytes,latency_us,findings}`.
//! Every span goes through an in-process span processor that keeps a compact
//! sample of each case span; [`TelemetrySummary`] is computed from those
//! samples, so the scorecard's efficiency and reliability dimensions are
//! figures telemetry actually recorded. With [`TelemetryConfig::keep_cases`]
//! the samples also keep their case ids and [`FinishedTelemetry::cases`]
//! returns them, case by case.
//!
//! When [`TelemetryConfig::otlp_endpoint`] is set (see
//! [`TelemetryConfig::from_env`], which reads `OTEL_EXPORTER_OTLP_ENDPOINT`),
//! spans are also batched to `{endpoint}/v1/traces` and the metrics
//! `govlab.case.latency` (ms histogram), `govlab.case.fuel` (histogram) and
//! `govlab.case.outcomes` (counter by `outcome`) to `{endpoint}/v1/metrics`,
//! as OTLP/HTTP protobuf over plain http. Metric instruments exist only when
//! exporting: in process, the same figures come from the span recorder.

mod otlp_http;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use opentelemetry::metrics::{Counter, Histogram as OtelHistogram, MeterProvider as _};
use opentelemetry::trace::{
    Span as _, SpanBuilder, Status, TraceContextExt as _, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue, Value};
use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::{
    BatchConfigBuilder, BatchSpanProcessor, Sampler, SdkTracer, SdkTracerProvider, SpanData,
    SpanProcessor,
};
use serde::Serialize;

use crate::metrics::quantile;
use crate::outcome::Outcome;

/// Name of the span opened per pilot.
const PILOT_SPAN: &str = "govlab.pilot";
/// Name of the span emitted per case.
const CASE_SPAN: &str = "govlab.case";

const ATTR_CASE_ID: &str = "govlab.case.id";
const ATTR_INDEX: &str = "govlab.case.index";
const ATTR_OUTCOME: &str = "govlab.case.outcome";
const ATTR_FUEL: &str = "govlab.case.fuel";
const ATTR_PEAK_MEMORY: &str = "govlab.case.peak_memory_bytes";
const ATTR_LATENCY_US: &str = "govlab.case.latency_us";
const ATTR_FINDINGS: &str = "govlab.case.findings";

/// Spans queued for OTLP export before new ones are dropped.
const EXPORT_QUEUE_SPANS: usize = 16_384;
/// Spans per OTLP export request.
const EXPORT_BATCH_SPANS: usize = 1_024;

/// Number of bins of the fuel and latency histograms in a summary.
const HISTOGRAM_BINS: usize = 12;

/// Where telemetry goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelemetryConfig {
    /// Base OTLP/HTTP endpoint (e.g. `http://localhost:4318`); `None` keeps
    /// telemetry in process only.
    pub otlp_endpoint: Option<String>,
    /// `service.name` of the exported resource.
    pub service_name: String,
    /// Timeout of one export request.
    pub export_timeout: Duration,
    /// Keep every case's sample with its id, for
    /// [`FinishedTelemetry::cases`] (memory grows with the pilot).
    pub keep_cases: bool,
}

impl TelemetryConfig {
    /// In-process telemetry only.
    pub fn in_process() -> TelemetryConfig {
        TelemetryConfig {
            otlp_endpoint: None,
            service_name: "govlab".to_owned(),
            export_timeout: Duration::from_secs(10),
            keep_cases: false,
        }
    }

    /// In-process telemetry, plus OTLP export when the standard
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` variable is set and not empty.
    pub fn from_env() -> TelemetryConfig {
        let endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
            .ok()
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty());
        TelemetryConfig {
            otlp_endpoint: endpoint,
            ..TelemetryConfig::in_process()
        }
    }
}

/// What a pilot is, recorded on its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PilotLabels {
    /// Scenario id, e.g. `appeals-triage`.
    pub scenario_id: String,
    /// Scenario version.
    pub scenario_version: String,
    /// Dataset split, e.g. `test`.
    pub split: String,
    /// Hex SHA-256 of the agent's bytes.
    pub agent_sha256: String,
}

/// One finished case, as reported by the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseRecord<'a> {
    /// The case's id in the dataset.
    pub case_id: &'a str,
    /// Position of the case in the pilot (orders the samples).
    pub index: u64,
    /// How the case ended.
    pub outcome: Outcome,
    /// Fuel the agent consumed.
    pub fuel: u64,
    /// Peak linear memory of the agent, in bytes.
    pub peak_memory_bytes: u64,
    /// Wall time of the case.
    pub latency: Duration,
    /// Number of validation findings on the agent's output.
    pub findings: u32,
}

/// Telemetry could not be set up or exported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TelemetryError {
    /// The OTLP endpoint is not usable.
    #[error(
        "OTLP endpoint '{endpoint}' is not usable: {reason}; set OTEL_EXPORTER_OTLP_ENDPOINT to a plain http collector such as http://localhost:4318, or unset it"
    )]
    Endpoint {
        /// The configured endpoint.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An OTLP exporter could not be built.
    #[error("cannot set up OTLP export: {0}")]
    Exporter(String),
    /// Flushing telemetry to the collector failed; the in-process summary is
    /// still complete.
    #[error(
        "exporting telemetry to the OTLP collector failed: {0}; check that the collector is running"
    )]
    Export(String),
}

/// Metric instruments, present only when exporting.
#[derive(Debug)]
struct Instruments {
    provider: SdkMeterProvider,
    latency_ms: OtelHistogram<f64>,
    fuel: OtelHistogram<u64>,
    outcomes: Counter<u64>,
}

/// Telemetry of one pilot run. Cheap to share across threads by reference.
#[derive(Debug)]
pub struct PilotTelemetry {
    tracer_provider: SdkTracerProvider,
    tracer: SdkTracer,
    pilot_cx: Context,
    instruments: Option<Instruments>,
    samples: Arc<Samples>,
    keep_cases: bool,
    started: Instant,
}

/// A pilot's telemetry after [`PilotTelemetry::finish`].
#[derive(Debug)]
pub struct FinishedTelemetry {
    /// What was recorded.
    pub summary: TelemetrySummary,
    /// Set when OTLP export failed; the summary is complete regardless.
    pub export_error: Option<TelemetryError>,
    /// Every case as its span was recorded, in case order; empty unless
    /// [`TelemetryConfig::keep_cases`] is set.
    pub cases: Vec<RecordedCase>,
    /// Every case's compact sample, in case order (ids only with
    /// [`TelemetryConfig::keep_cases`]): what bootstrap intervals resample.
    pub samples: Vec<CaseSample>,
}

/// One case as the recorder kept it from its span (see
/// [`TelemetryConfig::keep_cases`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedCase {
    /// The case's id.
    pub case_id: String,
    /// How the case ended.
    pub outcome: Outcome,
    /// Fuel the agent consumed.
    pub fuel: u64,
    /// Peak linear memory of the agent, in bytes.
    pub peak_memory_bytes: u64,
    /// Wall time of the case, in microseconds (machine-dependent).
    pub latency_us: u64,
    /// Validation findings on the agent's output.
    pub findings: u32,
}

impl PilotTelemetry {
    /// Opens the pilot span and, when configured, the OTLP exporters.
    pub fn start(
        config: &TelemetryConfig,
        labels: &PilotLabels,
    ) -> Result<PilotTelemetry, TelemetryError> {
        let samples = Arc::new(Samples::default());
        let resource = Resource::builder()
            .with_service_name(config.service_name.clone())
            .build();
        let mut builder = SdkTracerProvider::builder()
            .with_sampler(Sampler::AlwaysOn)
            .with_resource(resource.clone())
            .with_span_processor(CaseRecorder {
                samples: Arc::clone(&samples),
                keep_ids: config.keep_cases,
            });
        let mut instruments = None;
        if let Some(endpoint) = &config.otlp_endpoint {
            let base = check_endpoint(endpoint)?;
            let client = otlp_http::StdHttpClient {
                timeout: config.export_timeout,
            };
            let span_exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_http_client(client.clone())
                .with_protocol(Protocol::HttpBinary)
                .with_endpoint(format!("{base}/v1/traces"))
                .with_timeout(config.export_timeout)
                .build()
                .map_err(|err| TelemetryError::Exporter(err.to_string()))?;
            // A pilot ends cases far faster than the default queue (2,048
            // spans) drains over HTTP; a deeper queue loses fewer spans. The
            // standard OTEL_BSP_* variables still win when set.
            let mut batch = BatchConfigBuilder::default();
            if std::env::var_os("OTEL_BSP_MAX_QUEUE_SIZE").is_none() {
                batch = batch.with_max_queue_size(EXPORT_QUEUE_SPANS);
            }
            if std::env::var_os("OTEL_BSP_MAX_EXPORT_BATCH_SIZE").is_none() {
                batch = batch.with_max_export_batch_size(EXPORT_BATCH_SPANS);
            }
            let processor = BatchSpanProcessor::builder(span_exporter)
                .with_batch_config(batch.build())
                .build();
            builder = builder.with_span_processor(processor);
            let metric_exporter = opentelemetry_otlp::MetricExporter::builder()
                .with_http()
                .with_http_client(client)
                .with_protocol(Protocol::HttpBinary)
                .with_endpoint(format!("{base}/v1/metrics"))
                .with_timeout(config.export_timeout)
                .build()
                .map_err(|err| TelemetryError::Exporter(err.to_string()))?;
            let provider = SdkMeterProvider::builder()
                .with_resource(resource)
                .with_periodic_exporter(metric_exporter)
                .build();
            let meter = provider.meter("govlab");
            instruments = Some(Instruments {
                latency_ms: meter
                    .f64_histogram("govlab.case.latency")
                    .with_unit("ms")
                    .with_description("wall time per case")
                    .build(),
                fuel: meter
                    .u64_histogram("govlab.case.fuel")
                    .with_description("fuel consumed per case")
                    .with_boundaries((3..=12).map(|exp| 10f64.powi(exp)).collect())
                    .build(),
                outcomes: meter
                    .u64_counter("govlab.case.outcomes")
                    .with_description("cases by outcome")
                    .build(),
                provider,
            });
        }
        let tracer_provider = builder.build();
        let tracer = tracer_provider.tracer("govlab-scoring");
        let pilot_span = tracer.build(SpanBuilder::from_name(PILOT_SPAN).with_attributes([
            KeyValue::new("govlab.scenario.id", labels.scenario_id.clone()),
            KeyValue::new("govlab.scenario.version", labels.scenario_version.clone()),
            KeyValue::new("govlab.split", labels.split.clone()),
            KeyValue::new("govlab.agent.sha256", labels.agent_sha256.clone()),
        ]));
        let pilot_cx = Context::new().with_span(pilot_span);
        Ok(PilotTelemetry {
            tracer_provider,
            tracer,
            pilot_cx,
            instruments,
            samples,
            keep_cases: config.keep_cases,
            started: Instant::now(),
        })
    }

    /// Records one finished case: a child span of the pilot span, ending now
    /// and starting `latency` earlier, plus the metrics when exporting.
    pub fn record_case(&self, case: &CaseRecord<'_>) {
        let end = SystemTime::now();
        let start = end.checked_sub(case.latency).unwrap_or(end);
        let latency_us = saturating_i64(case.latency.as_micros());
        let mut span = self.tracer.build_with_context(
            SpanBuilder::from_name(CASE_SPAN)
                .with_start_time(start)
                .with_attributes([
                    KeyValue::new(ATTR_CASE_ID, case.case_id.to_owned()),
                    KeyValue::new(ATTR_INDEX, saturating_i64(u128::from(case.index))),
                    KeyValue::new(ATTR_OUTCOME, case.outcome.as_str()),
                    KeyValue::new(ATTR_FUEL, saturating_i64(u128::from(case.fuel))),
                    KeyValue::new(
                        ATTR_PEAK_MEMORY,
                        saturating_i64(u128::from(case.peak_memory_bytes)),
                    ),
                    KeyValue::new(ATTR_LATENCY_US, latency_us),
                    KeyValue::new(ATTR_FINDINGS, i64::from(case.findings)),
                ]),
            &self.pilot_cx,
        );
        if !case.outcome.is_handled() {
            span.set_status(Status::error(case.outcome.as_str()));
        }
        span.end_with_timestamp(end);

        if let Some(instruments) = &self.instruments {
            let outcome = [KeyValue::new("outcome", case.outcome.as_str())];
            instruments
                .latency_ms
                .record(case.latency.as_secs_f64() * 1000.0, &outcome);
            instruments.fuel.record(case.fuel, &outcome);
            instruments.outcomes.add(1, &outcome);
        }
    }

    /// The summary of what has been recorded so far.
    pub fn summary(&self) -> TelemetrySummary {
        let samples = self
            .samples
            .cases
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        summarize(&samples, self.started.elapsed())
    }

    /// Ends the pilot span, flushes the exporters and returns the summary.
    pub fn finish(self) -> FinishedTelemetry {
        let summary = self.summary();
        let span = self.pilot_cx.span();
        span.set_attribute(KeyValue::new(
            "govlab.pilot.cases",
            saturating_i64(u128::from(summary.cases)),
        ));
        span.set_attribute(KeyValue::new(
            "govlab.pilot.ok",
            saturating_i64(u128::from(summary.count(Outcome::Ok))),
        ));
        span.end();

        let mut errors = Vec::new();
        if let Err(err) = self.tracer_provider.shutdown() {
            errors.push(format!("traces: {err}"));
        }
        if let Some(instruments) = &self.instruments
            && let Err(err) = instruments.provider.shutdown()
        {
            errors.push(format!("metrics: {err}"));
        }
        let export_error = (!errors.is_empty()).then(|| TelemetryError::Export(errors.join("; ")));
        let mut samples = std::mem::take(
            &mut *self
                .samples
                .cases
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        // Spans end in the order cases finish, on several workers.
        samples.sort_by_key(|sample| sample.index);
        let cases = if self.keep_cases {
            samples
                .iter()
                .map(|sample| RecordedCase {
                    case_id: sample.case_id.clone(),
                    outcome: sample.outcome,
                    fuel: sample.fuel,
                    peak_memory_bytes: sample.peak_memory_bytes,
                    latency_us: sample.latency_us,
                    findings: u32::try_from(sample.findings).unwrap_or(u32::MAX),
                })
                .collect()
        } else {
            Vec::new()
        };
        FinishedTelemetry {
            summary,
            export_error,
            cases,
            samples,
        }
    }
}

/// Checks an OTLP base endpoint and returns it without a trailing slash.
fn check_endpoint(endpoint: &str) -> Result<&str, TelemetryError> {
    let fail = |reason: &str| TelemetryError::Endpoint {
        endpoint: endpoint.to_owned(),
        reason: reason.to_owned(),
    };
    let uri: http::Uri = endpoint.parse().map_err(|_| fail("it is not a URL"))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") => return Err(fail("https is not supported by the built-in exporter")),
        _ => return Err(fail("it does not start with http://")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(fail("it has no host"));
    }
    Ok(endpoint.trim_end_matches('/'))
}

fn saturating_i64(value: u128) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// One case span as the recorder kept it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSample {
    /// Empty unless [`TelemetryConfig::keep_cases`] is set.
    pub case_id: String,
    /// Position of the case in the pilot.
    pub index: u64,
    /// How the case ended.
    pub outcome: Outcome,
    /// Fuel the agent consumed.
    pub fuel: u64,
    /// Peak linear memory, in bytes.
    pub peak_memory_bytes: u64,
    /// Wall time, in microseconds.
    pub latency_us: u64,
    /// Validation findings on the output.
    pub findings: u64,
}

#[derive(Debug, Default)]
struct Samples {
    cases: Mutex<Vec<CaseSample>>,
}

/// The in-process recorder: a span processor keeping a compact sample of
/// every ended case span.
#[derive(Debug)]
struct CaseRecorder {
    samples: Arc<Samples>,
    /// Keep each case's id in its sample.
    keep_ids: bool,
}

impl CaseRecorder {
    fn sample(&self, span: &SpanData) -> Option<CaseSample> {
        let mut case_id = String::new();
        let mut outcome = None;
        let (mut fuel, mut peak_memory_bytes, mut latency_us, mut findings) = (0, 0, 0, 0);
        let mut index = 0;
        for attribute in &span.attributes {
            let as_u64 = || match &attribute.value {
                Value::I64(value) => u64::try_from(*value).ok(),
                _ => None,
            };
            match attribute.key.as_str() {
                ATTR_CASE_ID if self.keep_ids => {
                    case_id = attribute.value.as_str().into_owned();
                }
                ATTR_OUTCOME => outcome = attribute.value.as_str().parse::<Outcome>().ok(),
                ATTR_INDEX => index = as_u64()?,
                ATTR_FUEL => fuel = as_u64()?,
                ATTR_PEAK_MEMORY => peak_memory_bytes = as_u64()?,
                ATTR_LATENCY_US => latency_us = as_u64()?,
                ATTR_FINDINGS => findings = as_u64()?,
                _ => {}
            }
        }
        Some(CaseSample {
            case_id,
            index,
            outcome: outcome?,
            fuel,
            peak_memory_bytes,
            latency_us,
            findings,
        })
    }
}

impl SpanProcessor for CaseRecorder {
    fn on_start(&self, _span: &mut opentelemetry_sdk::trace::Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        if span.name != CASE_SPAN {
            return;
        }
        if let Some(sample) = self.sample(&span) {
            self.samples
                .cases
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(sample);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}

/// Median, 95th percentile and maximum of a per-case figure (nearest-rank
/// quantiles, see [`crate::metrics::quantile`]); all zero for no cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Spread {
    /// 50th percentile.
    pub median: u64,
    /// 95th percentile.
    pub p95: u64,
    /// Largest value.
    pub max: u64,
}

impl Spread {
    fn of(mut values: Vec<u64>) -> Spread {
        Spread {
            median: quantile(&mut values, 0.5).unwrap_or(0),
            p95: quantile(&mut values, 0.95).unwrap_or(0),
            max: values.iter().copied().max().unwrap_or(0),
        }
    }
}

/// Counts of values per bin, bins spaced evenly on a log scale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Histogram {
    /// `counts.len() + 1` increasing bin edges: bin `i` holds values in
    /// `[edges[i], edges[i + 1])`. Empty when there were no values.
    pub edges: Vec<u64>,
    /// Values per bin.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// Log-spaced histogram from the smallest to the largest value.
    fn log_spaced(values: &[u64], bins: usize) -> Histogram {
        let (Some(&min), Some(&max)) = (values.iter().min(), values.iter().max()) else {
            return Histogram::default();
        };
        let low = min.max(1) as f64;
        let high = max.saturating_add(1) as f64;
        let mut edges = vec![min];
        for idx in 1..=bins {
            // Rounding to whole units is intended; edges stay within [min, max + 1].
            let edge = (low * (high / low).powf(idx as f64 / bins as f64)).round() as u64;
            let last = edges.last().copied().unwrap_or(min);
            if edge > last {
                edges.push(edge);
            }
        }
        let upper = max.saturating_add(1);
        if edges.last().is_some_and(|&last| last < upper) {
            edges.push(upper);
        }
        if edges.len() < 2 {
            // Only when every value is u64::MAX: one closed bin.
            return Histogram {
                edges: vec![min, max],
                counts: vec![values.len() as u64],
            };
        }
        let mut counts = vec![0; edges.len() - 1];
        for &value in values {
            let idx = edges
                .partition_point(|&edge| edge <= value)
                .saturating_sub(1)
                .min(counts.len() - 1);
            counts[idx] += 1;
        }
        Histogram { edges, counts }
    }
}

/// What telemetry recorded about a pilot's cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TelemetrySummary {
    /// Case spans recorded.
    pub cases: u64,
    /// Cases per outcome; every outcome is listed, with zero if unseen.
    pub by_outcome: BTreeMap<Outcome, u64>,
    /// Fuel per case.
    pub fuel: Spread,
    /// Peak memory per case, in bytes.
    pub peak_memory_bytes: Spread,
    /// Fuel per decision (cases that ended `ok`): what efficiency scores.
    pub decision_fuel: Spread,
    /// Peak memory per decision, in bytes.
    pub decision_peak_memory_bytes: Spread,
    /// Wall time per case, in microseconds (machine-dependent).
    pub latency_us: Spread,
    /// Validation findings over all cases.
    pub findings: u64,
    /// Wall time from the pilot's start to this summary (machine-dependent).
    pub wall_total: Duration,
    /// Fuel per case, binned.
    pub fuel_histogram: Histogram,
    /// Wall time per case in microseconds, binned.
    pub latency_histogram: Histogram,
}

impl TelemetrySummary {
    /// Cases that ended with `outcome`.
    pub fn count(&self, outcome: Outcome) -> u64 {
        self.by_outcome.get(&outcome).copied().unwrap_or(0)
    }
}

/// The summary of `samples` (e.g. a bootstrap resample of a pilot's).
pub fn summarize(samples: &[CaseSample], wall_total: Duration) -> TelemetrySummary {
    let mut by_outcome: BTreeMap<Outcome, u64> = Outcome::ALL
        .into_iter()
        .map(|outcome| (outcome, 0))
        .collect();
    for sample in samples {
        *by_outcome.entry(sample.outcome).or_default() += 1;
    }
    let fuel: Vec<u64> = samples.iter().map(|sample| sample.fuel).collect();
    let latency: Vec<u64> = samples.iter().map(|sample| sample.latency_us).collect();
    TelemetrySummary {
        cases: samples.len() as u64,
        by_outcome,
        fuel_histogram: Histogram::log_spaced(&fuel, HISTOGRAM_BINS),
        latency_histogram: Histogram::log_spaced(&latency, HISTOGRAM_BINS),
        fuel: Spread::of(fuel),
        peak_memory_bytes: Spread::of(
            samples
                .iter()
                .map(|sample| sample.peak_memory_bytes)
                .collect(),
        ),
        decision_fuel: Spread::of(
            samples
                .iter()
                .filter(|sample| sample.outcome == Outcome::Ok)
                .map(|sample| sample.fuel)
                .collect(),
        ),
        decision_peak_memory_bytes: Spread::of(
            samples
                .iter()
                .filter(|sample| sample.outcome == Outcome::Ok)
                .map(|sample| sample.peak_memory_bytes)
                .collect(),
        ),
        latency_us: Spread::of(latency),
        findings: samples.iter().map(|sample| sample.findings).sum(),
        wall_total,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;

    use super::*;

    pub(crate) fn labels() -> PilotLabels {
        PilotLabels {
            scenario_id: "appeals-triage".into(),
            scenario_version: "1.0.0".into(),
            split: "test".into(),
            agent_sha256: "ab".repeat(32),
        }
    }

    fn case(idx: u64, outcome: Outcome) -> (String, Outcome, u64) {
        (format!("KZ-{idx:05}"), outcome, 1_000 * (idx + 1))
    }

    fn record(telemetry: &PilotTelemetry, (id, outcome, fuel): &(String, Outcome, u64)) {
        telemetry.record_case(&CaseRecord {
            case_id: id,
            index: fuel / 1_000 - 1,
            outcome: *outcome,
            fuel: *fuel,
            peak_memory_bytes: 65_536 * (fuel / 1_000),
            latency: Duration::from_micros(*fuel / 10),
            findings: u32::from(*outcome == Outcome::InvalidOutput),
        });
    }

    #[test]
    fn summary_comes_from_recorded_case_spans() {
        let telemetry = PilotTelemetry::start(&TelemetryConfig::in_process(), &labels()).unwrap();
        let outcomes = [
            Outcome::Ok,
            Outcome::Ok,
            Outcome::OutOfFuel,
            Outcome::InvalidOutput,
            Outcome::Ok,
        ];
        for (idx, outcome) in outcomes.into_iter().enumerate() {
            record(&telemetry, &case(idx as u64, outcome));
        }
        let finished = telemetry.finish();
        assert!(finished.export_error.is_none());
        assert!(finished.cases.is_empty(), "cases are kept only on request");
        let summary = finished.summary;
        assert_eq!(summary.cases, 5);
        assert_eq!(summary.count(Outcome::Ok), 3);
        assert_eq!(summary.count(Outcome::OutOfFuel), 1);
        assert_eq!(summary.count(Outcome::InvalidOutput), 1);
        assert_eq!(summary.count(Outcome::Panic), 0);
        assert_eq!(summary.by_outcome.len(), Outcome::ALL.len());
        // Fuel 1000..=5000: nearest-rank median is 3000, p95 is 5000.
        assert_eq!(
            summary.fuel,
            Spread {
                median: 3_000,
                p95: 5_000,
                max: 5_000
            }
        );
        assert_eq!(summary.peak_memory_bytes.max, 5 * 65_536);
        assert_eq!(
            summary.latency_us,
            Spread {
                median: 300,
                p95: 500,
                max: 500
            }
        );
        assert_eq!(summary.findings, 1);
        assert_eq!(summary.fuel_histogram.counts.iter().sum::<u64>(), 5);
        assert_eq!(summary.latency_histogram.counts.iter().sum::<u64>(), 5);
    }

    #[test]
    fn kept_cases_carry_their_ids_and_recorded_figures() {
        let config = TelemetryConfig {
            keep_cases: true,
            ..TelemetryConfig::in_process()
        };
        let telemetry = PilotTelemetry::start(&config, &labels()).unwrap();
        for (idx, outcome) in [Outcome::Ok, Outcome::InvalidOutput]
            .into_iter()
            .enumerate()
        {
            record(&telemetry, &case(idx as u64, outcome));
        }
        let finished = telemetry.finish();
        assert_eq!(finished.summary.cases, 2);
        assert_eq!(
            finished.cases,
            [
                RecordedCase {
                    case_id: "KZ-00000".into(),
                    outcome: Outcome::Ok,
                    fuel: 1_000,
                    peak_memory_bytes: 65_536,
                    latency_us: 100,
                    findings: 0,
                },
                RecordedCase {
                    case_id: "KZ-00001".into(),
                    outcome: Outcome::InvalidOutput,
                    fuel: 2_000,
                    peak_memory_bytes: 2 * 65_536,
                    latency_us: 200,
                    findings: 1,
                },
            ]
        );
        let json = serde_json::to_value(&finished.summary).unwrap();
        assert_eq!(json["fuel"]["max"], 2_000);
        assert_eq!(json["by_outcome"]["invalid_output"], 1);
    }

    #[test]
    fn cases_recorded_from_many_threads_are_all_counted() {
        let telemetry = PilotTelemetry::start(&TelemetryConfig::in_process(), &labels()).unwrap();
        std::thread::scope(|scope| {
            for thread in 0..4u64 {
                let telemetry = &telemetry;
                scope.spawn(move || {
                    for idx in 0..250 {
                        record(
                            telemetry,
                            &case(thread * 1_000 + idx, Outcome::ALL[(idx % 9) as usize]),
                        );
                    }
                });
            }
        });
        let summary = telemetry.finish().summary;
        assert_eq!(summary.cases, 1_000);
        assert_eq!(summary.by_outcome.values().sum::<u64>(), 1_000);
    }

    #[test]
    fn empty_pilot_summarizes_to_zeros() {
        let telemetry = PilotTelemetry::start(&TelemetryConfig::in_process(), &labels()).unwrap();
        let summary = telemetry.finish().summary;
        assert_eq!(summary.cases, 0);
        assert_eq!(summary.fuel, Spread::default());
        assert_eq!(summary.fuel_histogram, Histogram::default());
    }

    #[test]
    fn histogram_bins_cover_every_value() {
        let values = [1, 5, 10, 100, 1_000, 1_000, 999_999];
        let histogram = Histogram::log_spaced(&values, 6);
        assert_eq!(histogram.edges.len(), histogram.counts.len() + 1);
        assert!(
            histogram.edges.windows(2).all(|pair| pair[0] < pair[1]),
            "{histogram:?}"
        );
        assert_eq!(histogram.edges[0], 1);
        assert_eq!(*histogram.edges.last().unwrap(), 1_000_000);
        assert_eq!(histogram.counts.iter().sum::<u64>(), values.len() as u64);
        let single = Histogram::log_spaced(&[42, 42], 6);
        assert_eq!(single.counts.iter().sum::<u64>(), 2);
        let extreme = Histogram::log_spaced(&[u64::MAX, u64::MAX], 4);
        assert_eq!(extreme.counts, [2]);
        let wide = Histogram::log_spaced(&[0, u64::MAX], 12);
        assert_eq!(wide.counts.iter().sum::<u64>(), 2);
        let zeros = Histogram::log_spaced(&[0, 0, 3], 4);
        assert_eq!(zeros.counts.iter().sum::<u64>(), 3);
    }

    #[test]
    fn bad_endpoints_are_rejected_with_advice() {
        for endpoint in ["https://collector:4318", "collector:4318", "not a url"] {
            let config = TelemetryConfig {
                otlp_endpoint: Some(endpoint.into()),
                ..TelemetryConfig::in_process()
            };
            let err = PilotTelemetry::start(&config, &labels()).unwrap_err();
            let message = err.to_string();
            assert!(message.contains("OTEL_EXPORTER_OTLP_ENDPOINT"), "{message}");
        }
    }

    /// A fake collector: answers every request with 200 and reports
    /// `(request line, content type, body length)` of each.
    fn fake_collector() -> (String, mpsc::Receiver<(String, String, usize)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                let (mut content_type, mut length) = (String::new(), 0);
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (name, value) = line.split_once(": ").unwrap();
                    match name.to_ascii_lowercase().as_str() {
                        "content-type" => content_type = value.to_owned(),
                        "content-length" => length = value.parse().unwrap(),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                // Report before answering, so the exporter cannot return first.
                if sender
                    .send((request_line.trim_end().to_owned(), content_type, length))
                    .is_err()
                {
                    return;
                }
                stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                    .unwrap();
            }
        });
        (format!("http://{addr}/"), receiver)
    }

    #[test]
    fn exports_traces_and_metrics_over_otlp_http() {
        let (endpoint, requests) = fake_collector();
        let config = TelemetryConfig {
            otlp_endpoint: Some(endpoint),
            ..TelemetryConfig::in_process()
        };
        let telemetry = PilotTelemetry::start(&config, &labels()).unwrap();
        for idx in 0..10 {
            record(&telemetry, &case(idx, Outcome::Ok));
        }
        let finished = telemetry.finish();
        assert!(
            finished.export_error.is_none(),
            "{:?}",
            finished.export_error
        );
        assert_eq!(finished.summary.cases, 10);
        let seen: Vec<(String, String, usize)> = requests.try_iter().collect();
        for path in ["/v1/traces", "/v1/metrics"] {
            let request = seen
                .iter()
                .find(|(line, _, _)| line.starts_with(&format!("POST {path} ")));
            let (_, content_type, length) =
                request.unwrap_or_else(|| panic!("no POST {path} in {seen:?}"));
            assert_eq!(content_type, "application/x-protobuf");
            assert!(*length > 0);
        }
    }

    #[test]
    fn unreachable_collector_is_an_export_error_not_a_lost_summary() {
        // Bind then drop a listener to get a local port nobody listens on.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = TelemetryConfig {
            otlp_endpoint: Some(format!("http://127.0.0.1:{port}")),
            export_timeout: Duration::from_secs(2),
            ..TelemetryConfig::in_process()
        };
        let telemetry = PilotTelemetry::start(&config, &labels()).unwrap();
        record(&telemetry, &case(0, Outcome::Ok));
        let finished = telemetry.finish();
        assert_eq!(finished.summary.cases, 1);
        let err = finished.export_error.unwrap();
        assert!(
            err.to_string()
                .contains("check that the collector is running"),
            "{err}"
        );
    }
}
