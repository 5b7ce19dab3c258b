//! `govlab-sdk`: write a govlab pilot agent in Rust.
//!
//! An agent is a WebAssembly component that govlab runs in a locked-down
//! sandbox against synthetic Madrid and Kazakh government data. govlab
//! calls it once per *case* (an appeal, a citizen record, an air-quality
//! reading...), each time in a fresh instance, and scores the decisions it
//! returns. This crate hides the component plumbing (`wit-bindgen`, the
//! canonical ABI, JSON at the boundary) behind one trait and one macro.
//!
//! # Writing an agent
//!
//! 1. Create a library crate with `crate-type = ["cdylib", "rlib"]` and a
//!    dependency on `govlab-sdk` (`govlab agent new NAME` does this for you).
//! 2. Implement [`Agent`]: take the scenario id and the case as a
//!    [`serde_json::Value`], return the decision as a `Value` or an
//!    [`AgentError`].
//! 3. Export it with [`export_agent!`].
//! 4. Build with `cargo build --target wasm32-wasip2 --release` (or
//!    `govlab agent build DIR`), check with `govlab agent check FILE.wasm`,
//!    run with `govlab run --agent FILE.wasm --cases FILE.jsonl`.
//!
//! ```
//! use govlab_sdk::host::{self, Level};
//! use govlab_sdk::serde_json::{Value, json};
//! use govlab_sdk::{Agent, AgentError};
//!
//! /// Routes every appeal that mentions a gas leak to the emergency service.
//! struct GasWatch;
//!
//! impl Agent for GasWatch {
//!     fn decide(scenario: &str, case: Value) -> Result<Value, AgentError> {
//!         if scenario != "appeals-triage" {
//!             return Err(AgentError::unsupported(format!("no rules for scenario {scenario}")));
//!         }
//!         let text = case["text"]
//!             .as_str()
//!             .ok_or_else(|| AgentError::invalid_input("the case has no `text` string"))?;
//!         let urgent = text.to_lowercase().contains("gas");
//!         host::log(Level::Info, &format!("urgent: {urgent}"));
//!         Ok(json!({ "priority": if urgent { "urgent" } else { "medium" } }))
//!     }
//! }
//!
//! govlab_sdk::export_agent!(GasWatch);
//!
//! // The same path the lab takes, callable from native unit tests:
//! let decision = govlab_sdk::decide_json::<GasWatch>(
//!     "appeals-triage",
//!     r#"{"text": "Huele a gas en el portal"}"#,
//! )?;
//! assert_eq!(decision, r#"{"priority":"urgent"}"#);
//! # Ok::<(), AgentError>(())
//! ```
//!
//! # What the lab does with your decision
//!
//! The payload is parsed for you: if it is not JSON the case ends with an
//! [`ErrorKind::InvalidInput`] error before your code runs. Whatever
//! [`Agent::decide`] returns is serialised to JSON and handed back.
//! An [`AgentError`] is recorded as the `agent_error` outcome; a panic,
//! running out of fuel, time or memory, or overflowing the stack ends the
//! case with its own outcome (see the SDK README for the full list and the
//! limits). Nothing survives from one case to the next.
//!
//! # Host services
//!
//! [`host`] wraps what the lab offers while a case runs: [`host::log`],
//! [`host::lookup_code`] (the lab's code lists) and [`host::convert`] (the
//! lab's schema adapters). Files, network, environment variables and real
//! clocks are not available: std calls that need them fail or see an empty,
//! virtual world.
//!
//! # Native builds
//!
//! The crate also compiles for the host platform so agents can unit-test
//! their logic with plain `cargo test`. Outside the sandbox the host
//! services degrade: [`host::log`] writes to standard error,
//! [`host::lookup_code`] finds nothing and [`host::convert`] fails with
//! [`host::ConvertError::NoHost`].
#![deny(missing_docs)]

pub mod host;

pub use serde_json;

use serde_json::Value;

