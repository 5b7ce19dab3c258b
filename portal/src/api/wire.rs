//! The API's JSON wire format: request and response bodies, converted by
//! hand from the portal's records so the records can change without
//! changing the API (`/api/openapi.json` documents these shapes).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::actions::PilotAccess;
use crate::model::{self, Agent, AuditEntry, CaseRow, Pilot, ScoreboardRow, Version};
use crate::principal::{AuthMethod, Principal};
use crate::references::ReferenceRow;

/// `GET /api/me`.
#[derive(Debug, Serialize)]
pub struct Me {
    pub subject: String,
    pub display_name: String,
    pub role: &'static str,
    pub team: Option<String>,
    /// `session` or `bearer`.
    pub auth: &'static str,
    /// For session logins: the value of `X-CSRF-Token` on unsafe calls.
    pub csrf_token: Option<String>,
}

impl Me {
    pub fn from(p: &Principal) -> Me {
        Me {
            subject: p.subject.clone(),
            display_name: p.display_name.clone(),
            role: p.role.as_str(),
            team: p.team.clone(),
            auth: match p.method {
                AuthMethod::Session { .. } => "session",
                AuthMethod::Bearer => "bearer",
            },
            csrf_token: p.csrf_token().map(str::to_owned),
        }
    }
}

/// A page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub limit: usize,
    pub offset: usize,
    /// Offset of the next page, if there may be one.
    pub next_offset: Option<usize>,
}

impl<T> Page<T> {
    /// The page `[offset, offset + limit)` of `all`.
    pub fn slice<S>(all: Vec<S>, offset: usize, limit: usize, map: impl Fn(S) -> T) -> Page<T> {
        let total = all.len();
        let items: Vec<T> = all.into_iter().skip(offset).take(limit).map(map).collect();
        Page {
            next_offset: (offset + items.len() < total).then_some(offset + items.len()),
            items,
            limit,
            offset,
        }
    }

    /// A page fetched with `limit + 1` rows, the extra one telling whether
    /// there is more.
    pub fn fetched<S>(
        mut rows: Vec<S>,
        offset: usize,
        limit: usize,
        map: impl Fn(S) -> T,
    ) -> Page<T> {
        let more = rows.len() > limit;
        rows.truncate(limit);
        let items: Vec<T> = rows.into_iter().map(map).collect();
        Page {
            next_offset: more.then_some(offset + items.len()),
            items,
            limit,
            offset,
        }
    }
}

/// `GET /api/scenarios` item.
#[derive(Debug, Serialize)]
pub struct ScenarioOut {
    pub id: String,
    pub version: String,
    pub title: String,
    pub description: String,
    pub practice_cases: u64,
    pub evaluation_cases: u64,
    pub enabled: bool,
}

/// `PUT /api/scenarios/{id}` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioUpdate {
    pub enabled: bool,
}

/// `POST /api/agents` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAgent {
    pub name: String,
    pub scenario: String,
    #[serde(default)]
    pub description: String,
    /// Staff only: the team the agent belongs to.
    #[serde(default)]
    pub team: Option<String>,
}

/// An agent.
#[derive(Debug, Serialize)]
pub struct AgentOut {
    pub id: String,
    pub team: String,
    pub name: String,
    pub scenario: String,
    pub description: String,
    pub created_by: String,
    pub created_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<VersionOut>>,
}

impl AgentOut {
    pub fn from(a: Agent, versions: Option<Vec<Version>>) -> AgentOut {
        AgentOut {
            id: a.id,
            team: a.team,
            name: a.name,
            scenario: a.scenario,
            description: a.description,
            created_by: a.created_by,
            created_at: a.created_at,
            versions: versions.map(|v| v.into_iter().map(VersionOut::from).collect()),
        }
    }
}

/// A version of an agent.
#[derive(Debug, Serialize)]
pub struct VersionOut {
    pub id: String,
    pub agent_id: String,
    pub version: i64,
    pub sha256: String,
    pub size_bytes: i64,
    /// `uploaded`, `submitted`, `approved` or `rejected`.
    pub status: &'static str,
    pub notes: String,
    pub uploaded_by: String,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub review_note: Option<String>,
}

