//! `hello`: the smallest useful govlab agent.
//!
//! It shows the whole shape of an agent: implement [`Agent`] on a unit
//! struct, log through the host, return a JSON decision, export it with
//! [`govlab_sdk::export_agent!`]. Its decision echoes the scenario id and
//! counts the case's top-level fields.
//!
//! Build and run it:
//!
//! ```text
//! cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hello
//! govlab agent check sdk/examples/target/wasm32-wasip2/release/hello.wasm
//! govlab run --agent sdk/examples/target/wasm32-wasip2/release/hello.wasm --cases cases.jsonl
//! ```

use govlab_sdk::host::{self, Level};
use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// Echoes the scenario and counts the case's fields.
pub struct Hello;

impl Agent for Hello {
    fn decide(scenario: &str, case: Value) -> Result<Value, AgentError> {
        let fields = match &case {
            Value::Object(map) => map.len(),
            _ => return Err(AgentError::invalid_input("the case is not a JSON object")),
        };
        host::log(
            Level::Info,
            &format!("hello from {scenario}: {fields} fields"),
        );
        Ok(json!({ "scenario": scenario, "fields": fields }))
    }
}

govlab_sdk::export_agent!(Hello);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use govlab_sdk::{ErrorKind, decide_json};

    use super::*;

    #[test]
    fn echoes_scenario_and_counts_fields() {
        let out = decide_json::<Hello>("demo", r#"{"a":1,"b":{"c":2},"d":null}"#).unwrap();
        assert_eq!(out, r#"{"fields":3,"scenario":"demo"}"#);
    }

    #[test]
    fn refuses_non_objects() {
        let err = decide_json::<Hello>("demo", "[1,2]").unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
    }
}
