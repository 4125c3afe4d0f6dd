package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"wattfolio/db/pgstore"
	"wattfolio/sync/engine"
)

// syncPostgres is 'wattfolio sync --db postgres://…': the sources file's
// contracts into a team's book on PostgreSQL, one sync of the book at a
// time (an advisory lock). The time series cannot go there yet, so each
// source declares its contracts only; a source that serves series makes
// the sync end with exit code 5 (data is missing), saying which.
func syncPostgres(ctx context.Context, url string, f sourcesFile, stdout, stderr io.Writer) error {
	store, err := pgstore.Open(ctx, url)
	if err != nil {
		return err
	}
	defer store.Close()
	unlock, err := store.LockSync(ctx, true, func() {
		fmt.Fprintln(stderr, "waiting for the sync of this book that is running to finish (Ctrl-C stops waiting)")
	})
	if err != nil {
		return err
	}
	defer unlock()
	// The edits the laptops pushed go out first, as a cache's do.
	attention, editErr := sendEdits(ctx, store, f.sources, stdout, stderr)
	srcs, withSeries := contractStreams(f.sources)
	fmt.Fprintf(stderr, "syncing the contracts of %s into PostgreSQL\n", plural(len(srcs), "source", "sources"))
	results, err := runSync(ctx, store, srcs, f.leaveOutPersonal, stdout, stderr)
	err = withEdits(syncOutcome(results, err), editErr, attention, "the book's outbox; each analyst's 'wattfolio push' brings them back")
	if len(withSeries) == 0 {
		return err
	}
	names := strings.Join(withSeries, ", ")
	fmt.Fprintf(stdout, "\nNot synced: the time series of %s; they cannot go to PostgreSQL yet (sync them into a cache file: --db FILE)\n", names)
	if outcome := (*exitError)(nil); errors.As(err, &outcome) && outcome.code > exitMissing {
		return err
	}
	return &exitError{code: exitMissing, err: fmt.Errorf("the time series of %s were not synced: PostgreSQL holds contracts only, for now", names)}
}

// contractStreams declares each source's contracts only, and names the
// sources that also serve time series.
func contractStreams(srcs []engine.Source) (out []engine.Source, withSeries []string) {
	for _, s := range srcs {
		st := s.Connector.Streams()
		if st.Series != nil {
			withSeries = append(withSeries, s.Name)
		}
		s.Connector = engine.Streams{Contracts: st.Contracts, Scope: st.Scope}
		out = append(out, s)
	}
	return out, withSeries
}
