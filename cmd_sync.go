package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/sync/engine"
	"wattfolio/sync/sources"
	"wattfolio/sync/vendors/otark"
)

func cmdSync(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sync", "sync --config FILE --db FILE|postgres://… [--source NAME]\n\n"+exitCodes, stderr)
	config := fs.String("config", "", "the sources file (TOML; see sources.example.toml)")
	dbPath := fs.String("db", "", "the cache file, created if missing; or a team's book on PostgreSQL, postgres://USER@HOST:PORT/DATABASE")
	only := fs.String("source", "", "sync only the source of this name")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *config == "" || *dbPath == "" {
		fmt.Fprintln(stderr, "sync needs --config and --db")
		fs.Usage()
		return errUsage
	}
	f, err := loadSourcesFile(*config, *only)
	if err != nil {
		return err
	}
	if pgstore.IsURL(*dbPath) {
		return syncPostgres(ctx, *dbPath, f, stdout, stderr)
	}
	// Nothing is written into a damaged cache, not even a migration: the
	// full check costs a fraction of a sync, and writing on could spread
	// the damage.
	store, err := db.OpenVerified(ctx, *dbPath, db.Create, db.IntegrityCheck)
	if err != nil {
		return err
	}
	defer store.Close()
	// One sync of a cache at a time; a second one waits for the first.
	unlock, err := store.LockSync(ctx, true, func(holder string) {
		fmt.Fprintf(stderr, "waiting for the sync of %s that is running (%s) to finish (Ctrl-C stops waiting)\n", *dbPath, holder)
	})
	if err != nil {
		return err
	}
	defer unlock()
	// Offline edits go out first; the sync then reads the vendor's answer.
	attention, editErr := sendEdits(ctx, store, f.sources, stdout, stderr)
	_, err = syncAndReport(ctx, store, f, stdout, stderr)
	var outcome *exitError
	if err != nil && !errors.As(err, &outcome) {
		return errors.Join(err, editErr) // the cache failed: nothing to sum up
	}
	switch {
	case editErr != nil:
		return errors.Join(err, fmt.Errorf("sending offline edits: %w", editErr))
	case attention && (outcome == nil || outcome.code < exitEdits):
		return errors.Join(err, fmt.Errorf("%w: see 'wattfolio outbox --db %s'", errEditsNeedAttention, *dbPath))
	case attention:
		return errors.Join(err, fmt.Errorf("also, %w: see 'wattfolio outbox --db %s'", errEditsNeedAttention, *dbPath))
	}
	return err
}

// sourcesFile is a loaded sources file: the connectors of its sources and
// the user's customers that link ids across them.
type sourcesFile struct {
	sources  []engine.Source
	accounts []app.Account
	// leaveOutPersonal keeps customers' personal data out of the cache
	// (store_personal_data = false).
	leaveOutPersonal bool
}

// loadSourcesFile reads the sources file and builds connectors, optionally
// for one source only; the customers are kept whole either way.
func loadSourcesFile(path, only string) (sourcesFile, error) {
	f, err := sources.LoadFile(path)
	if err != nil {
		return sourcesFile{}, err
	}
	cfg := f.Sources
	if only != "" {
		var keep []sources.Source
		for _, s := range cfg {
			if s.Name == only {
				keep = append(keep, s)
			}
		}
		if len(keep) == 0 {
			return sourcesFile{}, fmt.Errorf("%s: no source named %q", path, only)
		}
		cfg = keep
	}
	srcs, err := connect(cfg, secretLookup())
	if err != nil {
		return sourcesFile{}, err
	}
	out := sourcesFile{sources: srcs, leaveOutPersonal: f.LeaveOutPersonalData}
	for _, c := range f.Customers {
		a := app.Account{Name: c.Name, Profile: c.Profile}
		for _, id := range c.IDs {
			a.Links = append(a.Links, app.AccountLink{Source: id.Source, ExternalID: id.ExternalID})
		}
		out.accounts = append(out.accounts, a)
	}
	return out, nil
}

