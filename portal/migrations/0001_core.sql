-- Core tables: teams, agents and their versions, pilots (which are also the
-- job queue), per-case telemetry, scenario settings and the audit log.
-- Portable SQL: SQLite and PostgreSQL both accept every statement here.
-- Ids are text (random hex), times are BIGINT unix milliseconds, flags are
-- BIGINT 0/1, JSON documents are TEXT.

CREATE TABLE teams (
    name        TEXT PRIMARY KEY,
    created_at  BIGINT NOT NULL
);

CREATE TABLE agents (
    id           TEXT PRIMARY KEY,
    team         TEXT NOT NULL REFERENCES teams(name),
    name         TEXT NOT NULL,
    scenario     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (team, name)
);

-- status: uploaded | submitted | approved | rejected
CREATE TABLE agent_versions (
    id            TEXT PRIMARY KEY,
    agent_id      TEXT NOT NULL REFERENCES agents(id),
    version       BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    status        TEXT NOT NULL,
    notes         TEXT NOT NULL DEFAULT '',
    uploaded_by   TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    submitted_at  BIGINT,
    reviewed_by   TEXT,
    reviewed_at   BIGINT,
    review_note   TEXT,
    UNIQUE (agent_id, version)
);
CREATE INDEX agent_versions_sha ON agent_versions (sha256);

-- A pilot is a job: status queued | running | done | failed.
-- A worker claims a queued pilot (or a running one whose lease expired),
-- renews lease_until while it runs, and writes the results at the end.
CREATE TABLE pilots (
    id                TEXT PRIMARY KEY,
    version_id        TEXT NOT NULL REFERENCES agent_versions(id),
    agent_id          TEXT NOT NULL REFERENCES agents(id),
    team              TEXT NOT NULL,
    scenario          TEXT NOT NULL,
    scenario_version  TEXT NOT NULL,
    split             TEXT NOT NULL,
    case_limit        BIGINT,
    status            TEXT NOT NULL,
    requested_by      TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    started_at        BIGINT,
    finished_at       BIGINT,
    attempts          BIGINT NOT NULL DEFAULT 0,
    worker            TEXT,
    lease_until       BIGINT,
    cases_done        BIGINT NOT NULL DEFAULT 0,
    cases_total       BIGINT NOT NULL DEFAULT 0,
    error             TEXT,
    composite         DOUBLE PRECISION,
    dim_effectiveness     DOUBLE PRECISION,
    dim_interoperability  DOUBLE PRECISION,
    dim_efficiency        DOUBLE PRECISION,
    dim_reliability       DOUBLE PRECISION,
    dim_compliance        DOUBLE PRECISION,
    dim_fairness          DOUBLE PRECISION,
    scorecard         TEXT,
    telemetry         TEXT,
    findings          TEXT,
    card_sha256       TEXT
);
CREATE INDEX pilots_queue ON pilots (status, created_at);
CREATE INDEX pilots_agent ON pilots (agent_id, created_at);
CREATE INDEX pilots_scenario ON pilots (scenario, split, status);

-- Per-case telemetry of a pilot (kept for practice pilots only).
CREATE TABLE pilot_cases (
    pilot_id           TEXT NOT NULL REFERENCES pilots(id),
    idx                BIGINT NOT NULL,
    case_id            TEXT NOT NULL,
    outcome            TEXT NOT NULL,
    fuel               BIGINT NOT NULL,
    peak_memory_bytes  BIGINT NOT NULL,
    latency_us         BIGINT NOT NULL,
    findings           BIGINT NOT NULL,
    PRIMARY KEY (pilot_id, idx)
);

-- Which scenarios the lab has switched on (absent row = enabled).
CREATE TABLE scenario_settings (
    scenario    TEXT PRIMARY KEY,
    enabled     BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id      TEXT PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    role    TEXT NOT NULL,
    team    TEXT,
    action  TEXT NOT NULL,
    target  TEXT,
    detail  TEXT NOT NULL DEFAULT '',
    ip      TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
