// Wattfolio syncs customers' energy contracts from vendor platforms into a
// local SQLite cache and lets account managers browse, compare and export
// them offline. One binary: the commands below, the desktop window (built with
// the desktop tag) and a loopback web server over the same http.Handler.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"wattfolio/app/personal"
)

const usage = `Wattfolio: energy contract portfolios, offline.

Usage:
  wattfolio <command> [flags]

Commands:
  demo      start the simulated vendors, sync them into a demo cache and open the app
  sync      sync the sources of a sources file into a cache
  edit      queue an offline edit of a Podero contract, or undo one (sent on the next sync)
  outbox    list the offline edits and what became of them
  serve     serve the app for a cache on loopback (open the printed URL in a browser)
  desktop   open the app in a desktop window (desktop builds only)
  export    write a CSV report from a cache (export contracts ...)
  compare   price a customer's contracts and offers on their load curve (CSV)
  offers    import candidate offers from an offers file, list them as CSV
  meters    list the cache's meters; state a gas meter's calorific value and state number
  sim       run the simulated vendor APIs on loopback
  version   print the version and cache schema

Run 'wattfolio <command> --help' for a command's flags.
`

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a command line error: the usage was already printed.
var errUsage = errors.New("usage")

// run executes one command line and returns the exit code: 0 success, 1 a
// failure (e.g. a source failed to sync), 2 a usage error, 3 a sync whose
// offline edits the vendor rejected or that are in conflict.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// Sources sync in parallel and each reports progress and logs to the
	// same streams: one write at a time, whatever the writer is.
	stdout, stderr = &lockedWriter{w: stdout}, &lockedWriter{w: stderr}
	// No log line carries a customer's IBAN, e-mail, phone or address,
	// whatever a vendor's error message quotes.
	slog.SetDefault(slog.New(personal.LogHandler(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel()}))))
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"demo":    cmdDemo,
		"sync":    cmdSync,
		"edit":    cmdEdit,
		"outbox":  cmdOutbox,
		"serve":   cmdServe,
		"desktop": cmdDesktop,
		"export":  cmdExport,
		"compare": cmdCompare,
		"offers":  cmdOffers,
		"meters":  cmdMeters,
		"sim":     cmdSim,
		"version": cmdVersion,
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "wattfolio: unknown command %q\n\n%s", name, usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errEditsNeedAttention):
		fmt.Fprintf(stderr, "wattfolio %s: %v\n", name, err)
		return 3
	default:
		fmt.Fprintf(stderr, "wattfolio %s: %v\n", name, err)
		return 1
	}
}

// newFlags makes a command's flag set whose --help prints a synopsis first.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wattfolio %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and rejects stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

// logLevel reads WATTFOLIO_LOG (debug, info, warn, error); default warn, so
// that a person at a terminal sees progress lines, not log records.
func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("WATTFOLIO_LOG"))); err != nil {
		return slog.LevelWarn
	}
	return l
}

func cmdVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wattfolio %s (cache schema %d)\n", version, cacheSchema())
	return nil
}

// lockedWriter serializes the writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
