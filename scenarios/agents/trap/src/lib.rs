//! Test agent `trap`: misbehaves on purpose, case by case, in every way the
//! sandbox classifies (panic, endless loop, runaway memory, deep recursion,
//! typed error), and answers the rest like the `appeals-triage` baseline.
//! The runner must penalise its reliability without the run breaking.

use govlab_sdk::serde_json::{Value, json};
use govlab_sdk::{Agent, AgentError};

fn recurse(depth: u64, trail: &mut Vec<u64>) -> u64 {
    if depth == u64::MAX {
        return 0;
    }
    trail.push(depth);
    let below = recurse(depth + 1, trail);
    below.wrapping_add(trail[depth as usize % trail.len()])
}

/// The trap.
pub struct Trap;

impl Agent for Trap {
    fn decide(_scenario: &str, case: Value) -> Result<Value, AgentError> {
        let id = agent_kit::str_field(&case, "case_id")?;
        let number: u64 = id
            .rsplit('-')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        match number % 8 {
            1 => panic!("trap: panicking on purpose in {id}"),
            2 => {
                let mut spin: u64 = 0;
                loop {
                    spin = std::hint::black_box(spin.wrapping_add(1));
                }
            }
            3 => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 8 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            4 => {
                let mut trail = Vec::new();
                let total = recurse(0, &mut trail);
                Ok(json!({ "total": total }))
            }
            5 => Err(AgentError::unsupported(format!("trap: declining {id}"))),
            _ => Ok(json!({
                "category": "waste_cleaning",
                "responsible_body": "AG-UMM",
                "priority": "medium",
                "misrouted": false,
            })),
        }
    }
}

govlab_sdk::export_agent!(Trap);
