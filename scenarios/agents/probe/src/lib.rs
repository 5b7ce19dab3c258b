//! Test agent `probe`: returns its whole payload and everything else it can
//! reach: environment, arguments, files, the clock, random numbers, the
//! lab's code lists and the adapters. The ground-truth leak test searches
//! its outputs for truth values.

use govlab_sdk::host;
use govlab_sdk::serde_json::{Map, Value, json};
use govlab_sdk::{Agent, AgentError};

/// Code lists and a few codes to ask for in each.
const LOOKUPS: &[(&str, &[&str])] = &[
    ("appeal_categories", &["roads", "housing", "public_safety"]),
    ("appeal_types", &["complaint"]),
    ("kz_bodies", &["akimat:750000000", "ministry:health"]),
    ("madrid_units", &["AG-UMM", "JMD-01"]),
    ("kato_regions", &["750000000"]),
    ("sexes", &["male"]),
];

fn files(path: &str, depth: usize, out: &mut Vec<Value>) {
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten().take(200) {
        let path = entry.path();
        let text = std::fs::read_to_string(&path).ok();
        out.push(json!({"path": path.display().to_string(), "text": text}));
        if depth > 0 && path.is_dir() {
            files(&path.display().to_string(), depth - 1, out);
        }
    }
}

/// The probe.
pub struct Probe;

impl Agent for Probe {
    fn decide(scenario: &str, case: Value) -> Result<Value, AgentError> {
        let mut found = Vec::new();
        for root in ["/", ".", "/tmp", "/etc", "/proc/self"] {
            files(root, 1, &mut found);
        }
        let mut codes = Map::new();
        for (list, wanted) in LOOKUPS {
            for code in *wanted {
                if let Some(entry) = host::lookup_code(list, code) {
                    codes.insert(format!("{list}/{code}"), json!(entry.labels));
                }
            }
        }
        let converted: Vec<Value> = [
            "kz.citizen",
            "madrid.resident",
            "canonical.person",
            "kz.appeal",
            "madrid.request",
        ]
        .iter()
        .flat_map(|from| {
            [
                "kz.citizen",
                "madrid.resident",
                "canonical.appeal",
                "kz.appeal",
            ]
            .map(|to| (*from, to))
        })
        .filter_map(|(from, to)| host::convert(from, to, case.get("record").unwrap_or(&case)).ok())
        .collect();
        Ok(json!({
            "scenario": scenario,
            "payload": case,
            "env": std::env::vars().collect::<Vec<_>>(),
            "args": std::env::args().collect::<Vec<_>>(),
            "cwd": std::env::current_dir().ok().map(|dir| dir.display().to_string()),
            "files": found,
            "clock": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs()),
            "code_lists": codes,
            "converted": converted,
        }))
    }
}

govlab_sdk::export_agent!(Probe);