/// A pilot agent: decides one case of a scenario.
///
/// Implement it on a unit struct and export it with [`export_agent!`].
/// govlab creates a fresh instance for every case, so there is no `self`:
/// anything you compute is gone when `decide` returns.
pub trait Agent {
    /// Decides one case. `scenario` is the scenario id (e.g.
    /// `"appeals-triage"`) and `case` the parsed case payload. Return the
    /// decision the scenario expects, or an [`AgentError`] saying why not.
    fn decide(scenario: &str, case: Value) -> Result<Value, AgentError>;

    /// The raw entry point the lab calls: `payload` is the case as JSON text
    /// and the `Ok` string must be the decision as JSON text. The default
    /// parses the payload (not JSON → [`ErrorKind::InvalidInput`]), calls
    /// [`Agent::decide`] and serialises its decision. Override it only to
    /// handle the JSON yourself, e.g. to deserialise straight into your own
    /// types; the lab checks that the returned text is JSON.
    fn decide_raw(scenario: &str, payload: &str) -> Result<String, AgentError> {
        let case: Value = serde_json::from_str(payload).map_err(|err| {
            AgentError::invalid_input(format!("the case is not valid JSON: {err}"))
        })?;
        let decision = Self::decide(scenario, case)?;
        serde_json::to_string(&decision).map_err(|err| {
            AgentError::internal(format!("the decision could not be serialised: {err}"))
        })
    }
}

/// Why an agent declined to decide a case; recorded as the `agent_error`
/// outcome with its kind and message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct AgentError {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// A message for the pilot's operators, e.g. `"the case has no text"`.
    pub message: String,
}

/// The kinds of [`AgentError`], as the WIT `error-kind` enum defines them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The case payload is not what the agent expected.
    InvalidInput,
    /// The agent does not handle this kind of case.
    Unsupported,
    /// Anything else that went wrong inside the agent.
    Internal,
}

impl ErrorKind {
    /// The stable name: `invalid_input`, `unsupported` or `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AgentError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> AgentError {
        AgentError {
            kind,
            message: message.into(),
        }
    }

    /// The case payload is not what the agent expected.
    pub fn invalid_input(message: impl Into<String>) -> AgentError {
        AgentError::new(ErrorKind::InvalidInput, message)
    }

    /// The agent does not handle this kind of case.
    pub fn unsupported(message: impl Into<String>) -> AgentError {
        AgentError::new(ErrorKind::Unsupported, message)
    }

    /// Anything else that went wrong inside the agent.
    pub fn internal(message: impl Into<String>) -> AgentError {
        AgentError::new(ErrorKind::Internal, message)
    }
}

/// Runs `A` on a raw case exactly as the lab does (through
/// [`Agent::decide_raw`]): by default parses `payload` (not JSON →
/// [`ErrorKind::InvalidInput`]), calls [`Agent::decide`] and serialises the
/// decision. Use it in native tests of an agent.
pub fn decide_json<A: Agent>(scenario: &str, payload: &str) -> Result<String, AgentError> {
    A::decide_raw(scenario, payload)
}

/// Exports a type implementing [`Agent`] as the component's `decide`.
///
/// Use it once per agent crate, at the top level of `lib.rs`:
///
/// ```
/// # use govlab_sdk::{Agent, AgentError, serde_json::Value};
/// struct Echo;
/// impl Agent for Echo {
///     fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
///         Ok(case)
///     }
/// }
/// govlab_sdk::export_agent!(Echo);
/// ```
#[macro_export]
macro_rules! export_agent {
    ($agent:ty) => {
        #[allow(
            unsafe_code,
            reason = "the component's exported entry points are canonical ABI glue"
        )]
        const _: () = {
            struct GovlabAgentExport;

            impl $crate::__private::Guest for GovlabAgentExport {
                fn decide(
                    scenario: ::std::string::String,
                    payload: ::std::string::String,
                ) -> ::std::result::Result<::std::string::String, $crate::__private::WitAgentError>
                {
                    $crate::__private::decide::<$agent>(&scenario, &payload)
                }
            }

            $crate::__private::bindings::__export_agent_bindings!(
                GovlabAgentExport with_types_in $crate::__private::bindings
            );
        };
    };
}

