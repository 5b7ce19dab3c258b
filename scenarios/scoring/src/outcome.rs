//! How one case of a pilot ended, as reported by the sandbox.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How one case ended. The names are the sandbox's outcome names; the
/// scenario runner maps the sandbox's outcome onto this enum, so this crate
/// does not depend on the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The agent returned an output that parsed.
    Ok,
    /// The agent returned a declared error for the case.
    AgentError,
    /// The agent returned an output that did not parse or validate.
    InvalidOutput,
    /// The case used up its fuel budget.
    OutOfFuel,
    /// The case ran past its deadline.
    Timeout,
    /// The agent tried to grow memory past its limit.
    MemoryLimit,
    /// The agent overflowed its stack.
    StackOverflow,
    /// The agent trapped (Rust panic, `unreachable`, …).
    Panic,
    /// The agent exceeded a host-enforced limit (output size, host calls, …).
    HostLimit,
}

impl Outcome {
    /// Every outcome, in a fixed order (the order of reports and JSON).
    pub const ALL: [Outcome; 9] = [
        Outcome::Ok,
        Outcome::AgentError,
        Outcome::InvalidOutput,
        Outcome::OutOfFuel,
        Outcome::Timeout,
        Outcome::MemoryLimit,
        Outcome::StackOverflow,
        Outcome::Panic,
        Outcome::HostLimit,
    ];

    /// The snake_case name used in JSON, telemetry attributes and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::AgentError => "agent_error",
            Outcome::InvalidOutput => "invalid_output",
            Outcome::OutOfFuel => "out_of_fuel",
            Outcome::Timeout => "timeout",
            Outcome::MemoryLimit => "memory_limit",
            Outcome::StackOverflow => "stack_overflow",
            Outcome::Panic => "panic",
            Outcome::HostLimit => "host_limit",
        }
    }

    /// Whether the agent handed control back normally: with an output
    /// (`ok`) or with a declared error (`agent_error`). Every other outcome
    /// is a failure of the agent or of its output, and counts against
    /// reliability.
    pub fn is_handled(self) -> bool {
        matches!(self, Outcome::Ok | Outcome::AgentError)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of the outcome names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown case outcome '{name}': expected one of ok, agent_error, invalid_output, out_of_fuel, timeout, memory_limit, stack_overflow, panic, host_limit"
)]
pub struct UnknownOutcome {
    /// The text that was given.
    pub name: String,
}

impl FromStr for Outcome {
    type Err = UnknownOutcome;

    fn from_str(name: &str) -> Result<Outcome, UnknownOutcome> {
        Outcome::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == name)
            .ok_or_else(|| UnknownOutcome {
                name: name.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json() {
        for outcome in Outcome::ALL {
            assert_eq!(outcome.as_str().parse::<Outcome>().unwrap(), outcome);
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(json, format!("\"{}\"", outcome.as_str()));
        }
        let err = "crashed".parse::<Outcome>().unwrap_err();
        assert!(
            err.to_string().contains("unknown case outcome 'crashed'"),
            "{err}"
        );
    }

    #[test]
    fn only_ok_and_agent_error_are_handled() {
        let handled: Vec<Outcome> = Outcome::ALL
            .into_iter()
            .filter(|o| o.is_handled())
            .collect();
        assert_eq!(handled, [Outcome::Ok, Outcome::AgentError]);
    }
}
