// Command letgo helps Python projects let go of eventlet. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/letgo-dev/letgo/internal/cli"
)

func main() {
	cli.TuneGC(os.Args[1:])
	ctx, stop := interruptible()
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// interruptible returns a context cancelled by the first SIGINT or SIGTERM
// (Ctrl-C, a CI job's timeout), so the command stops at its next check and
// reports that it was interrupted. A second signal ends the process at
// once, with the shell's code for death by that signal (130, 143): a
// command stuck where it cannot check is never unkillable short of SIGKILL.
func interruptible() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			code := 130
			if s == syscall.SIGTERM {
				code = 143
			}
			os.Exit(code)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
