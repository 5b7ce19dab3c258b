//! `hostile-file`: tries to reach the host's filesystem.
//!
//! It reads `/etc/passwd`, lists `/` and the current directory, and creates
//! a file, then reports what happened to each attempt as JSON. In the
//! sandbox nothing is preopened, so every attempt must fail and the case
//! ends `ok` with the errors in the decision.
//!
//! Build: `cargo build --manifest-path sdk/examples/Cargo.toml --target wasm32-wasip2 --release -p hostile-file`

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

/// Reports what file access it got.
pub struct HostileFile;

fn outcome<T>(result: std::io::Result<T>, describe: impl FnOnce(T) -> Value) -> Value {
    match result {
        Ok(value) => json!({ "ok": true, "got": describe(value) }),
        Err(err) => {
            json!({ "ok": false, "error": err.to_string(), "kind": format!("{:?}", err.kind()) })
        }
    }
}

fn list(dir: &str) -> Value {
    outcome(std::fs::read_dir(dir), |entries| {
        let names: Vec<String> = entries
            .filter_map(Result::ok)
            .take(50)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        json!(names)
    })
}

impl Agent for HostileFile {
    fn decide(_scenario: &str, _case: Value) -> Result<Value, AgentError> {
        let passwd = outcome(std::fs::read("/etc/passwd"), |bytes| json!(bytes.len()));
        let created = outcome(std::fs::write("govlab-escape.txt", b"was here"), |()| {
            json!("created")
        });
        Ok(json!({
            "read_etc_passwd": passwd,
            "read_dir_root": list("/"),
            "read_dir_current": list("."),
            "create_file": created,
        }))
    }
}

govlab_sdk::export_agent!(HostileFile);
