-- The record as a Merkle log (docs/COUNCIL.md, "The record"): the server's signing key,
-- the signed checkpoints of each council's log, the salts of position commitments, and
-- triggers that refuse any change to what has been recorded.

CREATE TABLE server_key (
    id BIGINT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE checkpoints (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    size BIGINT NOT NULL,
    root TEXT NOT NULL,
    signature TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (council_id, size)
);

ALTER TABLE positions ADD COLUMN salt TEXT NOT NULL DEFAULT '';

CREATE FUNCTION detente_refuse_rewrite() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the council''s record is append-only: % on % is refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
FOR EACH ROW EXECUTE FUNCTION detente_refuse_rewrite();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
FOR EACH ROW EXECUTE FUNCTION detente_refuse_rewrite();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
FOR EACH STATEMENT EXECUTE FUNCTION detente_refuse_rewrite();
