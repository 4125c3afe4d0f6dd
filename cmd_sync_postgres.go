package main

import (
	"context"
	"fmt"
	"io"

	"wattfolio/db/pgstore"
)

// syncPostgres is 'wattfolio sync --db postgres://…': the sources file's
// contracts and time series into a team's book on PostgreSQL, one sync of
// the book at a time (an advisory lock), with the checkpoints, watermarks
// and exit codes of a sync into a cache file.
func syncPostgres(ctx context.Context, url string, f sourcesFile, stdout, stderr io.Writer) error {
	store, err := pgstore.Open(ctx, url)
	if err != nil {
		return err
	}
	defer store.Close()
	unlock, err := store.LockSync(ctx, true, func(holder string) {
		fmt.Fprintf(stderr, "waiting for the sync of this book that is running (%s) to finish (Ctrl-C stops waiting)\n", holder)
	})
	if err != nil {
		return err
	}
	defer unlock()
	shareBudgets(f.sources, store)
	fmt.Fprintf(stderr, "syncing %s into PostgreSQL\n", plural(len(f.sources), "source", "sources"))
	results, err := runSync(ctx, store, f.sources, f.leaveOutPersonal, stdout, stderr)
	return syncOutcome(results, err)
}
