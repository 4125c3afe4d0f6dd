package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/sync/sources"
)

// cmdPull is 'wattfolio pull': some customers' slice of a team's book on
// PostgreSQL copied into a laptop's cache, which the app and serve then
// work from offline as from a synced cache. The first pull of a customer
// copies it in full, later pulls what the book wrote since (by rev); the
// cache records its book, customers and when it was pulled.
func cmdPull(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("pull", "pull --from postgres://… --db FILE [--customer NAME|SOURCE/ID]... [--drop NAME|SOURCE/ID]... [--config FILE]", stderr)
	from := fs.String("from", "", "the team's book on PostgreSQL, postgres://USER@HOST:PORT/DATABASE (the password from PGPASSWORD or ~/.pgpass)")
	dbPath := fs.String("db", "", "the laptop's cache file, created if missing")
	var add, drop multiFlag
	fs.Var(&add, "customer", "a customer to add to the slice: its name as the app shows it, its id at the vendor, or SOURCE/ID (repeat)")
	fs.Var(&drop, "drop", "a customer to take out of the slice, with its rows (repeat); refused while it has unsent offline edits or notes")
	config := fs.String("config", "", "a sources file whose [[customer]] blocks link the slice's ids across sources, as sync does (no credential is read)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *dbPath == "" {
		fmt.Fprintln(stderr, "pull needs --from and --db")
		fs.Usage()
		return errUsage
	}
	if !pgstore.IsURL(*from) {
		fmt.Fprintf(stderr, "--from must be a postgres:// URL, not %q\n", *from)
		return errUsage
	}
	var accounts []app.Account
	if *config != "" {
		f, err := sources.LoadFile(*config)
		if err != nil {
			return err
		}
		accounts = fileAccounts(f)
	}
	laptop, err := db.OpenVerified(ctx, *dbPath, db.Create, db.IntegrityCheck)
	if err != nil {
		return err
	}
	defer laptop.Close()
	book := pgstore.BookName(*from)
	slice, pulled, err := laptop.Slice(ctx)
	if err != nil {
		return err
	}
	switch has, err := laptop.HasSources(ctx); {
	case err != nil:
		return err
	case pulled && slice.Book != book:
		return fmt.Errorf("%s holds a slice of %s, not of %s: pull into another cache file", *dbPath, slice.Book, book)
	case !pulled && has:
		return fmt.Errorf("%s holds a sync of its own, not a slice of a book: pull into another cache file", *dbPath)
	case !pulled && len(add) == 0:
		fmt.Fprintln(stderr, "the first pull into a cache needs --customer")
		fs.Usage()
		return errUsage
	}
	dropRefs, dropLinked := expandAccounts(drop, accounts)
	drops, err := sliceDrops(slice.Customers, dropRefs, dropLinked)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	for _, d := range drops {
		unsent, notes, err := laptop.Kept(ctx, d)
		if err != nil {
			return err
		}
		if unsent > 0 || notes > 0 {
			return fmt.Errorf("%s stays in the slice: it has %s, which exist only in this cache; send the edits ('wattfolio push') or undo them, and remove the notes, then drop it",
				who(d), keptCounts(unsent, notes))
		}
	}
	store, err := pgstore.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer store.Close()
	// Offline edits go to the book first, so that what comes back reflects them.
	attention, err := pushBeforePull(ctx, *from, store, laptop, stdout, stderr)
	if err != nil {
		return err
	}
	refs, linked := expandAccounts(add, accounts)
	added, err := resolveCustomers(ctx, store, refs, linked, stderr)
	if err != nil {
		return err
	}
	res, err := store.PullSlice(ctx, laptop, book, added, drops)
	if err != nil {
		return err
	}
	for _, g := range res.Gone {
		fmt.Fprintf(stderr, "%s is no longer in the book: its rows here stay as they were\n", who(g))
	}
	if *config != "" {
		if err := laptop.ReplaceAccounts(ctx, accounts); err != nil {
			return err
		}
	}
	slice, _, err = laptop.Slice(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copied %s, %s, %s, %s and %s\n",
		plural(res.Contracts, "changed contract", "changed contracts"), plural(res.Versions, "earlier version", "earlier versions"),
		plural(res.Meters, "changed meter", "changed meters"), plural(res.Blocks, "day of readings", "days of readings"),
		plural(res.Offers, "changed offer", "changed offers"))
	for _, d := range drops {
		fmt.Fprintf(stdout, "dropped %s\n", who(d))
	}
	fmt.Fprintf(stdout, "%s is a slice of %s for %s, pulled %s\n", *dbPath, slice.Book,
		plural(len(slice.Customers), "customer", "customers"), slice.PulledAt.In(app.DefaultZone()).Format("2006-01-02 15:04 MST"))
	if attention {
		return fmt.Errorf("%w: see 'wattfolio outbox --db %s'", errEditsNeedAttention, *dbPath)
	}
	return nil
}

// pushBeforePull runs at the start of every pull, once the book (url,
// open as book) and the laptop's cache are open and before anything is
// read from the book or written to the laptop: the laptop's offline edits
// go to the book's outbox and the outcomes of those pushed before come
// back ('wattfolio push' on every pull), so that the slice pulled reflects
// them. It reports whether an edit needs attention (rejected, or in
// conflict). An error stops the pull before it copies anything.
func pushBeforePull(ctx context.Context, url string, book *pgstore.Store, laptop *db.Store, stdout, stderr io.Writer) (attention bool, err error) {
	return pushToBook(ctx, laptop, book, stdout)
}

