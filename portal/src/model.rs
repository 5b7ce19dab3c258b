//! The portal's records and the SQL that reads and writes them.
//!
//! No authorisation here: [`crate::actions`] decides who may call what.
//! Queries are portable (see [`crate::db`]). The job-queue side of the
//! `pilots` table (claim, lease, finish) is in [`crate::jobs`].

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db::{Db, new_id, now_ms};
use crate::error::PortalError;

/// A registered agent (one per team and name).
#[derive(Debug, Clone, Serialize)]
pub struct Agent {
    /// Id.
    pub id: String,
    /// Owning team.
    pub team: String,
    /// Name, unique in the team.
    pub name: String,
    /// The scenario it is built for.
    pub scenario: String,
    /// Free text.
    pub description: String,
    /// Who registered it.
    pub created_by: String,
    /// Unix ms.
    pub created_at: i64,
}

/// Where a version stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionStatus {
    /// Uploaded; practice pilots only.
    Uploaded,
    /// Submitted for evaluation, waiting for staff.
    Submitted,
    /// Approved by staff: evaluation pilots may run.
    Approved,
    /// Rejected by staff (see the review note).
    Rejected,
}

impl VersionStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Uploaded => "uploaded",
            VersionStatus::Submitted => "submitted",
            VersionStatus::Approved => "approved",
            VersionStatus::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> VersionStatus {
        match text {
            "submitted" => VersionStatus::Submitted,
            "approved" => VersionStatus::Approved,
            "rejected" => VersionStatus::Rejected,
            _ => VersionStatus::Uploaded,
        }
    }
}

/// One uploaded binary of an agent.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    /// Id.
    pub id: String,
    /// The agent.
    pub agent_id: String,
    /// 1, 2, … per agent.
    pub version: i64,
    /// SHA-256 of the component (its name in the blob store).
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Review state.
    pub status: VersionStatus,
    /// The uploader's notes.
    pub notes: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// Unix ms.
    pub created_at: i64,
    /// When it was submitted for evaluation.
    pub submitted_at: Option<i64>,
    /// Staff member who reviewed it.
    pub reviewed_by: Option<String>,
    /// When.
    pub reviewed_at: Option<i64>,
    /// Why (shown to the team).
    pub review_note: Option<String>,
}

/// Where a pilot stands as a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PilotStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker is running it.
    Running,
    /// Finished with a scorecard.
    Done,
    /// Could not run (see `error`); the agent's own failures are outcomes
    /// in a `done` pilot, not this.
    Failed,
}

impl PilotStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PilotStatus::Queued => "queued",
            PilotStatus::Running => "running",
            PilotStatus::Done => "done",
            PilotStatus::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<PilotStatus> {
        match text {
            "queued" => Some(PilotStatus::Queued),
            "running" => Some(PilotStatus::Running),
            "done" => Some(PilotStatus::Done),
            "failed" => Some(PilotStatus::Failed),
            _ => None,
        }
    }

    /// Whether the pilot will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, PilotStatus::Done | PilotStatus::Failed)
    }
}

/// A pilot: one agent version run on one scenario split.
#[derive(Debug, Clone, Serialize)]
pub struct Pilot {
    /// Id.
    pub id: String,
    /// The version run.
    pub version_id: String,
    /// Its agent.
    pub agent_id: String,
    /// Agent name (joined).
    pub agent_name: String,
    /// Version number (joined).
    pub version: i64,
    /// Agent SHA-256 (joined).
    pub agent_sha256: String,
    /// Owning team.
    pub team: String,
    /// Scenario id.
    pub scenario: String,
    /// Scenario version at request time.
    pub scenario_version: String,
    /// `practice` or `evaluation`.
    pub split: String,
    /// Cases asked for (`None`: the split's size).
    pub case_limit: Option<i64>,
    /// Job state.
    pub status: PilotStatus,
    /// Who asked for it.
    pub requested_by: String,
    /// Unix ms.
    pub created_at: i64,
    /// When a worker first took it.
    pub started_at: Option<i64>,
    /// When it ended.
    pub finished_at: Option<i64>,
    /// How many times a worker took it.
    pub attempts: i64,
    /// Cases finished so far.
    pub cases_done: i64,
    /// Cases in the pilot (0 until a worker starts it).
    pub cases_total: i64,
    /// Why it failed.
    pub error: Option<String>,
    /// Composite score.
    pub composite: Option<f64>,
    /// 95 % bootstrap interval of the composite, `(low, high)`.
    pub composite_interval: Option<(f64, f64)>,
    /// Dimension scores, by name (`None`: not applicable).
    pub dimensions: BTreeMap<&'static str, Option<f64>>,
    /// The signed scorecard JSON.
    pub scorecard: Option<String>,
    /// Telemetry summary JSON (outcomes, spreads, histograms).
    pub telemetry: Option<String>,
    /// Findings JSON (`{"by_rule": {...}, "first": [...]}`).
    pub findings: Option<String>,
}

