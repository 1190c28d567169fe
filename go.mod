module github.com/letgo-dev/letgo

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	golang.org/x/sync v0.24.0
)
