package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/sync/engine"
	"wattfolio/sync/sources"
)

func cmdSync(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sync", "sync --config FILE --db FILE [--source NAME]", stderr)
	config := fs.String("config", "", "the sources file (TOML; see sources.example.toml)")
	dbPath := fs.String("db", "", "the cache file; created if missing")
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
	store, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	// Offline edits go out first; the sync then reads the vendor's answer.
	attention, editErr := sendEdits(ctx, store, f.sources, stdout, stderr)
	_, err = syncAndReport(ctx, store, f, stdout, stderr)
	switch {
	case err != nil:
		return errors.Join(err, editErr)
	case editErr != nil:
		return fmt.Errorf("sending offline edits: %w", editErr)
	case attention:
		return fmt.Errorf("%w: see 'wattfolio outbox --db %s'", errEditsNeedAttention, *dbPath)
	}
	return nil
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
	srcs, err := connect(cfg, os.Getenv)
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

// syncAndReport syncs with progress lines on stderr and a summary table on
// stdout. The error says which sources failed; the others were synced.
func syncAndReport(ctx context.Context, store *db.Store, f sourcesFile, stdout, stderr io.Writer) ([]engine.Result, error) {
	// The file is the only source of the customers, so the cache follows it.
	if err := store.ReplaceAccounts(ctx, f.accounts); err != nil {
		return nil, err
	}
	srcs := f.sources
	var mu sync.Mutex
	last := map[string]time.Time{}
	e := &engine.Engine{Store: store, LeaveOutPersonalData: f.leaveOutPersonal, Progress: func(p engine.Progress) {
		mu.Lock()
		defer mu.Unlock()
		// One line a second per source is enough for a person to see it move.
		if time.Since(last[p.Source]) < time.Second {
			return
		}
		last[p.Source] = time.Now()
		fmt.Fprintf(stderr, "%s: %d contracts stored, %d rejected\n", p.Source, p.Fetched, p.Failed)
	}}
	fmt.Fprintf(stderr, "syncing %d source(s) into %s\n", len(srcs), store.Path())
	results, err := e.SyncAll(ctx, srcs)
	printSummary(stdout, results)
	if err != nil {
		var failed []string
		for _, r := range results {
			if r.Status == app.RunFailed || r.Status == app.RunInterrupted {
				failed = append(failed, r.Source)
			}
		}
		return results, fmt.Errorf("%d of %d source(s) did not sync (%s); the others are up to date:\n%w",
			len(failed), len(results), strings.Join(failed, ", "), err)
	}
	return results, nil
}

func printSummary(w io.Writer, results []engine.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATUS\tSTORED\tREJECTED\tTIME\tNOTE")
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
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", r.Source, r.Status, r.Fetched, r.Failed, r.Duration.Round(10*time.Millisecond), note)
	}
	tw.Flush()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// syncer adapts the engine to the web handler's "Sync now" and "Send
// changes".
type syncer struct {
	store *db.Store
	file  sourcesFile
}

// SyncAll sends the pending offline edits, then syncs every source, as
// 'wattfolio sync' does; what became of each edit is in the outbox.
func (s syncer) SyncAll(ctx context.Context) error {
	if err := s.store.ReplaceAccounts(ctx, s.file.accounts); err != nil {
		return err
	}
	editErr := s.SendEdits(ctx)
	e := &engine.Engine{Store: s.store, LeaveOutPersonalData: s.file.leaveOutPersonal}
	_, err := e.SyncAll(ctx, s.file.sources)
	return errors.Join(err, editErr)
}

// SendEdits sends the pending offline edits now.
func (s syncer) SendEdits(ctx context.Context) error {
	_, err := writeBack(ctx, s.store, s.file.sources, nil)
	return err
}
