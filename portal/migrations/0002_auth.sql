-- Authentication: lab-issued API tokens, browser sessions and the state of
-- OIDC logins in flight. Secrets are stored as SHA-256 hashes only.

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    team          TEXT,
    label         TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    last_used_at  BIGINT
);

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    subject       TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    team          TEXT,
    csrf          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- One row per OIDC authorization request, keyed by the hash of `state`;
-- kept in the database so any portal process can finish the login.
CREATE TABLE oidc_logins (
    state_hash     TEXT PRIMARY KEY,
    pkce_verifier  TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    return_to      TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