// loadSources is loadSourcesFile's connectors only.
func loadSources(path, only string) ([]engine.Source, error) {
	f, err := loadSourcesFile(path, only)
	return f.sources, err
}

// syncAndReport syncs with progress lines on stderr and a summary on
// stdout: a table, then what was not fetched and which sources failed. A
// sync that ran returns an *exitError whose code says how it went (see
// syncExitCodes), nil when everything was synced.
func syncAndReport(ctx context.Context, store *db.Store, f sourcesFile, stdout, stderr io.Writer) ([]engine.Result, error) {
	// The file is the only source of the customers, so the cache follows it.
	if err := store.ReplaceAccounts(ctx, f.accounts); err != nil {
		return nil, err
	}
	shareBudgets(f.sources, store)
	fmt.Fprintf(stderr, "syncing %s into %s\n", plural(len(f.sources), "source", "sources"), store.Path())
	results, err := runSync(ctx, store, f.sources, f.leaveOutPersonal, stdout, stderr)
	return results, syncOutcome(results, err)
}

// runSync syncs srcs into store with progress lines on stderr and prints
// the summary table on stdout.
func runSync(ctx context.Context, store engine.Store, srcs []engine.Source, leaveOutPersonal bool, stdout, stderr io.Writer) ([]engine.Result, error) {
	view := newProgressView(stderr, srcs)
	restoreLog := func() {}
	if w := view.log(); w != stderr {
		restoreLog = withLogTo(w)
	}
	e := &engine.Engine{Store: store, LeaveOutPersonalData: leaveOutPersonal, Reporter: view}
	results, err := e.SyncAll(ctx, srcs)
	view.close()
	restoreLog()
	printSummary(stdout, results)
	return results, err
}

// syncOutcome sums a sync up in an exit code and a message.
func syncOutcome(results []engine.Result, err error) error {
	var failed, missing, rejected []string
	for _, r := range results {
		switch {
		case r.Status == app.RunFailed || r.Status == app.RunInterrupted:
			failed = append(failed, r.Source)
		case r.Missing > 0:
			missing = append(missing, r.Source)
		}
		if r.Failed > 0 {
			rejected = append(rejected, r.Source)
		}
	}
	switch {
	case len(failed) == len(results) && len(results) > 0:
		return &exitError{code: exitSourceFailed, err: fmt.Errorf("no source synced (%s): each keeps the data of its last good sync:\n%w",
			strings.Join(failed, ", "), err)}
	case len(failed) > 0:
		others := "the others synced"
		if len(results)-len(failed) == 1 {
			others = "the other synced"
		}
		return &exitError{code: exitSourceFailed, err: fmt.Errorf("%d of %d sources did not sync (%s): each keeps the data of its last good sync; %s:\n%w",
			len(failed), len(results), strings.Join(failed, ", "), others, err)}
	case len(missing) > 0:
		return &exitError{code: exitMissing, err: fmt.Errorf("data is missing from %s: requests failed after retries (see 'not fetched' above); run sync again when the vendor answers, it asks for them again",
			strings.Join(missing, ", "))}
	case len(rejected) > 0:
		return &exitError{code: exitRejected, err: fmt.Errorf("%s sent records with bad data, which were rejected (see the summary; the Sync page lists each record and field); the rest was stored",
			strings.Join(rejected, ", "))}
	}
	return err
}

