package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	"wattfolio/app/outbox"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/sync/writeback"
)

// The book's outbox is what the team's sync writes back.
var _ writeback.Store = (*pgstore.Store)(nil)

func cmdPush(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("push", "push --to postgres://… --db FILE [--as NAME]\n\n"+
		"Sends this cache's offline edits to the team's book, where the team's sync writes them back\n"+
		"to the vendors, and brings back what became of those pushed before.\n\n"+exitCodes, stderr)
	to := fs.String("to", "", "the team's book on PostgreSQL, postgres://USER@HOST:PORT/DATABASE")
	dbPath := fs.String("db", "", "the laptop's cache file; must exist")
	as := fs.String("as", "", "the analyst the book names as the edits' author, kept for later pushes and pulls (default: the last one given, else the system user)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *to == "" || *dbPath == "" || !pgstore.IsURL(*to) {
		fmt.Fprintln(stderr, "push needs --to postgres://… and --db FILE")
		fs.Usage()
		return errUsage
	}
	store, err := db.OpenMode(ctx, *dbPath, db.Write)
	if err != nil {
		return err
	}
	defer store.Close()
	book, err := pgstore.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer book.Close()
	if *as = strings.TrimSpace(*as); *as != "" {
		if err := store.SetAuthor(ctx, *as); err != nil {
			return err
		}
	}
	attention, err := pushToBook(ctx, store, book, stdout)
	if err != nil {
		return err
	}
	if attention {
		return fmt.Errorf("%w: see 'wattfolio outbox --db %s'", errEditsNeedAttention, *dbPath)
	}
	return nil
}

// analyst is the author of a laptop's edits in the book: the name kept in
// its cache, else the system user.
func analyst(kept string) string {
	if kept != "" {
		return kept
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "unknown"
}

// pushToBook brings back what the book's sync made of the changes pushed
// earlier, then pushes the pending changes the book does not hold as they
// are, and reports each on stdout. attention is true when a change came
// back rejected or in conflict. 'wattfolio pull' calls it first too.
func pushToBook(ctx context.Context, store *db.Store, book *pgstore.Store, stdout io.Writer) (attention bool, err error) {
	laptop, kept, err := store.LaptopID(ctx)
	if err != nil {
		return false, err
	}
	author := analyst(kept)
	all, err := store.Outbox(ctx)
	if err != nil {
		return false, err
	}
	byKey := map[string]outbox.Change{}
	var keys []string
	for _, c := range all {
		if c.BookKey != "" && c.State == outbox.Pending {
			byKey[c.BookKey] = c
			keys = append(keys, c.BookKey)
		}
	}
	outcomes, err := book.Outcomes(ctx, laptop, keys)
	if err != nil {
		return false, err
	}
	report := func(o outbox.BookOutcome) error {
		settled, err := store.ApplyBookOutcome(ctx, o)
		if err != nil || !settled {
			return err
		}
		c := byKey[o.Key]
		switch o.State {
		case outbox.Sent:
			fmt.Fprintf(stdout, "sent      change %s %s %s: written to the vendor by the team's sync\n", c.ID, c.Source, c.ContractID)
		case outbox.Rejected:
			attention = true
			fmt.Fprintf(stdout, "rejected  change %s %s %s: the vendor says %q\n", c.ID, c.Source, c.ContractID, o.Message)
		case outbox.Conflict:
			attention = true
			c.State, c.Theirs, c.Message = outbox.Conflict, o.Theirs, o.Message
			fmt.Fprintf(stdout, "conflict  change %s %s %s: %s (nothing sent)\n", c.ID, c.Source, c.ContractID, changeNote(c))
		}
		return nil
	}
	for _, o := range outcomes {
		if err := report(o); err != nil {
			return attention, err
		}
	}
	changes, err := store.ToPush(ctx)
	if err != nil {
		return attention, err
	}
	for _, c := range changes {
		byKey[c.BookKey] = c
	}
	pushed, pushErr := book.Push(ctx, laptop, author, changes)
	waiting := 0
	for _, o := range pushed {
		if o.State == outbox.Pending {
			if err := store.MarkPushed(ctx, o.Key, o.New); err != nil {
				return attention, err
			}
			c := byKey[o.Key]
			waiting++
			fmt.Fprintf(stdout, "pushed    change %s %s %s: %s (in the book, waiting for the team's sync)\n", c.ID, c.Source, c.ContractID, describeFields(c))
			continue
		}
		// Settled in the book already (sent while edited here), or kept
		// as a conflict with another analyst's change pushed first.
		if err := report(o); err != nil {
			return attention, err
		}
	}
	fmt.Fprintf(stdout, "%s pushed to the book as %s\n", plural(waiting, "change", "changes"), author)
	return attention, pushErr
}
