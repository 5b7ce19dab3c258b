//! The portal's log: every `tracing` event as one line on standard error,
//! as text or JSON (`[log] format`), so request lines, pilot lifecycle
//! lines and error ids reach the operator. Events of other crates are kept
//! at `warn` and above only at `level = "debug"` or finer; otherwise only
//! their errors are written (a slow-loris flood must not flood the log).
//!
//! A small subscriber of its own: spans are accepted and ignored (the
//! portal logs events with their fields).

use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, span};

/// `[log]`: how the portal writes its log.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` (default) or `json` (one object per line).
    pub format: LogFormat,
    /// The finest level written: `error`, `warn`, `info` (default),
    /// `debug` or `trace`.
    pub level: LogLevel,
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        LogConfig {
            format: LogFormat::Text,
            level: LogLevel::Info,
        }
    }
}

/// The shape of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// `2026-12-07T16:50:54.123Z INFO target: message key=value …`.
    Text,
    /// `{"ts": …, "level": …, "target": …, "message": …, "key": value, …}`.
    Json,
}

/// The finest level written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warn,
    /// Requests, pilot lifecycle, warnings and errors.
    Info,
    /// Debugging detail.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    fn level(self) -> Level {
        match self {
            LogLevel::Error => Level::ERROR,
            LogLevel::Warn => Level::WARN,
            LogLevel::Info => Level::INFO,
            LogLevel::Debug => Level::DEBUG,
            LogLevel::Trace => Level::TRACE,
        }
    }
}

/// Installs the log for this process; `false` if one was installed already
/// (the first stays).
pub fn init(config: &LogConfig) -> bool {
    tracing::subscriber::set_global_default(LineSubscriber::new(config)).is_ok()
}

/// Writes each event as one line on standard error.
#[derive(Debug)]
pub struct LineSubscriber {
    format: LogFormat,
    max: Level,
    next_span: AtomicU64,
}

impl LineSubscriber {
    /// A subscriber for `config`.
    pub fn new(config: &LogConfig) -> LineSubscriber {
        LineSubscriber {
            format: config.format,
            max: config.level.level(),
            next_span: AtomicU64::new(1),
        }
    }

    fn wants(&self, metadata: &Metadata<'_>) -> bool {
        let level = *metadata.level();
        if metadata.target().starts_with("govlab") {
            level <= self.max
        } else if self.max >= Level::DEBUG {
            level <= Level::WARN
        } else {
            level == Level::ERROR
        }
    }
}

/// An event's fields, in order; `message` apart.
#[derive(Debug, Default)]
struct Fields {
    message: String,
    pairs: Vec<(&'static str, serde_json::Value)>,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else {
            self.pairs
                .push((field.name(), serde_json::Value::String(text)));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            value.clone_into(&mut self.message);
        } else {
            self.pairs.push((field.name(), value.into()));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.pairs.push((field.name(), value.into()));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.pairs.push((field.name(), value.into()));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.pairs.push((field.name(), value.into()));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.pairs.push((field.name(), value.into()));
    }
}

/// One log line (without the newline).
fn format_line(
    format: LogFormat,
    ts: &str,
    level: &Level,
    target: &str,
    fields: &Fields,
) -> String {
    match format {
        LogFormat::Json => {
            let mut object = serde_json::Map::new();
            object.insert("ts".into(), ts.into());
            object.insert("level".into(), level.as_str().into());
            object.insert("target".into(), target.into());
            object.insert("message".into(), fields.message.clone().into());
            for (key, value) in &fields.pairs {
                object
                    .entry((*key).to_owned())
                    .or_insert_with(|| value.clone());
            }
            serde_json::Value::Object(object).to_string()
        }
        LogFormat::Text => {
            let mut line = format!("{ts} {:>5} {target}: {}", level.as_str(), fields.message);
            for (key, value) in &fields.pairs {
                match value {
                    serde_json::Value::String(text)
                        if !text.is_empty() && !text.contains([' ', '"', '=']) =>
                    {
                        line.push_str(&format!(" {key}={text}"));
                    }
                    other => line.push_str(&format!(" {key}={other}")),
                }
            }
            line
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` of a unix time in milliseconds.
fn rfc3339(unix_ms: i64) -> String {
    let (year, month, day, ms_of_day) = crate::db::civil_utc(unix_ms);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000
    )
}

impl tracing::Subscriber for LineSubscriber {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if self.wants(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.wants(metadata)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::from_level(self.max.max(Level::WARN)))
    }

    fn new_span(&self, _span: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed).max(1))
    }

    fn record(&self, _span: &span::Id, _values: &span::Record<'_>) {}

    fn record_follows_from(&self, _span: &span::Id, _follows: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let metadata = event.metadata();
        let mut line = format_line(
            self.format,
            &rfc3339(unix_ms),
            metadata.level(),
            metadata.target(),
            &fields,
        );
        line.push('\n');
        // One write per line keeps lines whole between threads.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn enter(&self, _span: &span::Id) {}

    fn exit(&self, _span: &span::Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        Fields {
            message: "request".into(),
            pairs: vec![
                ("method", "GET".into()),
                ("route", "/api/pilots/{id}".into()),
                ("status", 200.into()),
                ("principal", "team a".into()),
            ],
        }
    }

    #[test]
    fn json_lines_are_objects_with_every_field() {
        let line = format_line(
            LogFormat::Json,
            "2026-12-07T16:50:54.123Z",
            &Level::INFO,
            "govlab_portal::request",
            &fields(),
        );
        let value: serde_json::Value = serde_json::from_str(&line).expect("one JSON object");
        assert_eq!(value["level"], "INFO");
        assert_eq!(value["message"], "request");
        assert_eq!(value["route"], "/api/pilots/{id}");
        assert_eq!(value["status"], 200);
        assert_eq!(value["principal"], "team a");
    }

    #[test]
    fn text_lines_quote_what_needs_it() {
        let line = format_line(
            LogFormat::Text,
            "T",
            &Level::WARN,
            "govlab_portal::jobs",
            &fields(),
        );
        assert_eq!(
            line,
            "T  WARN govlab_portal::jobs: request method=GET route=/api/pilots/{id} status=200 principal=\"team a\""
        );
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_796_662_254_123), "2026-12-07T16:50:54.123Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn log_section_parses() {
        let config =
            crate::Config::parse("[log]\nformat = \"json\"\nlevel = \"warn\"\n").expect("parses");
        assert_eq!(config.log.format, LogFormat::Json);
        assert_eq!(config.log.level, LogLevel::Warn);
    }
}