/// Dimension names with their column, in scorecard order.
pub const DIMENSIONS: [(&str, &str); 6] = [
    ("effectiveness", "dim_effectiveness"),
    ("interoperability", "dim_interoperability"),
    ("efficiency", "dim_efficiency"),
    ("reliability", "dim_reliability"),
    ("compliance", "dim_compliance"),
    ("fairness", "dim_fairness"),
];

/// `SELECT … FROM pilots` joined with its agent and version, as a literal so
/// queries built from it stay `&'static str`.
macro_rules! select_pilots {
    () => {
        "SELECT p.id, p.version_id, p.agent_id, a.name AS agent_name, \
         v.version AS version, v.sha256 AS agent_sha256, p.team, p.scenario, \
         p.scenario_version, p.split, p.case_limit, p.status, p.requested_by, p.created_at, \
         p.started_at, p.finished_at, p.attempts, p.cases_done, p.cases_total, p.error, \
         p.composite, p.composite_low, p.composite_high, p.dim_effectiveness, p.dim_interoperability, p.dim_efficiency, \
         p.dim_reliability, p.dim_compliance, p.dim_fairness, p.scorecard, p.telemetry, \
         p.findings FROM pilots p JOIN agents a ON a.id = p.agent_id \
         JOIN agent_versions v ON v.id = p.version_id "
    };
}

fn agent_from_row(row: &AnyRow) -> Result<Agent, sqlx::Error> {
    Ok(Agent {
        id: row.try_get("id")?,
        team: row.try_get("team")?,
        name: row.try_get("name")?,
        scenario: row.try_get("scenario")?,
        description: row.try_get("description")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

fn version_from_row(row: &AnyRow) -> Result<Version, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Version {
        id: row.try_get("id")?,
        agent_id: row.try_get("agent_id")?,
        version: row.try_get("version")?,
        sha256: row.try_get("sha256")?,
        size_bytes: row.try_get("size_bytes")?,
        status: VersionStatus::parse(&status),
        notes: row.try_get("notes")?,
        uploaded_by: row.try_get("uploaded_by")?,
        created_at: row.try_get("created_at")?,
        submitted_at: row.try_get("submitted_at")?,
        reviewed_by: row.try_get("reviewed_by")?,
        reviewed_at: row.try_get("reviewed_at")?,
        review_note: row.try_get("review_note")?,
    })
}

fn pilot_from_row(row: &AnyRow) -> Result<Pilot, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let mut dimensions = BTreeMap::new();
    for (name, column) in DIMENSIONS {
        dimensions.insert(name, row.try_get::<Option<f64>, _>(column)?);
    }
    Ok(Pilot {
        id: row.try_get("id")?,
        version_id: row.try_get("version_id")?,
        agent_id: row.try_get("agent_id")?,
        agent_name: row.try_get("agent_name")?,
        version: row.try_get("version")?,
        agent_sha256: row.try_get("agent_sha256")?,
        team: row.try_get("team")?,
        scenario: row.try_get("scenario")?,
        scenario_version: row.try_get("scenario_version")?,
        split: row.try_get("split")?,
        case_limit: row.try_get("case_limit")?,
        status: PilotStatus::parse(&status).unwrap_or(PilotStatus::Failed),
        requested_by: row.try_get("requested_by")?,
        created_at: row.try_get("created_at")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        attempts: row.try_get("attempts")?,
        cases_done: row.try_get("cases_done")?,
        cases_total: row.try_get("cases_total")?,
        error: row.try_get("error")?,
        composite: row.try_get("composite")?,
        composite_interval: row
            .try_get::<Option<f64>, _>("composite_low")?
            .zip(row.try_get::<Option<f64>, _>("composite_high")?),
        dimensions,
        scorecard: row.try_get("scorecard")?,
        telemetry: row.try_get("telemetry")?,
        findings: row.try_get("findings")?,
    })
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

/// Creates the team if it does not exist yet.
pub async fn ensure_team(db: &Db, name: &str) -> Result<(), PortalError> {
    let result = sqlx::query("INSERT INTO teams (name, created_at) VALUES ($1, $2)")
        .bind(name)
        .bind(now_ms())
        .execute(db)
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(err) if is_unique_violation(&err) => Ok(()),
        Err(err) => Err(err.into()),
    }
}

