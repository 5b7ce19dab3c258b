//! What each role may do, and the operations behind every page and API
//! action: register agents, upload and review versions, request pilots,
//! read pilots at the right level of detail.
//!
//! Pages ([`crate::pages`]) and the JSON API ([`crate::api`]) both call
//! these functions, so an action is authorised once, in one place, and the
//! role × endpoint matrix test exercises exactly this code.

use govlab_scenarios::datasets::Split;
use govlab_scenarios::scenario::{self, Scenario};

use crate::db::now_ms;
use crate::error::PortalError;
use crate::model::{self, Agent, AuditEntry, NewPilot, Pilot, Version, VersionStatus};
use crate::principal::{Principal, Role};
use crate::security::Bucket;
use crate::state::AppState;

/// Who is asking, when the page allows anonymous visitors.
pub type Viewer<'a> = Option<&'a Principal>;

/// How much of a pilot a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PilotAccess {
    /// Scorecard, certificate, aggregate telemetry and findings counts
    /// (investors, the public scoreboard, a team's own evaluation pilots).
    Scorecard,
    /// Everything, per-case rows and findings included (staff; a team's
    /// own practice pilots).
    Full,
}

/// Names an agent may have: 1–64 of `a-z 0-9 - _ .`, starting with a letter
/// or digit.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

/// The scenario with this id, or a 400 naming the ones that exist.
pub fn scenario_by_id(id: &str) -> Result<&'static Scenario, PortalError> {
    Scenario::builtin(id).map_err(|_| {
        let known: Vec<&str> = scenario::list()
            .map(|list| list.iter().map(Scenario::id).collect())
            .unwrap_or_default();
        PortalError::bad_request(format!(
            "unknown scenario {id:?}; the lab runs: {}",
            known.join(", ")
        ))
    })
}

/// Whether `viewer` may see the scoreboard and scorecards at all.
pub fn can_view_scoreboard(state: &AppState, viewer: Viewer<'_>) -> bool {
    viewer.is_some() || state.config.public_scoreboard
}

/// Fails unless `viewer` may see the scoreboard.
pub fn require_scoreboard(state: &AppState, viewer: Viewer<'_>) -> Result<(), PortalError> {
    if can_view_scoreboard(state, viewer) {
        Ok(())
    } else {
        Err(PortalError::Unauthenticated)
    }
}

/// Whether `principal` may see `agent` and its versions.
pub fn can_view_agent(principal: &Principal, agent: &Agent) -> bool {
    principal.is_staff() || principal.in_team(&agent.team)
}

/// Whether `principal` may change `agent` (upload, submit, run practice).
pub fn can_edit_agent(principal: &Principal, agent: &Agent) -> bool {
    principal.is_staff() || principal.in_team(&agent.team)
}

/// An agent the principal may see; others' agents are "not found", so a
/// startup cannot probe which ids exist.
pub async fn agent_for(
    state: &AppState,
    principal: &Principal,
    agent_id: &str,
) -> Result<Agent, PortalError> {
    match model::get_agent(&state.db, agent_id).await? {
        Some(agent) if can_view_agent(principal, &agent) => Ok(agent),
        _ => Err(PortalError::NotFound(format!("agent {agent_id}"))),
    }
}

/// A version and its agent, if the principal may see them.
pub async fn version_for(
    state: &AppState,
    principal: &Principal,
    version_id: &str,
) -> Result<(Agent, Version), PortalError> {
    let not_found = || PortalError::NotFound(format!("version {version_id}"));
    let version = model::get_version(&state.db, version_id)
        .await?
        .ok_or_else(not_found)?;
    let agent = model::get_agent(&state.db, &version.agent_id)
        .await?
        .ok_or_else(not_found)?;
    if can_view_agent(principal, &agent) {
        Ok((agent, version))
    } else {
        Err(not_found())
    }
}

