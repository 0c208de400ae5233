-- The record as a Merkle log (docs/COUNCIL.md, "The record"): the server's signing key,
-- the signed checkpoints of each council's log, the salts of position commitments, and
-- triggers that refuse any change to what has been recorded.

CREATE TABLE server_key (
    id BIGINT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    size BIGINT NOT NULL,
    root TEXT NOT NULL,
    signature TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (council_id, size)
);

ALTER TABLE positions ADD COLUMN salt TEXT NOT NULL DEFAULT '';

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the council''s record is append-only: an event cannot be changed'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the council''s record is append-only: an event cannot be deleted'); END;
CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'a signed checkpoint cannot be changed'); END;
CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'a signed checkpoint cannot be deleted'); END;