/// Registers an agent for a team.
pub async fn create_agent(
    db: &Db,
    team: &str,
    name: &str,
    scenario: &str,
    description: &str,
    created_by: &str,
) -> Result<Agent, PortalError> {
    ensure_team(db, team).await?;
    let agent = Agent {
        id: new_id(),
        team: team.to_owned(),
        name: name.to_owned(),
        scenario: scenario.to_owned(),
        description: description.to_owned(),
        created_by: created_by.to_owned(),
        created_at: now_ms(),
    };
    let result = sqlx::query(
        "INSERT INTO agents (id, team, name, scenario, description, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&agent.id)
    .bind(&agent.team)
    .bind(&agent.name)
    .bind(&agent.scenario)
    .bind(&agent.description)
    .bind(&agent.created_by)
    .bind(agent.created_at)
    .execute(db)
    .await;
    match result {
        Ok(_) => Ok(agent),
        Err(err) if is_unique_violation(&err) => Err(PortalError::Conflict(format!(
            "team {team} already has an agent named {name}; upload a new version to it instead"
        ))),
        Err(err) => Err(err.into()),
    }
}

/// An agent by id.
pub async fn get_agent(db: &Db, id: &str) -> Result<Option<Agent>, PortalError> {
    let row = sqlx::query("SELECT * FROM agents WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.as_ref().map(agent_from_row).transpose()?)
}

/// An agent by team and name.
pub async fn find_agent(db: &Db, team: &str, name: &str) -> Result<Option<Agent>, PortalError> {
    let row = sqlx::query("SELECT * FROM agents WHERE team = $1 AND name = $2")
        .bind(team)
        .bind(name)
        .fetch_optional(db)
        .await?;
    Ok(row.as_ref().map(agent_from_row).transpose()?)
}

/// Agents of one team, or of every team, by name.
pub async fn list_agents(db: &Db, team: Option<&str>) -> Result<Vec<Agent>, PortalError> {
    let rows = match team {
        Some(team) => {
            sqlx::query("SELECT * FROM agents WHERE team = $1 ORDER BY name")
                .bind(team)
                .fetch_all(db)
                .await?
        }
        None => {
            sqlx::query("SELECT * FROM agents ORDER BY team, name")
                .fetch_all(db)
                .await?
        }
    };
    Ok(rows.iter().map(agent_from_row).collect::<Result<_, _>>()?)
}

/// Adds a version to an agent (number = last + 1).
pub async fn create_version(
    db: &Db,
    agent_id: &str,
    sha256: &str,
    size_bytes: i64,
    notes: &str,
    uploaded_by: &str,
) -> Result<Version, PortalError> {
    // Two uploads at once may pick the same number; the unique constraint
    // refuses the second, which then takes the next one.
    for _ in 0..5 {
        let (last,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(version) FROM agent_versions WHERE agent_id = $1")
                .bind(agent_id)
                .fetch_one(db)
                .await?;
        let version = Version {
            id: new_id(),
            agent_id: agent_id.to_owned(),
            version: last.unwrap_or(0) + 1,
            sha256: sha256.to_owned(),
            size_bytes,
            status: VersionStatus::Uploaded,
            notes: notes.to_owned(),
            uploaded_by: uploaded_by.to_owned(),
            created_at: now_ms(),
            submitted_at: None,
            reviewed_by: None,
            reviewed_at: None,
            review_note: None,
        };
        let result = sqlx::query(
            "INSERT INTO agent_versions (id, agent_id, version, sha256, size_bytes, status, notes, \
             uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&version.id)
        .bind(&version.agent_id)
        .bind(version.version)
        .bind(&version.sha256)
        .bind(version.size_bytes)
        .bind(version.status.as_str())
        .bind(&version.notes)
        .bind(&version.uploaded_by)
        .bind(version.created_at)
        .execute(db)
        .await;
        match result {
            Ok(_) => return Ok(version),
            Err(err) if is_unique_violation(&err) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(PortalError::Conflict(
        "too many uploads to this agent at once; try again".into(),
    ))
}

/// A version by id.
pub async fn get_version(db: &Db, id: &str) -> Result<Option<Version>, PortalError> {
    let row = sqlx::query("SELECT * FROM agent_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.as_ref().map(version_from_row).transpose()?)
}

/// Versions of an agent, newest first.
pub async fn list_versions(db: &Db, agent_id: &str) -> Result<Vec<Version>, PortalError> {
    let rows =
        sqlx::query("SELECT * FROM agent_versions WHERE agent_id = $1 ORDER BY version DESC")
            .bind(agent_id)
            .fetch_all(db)
            .await?;
    Ok(rows
        .iter()
        .map(version_from_row)
        .collect::<Result<_, _>>()?)
}

/// Versions waiting for review, oldest first, with their agents (one query).
pub async fn list_submitted(db: &Db) -> Result<Vec<(Agent, Version)>, PortalError> {
    let rows = sqlx::query(
        "SELECT v.*, a.team AS a_team, a.name AS a_name, a.scenario AS a_scenario, \
         a.description AS a_description, a.created_by AS a_created_by, \
         a.created_at AS a_created_at FROM agent_versions v \
         JOIN agents a ON a.id = v.agent_id WHERE v.status = 'submitted' \
         ORDER BY v.submitted_at",
    )
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let version = version_from_row(row)?;
        let agent = Agent {
            id: version.agent_id.clone(),
            team: row.try_get("a_team")?,
            name: row.try_get("a_name")?,
            scenario: row.try_get("a_scenario")?,
            description: row.try_get("a_description")?,
            created_by: row.try_get("a_created_by")?,
            created_at: row.try_get("a_created_at")?,
        };
        out.push((agent, version));
    }
    Ok(out)
}

/// Marks a version submitted, if it is `uploaded` or `rejected`; returns
/// whether it changed.
pub async fn mark_submitted(db: &Db, version_id: &str) -> Result<bool, PortalError> {
    let result = sqlx::query(
        "UPDATE agent_versions SET status = 'submitted', submitted_at = $2 \
         WHERE id = $1 AND status IN ('uploaded', 'rejected')",
    )
    .bind(version_id)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Records a review of a submitted version; returns whether it changed.
pub async fn mark_reviewed(
    db: &Db,
    version_id: &str,
    approved: bool,
    reviewer: &str,
    note: &str,
) -> Result<bool, PortalError> {
    let status = if approved {
        VersionStatus::Approved
    } else {
        VersionStatus::Rejected
    };
    let result = sqlx::query(
        "UPDATE agent_versions SET status = $2, reviewed_by = $3, reviewed_at = $4, \
         review_note = $5 WHERE id = $1 AND status = 'submitted'",
    )
    .bind(version_id)
    .bind(status.as_str())
    .bind(reviewer)
    .bind(now_ms())
    .bind(note)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Versions a team submitted since `since_ms` (for the daily quota).
pub async fn count_submissions_since(
    db: &Db,
    team: &str,
    since_ms: i64,
) -> Result<i64, PortalError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM agent_versions v JOIN agents a ON a.id = v.agent_id \
         WHERE a.team = $1 AND v.submitted_at IS NOT NULL AND v.submitted_at >= $2",
    )
    .bind(team)
    .bind(since_ms)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// What a new pilot is.
#[derive(Debug, Clone)]
pub struct NewPilot<'a> {
    /// The version to run.
    pub version: &'a Version,
    /// Its agent.
    pub agent: &'a Agent,
    /// Scenario version in effect.
    pub scenario_version: &'a str,
    /// `practice` or `evaluation`.
    pub split: &'a str,
    /// Cases to run (`None`: the split's size).
    pub case_limit: Option<i64>,
    /// Who asked.
    pub requested_by: &'a str,
}

/// Queues a pilot; returns its id.
pub async fn create_pilot(db: &Db, new: &NewPilot<'_>) -> Result<String, PortalError> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO pilots (id, version_id, agent_id, team, scenario, scenario_version, split, \
         case_limit, status, requested_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $10)",
    )
    .bind(&id)
    .bind(&new.version.id)
    .bind(&new.agent.id)
    .bind(&new.agent.team)
    .bind(&new.agent.scenario)
    .bind(new.scenario_version)
    .bind(new.split)
    .bind(new.case_limit)
    .bind(new.requested_by)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(id)
}

/// A pilot by id.
pub async fn get_pilot(db: &Db, id: &str) -> Result<Option<Pilot>, PortalError> {
    let row = sqlx::query(concat!(select_pilots!(), "WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.as_ref().map(pilot_from_row).transpose()?)
}

/// Which pilots to list.
#[derive(Debug, Clone, Default)]
pub struct PilotFilter {
    /// Only this team's.
    pub team: Option<String>,
    /// Only this agent's.
    pub agent_id: Option<String>,
    /// Only this scenario's.
    pub scenario: Option<String>,
    /// Only this split's.
    pub split: Option<String>,
    /// Only in this state.
    pub status: Option<PilotStatus>,
    /// At most this many (newest first); 0 means 100.
    pub limit: i64,
}

/// Pilots matching `filter`, newest first.
pub async fn list_pilots(db: &Db, filter: &PilotFilter) -> Result<Vec<Pilot>, PortalError> {
    let mut sql = String::from(concat!(select_pilots!(), "WHERE 1 = 1"));
    let mut binds: Vec<String> = Vec::new();
    for (column, value) in [
        ("p.team", &filter.team),
        ("p.agent_id", &filter.agent_id),
        ("p.scenario", &filter.scenario),
        ("p.split", &filter.split),
    ] {
        if let Some(value) = value {
            binds.push(value.clone());
            sql.push_str(&format!(" AND {column} = ${}", binds.len()));
        }
    }
    if let Some(status) = filter.status {
        binds.push(status.as_str().to_owned());
        sql.push_str(&format!(" AND p.status = ${}", binds.len()));
    }
    let limit = if filter.limit <= 0 { 100 } else { filter.limit };
    sql.push_str(&format!(" ORDER BY p.created_at DESC LIMIT {limit}"));
    // Audited: only fixed column names and the numeric limit are spliced
    // in; every value is a bound parameter.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in &binds {
        query = query.bind(value);
    }
    let rows = query.fetch_all(db).await?;
    Ok(rows.iter().map(pilot_from_row).collect::<Result<_, _>>()?)
}

/// One line of the scoreboard: an agent's best finished pilot.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreboardRow {
    /// 1-based rank by composite; rows whose 95 % intervals overlap share
    /// the rank of the best of them.
    pub rank: usize,
    /// The rank is shared: a statistical tie.
    pub tied: bool,
    /// Team.
    pub team: String,
    /// Agent id.
    pub agent_id: String,
    /// Agent name.
    pub agent_name: String,
    /// Version of the best pilot.
    pub version: i64,
    /// The best pilot.
    pub pilot_id: String,
    /// Scenario id.
    pub scenario: String,
    /// Split.
    pub split: String,
    /// Composite of the best pilot.
    pub composite: Option<f64>,
    /// Its 95 % interval, `(low, high)`.
    pub composite_interval: Option<(f64, f64)>,
    /// Its dimension scores.
    pub dimensions: BTreeMap<&'static str, Option<f64>>,
    /// When it finished.
    pub finished_at: Option<i64>,
    /// Composite of the latest pilot of each version, by version.
    pub history: Vec<(i64, f64)>,
    /// Finished pilots of this agent on the scenario and split: the row is
    /// the best of these, and the more tries, the likelier the best is
    /// partly luck.
    pub pilots: u32,
}

/// The scoreboard of one scenario and split: each agent's best finished
/// pilot, ranked by composite (equal composites: earlier first); rows
/// whose composite intervals overlap share a rank.
pub async fn scoreboard(
    db: &Db,
    scenario: &str,
    split: &str,
) -> Result<Vec<ScoreboardRow>, PortalError> {
    let rows = sqlx::query(concat!(
        select_pilots!(),
        "WHERE p.scenario = $1 AND p.split = $2 AND p.status = 'done' ORDER BY p.finished_at"
    ))
    .bind(scenario)
    .bind(split)
    .fetch_all(db)
    .await?;
    let mut best: BTreeMap<String, (Pilot, BTreeMap<i64, f64>, u32)> = BTreeMap::new();
    for row in &rows {
        let pilot = pilot_from_row(row)?;
        let composite = pilot.composite.unwrap_or(0.0);
        let entry = best
            .entry(pilot.agent_id.clone())
            .or_insert_with(|| (pilot.clone(), BTreeMap::new(), 0));
        entry.2 = entry.2.saturating_add(1);
        // Later pilots of the same version replace earlier ones in the trend.
        entry.1.insert(pilot.version, composite);
        if composite > entry.0.composite.unwrap_or(0.0) {
            entry.0 = pilot;
        }
    }
    let mut out: Vec<ScoreboardRow> = best
        .into_values()
        .map(|(pilot, history, pilots)| ScoreboardRow {
            rank: 0,
            tied: false,
            composite_interval: pilot.composite_interval,
            team: pilot.team,
            agent_id: pilot.agent_id,
            agent_name: pilot.agent_name,
            version: pilot.version,
            pilot_id: pilot.id,
            scenario: pilot.scenario,
            split: pilot.split,
            composite: pilot.composite,
            dimensions: pilot.dimensions,
            finished_at: pilot.finished_at,
            history: history.into_iter().collect(),
            pilots,
        })
        .collect();
    out.sort_by(|a, b| {
        b.composite
            .unwrap_or(0.0)
            .total_cmp(&a.composite.unwrap_or(0.0))
            .then(a.finished_at.cmp(&b.finished_at))
    });
    let ranks = govlab_scoring::bootstrap::tie_ranks(
        &out.iter()
            .map(|row| {
                let interval = row
                    .composite_interval
                    .map(|(low, high)| govlab_scoring::bootstrap::Interval { low, high });
                (Some(row.composite.unwrap_or(0.0)), interval)
            })
            .collect::<Vec<_>>(),
    );
    for (row, (rank, tied)) in out.iter_mut().zip(ranks) {
        row.rank = rank;
        row.tied = tied;
    }
    Ok(out)
}

/// One case of a practice pilot, as shown to its team.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    /// Position in the pilot.
    pub idx: i64,
    /// Case id.
    pub case_id: String,
    /// Outcome name.
    pub outcome: String,
    /// Fuel used.
    pub fuel: i64,
    /// Peak memory, bytes.
    pub peak_memory_bytes: i64,
    /// Wall time, µs.
    pub latency_us: i64,
    /// Validation findings.
    pub findings: i64,
}

/// Per-case rows of a pilot, in case order, from `offset`.
pub async fn list_cases(
    db: &Db,
    pilot_id: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<CaseRow>, PortalError> {
    let rows = sqlx::query(
        "SELECT idx, case_id, outcome, fuel, peak_memory_bytes, latency_us, findings \
         FROM pilot_cases WHERE pilot_id = $1 AND idx >= $2 ORDER BY idx LIMIT $3",
    )
    .bind(pilot_id)
    .bind(offset)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CaseRow {
                idx: row.try_get("idx")?,
                case_id: row.try_get("case_id")?,
                outcome: row.try_get("outcome")?,
                fuel: row.try_get("fuel")?,
                peak_memory_bytes: row.try_get("peak_memory_bytes")?,
                latency_us: row.try_get("latency_us")?,
                findings: row.try_get("findings")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(PortalError::from)
}

/// Whether the lab has a scenario switched on (default: on).
pub async fn scenario_enabled(db: &Db, scenario: &str) -> Result<bool, PortalError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT enabled FROM scenario_settings WHERE scenario = $1")
            .bind(scenario)
            .fetch_optional(db)
            .await?;
    Ok(row.is_none_or(|(enabled,)| enabled != 0))
}

/// Switches a scenario on or off.
pub async fn set_scenario_enabled(
    db: &Db,
    scenario: &str,
    enabled: bool,
    by: &str,
) -> Result<(), PortalError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM scenario_settings WHERE scenario = $1")
        .bind(scenario)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO scenario_settings (scenario, enabled, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(scenario)
    .bind(i64::from(enabled))
    .bind(by)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One audit-log entry.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    /// Unix ms.
    pub at: i64,
    /// Subject of the principal.
    pub actor: String,
    /// Its role.
    pub role: String,
    /// Its team.
    pub team: Option<String>,
    /// `login`, `login_failed`, `upload`, `submit`, `approve`, `reject`,
    /// `run`, `scenario`, `token_create`, `token_revoke`, …
    pub action: String,
    /// What it acted on (id).
    pub target: Option<String>,
    /// Details.
    pub detail: String,
    /// Client address.
    pub ip: Option<String>,
}

/// Appends to the audit log.
pub async fn audit(db: &Db, entry: &AuditEntry) -> Result<(), PortalError> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, role, team, action, target, detail, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(entry.at)
    .bind(&entry.actor)
    .bind(&entry.role)
    .bind(&entry.team)
    .bind(&entry.action)
    .bind(&entry.target)
    .bind(&entry.detail)
    .bind(&entry.ip)
    .execute(db)
    .await?;
    Ok(())
}

/// The newest audit entries.
pub async fn list_audit(db: &Db, limit: i64) -> Result<Vec<AuditEntry>, PortalError> {
    let rows = sqlx::query(
        "SELECT at, actor, role, team, action, target, detail, ip FROM audit_log \
         ORDER BY at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AuditEntry {
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                role: row.try_get("role")?,
                team: row.try_get("team")?,
                action: row.try_get("action")?,
                target: row.try_get("target")?,
                detail: row.try_get("detail")?,
                ip: row.try_get("ip")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(PortalError::from)
}

/// The `telemetry` column of a finished pilot: the recorded telemetry
/// summary (what the scorecard's efficiency and reliability came from).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct TelemetryDoc {
    /// Cases recorded.
    pub cases: u64,
    /// Cases per outcome name (`ok`, `timeout`, …), every outcome listed.
    pub by_outcome: BTreeMap<String, u64>,
    /// Fuel per case.
    pub fuel: SpreadDoc,
    /// Peak memory per case, bytes.
    pub peak_memory_bytes: SpreadDoc,
    /// Wall time per case, µs (machine-dependent).
    pub latency_us: SpreadDoc,
    /// Validation findings over all cases.
    pub findings: u64,
    /// Wall time of the pilot, ms.
    pub wall_ms: u64,
    /// Fuel per case, log-binned.
    pub fuel_histogram: HistogramDoc,
    /// Wall time per case in µs, log-binned.
    pub latency_histogram: HistogramDoc,
}

/// Median, p95 and max of a per-case figure.
#[derive(Debug, Clone, Copy, Default, Serialize, serde::Deserialize)]
pub struct SpreadDoc {
    /// 50th percentile.
    pub median: u64,
    /// 95th percentile.
    pub p95: u64,
    /// Largest.
    pub max: u64,
}

/// Counts per bin; `edges.len() == counts.len() + 1`.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct HistogramDoc {
    /// Bin edges.
    pub edges: Vec<u64>,
    /// Values per bin.
    pub counts: Vec<u64>,
}

/// The `findings` column of a finished pilot.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct FindingsDoc {
    /// All findings counted per rule id.
    pub by_rule: BTreeMap<String, u64>,
    /// The first findings in case order (at most 200); per-case data, so
    /// shown only with full access.
    pub first: Vec<FindingDoc>,
}

/// One validation finding.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct FindingDoc {
    /// Case id.
    pub case_id: String,
    /// Rule id.
    pub rule: String,
    /// JSON pointer into the output.
    pub location: String,
    /// What is wrong.
    pub message: String,
}
