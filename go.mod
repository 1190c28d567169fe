module github.com/letgo-dev/letgo

go 1.26.8