// fileAccounts is the sources file's customers as the cache's accounts.
func fileAccounts(f *sources.File) []app.Account {
	var out []app.Account
	for _, c := range f.Customers {
		a := app.Account{Name: c.Name, Profile: c.Profile}
		for _, id := range c.IDs {
			a.Links = append(a.Links, app.AccountLink{Source: id.Source, ExternalID: id.ExternalID})
		}
		out = append(out, a)
	}
	return out
}

// expandAccounts replaces each ref that names a customer of the sources
// file (a [[customer]] block, as the app shows it) by the ids it links at
// each source, as SOURCE/ID: the vendors that send no name (Podero,
// prosumer, epilot) are found only so. linked marks the ids that came from
// the file.
func expandAccounts(refs []string, accounts []app.Account) (out []string, linked map[string]bool) {
	linked = map[string]bool{}
	for _, ref := range refs {
		i := slices.IndexFunc(accounts, func(a app.Account) bool { return strings.EqualFold(a.Name, ref) })
		if i < 0 || len(accounts[i].Links) == 0 {
			out = append(out, ref)
			continue
		}
		for _, l := range accounts[i].Links {
			k := l.Source + "/" + l.ExternalID
			out, linked[k] = append(out, k), true
		}
	}
	return out, linked
}

// matches reports whether ref names the slice's customer c: its name
// (ignoring case), its id at the vendor, or SOURCE/ID.
func matches(c db.SliceCustomer, ref string) bool {
	return strings.EqualFold(c.Name, ref) || c.ExternalID == ref || c.Key() == ref
}

// sliceDrops finds each --drop value among the slice's customers; an id
// the sources file links that the slice does not hold is passed over.
func sliceDrops(slice []db.SliceCustomer, refs []string, linked map[string]bool) ([]db.SliceCustomer, error) {
	var out []db.SliceCustomer
	for _, ref := range refs {
		n := 0
		for _, c := range slice {
			if matches(c, ref) && !slices.Contains(out, c) {
				out = append(out, c)
				n++
			}
		}
		if n == 0 && !linked[ref] {
			return nil, fmt.Errorf("--drop %q: no customer of the slice has that name or id (the slice holds %s)", ref, sliceNames(slice))
		}
	}
	return out, nil
}

// resolveCustomers finds each --customer value in the book: a name may
// match one customer's records at several sources, which come together; a
// value matching nothing, or two customers at one source, is refused,
// naming the candidates; an id the sources file links that the book does
// not hold is only reported.
func resolveCustomers(ctx context.Context, store *pgstore.Store, refs []string, linked map[string]bool, stderr io.Writer) ([]pgstore.Customer, error) {
	var out []pgstore.Customer
	var problems []string
	for _, ref := range refs {
		found, err := store.FindCustomers(ctx, ref)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 && linked[ref] {
			fmt.Fprintf(stderr, "%s, linked in the sources file, is not in the book: left out\n", ref)
			continue
		}
		if len(found) == 0 {
			problems = append(problems, fmt.Sprintf("%q matches no customer of the book (by name, vendor id or SOURCE/ID)", ref))
			continue
		}
		bySource := map[string][]string{}
		for _, c := range found {
			bySource[c.Source] = append(bySource[c.Source], fmt.Sprintf("%s/%s (%s)", c.Source, c.ExternalID, c.Name))
		}
		var several []string
		for _, src := range sortedKeys(bySource) {
			if len(bySource[src]) > 1 {
				several = append(several, bySource[src]...)
			}
		}
		if len(several) > 0 {
			problems = append(problems, fmt.Sprintf("%q matches %d customers at one source: %s; name one as SOURCE/ID", ref, len(several), strings.Join(several, ", ")))
			continue
		}
		out = append(out, found...)
	}
	if len(problems) > 0 {
		return nil, &exitError{code: exitUsage, err: errors.New("nothing was pulled: " + strings.Join(problems, "; "))}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sliceNames lists the slice's customers for a message.
func sliceNames(slice []db.SliceCustomer) string {
	if len(slice) == 0 {
		return "none"
	}
	names := make([]string, len(slice))
	for i, c := range slice {
		names[i] = who(c)
	}
	return strings.Join(names, ", ")
}

// who names a customer of the slice: "Anna Schneider (demo-enneo/300057)",
// or the key alone for a vendor that sends no name.
func who(c db.SliceCustomer) string {
	if c.Name == "" {
		return c.Key()
	}
	return fmt.Sprintf("%s (%s)", c.Name, c.Key())
}

// keptCounts says what keeps a customer in the slice.
func keptCounts(unsent, notes int64) string {
	var parts []string
	if unsent > 0 {
		parts = append(parts, plural(int(unsent), "offline edit not sent", "offline edits not sent"))
	}
	if notes > 0 {
		parts = append(parts, plural(int(notes), "contract with notes", "contracts with notes"))
	}
	return strings.Join(parts, " and ")
}
