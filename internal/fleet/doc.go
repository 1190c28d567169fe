// Package fleet reads the data a fleet of repositories is organised by:
// who owns each repository, which release series exist, and which tag and
// commit each series shipped. Its readers are pure functions over files;
// scanning, storing and reporting are built on them elsewhere.
//
// # Who owns what
//
// ReadGovernance reads a checkout of openstack/governance (or its
// reference/ folder): projects.yaml, sigs-repos.yaml,
// technical-committee-repos.yaml and legacy.yaml. ReadManifest reads a
// letgo manifest, for any other organisation. Both give a Map keyed by
// repository, never by deliverable name: openstack/glance_store is the
// glance team's, deliverable glance-store. Map.Lookup answers for any
// repository, one no file names with KindUnowned.
//
// # The manifest
//
// A manifest is a TOML file:
//
//	# Library roots the services' imports resolve against, for the whole
//	# fleet; relative paths are relative to the manifest.
//	with = ["../libs/acme-common", "/srv/src/acme-rpc"]
//
//	[[team]]
//	name = "storage"
//	# The short form: repositories that need nothing else.
//	repos = ["acme/blob", "acme/blob-client"]
//
//	# The long form, one table per repository.
//	[[team.repo]]
//	name = "acme/vault"
//	deliverable = "vault-server"   # default: the repository's last element
//	deprecated = "2026.1"          # the series it was deprecated in
//	refs = ["v*"]                  # tags the backfill scans (path.Match globs); default: all
//
//	# The tags of each series, for repositories whose tags do not follow
//	# the release dates (without them a tag is named by its date against
//	# the series table).
//	[team.repo.series]
//	"2026.1" = "v12.*"
//	"2025.2" = "v11.*"
//
//	[[team]]
//	name = "legacy"
//	retired-on = "2025-06-30"      # a retired team: its repositories are retired
//	repos = ["acme/old-api"]
//
// Keys the manifest format does not have are errors (a misspelt key would
// otherwise be ignored), and so is a malformed file; both name the line. A
// repository listed twice is a Problem and its first listing is kept.
//
// # Release series
//
// ReadReleases reads a checkout of openstack/releases:
// data/series_status.yaml (names, ids, status, SLURP flags, dates) and
// deliverables/<series>/<deliverable>.yaml (what each series shipped).
// Release ids are read as written: the unquoted 2026.1 of the file is a
// YAML number to a decoder and stays the text "2026.1" here. Without
// releases data, BuiltinSeries gives the series table of internal/modes,
// and the deadlines of the community timeline are modes.Deadlines.
//
// # Bad input
//
// A file that cannot be parsed, an entry of the wrong shape, or a
// repository claimed by two owners is a Problem naming the file and line,
// and the rest is read. Only a directory that is not the data asked for
// (no projects.yaml, no series_status.yaml) or a file the whole result
// depends on being unreadable is an error. YAML aliases are expanded
// within a bound, so an alias bomb is refused, not expanded.
package fleet
