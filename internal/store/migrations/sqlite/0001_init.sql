-- The first schema: repositories, their scans, and the queryable parts of
-- each scan's result. Times are microseconds since the Unix epoch (UTC), the
-- same integers in both backends.

CREATE TABLE repos (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
);

CREATE TABLE scans (
	id             INTEGER PRIMARY KEY,
	repo_id        INTEGER NOT NULL REFERENCES repos (id),
	team           TEXT NOT NULL,
	commit_id      TEXT NOT NULL,
	ref            TEXT NOT NULL,
	series         TEXT NOT NULL,
	scanned_at     INTEGER NOT NULL,
	committed_at   INTEGER,
	letgo_version  TEXT NOT NULL,
	ruleset        TEXT NOT NULL,
	stage          INTEGER,
	stage_name     TEXT NOT NULL,
	stage_summary  TEXT NOT NULL,
	stage_timeline TEXT NOT NULL,
	stage_blocking TEXT NOT NULL,
	runtime_debt   INTEGER NOT NULL,
	n_findings     INTEGER NOT NULL,
	n_entrypoints  INTEGER NOT NULL,
	stats          TEXT NOT NULL,
	result         BLOB NOT NULL,
	UNIQUE (repo_id, commit_id, ref, ruleset)
);

CREATE INDEX scans_repo_date ON scans (repo_id, (COALESCE(committed_at, scanned_at)));
CREATE INDEX scans_series ON scans (series);

CREATE TABLE findings (
	scan_id     INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	rule        TEXT NOT NULL,
	slug        TEXT NOT NULL,
	family      INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	root        TEXT NOT NULL,
	path        TEXT NOT NULL,
	line        INTEGER NOT NULL CHECK (line >= 0),
	col         INTEGER NOT NULL,
	end_line    INTEGER NOT NULL,
	end_col     INTEGER NOT NULL,
	message     TEXT NOT NULL,
	severity    TEXT NOT NULL,
	positive    INTEGER NOT NULL,
	fingerprint TEXT NOT NULL,
	module      TEXT NOT NULL,
	guard       TEXT NOT NULL,
	entrypoint  TEXT NOT NULL,
	replacement TEXT NOT NULL,
	PRIMARY KEY (scan_id, seq)
);

CREATE TABLE entrypoints (
	scan_id        INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
	seq            INTEGER NOT NULL,
	root           TEXT NOT NULL,
	name           TEXT NOT NULL,
	grp            TEXT NOT NULL,
	target         TEXT NOT NULL,
	path           TEXT NOT NULL,
	source         TEXT NOT NULL,
	line           INTEGER NOT NULL CHECK (line >= 0),
	module         TEXT NOT NULL,
	eventlet       TEXT NOT NULL,
	reason         TEXT NOT NULL,
	mode           TEXT NOT NULL,
	mode_reason    TEXT NOT NULL,
	switch_default TEXT NOT NULL,
	chain          TEXT NOT NULL,
	guards         TEXT NOT NULL,
	mode_evidence  TEXT NOT NULL,
	switch_json    TEXT NOT NULL,
	PRIMARY KEY (scan_id, seq)
);

CREATE TABLE concerns (
	scan_id    INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
	seq        INTEGER NOT NULL,
	type       TEXT NOT NULL,
	entrypoint TEXT NOT NULL,
	root       TEXT NOT NULL,
	path       TEXT NOT NULL,
	line       INTEGER NOT NULL CHECK (line >= 0),
	detail     TEXT NOT NULL,
	severity   TEXT NOT NULL,
	rule       TEXT NOT NULL,
	PRIMARY KEY (scan_id, seq)
);

CREATE TABLE blockers (
	scan_id       INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
	seq           INTEGER NOT NULL,
	module        TEXT NOT NULL,
	root          TEXT NOT NULL,
	path          TEXT NOT NULL,
	line          INTEGER NOT NULL CHECK (line >= 0),
	text          TEXT NOT NULL,
	n_entrypoints INTEGER NOT NULL,
	entrypoints   TEXT NOT NULL,
	PRIMARY KEY (scan_id, seq)
);

CREATE TABLE file_cache (
	content_hash TEXT NOT NULL,
	ruleset      TEXT NOT NULL,
	value        BLOB NOT NULL,
	PRIMARY KEY (content_hash, ruleset)
);