/// Implementation details of [`export_agent!`]; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use bindings::Guest;
    pub use bindings::govlab::pilot::types::AgentError as WitAgentError;

    /// Guest bindings for `sdk/wit/world.wit`.
    #[allow(
        unsafe_code,
        reason = "wit-bindgen's generated canonical ABI glue needs unsafe code"
    )]
    #[allow(
        missing_docs,
        reason = "generated by wit-bindgen, documented in sdk/wit"
    )]
    pub mod bindings {
        wit_bindgen::generate!({
            path: "wit",
            world: "agent",
            pub_export_macro: true,
            export_macro_name: "__export_agent_bindings",
            default_bindings_module: "$crate::__private::bindings",
        });
    }

    /// The body of the exported `decide`: JSON in, [`crate::Agent`], JSON out.
    pub fn decide<A: crate::Agent>(scenario: &str, payload: &str) -> Result<String, WitAgentError> {
        crate::decide_json::<A>(scenario, payload).map_err(to_wit)
    }

    pub(crate) fn to_wit(err: crate::AgentError) -> WitAgentError {
        use bindings::govlab::pilot::types::ErrorKind as Wit;
        let kind = match err.kind {
            crate::ErrorKind::InvalidInput => Wit::InvalidInput,
            crate::ErrorKind::Unsupported => Wit::Unsupported,
            crate::ErrorKind::Internal => Wit::Internal,
        };
        WitAgentError {
            kind,
            message: err.message,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    /// Counts the case's fields; refuses scenarios other than `count`.
    struct Counter;

    impl Agent for Counter {
        fn decide(scenario: &str, case: Value) -> Result<Value, AgentError> {
            if scenario != "count" {
                return Err(AgentError::unsupported(format!(
                    "unknown scenario {scenario}"
                )));
            }
            let fields = case
                .as_object()
                .ok_or_else(|| AgentError::invalid_input("the case is not an object"))?;
            Ok(json!({ "fields": fields.len() }))
        }
    }

    export_agent!(Counter);

    #[test]
    fn decide_json_parses_calls_and_serialises() {
        let out = decide_json::<Counter>("count", r#"{"a":1,"b":[2]}"#).unwrap();
        assert_eq!(out, r#"{"fields":2}"#);
    }

    #[test]
    fn bad_payloads_are_invalid_input() {
        for payload in ["", "{", "not json", "{\"a\":}"] {
            let err = decide_json::<Counter>("count", payload).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{payload:?}");
            assert!(
                err.message.starts_with("the case is not valid JSON"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn agent_errors_pass_through_unchanged() {
        let err = decide_json::<Counter>("other", "{}").unwrap_err();
        assert_eq!(err, AgentError::unsupported("unknown scenario other"));
        let err = decide_json::<Counter>("count", "[1]").unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert_eq!(err.to_string(), "invalid_input: the case is not an object");
    }

    /// Handles the JSON text itself.
    struct Raw;

    impl Agent for Raw {
        fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
            Err(AgentError::internal("not called"))
        }

        fn decide_raw(scenario: &str, payload: &str) -> Result<String, AgentError> {
            Ok(format!("{{\"{scenario}\":{}}}", payload.len()))
        }
    }

    #[test]
    fn decide_raw_overrides_the_json_handling() {
        assert_eq!(decide_json::<Raw>("n", "not json").unwrap(), r#"{"n":8}"#);
    }

    #[test]
    fn errors_map_onto_the_wit_kinds() {
        use __private::bindings::govlab::pilot::types::ErrorKind as Wit;
        let cases = [
            (AgentError::invalid_input("a"), Wit::InvalidInput),
            (AgentError::unsupported("b"), Wit::Unsupported),
            (AgentError::internal("c"), Wit::Internal),
        ];
        for (err, want) in cases {
            let message = err.message.clone();
            let wit = __private::to_wit(err);
            assert_eq!(wit.kind, want);
            assert_eq!(wit.message, message);
        }
    }

    #[test]
    fn the_exported_entry_point_reports_typed_errors() {
        let err = __private::decide::<Counter>("count", "nope").unwrap_err();
        assert_eq!(
            err.kind,
            __private::bindings::govlab::pilot::types::ErrorKind::InvalidInput
        );
    }
}
