//! Findings in the style of the EU Interoperability Test Bed: a stable rule
//! id, a severity, a message and a JSON-pointer location; and the overall
//! SUCCESS / FAILURE / WARNING status with counts.
//!
//! Rule ids are stable and documented here:
//!
//! | id | severity | meaning |
//! |----|----------|---------|
//! | `GL-SCHEMA-<keyword>` | error | JSON Schema keyword failed (e.g. `GL-SCHEMA-REQUIRED`, `GL-SCHEMA-TYPE`, `GL-SCHEMA-FORMAT`) |
//! | `GL-MAP-CODE-UNMAPPED` | error | a value is not in the code list and the policy is `error` |
//! | `GL-MAP-CODE-DEFAULT` | warning | a value was not in the code list; the policy's default was used |
//! | `GL-MAP-CODE-PASSTHROUGH` | warning | a value was not in the code list and was copied unchanged |
//! | `GL-MAP-REQUIRED` | error | a required target field has no value |
//! | `GL-MAP-TYPE` | error | a source value has the wrong type for the transform |
//! | `GL-MAP-DATETIME` | error | a date or time cannot be read or placed in its zone |
//! | `GL-MAP-TIME-SKIPPED` | info | a local time in a daylight-saving gap was dropped per policy |
//! | `GL-MAP-ID-INVALID` | error or warning | an identifier fails its check (IIN, BIN, DNI, NIE) |
//! | `GL-MAP-TRANSLIT` | warning | Cyrillic letters outside the transliteration table were kept |
//! | `GL-MAP-COLLECT` | error | an element cannot be placed when collecting an array |
//! | `GL-LOSS-FIELD` | warning | a source field with a value is not carried to the target |
//! | `GL-RT-DIFF` | warning | a field differs after the round trip through the target |

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// The record does not conform.
    Error,
    /// The record conforms but something was changed or lost.
    Warning,
    /// Worth knowing, no action needed.
    Info,
}

/// One finding about one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id (see the module docs).
    pub rule_id: String,
    /// Severity.
    pub severity: Severity,
    /// Human-readable message, lowercase, no trailing period.
    pub message: String,
    /// JSON pointer into the record the finding is about.
    pub location: String,
}

impl Finding {
    pub(crate) fn new(
        rule_id: impl Into<String>,
        severity: Severity,
        message: impl Into<String>,
        location: impl Into<String>,
    ) -> Finding {
        Finding {
            rule_id: rule_id.into(),
            severity,
            message: message.into(),
            location: location.into(),
        }
    }
}

/// Overall outcome of a validation or mapping step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[non_exhaustive]
pub enum Status {
    /// No errors, no warnings.
    Success,
    /// At least one error.
    Failure,
    /// No errors, at least one warning.
    Warning,
}

/// A status with the counts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// SUCCESS / FAILURE / WARNING.
    pub status: Status,
    /// Number of error findings.
    pub errors: usize,
    /// Number of warning findings.
    pub warnings: usize,
    /// Number of info findings.
    pub infos: usize,
    /// The findings themselves.
    pub findings: Vec<Finding>,
}

impl Outcome {
    /// Summarises `findings`.
    pub fn from_findings(findings: Vec<Finding>) -> Outcome {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        let (errors, warnings, infos) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
        let status = if errors > 0 {
            Status::Failure
        } else if warnings > 0 {
            Status::Warning
        } else {
            Status::Success
        };
        Outcome {
            status,
            errors,
            warnings,
            infos,
            findings,
        }
    }

    /// Whether there are no errors.
    pub fn passed(&self) -> bool {
        self.errors == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_worst_finding() {
        let f = |s| Finding::new("X", s, "m", "/a");
        assert_eq!(Outcome::from_findings(vec![]).status, Status::Success);
        let warn = Outcome::from_findings(vec![f(Severity::Info), f(Severity::Warning)]);
        assert_eq!(
            (warn.status, warn.warnings, warn.infos),
            (Status::Warning, 1, 1)
        );
        let fail = Outcome::from_findings(vec![f(Severity::Warning), f(Severity::Error)]);
        assert_eq!((fail.status, fail.errors), (Status::Failure, 1));
        assert!(!fail.passed());
    }
}