/// The agents a principal may list: its team's, or all for staff.
pub async fn list_agents(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<Agent>, PortalError> {
    match principal.role {
        Role::Staff => model::list_agents(&state.db, None).await,
        Role::Startup => match &principal.team {
            Some(team) => model::list_agents(&state.db, Some(team)).await,
            None => Ok(Vec::new()),
        },
        Role::Investor => Err(PortalError::forbidden(
            "investors see the scoreboard and scorecards, not agents",
        )),
    }
}

/// Registers an agent. Startups register for their own team; staff name
/// the team.
pub async fn create_agent(
    state: &AppState,
    principal: &Principal,
    team: Option<&str>,
    name: &str,
    scenario_id: &str,
    description: &str,
) -> Result<Agent, PortalError> {
    let team = match principal.role {
        Role::Startup => principal
            .team
            .clone()
            .ok_or_else(|| PortalError::forbidden("your account has no team; ask the lab"))?,
        Role::Staff => team
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                PortalError::bad_request("staff must name the team the agent belongs to")
            })?
            .to_owned(),
        Role::Investor => return Err(PortalError::forbidden("investors cannot register agents")),
    };
    if !valid_name(name) {
        return Err(PortalError::bad_request(
            "an agent name is 1–64 characters of a-z, 0-9, '-', '_' or '.', starting with a letter or digit",
        ));
    }
    if !valid_name(&team) {
        return Err(PortalError::bad_request("the team name is not valid"));
    }
    if description.len() > 2000 {
        return Err(PortalError::bad_request(
            "the description is over 2000 characters",
        ));
    }
    let scenario = scenario_by_id(scenario_id)?;
    let agent = model::create_agent(
        &state.db,
        &team,
        name,
        scenario.id(),
        description,
        &principal.subject,
    )
    .await?;
    audit(
        state,
        principal,
        "agent_create",
        Some(&agent.id),
        &format!("{team}/{name}"),
    )
    .await;
    Ok(agent)
}