impl VersionOut {
    pub fn from(v: Version) -> VersionOut {
        VersionOut {
            id: v.id,
            agent_id: v.agent_id,
            version: v.version,
            sha256: v.sha256,
            size_bytes: v.size_bytes,
            status: v.status.as_str(),
            notes: v.notes,
            uploaded_by: v.uploaded_by,
            created_at: v.created_at,
            submitted_at: v.submitted_at,
            reviewed_by: v.reviewed_by,
            reviewed_at: v.reviewed_at,
            review_note: v.review_note,
        }
    }
}

/// `POST /api/versions/{id}/review` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

/// `POST /api/pilots` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPilot {
    pub version_id: String,
    /// `practice` (default) or `evaluation`.
    #[serde(default = "practice")]
    pub split: String,
    /// Cases to run; default: the whole split.
    #[serde(default)]
    pub cases: Option<u64>,
}

fn practice() -> String {
    "practice".to_owned()
}

/// A pilot. Bulky documents are present on `GET /api/pilots/{id}` only;
/// per-case findings and the requester only with full access.
#[derive(Debug, Serialize)]
pub struct PilotOut {
    pub id: String,
    pub version_id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub version: i64,
    pub agent_sha256: String,
    pub team: String,
    pub scenario: String,
    pub scenario_version: String,
    pub split: String,
    pub case_limit: Option<i64>,
    /// `queued`, `running`, `done` or `failed`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub attempts: i64,
    pub cases_done: i64,
    pub cases_total: i64,
    pub error: Option<String>,
    pub composite: Option<f64>,
    pub dimensions: BTreeMap<&'static str, Option<f64>>,
    /// `scorecard` or `full` (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scorecard: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telemetry: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<serde_json::Value>,
}

fn raw(text: Option<String>) -> Option<Box<RawValue>> {
    text.and_then(|t| RawValue::from_string(t).ok())
}

impl PilotOut {
    /// A list item: no documents, no requester.
    pub fn summary(p: Pilot) -> PilotOut {
        let mut out = PilotOut::from(p, PilotAccess::Scorecard, false);
        out.access = None;
        out
    }

    /// `detail`: include the scorecard, telemetry and findings documents.
    pub fn from(p: Pilot, access: PilotAccess, detail: bool) -> PilotOut {
        let full = access == PilotAccess::Full;
        let findings = if detail {
            p.findings
                .as_deref()
                .and_then(|f| serde_json::from_str::<model::FindingsDoc>(f).ok())
                .map(|doc| {
                    if full {
                        serde_json::json!({ "by_rule": doc.by_rule, "first": doc.first })
                    } else {
                        serde_json::json!({ "by_rule": doc.by_rule })
                    }
                })
        } else {
            None
        };
        PilotOut {
            id: p.id,
            version_id: p.version_id,
            agent_id: p.agent_id,
            agent_name: p.agent_name,
            version: p.version,
            agent_sha256: p.agent_sha256,
            team: p.team,
            scenario: p.scenario,
            scenario_version: p.scenario_version,
            split: p.split,
            case_limit: p.case_limit,
            status: p.status.as_str(),
            requested_by: full.then_some(p.requested_by),
            created_at: p.created_at,
            started_at: p.started_at,
            finished_at: p.finished_at,
            attempts: p.attempts,
            cases_done: p.cases_done,
            cases_total: p.cases_total,
            error: p.error,
            composite: p.composite,
            dimensions: p.dimensions,
            access: Some(if full { "full" } else { "scorecard" }),
            scorecard: if detail { raw(p.scorecard) } else { None },
            telemetry: if detail { raw(p.telemetry) } else { None },
            findings,
        }
    }
}

/// One case of a practice pilot.
#[derive(Debug, Serialize)]
pub struct CaseOut {
    pub idx: i64,
    pub case_id: String,
    pub outcome: String,
    pub fuel: i64,
    pub peak_memory_bytes: i64,
    pub latency_us: i64,
    pub findings: i64,
}

