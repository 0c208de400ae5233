-- Caucus messages are committed to on the record (docs/COUNCIL.md, "The record"): the salt
-- of each message's commitment is kept with it, so that it can be opened to an auditor.
ALTER TABLE messages ADD COLUMN salt TEXT NOT NULL DEFAULT '';
