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
	"strings"
	"sync"
	"syscall"

	"wattfolio/app/personal"
	"wattfolio/db"
)

const usage = `Wattfolio: energy contract portfolios, offline.

Usage:
  wattfolio <command> [flags]

Commands:
  demo      start the simulated vendors, sync them into a demo cache and open the app
  sync      sync the sources of a sources file into a cache
  pull      copy some customers' slice of a team's book on PostgreSQL into a cache
  edit      queue an offline edit of a Podero contract, or undo one (sent on the next sync)
  outbox    list the offline edits and what became of them
  push      send the offline edits to a team's book on PostgreSQL, bring back what became of them
  serve     serve the app for a cache on loopback (open the printed URL in a browser)
  desktop   open the app in a desktop window (desktop builds only)
  export    write a CSV report from a cache (export contracts ...)
  compare   price a customer's contracts and offers on their load curve (CSV)
  offers    import candidate offers from an offers file, list them as CSV
  meters    list the cache's meters; state a gas meter's calorific value and state number
  sim       run the simulated vendor APIs on loopback
  check     check a cache for damage (SQLite's integrity_check); read-only
  salvage   make a new cache from a damaged one: its offers, unsent offline edits and notes
  version   print the version, commit and cache schema (also --version)

Run 'wattfolio <command> --help' for a command's flags.

` + exitCodes

// exitCodes documents the exit codes; the codes of a sync that ran say how
// it went, and the highest that applies wins, so that a script can tell
// "try again later" (5) from "someone has to look" (6).
const exitCodes = `Exit codes:
  0  done; for sync: every source synced completely
  1  the command failed (e.g. no cache at --db, not a Wattfolio cache, a damaged or read-only cache)
  2  usage error: a wrong flag, value or input file; nothing was changed
A sync that ran ends with the highest of these that applies:
  3  offline edits need attention: the vendor rejected one, or it is in conflict ('wattfolio outbox');
     for push: one came back so from the team's book
  4  records were rejected for bad data; everything else was stored
  5  data is missing: requests failed after retries (the summary says what; the next sync asks again)
  6  a source failed (bad credentials, configuration, an outage that stopped it); it keeps its last good sync
`

// Exit codes; see usage.
const (
	exitFailed       = 1
	exitUsage        = 2
	exitEdits        = 3
	exitRejected     = 4
	exitMissing      = 5
	exitSourceFailed = 6
)

// exitError carries the exit code a command ends with, and why.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, withDefaultCommand(os.Args[1:]), os.Stdout, os.Stderr))
}

// errUsage marks a command line error: the usage was already printed.
var errUsage = errors.New("usage")

// run executes one command line and returns the exit code (see usage): 0
// success, 1 a failure, 2 a usage error, 3 to 6 how a sync went.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// Sources sync in parallel and each reports progress and logs to the
	// same streams: one write at a time, whatever the writer is.
	stdout, stderr = &lockedWriter{w: stdout}, &lockedWriter{w: stderr}
	// No log line carries a customer's IBAN, e-mail, phone or address,
	// whatever a vendor's error message quotes.
	slog.SetDefault(newLogger(stderr))
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"demo":    cmdDemo,
		"sync":    cmdSync,
		"pull":    cmdPull,
		"edit":    cmdEdit,
		"outbox":  cmdOutbox,
		"push":    cmdPush,
		"serve":   cmdServe,
		"desktop": cmdDesktop,
		"export":  cmdExport,
		"compare": cmdCompare,
		"offers":  cmdOffers,
		"meters":  cmdMeters,
		"sim":     cmdSim,
		"check":   cmdCheck,
		"salvage": cmdSalvage,
		"version": cmdVersion,
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "--version", "-version":
		fmt.Fprint(stdout, versionLine())
		return 0
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "wattfolio: unknown command %q\n\n%s", name, usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	if path := flagValue(args[1:], "db"); path != "" {
		// SQLite's own words ("attempt to write a readonly database (8)")
		// say nothing of which file or what to do.
		err = db.Describe(path, err)
	}
	var ee *exitError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return exitUsage
	}
	fmt.Fprintf(stderr, "wattfolio %s: %v\n", name, err)
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, errEditsNeedAttention):
		return exitEdits
	}
	return exitFailed
}

// flagValue is the value of the flag name in args (-name V, --name V,
// -name=V), "" when absent.
func flagValue(args []string, name string) string {
	for i, a := range args {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
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

// newLogger returns the logger of a command, writing to w at logLevel.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(personal.LogHandler(slog.NewTextHandler(w, &slog.HandlerOptions{Level: logLevel()})))
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
