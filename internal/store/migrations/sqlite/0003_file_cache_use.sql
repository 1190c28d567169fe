-- The file cache's eviction: who wrote an entry (the letgo build: an entry
-- of another build can never be served), when it was last used (a counter
-- the store advances per write transaction of the cache) and its size, so
-- that a bound drops the least recently used entries first. Entries from
-- before this migration have no build and are dropped by the first prune.

ALTER TABLE file_cache ADD COLUMN build TEXT NOT NULL DEFAULT '';
ALTER TABLE file_cache ADD COLUMN used INTEGER NOT NULL DEFAULT 0;
ALTER TABLE file_cache ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE file_cache SET size = length(value);
CREATE INDEX file_cache_used ON file_cache (used);
