-- Indexes for what every page reads: a version's latest answer per delegation, the
-- messages and answers of a council, a delegation's caucus grants, login failures by time.
CREATE INDEX responses_by_version ON responses (version_id, delegation_id, id);
CREATE INDEX answers_by_version ON answers (version_id, id);
CREATE INDEX messages_by_council ON messages (council_id, id);
CREATE INDEX caucus_grants_by_delegation ON caucus_grants (delegation_id, id);
CREATE INDEX members_by_account ON members (account_id);
