-- Cosigned checkpoints (docs/COUNCIL.md, "Cosigned decisions"): the keys with which
-- delegates sign, each registered on the record, and their signatures of the server's
-- checkpoints; the sequence number of each decision on the record, so that it can be
-- told when every delegation has cosigned a checkpoint that contains it.

CREATE TABLE member_keys (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (council_id, public_key)
);

CREATE TABLE cosignatures (
    id BIGSERIAL PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    delegation_id BIGINT NOT NULL REFERENCES delegations (id),
    key_id BIGINT NOT NULL REFERENCES member_keys (id),
    size BIGINT NOT NULL,
    root TEXT NOT NULL,
    signature TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX cosignatures_by_council ON cosignatures (council_id, delegation_id, size);

ALTER TABLE decisions ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER member_keys_append_only BEFORE UPDATE OR DELETE ON member_keys
FOR EACH ROW EXECUTE FUNCTION detente_refuse_rewrite();
CREATE TRIGGER cosignatures_append_only BEFORE UPDATE OR DELETE ON cosignatures
FOR EACH ROW EXECUTE FUNCTION detente_refuse_rewrite();
CREATE TRIGGER member_keys_no_truncate BEFORE TRUNCATE ON member_keys
FOR EACH STATEMENT EXECUTE FUNCTION detente_refuse_rewrite();
CREATE TRIGGER cosignatures_no_truncate BEFORE TRUNCATE ON cosignatures
FOR EACH STATEMENT EXECUTE FUNCTION detente_refuse_rewrite();
