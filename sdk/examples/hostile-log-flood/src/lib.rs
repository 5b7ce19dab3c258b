//! `hostile-log-flood`: floods the host log.
//!
//! Each line is 4 KiB (over the 1 KiB line cap) and the loop never stops,
//! so the sandbox must truncate the lines and end the case with
//! `host_limit` once the case's log budget is spent.
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-log-flood`

use govlab_sdk::host::{self, Level};
use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// Logs forever.
pub struct HostileLogFlood;

impl Agent for HostileLogFlood {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        let line = "flood ".repeat(700);
        let mut lines: u64 = 0;
        loop {
            host::log(Level::Info, &line);
            lines += 1;
            if lines == u64::MAX {
                return Ok(json!({ "lines": lines }));
            }
        }
    }
}

govlab_sdk::export_agent!(HostileLogFlood);
