-- Upload tokens of letgo serve: only a hash of each secret is kept. A token
-- is scoped to the repositories matching repo_pattern (a path.Match
-- pattern: "openstack/nova", "openstack/oslo.*") or to those of one team;
-- revoked_at set (microseconds since the epoch) ends it.

CREATE TABLE tokens (
	id           INTEGER PRIMARY KEY,
	hash         TEXT NOT NULL UNIQUE,
	repo_pattern TEXT NOT NULL,
	team         TEXT NOT NULL,
	note         TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	revoked_at   INTEGER,
	CHECK ((repo_pattern = '') <> (team = ''))
);

CREATE INDEX findings_fingerprint ON findings (fingerprint);
