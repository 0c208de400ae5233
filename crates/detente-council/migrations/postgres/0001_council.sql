-- The council's tables (PostgreSQL). The SQLite migration beside this one holds the same
-- tables with its types; keep the two in step.
-- Flags are BIGINT 0 or 1 and times are milliseconds since 1970 (BIGINT) in both, so that one
-- query reads either database through sqlx's Any driver.

CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    secretariat BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE councils (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    agenda TEXT NOT NULL,
    disclosure TEXT NOT NULL,
    created_by BIGINT REFERENCES accounts (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE delegations (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    dm TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (council_id, dm)
);

CREATE TABLE members (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL,
    delegation_id BIGINT REFERENCES delegations (id),
    created_at BIGINT NOT NULL,
    UNIQUE (council_id, account_id)
);

CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    delegation_id BIGINT REFERENCES delegations (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_by BIGINT REFERENCES accounts (id),
    used_at BIGINT
);

CREATE TABLE positions (
    id BIGSERIAL PRIMARY KEY,
    delegation_id BIGINT NOT NULL REFERENCES delegations (id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL,
    UNIQUE (delegation_id, version)
);

CREATE TABLE caucus_grants (
    id BIGSERIAL PRIMARY KEY,
    delegation_id BIGINT NOT NULL REFERENCES delegations (id),
    granted BIGINT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE proposals (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    non_paper BIGINT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    delegation_id BIGINT REFERENCES delegations (id),
    created_at BIGINT NOT NULL,
    UNIQUE (council_id, number)
);

CREATE TABLE proposal_versions (
    id BIGSERIAL PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    version BIGINT NOT NULL,
    terms TEXT NOT NULL,
    state BIGINT NOT NULL,
    note TEXT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL,
    UNIQUE (proposal_id, version)
);

CREATE TABLE responses (
    id BIGSERIAL PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES proposal_versions (id),
    delegation_id BIGINT NOT NULL REFERENCES delegations (id),
    answer TEXT NOT NULL,
    statement TEXT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE silences (
    id BIGSERIAL PRIMARY KEY,
    version_id BIGINT NOT NULL UNIQUE REFERENCES proposal_versions (id),
    deadline BIGINT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    broken_by BIGINT REFERENCES delegations (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE decisions (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    version_id BIGINT NOT NULL UNIQUE REFERENCES proposal_versions (id),
    procedure TEXT NOT NULL,
    basis TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The engine's answers on a version of a proposal: what every member is told, what the
-- mediator is told, and the position versions they rest on.
CREATE TABLE answers (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    version_id BIGINT NOT NULL REFERENCES proposal_versions (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    positions TEXT NOT NULL,
    verdict TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    caucus_of BIGINT REFERENCES delegations (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (council_id, seq)
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data BYTEA NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE login_failures (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_by_name ON login_failures (name, at);
