// Command letgo helps Python projects let go of eventlet. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/letgo-dev/letgo/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