func printSummary(w io.Writer, results []engine.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATUS\tSTORED\tREJECTED\tMISSING\tTIME\tNOTE")
	for _, r := range results {
		note := ""
		switch {
		case r.Err != nil:
			note = firstLine(r.Err.Error())
		case r.Resumed:
			note = "resumed an interrupted sync"
		}
		if r.Removed > 0 {
			note = strings.TrimPrefix(note+"; ", "; ") + fmt.Sprintf("%d no longer at the vendor, marked removed", r.Removed)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", r.Source, r.Status, r.Fetched, r.Failed, r.Missing, r.Duration.Round(10*time.Millisecond), note)
	}
	tw.Flush()
	var lines []string
	for _, r := range results {
		if r.Missing > 0 {
			lines = append(lines, fmt.Sprintf("  %s: %s", r.Source, describeNotFetched(r.NotFetched)))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintln(w, "\nNot fetched (the vendor did not answer after retries; the next sync asks again):")
		fmt.Fprintln(w, strings.Join(lines, "\n"))
	}
	lines = lines[:0]
	for _, r := range results {
		if r.Status == app.RunFailed || r.Status == app.RunInterrupted {
			what := "stopped before storing anything"
			if r.Fetched > 0 {
				what = fmt.Sprintf("stopped after storing %s; the next sync resumes after the last stored page", plural(r.Fetched, "contract", "contracts"))
			}
			lines = append(lines, fmt.Sprintf("  %s: %s; the rest keeps the data of its last good sync", r.Source, what))
		}
	}
	if len(lines) > 0 {
		fmt.Fprintln(w, "\nFailed:")
		fmt.Fprintln(w, strings.Join(lines, "\n"))
	}
}

// describeNotFetched counts the records not fetched by kind ("contract
// 42", "user u-7", "meter M1 (consumption)") and names the first few.
func describeNotFetched(records []string) string {
	counts := map[string]int{}
	var kinds []string
	for _, r := range records {
		k, _, _ := strings.Cut(r, " ")
		if counts[k] == 0 {
			kinds = append(kinds, k)
		}
		counts[k]++
	}
	names := map[string][2]string{
		"contract": {"contract", "contracts"},
		"customer": {"customer's contracts", "customers' contracts"},
		"user":     {"user's contracts", "users' contracts"},
		"meter":    {"meter's readings", "meters' readings"},
	}
	var parts []string
	for _, k := range kinds {
		n, ok := names[k]
		if !ok {
			n = [2]string{"record", "records"}
		}
		parts = append(parts, plural(counts[k], n[0], n[1]))
	}
	shown := records[:min(len(records), 5)]
	more := ""
	if len(records) > len(shown) {
		more = fmt.Sprintf(", and %d more", len(records)-len(shown))
	}
	return fmt.Sprintf("%s (%s%s)", strings.Join(parts, ", "), strings.Join(shown, ", "), more)
}

// plural is "1 contract" or "3 contracts".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// shareBudgets lets the connectors that keep a request budget keep it in
// the cache or the team's book, for every process syncing with the same key.
func shareBudgets(srcs []engine.Source, store otark.Budget) {
	for _, s := range srcs {
		if c, ok := s.Connector.(*otark.Client); ok {
			c.ShareBudget(store)
		}
	}
}

// syncer adapts the engine to the web handler's "Sync now" and "Send
// changes".
type syncer struct {
	store *db.Store
	file  sourcesFile
}

// RunningElsewhere says whether another process syncs the cache now.
func (s syncer) RunningElsewhere() (string, bool) { return s.store.SyncRunning() }

// SyncAll sends the pending offline edits, then syncs every source, as
// 'wattfolio sync' does; what became of each edit is in the outbox.
func (s syncer) SyncAll(ctx context.Context) error {
	// A sync started from the app does not wait for one in another process.
	unlock, err := s.store.LockSync(ctx, false, nil)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.store.ReplaceAccounts(ctx, s.file.accounts); err != nil {
		return err
	}
	shareBudgets(s.file.sources, s.store)
	editErr := s.sendEdits(ctx)
	e := &engine.Engine{Store: s.store, LeaveOutPersonalData: s.file.leaveOutPersonal}
	_, err = e.SyncAll(ctx, s.file.sources)
	return errors.Join(err, editErr)
}

// SendEdits sends the pending offline edits now, unless a sync (which
// sends them too) is running.
func (s syncer) SendEdits(ctx context.Context) error {
	unlock, err := s.store.LockSync(ctx, false, nil)
	if err != nil {
		return err
	}
	defer unlock()
	return s.sendEdits(ctx)
}

func (s syncer) sendEdits(ctx context.Context) error {
	_, err := writeBack(ctx, s.store, s.file.sources, nil)
	return err
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