/// Permission to receive one upload for `agent`: the principal may
/// upload to it, was within the upload rate limit, and holds one of the
/// process's upload slots until this is dropped. Only
/// [`authorize_upload`] makes one, and [`upload_version`] needs one, so an
/// upload body is read only after authorisation.
#[derive(Debug)]
pub struct UploadGrant {
    agent: Agent,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

impl UploadGrant {
    /// The agent the upload is for.
    pub fn agent(&self) -> &Agent {
        &self.agent
    }
}

/// Decides whether `principal` may upload a version of `agent_id`, before
/// any of the body is read: role, team, the upload rate limit, then a free
/// upload slot (503 with `Retry-After` when all
/// `limits.concurrent_uploads` are busy).
pub async fn authorize_upload(
    state: &AppState,
    principal: &Principal,
    agent_id: &str,
) -> Result<UploadGrant, PortalError> {
    if principal.role == Role::Investor {
        return Err(PortalError::forbidden("investors cannot upload agents"));
    }
    let agent = agent_for(state, principal, agent_id).await?;
    if !can_edit_agent(principal, &agent) {
        return Err(PortalError::forbidden(
            "only the agent's team can upload versions",
        ));
    }
    state.limiter.check(Bucket::Upload, &principal.subject)?;
    let slot = std::sync::Arc::clone(&state.upload_slots)
        .try_acquire_owned()
        .map_err(|_| PortalError::Unavailable {
            message: "the portal is receiving as many uploads as it can; retry shortly".into(),
            retry_after: 5,
        })?;
    Ok(UploadGrant { agent, _slot: slot })
}

/// Validates a received upload and stores it as the granted agent's next
/// version. The sandbox's own checks run first (component format, imports,
/// the `decide` export's type, the 32 MiB cap); a refusal comes back in
/// words.
pub async fn upload_version(
    state: &AppState,
    principal: &Principal,
    grant: UploadGrant,
    staged: crate::store::Staged,
    notes: &str,
) -> Result<Version, PortalError> {
    let agent = &grant.agent;
    if notes.len() > 2000 {
        return Err(PortalError::bad_request(
            "the notes are over 2000 characters",
        ));
    }
    if staged.len == 0 {
        return Err(PortalError::bad_request(
            "the upload is empty; choose a .wasm component file",
        ));
    }
    let scenario = scenario_by_id(&agent.scenario)?;
    let checker = state.clone();
    let (size, sha) = tokio::task::spawn_blocking(move || -> Result<_, PortalError> {
        let bytes = staged.read().map_err(PortalError::internal)?;
        checker.check_agent(scenario, &bytes)?;
        drop(bytes);
        let size = staged.len;
        let sha = checker
            .blobs
            .put_staged(staged)
            .map_err(PortalError::internal)?;
        Ok((size, sha))
    })
    .await
    .map_err(PortalError::internal)??;
    let size = i64::try_from(size).unwrap_or(i64::MAX);
    let version =
        model::create_version(&state.db, &agent.id, &sha, size, notes, &principal.subject).await?;
    audit(
        state,
        principal,
        "upload",
        Some(&version.id),
        &format!(
            "{}/{} v{} sha256 {sha}",
            agent.team, agent.name, version.version
        ),
    )
    .await;
    drop(grant);
    Ok(version)
}

/// Submits a version for evaluation, within the team's daily quota.
pub async fn submit_version(
    state: &AppState,
    principal: &Principal,
    version_id: &str,
) -> Result<Version, PortalError> {
    if principal.role == Role::Investor {
        return Err(PortalError::forbidden("investors cannot submit versions"));
    }
    let (agent, version) = version_for(state, principal, version_id).await?;
    if principal.role != Role::Startup || !principal.in_team(&agent.team) {
        return Err(PortalError::forbidden(
            "only the agent's team submits its versions",
        ));
    }
    if !matches!(
        version.status,
        VersionStatus::Uploaded | VersionStatus::Rejected
    ) {
        return Err(PortalError::Conflict(format!(
            "version {} is already {}",
            version.version,
            version.status.as_str()
        )));
    }
    let day_start = now_ms() - now_ms().rem_euclid(86_400_000);
    let used = model::count_submissions_since(&state.db, &agent.team, day_start).await?;
    let quota = i64::from(state.config.limits.evaluation_submissions_per_day);
    if used >= quota {
        let retry_after = u64::try_from((day_start + 86_400_000 - now_ms()) / 1000).unwrap_or(0);
        return Err(PortalError::TooManyRequests {
            message: format!(
                "your team has used today's {quota} evaluation submissions; the quota resets at 00:00 UTC"
            ),
            retry_after,
        });
    }
    if !model::mark_submitted(&state.db, &version.id).await? {
        return Err(PortalError::Conflict(
            "the version changed meanwhile; reload".into(),
        ));
    }
    audit(
        state,
        principal,
        "submit",
        Some(&version.id),
        &format!("{}/{} v{}", agent.team, agent.name, version.version),
    )
    .await;
    model::get_version(&state.db, &version.id)
        .await?
        .ok_or_else(|| PortalError::NotFound(format!("version {version_id}")))
}

/// Approves or rejects a submitted version (staff only).
pub async fn review_version(
    state: &AppState,
    principal: &Principal,
    version_id: &str,
    approve: bool,
    note: &str,
) -> Result<Version, PortalError> {
    if !principal.is_staff() {
        return Err(PortalError::forbidden("only lab staff review versions"));
    }
    let (agent, version) = version_for(state, principal, version_id).await?;
    if version.status != VersionStatus::Submitted {
        return Err(PortalError::Conflict(format!(
            "version {} is {}, not submitted",
            version.version,
            version.status.as_str()
        )));
    }
    if !model::mark_reviewed(&state.db, &version.id, approve, &principal.subject, note).await? {
        return Err(PortalError::Conflict(
            "the version changed meanwhile; reload".into(),
        ));
    }
    let action = if approve { "approve" } else { "reject" };
    audit(
        state,
        principal,
        action,
        Some(&version.id),
        &format!("{}/{} v{}: {note}", agent.team, agent.name, version.version),
    )
    .await;
    model::get_version(&state.db, &version.id)
        .await?
        .ok_or_else(|| PortalError::NotFound(format!("version {version_id}")))
}

/// Why an evaluation pilot cannot run, after the scenario id.
pub(crate) const NO_EVALUATION_KEY: &str = "needs the lab's evaluation key, and none is configured: \
     set [scenarios] evaluation_key_file in the portal configuration (or GOVLAB_EVAL_KEY) and \
     restart the portal; make the key with `govlab lab init --out FILE`";

/// Queues a pilot of a version. Practice: the agent's team or staff, up to
/// `max_practice_cases`. Evaluation: staff only, on approved versions, with
/// the lab's evaluation key configured.
pub async fn request_pilot(
    state: &AppState,
    principal: &Principal,
    version_id: &str,
    split: &str,
    cases: Option<u64>,
) -> Result<String, PortalError> {
    if principal.role == Role::Investor {
        return Err(PortalError::forbidden("investors cannot run pilots"));
    }
    let (agent, version) = version_for(state, principal, version_id).await?;
    let scenario = scenario_by_id(&agent.scenario)?;
    let split = match split {
        "practice" => Split::Practice,
        "evaluation" => Split::Evaluation,
        other => {
            return Err(PortalError::bad_request(format!(
                "unknown split {other:?}: use practice or evaluation"
            )));
        }
    };
    match split {
        Split::Practice => {
            if !can_edit_agent(principal, &agent) {
                return Err(PortalError::forbidden(
                    "only the agent's team runs its practice pilots",
                ));
            }
            let max = state.config.limits.max_practice_cases;
            if cases.is_some_and(|n| n > max) {
                return Err(PortalError::bad_request(format!(
                    "a practice pilot runs at most {max} cases"
                )));
            }
        }
        Split::Evaluation => {
            if !principal.is_staff() {
                return Err(PortalError::forbidden(
                    "evaluation pilots are run by lab staff; submit the version for evaluation",
                ));
            }
            if version.status != VersionStatus::Approved {
                return Err(PortalError::Conflict(format!(
                    "version {} is {}; approve it before an evaluation pilot",
                    version.version,
                    version.status.as_str()
                )));
            }
            if state.evaluation_key.is_none() {
                return Err(PortalError::Conflict(format!(
                    "{} {NO_EVALUATION_KEY}",
                    scenario.id()
                )));
            }
        }
    }
    state.limiter.check(Bucket::Run, &principal.subject)?;
    let minimum = scenario.minimum_cases();
    if let Some(n) = cases.filter(|&n| n < minimum) {
        return Err(PortalError::bad_request(format!(
            "{} needs at least {minimum} cases per pilot for a composite score and a certificate (asked for {n})",
            scenario.id()
        )));
    }
    if !model::scenario_enabled(&state.db, scenario.id()).await? {
        return Err(PortalError::Conflict(format!(
            "the lab has switched {} off for now",
            scenario.id()
        )));
    }
    let id = model::create_pilot(
        &state.db,
        &NewPilot {
            version: &version,
            agent: &agent,
            scenario_version: scenario.version(),
            split: split.name(),
            case_limit: cases.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
            requested_by: &principal.subject,
        },
    )
    .await?;
    state.jobs.notify();
    audit(
        state,
        principal,
        "run",
        Some(&id),
        &format!(
            "{}/{} v{} {} {}",
            agent.team,
            agent.name,
            version.version,
            scenario.id(),
            split.name()
        ),
    )
    .await;
    Ok(id)
}

/// A pilot and how much of it `viewer` may see. Startups see their own
/// team's pilots (practice in full); staff see everything; investors and
/// public visitors see finished pilots' scorecards.
pub async fn pilot_for(
    state: &AppState,
    viewer: Viewer<'_>,
    pilot_id: &str,
) -> Result<(Pilot, PilotAccess), PortalError> {
    let not_found = || PortalError::NotFound(format!("pilot {pilot_id}"));
    let pilot = model::get_pilot(&state.db, pilot_id)
        .await?
        .ok_or_else(not_found)?;
    let access = match viewer {
        Some(p) if p.is_staff() => PilotAccess::Full,
        Some(p) if p.in_team(&pilot.team) => {
            if pilot.split == "practice" {
                PilotAccess::Full
            } else {
                PilotAccess::Scorecard
            }
        }
        Some(p) if p.role == Role::Investor && pilot.status == model::PilotStatus::Done => {
            PilotAccess::Scorecard
        }
        None if state.config.public_scoreboard && pilot.status == model::PilotStatus::Done => {
            PilotAccess::Scorecard
        }
        None => return Err(PortalError::Unauthenticated),
        Some(_) => return Err(not_found()),
    };
    Ok((pilot, access))
}

/// Per-case rows, for viewers with full access.
pub async fn pilot_cases(
    state: &AppState,
    viewer: Viewer<'_>,
    pilot_id: &str,
    offset: i64,
    limit: i64,
) -> Result<Vec<model::CaseRow>, PortalError> {
    let (pilot, access) = pilot_for(state, viewer, pilot_id).await?;
    if access != PilotAccess::Full {
        return Err(PortalError::forbidden(
            "per-case telemetry is shown for practice pilots to their team, and to lab staff",
        ));
    }
    model::list_cases(&state.db, &pilot.id, offset.max(0), limit.clamp(1, 1000)).await
}

/// Pilots a principal may list: its team's, or all for staff.
pub async fn list_pilots(
    state: &AppState,
    principal: &Principal,
    mut filter: model::PilotFilter,
) -> Result<Vec<Pilot>, PortalError> {
    match principal.role {
        Role::Staff => {}
        Role::Startup => {
            filter.team = Some(
                principal
                    .team
                    .clone()
                    .ok_or_else(|| PortalError::forbidden("your account has no team"))?,
            );
        }
        Role::Investor => {
            filter.status = Some(model::PilotStatus::Done);
        }
    }
    model::list_pilots(&state.db, &filter).await
}

/// Two finished pilots side by side (staff only).
pub async fn compare(
    state: &AppState,
    principal: &Principal,
    base_id: &str,
    candidate_id: &str,
) -> Result<(Pilot, Pilot), PortalError> {
    if !principal.is_staff() {
        return Err(PortalError::forbidden("comparisons are for lab staff"));
    }
    let (base, _) = pilot_for(state, Some(principal), base_id).await?;
    let (candidate, _) = pilot_for(state, Some(principal), candidate_id).await?;
    Ok((base, candidate))
}

/// Switches a scenario on or off (staff only).
pub async fn set_scenario_enabled(
    state: &AppState,
    principal: &Principal,
    scenario_id: &str,
    enabled: bool,
) -> Result<(), PortalError> {
    if !principal.is_staff() {
        return Err(PortalError::forbidden("only lab staff manage scenarios"));
    }
    let scenario = scenario_by_id(scenario_id)?;
    model::set_scenario_enabled(&state.db, scenario.id(), enabled, &principal.subject).await?;
    audit(
        state,
        principal,
        "scenario",
        Some(scenario.id()),
        if enabled { "enabled" } else { "disabled" },
    )
    .await;
    Ok(())
}

/// The audit log (staff only).
pub async fn audit_log(
    state: &AppState,
    principal: &Principal,
    limit: i64,
) -> Result<Vec<AuditEntry>, PortalError> {
    if !principal.is_staff() {
        return Err(PortalError::forbidden("the audit log is for lab staff"));
    }
    model::list_audit(&state.db, limit.clamp(1, 1000)).await
}

/// Writes an audit entry; a failure is logged, never shown to the user
/// (the action itself succeeded).
pub async fn audit(
    state: &AppState,
    principal: &Principal,
    action: &str,
    target: Option<&str>,
    detail: &str,
) {
    let entry = AuditEntry {
        at: now_ms(),
        actor: principal.subject.clone(),
        role: principal.role.as_str().to_owned(),
        team: principal.team.clone(),
        action: action.to_owned(),
        target: target.map(str::to_owned),
        detail: detail.to_owned(),
        ip: None,
    };
    if let Err(err) = model::audit(&state.db, &entry).await {
        tracing::error!("audit log write failed for {action}: {err}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_names() {
        assert!(valid_name("triage-v2"));
        assert!(valid_name("a"));
        assert!(!valid_name(""));
        assert!(!valid_name("-x"));
        assert!(!valid_name("Triage"));
        assert!(!valid_name("a/b"));
        assert!(!valid_name(&"a".repeat(65)));
    }
}
