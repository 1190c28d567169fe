package scan

// BuildID identifies the letgo binary running, as the file store's keys
// name it (persist.go): a store keeping results of other builds can drop
// them, since they are never served to this one. "" when unknown.
func BuildID() string { return buildID() }
