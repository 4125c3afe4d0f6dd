package main

import (
	"context"
	"fmt"
	"io"

	"wattfolio/db"
)

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", "check --db FILE", stderr)
	dbPath := fs.String("db", "", "the cache file; opened read-only")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		fmt.Fprintln(stderr, "check needs --db")
		fs.Usage()
		return errUsage
	}
	problems, err := db.Check(ctx, *dbPath)
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		fmt.Fprintf(stdout, "%s: ok (SQLite integrity_check found no damage)\n", *dbPath)
		return nil
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	return fmt.Errorf("%s: %w (integrity_check: %s): to recover, run 'wattfolio salvage --from %s --db NEW.db', then 'wattfolio sync --config FILE --db NEW.db'",
		*dbPath, db.ErrCorrupt, plural(len(problems), "problem", "problems"), *dbPath)
}

func cmdSalvage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("salvage", "salvage --from DAMAGED.db --db NEW.db", stderr)
	from := fs.String("from", "", "the damaged cache; read only, never changed")
	to := fs.String("db", "", "the new cache to make; must not exist yet")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		fmt.Fprintln(stderr, "salvage needs --from and --db")
		fs.Usage()
		return errUsage
	}
	res, err := db.Salvage(ctx, *from, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "new cache %s made from %s:\n  offers carried over: %d\n  offline edits not yet accepted by the vendor, carried over: %d\n  contracts' notes carried over: %d\n",
		*to, *from, res.Offers, res.Edits, res.Notes)
	for _, l := range res.Lost {
		fmt.Fprintf(stdout, "  could not be read: %s\n", l)
	}
	fmt.Fprintf(stdout, "%s was not changed. Next: 'wattfolio sync --config FILE --db %s' brings the contracts and readings back "+
		"(the offline edits go out with the sync after that); then use %s and remove %s when you no longer need it.\n",
		*from, *to, *to, *from)
	return nil
}
