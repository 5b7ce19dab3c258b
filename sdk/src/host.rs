//! The services govlab offers an agent while it decides a case: logging,
//! the lab's code lists and its schema adapters.
//!
//! Inside the sandbox these call the `govlab:pilot/host` imports. In a
//! native build (your unit tests) there is no lab: [`log`] prints to
//! standard error, [`lookup_code`] finds nothing and [`convert`] returns
//! [`ConvertError::NoHost`].

use serde_json::Value;

/// Severity of a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// Detail for debugging an agent.
    Debug,
    /// Normal progress.
    Info,
    /// Something odd that the agent worked around.
    Warn,
    /// Something failed.
    Error,
}

impl Level {
    /// The lowercase name: `debug`, `info`, `warn` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// One entry of a lab code list (a district, a KATO region, a body...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeEntry {
    /// The code itself, e.g. `"01"` or `"750000000"`.
    pub code: String,
    /// Labels by language tag (`es`, `en`, `kk`, `ru`).
    pub labels: Vec<(String, String)>,
}

impl CodeEntry {
    /// The label in `language` (e.g. `"es"`), if the list has one.
    pub fn label(&self, language: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(tag, _)| tag == language)
            .map(|(_, label)| label.as_str())
    }
}

/// Why [`convert`] returned no record.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// The lab's adapters refused the conversion (unknown schema pair,
    /// record invalid for `from`...).
    #[error("the lab could not convert the record: {message}")]
    Refused {
        /// The lab's reason, e.g. `"no mapping from kz.citizen to x"`.
        message: String,
    },
    /// The lab answered with something that is not JSON.
    #[error("the lab's converted record is not valid JSON: {reason}")]
    InvalidResponse {
        /// The JSON parser's complaint.
        reason: String,
    },
    /// Not running inside the govlab sandbox (a native build).
    #[error("no govlab host outside the sandbox; run the agent with `govlab run`")]
    NoHost,
}

/// Writes one log line to the case's log. Inside the sandbox a line is
/// truncated at 1 KiB, and logging past the case's budget ends the case with
/// the `host_limit` outcome: log decisions, not loops.
pub fn log(level: Level, message: &str) {
    imp::log(level, message);
}

/// Looks up `code` in the lab code list named `list` (e.g.
/// `"madrid.districts"`); `None` when the list or the code is unknown.
pub fn lookup_code(list: &str, code: &str) -> Option<CodeEntry> {
    imp::lookup_code(list, code)
}

/// Asks the lab's schema adapters to convert `record` from schema `from` to
/// schema `to` (e.g. `"kz.citizen"` to `"madrid.resident"`).
pub fn convert(from: &str, to: &str, record: &Value) -> Result<Value, ConvertError> {
    let converted = imp::convert(from, to, &record.to_string())?;
    serde_json::from_str(&converted).map_err(|err| ConvertError::InvalidResponse {
        reason: err.to_string(),
    })
}

/// The real host: the `govlab:pilot/host` imports.
#[cfg(target_arch = "wasm32")]
mod imp {
    use super::{CodeEntry, ConvertError, Level};
    use crate::__private::bindings::govlab::pilot::{host, types};

    pub(super) fn log(level: Level, message: &str) {
        let level = match level {
            Level::Debug => types::LogLevel::Debug,
            Level::Info => types::LogLevel::Info,
            Level::Warn => types::LogLevel::Warn,
            Level::Error => types::LogLevel::Error,
        };
        host::log(level, message);
    }

    pub(super) fn lookup_code(list: &str, code: &str) -> Option<CodeEntry> {
        host::lookup_code(list, code).map(|entry| CodeEntry {
            code: entry.code,
            labels: entry.labels,
        })
    }

    pub(super) fn convert(from: &str, to: &str, record: &str) -> Result<String, ConvertError> {
        host::convert(from, to, record).map_err(|message| ConvertError::Refused { message })
    }
}

/// No lab outside the sandbox: degrade so native tests of agent logic run.
#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::{CodeEntry, ConvertError, Level};

    pub(super) fn log(level: Level, message: &str) {
        eprintln!("[agent {}] {message}", level.as_str());
    }

    pub(super) fn lookup_code(_list: &str, _code: &str) -> Option<CodeEntry> {
        None
    }

    pub(super) fn convert(_from: &str, _to: &str, _record: &str) -> Result<String, ConvertError> {
        Err(ConvertError::NoHost)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    #[test]
    fn native_builds_have_no_host() {
        log(Level::Info, "native test line");
        assert_eq!(lookup_code("madrid.districts", "01"), None);
        let err = convert("kz.citizen", "madrid.resident", &json!({})).unwrap_err();
        assert_eq!(err, ConvertError::NoHost);
        assert!(err.to_string().contains("govlab run"), "{err}");
    }

    #[test]
    fn code_entry_labels_by_language() {
        let entry = CodeEntry {
            code: "01".to_owned(),
            labels: vec![
                ("es".to_owned(), "Centro".to_owned()),
                ("en".to_owned(), "Centre".to_owned()),
            ],
        };
        assert_eq!(entry.label("es"), Some("Centro"));
        assert_eq!(entry.label("en"), Some("Centre"));
        assert_eq!(entry.label("kk"), None);
    }
}