impl CaseOut {
    pub fn from(c: CaseRow) -> CaseOut {
        CaseOut {
            idx: c.idx,
            case_id: c.case_id,
            outcome: c.outcome,
            fuel: c.fuel,
            peak_memory_bytes: c.peak_memory_bytes,
            latency_us: c.latency_us,
            findings: c.findings,
        }
    }
}

/// `GET /api/scoreboard`.
#[derive(Debug, Serialize)]
pub struct ScoreboardOut<'a> {
    pub scenario: &'a str,
    pub split: &'a str,
    pub rows: Vec<ScoreboardRowOut<'a>>,
    /// The oracle (ceiling) and trivial (floor) rows, unranked; empty until
    /// the portal has computed them.
    pub references: Vec<ReferenceRowOut<'a>>,
}

/// A reference row of the scoreboard: a baseline run by the same runner.
#[derive(Debug, Serialize)]
pub struct ReferenceRowOut<'a> {
    /// `oracle` or `trivial`.
    pub name: &'a str,
    pub cases: u64,
    pub composite: Option<f64>,
    /// `[low, high]`: the 95 % bootstrap interval of the composite.
    pub composite_interval: Option<[f64; 2]>,
    pub dimensions: &'a BTreeMap<&'static str, Option<f64>>,
}

impl<'a> ReferenceRowOut<'a> {
    pub fn from(r: &'a ReferenceRow) -> ReferenceRowOut<'a> {
        ReferenceRowOut {
            name: r.name,
            cases: r.cases,
            composite: r.composite,
            composite_interval: r.composite_interval.map(|(low, high)| [low, high]),
            dimensions: &r.dimensions,
        }
    }
}

/// One scoreboard line.
#[derive(Debug, Serialize)]
pub struct ScoreboardRowOut<'a> {
    pub rank: usize,
    /// The rank is shared with rows whose 95 % intervals overlap.
    pub tied: bool,
    pub team: &'a str,
    pub agent_id: &'a str,
    pub agent_name: &'a str,
    pub version: i64,
    pub pilot_id: &'a str,
    pub composite: Option<f64>,
    /// `[low, high]`: the 95 % bootstrap interval of the composite.
    pub composite_interval: Option<[f64; 2]>,
    pub dimensions: &'a BTreeMap<&'static str, Option<f64>>,
    pub finished_at: Option<i64>,
    /// `[version, composite]` of the latest pilot of each version.
    pub history: &'a [(i64, f64)],
    /// Finished pilots of this agent on the scenario and split (the row is
    /// the best of them).
    pub pilots: u32,
}

impl<'a> ScoreboardRowOut<'a> {
    pub fn from(r: &'a ScoreboardRow) -> ScoreboardRowOut<'a> {
        ScoreboardRowOut {
            rank: r.rank,
            tied: r.tied,
            team: &r.team,
            agent_id: &r.agent_id,
            agent_name: &r.agent_name,
            version: r.version,
            pilot_id: &r.pilot_id,
            composite: r.composite,
            composite_interval: r.composite_interval.map(|(low, high)| [low, high]),
            dimensions: &r.dimensions,
            finished_at: r.finished_at,
            history: &r.history,
            pilots: r.pilots,
        }
    }
}

/// `GET /api/compare`.
#[derive(Debug, Serialize)]
pub struct CompareOut {
    pub a: PilotOut,
    pub b: PilotOut,
    /// `b − a` of the composite and of each dimension both have.
    pub delta: BTreeMap<&'static str, Option<f64>>,
}

/// An audit-log entry.
#[derive(Debug, Serialize)]
pub struct AuditOut {
    pub at: i64,
    pub actor: String,
    pub role: String,
    pub team: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: String,
    pub ip: Option<String>,
}

impl AuditOut {
    pub fn from(e: AuditEntry) -> AuditOut {
        AuditOut {
            at: e.at,
            actor: e.actor,
            role: e.role,
            team: e.team,
            action: e.action,
            target: e.target,
            detail: e.detail,
            ip: e.ip,
        }
    }
}

/// `GET /api/lab-key`.
#[derive(Debug, Serialize)]
pub struct LabKeyOut {
    pub algorithm: &'static str,
    pub key_id: String,
    pub public_key_hex: String,
    pub public_key_base64: String,
}
