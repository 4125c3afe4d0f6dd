package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/sync/engine"
	"wattfolio/sync/writeback"
)

// errEditsNeedAttention makes a sync exit 3: it ran, but the vendor refused
// an offline edit or an edit is in conflict with a change made upstream.
var errEditsNeedAttention = errors.New("offline edits need attention")

// setFlags collects repeated --set FIELD=VALUE.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, " ") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

// localFields are the edits that never leave the laptop: the user's notes.
var localFields = []string{"notes", "tags", "next_contact"}

func cmdEdit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("edit", "edit --db FILE --source NAME --contract ID --set FIELD=VALUE...\n"+
		"       edit --db FILE --undo CHANGE_ID\n"+
		"       edit --db FILE --resolve CHANGE_ID (--keep-mine | --take-theirs | --set FIELD=VALUE...)", stderr)
	dbPath := fs.String("db", "", "the cache file; must exist")
	source := fs.String("source", "", "the source the contract was synced from")
	contract := fs.String("contract", "", "the vendor's contract id")
	undo := fs.String("undo", "", "drop this change instead of editing (see 'wattfolio outbox')")
	resolve := fs.String("resolve", "", "settle this change's conflict (see 'wattfolio outbox')")
	keepMine := fs.Bool("keep-mine", false, "with --resolve: send your values of the conflicting fields")
	takeTheirs := fs.Bool("take-theirs", false, "with --resolve: keep the vendor's values of the conflicting fields")
	var sets setFlags
	fs.Var(&sets, "set", "FIELD=VALUE to change, repeatable; Podero fields (sent to the vendor): "+strings.Join(outbox.PoderoFields, ", ")+
		"; on any contract, kept on this laptop: notes, tags (comma-separated), next_contact (YYYY-MM-DD, empty for none)")
	if err := parse(fs, args); err != nil {
		return err
	}
	usageErr := func(msg string) error {
		fmt.Fprintln(stderr, msg)
		fs.Usage()
		return errUsage
	}
	if *dbPath == "" {
		return usageErr("edit needs --db")
	}
	fields, local := map[string]string{}, map[string]string{}
	for _, s := range sets {
		f, v, ok := strings.Cut(s, "=")
		if !ok {
			return usageErr(fmt.Sprintf("--set %q: want FIELD=VALUE", s))
		}
		f = strings.TrimSpace(f)
		if slices.Contains(localFields, f) {
			local[f] = v
			continue
		}
		if err := outbox.Validate(f, v); err != nil {
			return usageErr(err.Error() + "; local fields: " + strings.Join(localFields, ", "))
		}
		fields[f] = outbox.Canonical(f, v)
	}
	switch {
	case *undo != "" && (*source != "" || *contract != "" || len(sets) > 0 || *resolve != ""):
		return usageErr("--undo takes no --source, --contract, --set or --resolve")
	case *resolve != "" && (*source != "" || *contract != "" || len(local) > 0):
		return usageErr("--resolve takes no --source, --contract or local fields")
	case *resolve != "" && btoi(*keepMine)+btoi(*takeTheirs)+btoi(len(fields) > 0) != 1:
		return usageErr("--resolve needs one of --keep-mine, --take-theirs, or --set FIELD=VALUE for the fields to send (the others take the vendor's value)")
	case *resolve == "" && (*keepMine || *takeTheirs):
		return usageErr("--keep-mine and --take-theirs go with --resolve")
	case *undo == "" && *resolve == "" && (*source == "" || *contract == "" || len(sets) == 0):
		return usageErr("edit needs --source, --contract and at least one --set FIELD=VALUE")
	}
	store, err := db.OpenMode(ctx, *dbPath, db.Write)
	if err != nil {
		return err
	}
	defer store.Close()
	switch {
	case *undo != "":
		if err := store.Undo(ctx, *undo); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "change %s dropped\n", *undo)
		return nil
	case *resolve != "":
		return resolveChange(ctx, store, *resolve, *keepMine, fields, stdout)
	}
	if len(local) > 0 {
		if err := editNotes(ctx, store, *source, *contract, local, stdout, stderr); err != nil {
			return err
		}
	}
	if len(fields) == 0 {
		return nil
	}
	vendor, err := store.SourceVendor(ctx, *source)
	if err != nil {
		return err
	}
	if vendor != app.VendorPodero {
		fmt.Fprintf(stderr, "source %q is a %s source: only Podero sources take edits of vendor fields (notes, tags and next_contact work on any contract)\n", *source, vendor)
		return errUsage
	}
	id, err := store.Edit(ctx, *source, *contract, fields)
	if err != nil {
		return err
	}
	if id == "" {
		fmt.Fprintf(stdout, "nothing queued for %s %s: the cache holds these values already (any pending change of them is undone)\n", *source, *contract)
		return nil
	}
	fmt.Fprintf(stdout, "change %s queued for %s %s: %s (sent on the next sync; undo with 'wattfolio edit --db %s --undo %s')\n",
		id, *source, *contract, strings.Join(slices.Sorted(maps.Keys(fields)), ", "), *dbPath, id)
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// editNotes changes the notes fields given and keeps the others.
func editNotes(ctx context.Context, store *db.Store, source, contract string, set map[string]string, stdout, stderr io.Writer) error {
	if err := store.HasContract(ctx, source, contract); err != nil {
		return err
	}
	cur, err := store.ContractNotes(ctx, source, contract)
	if err != nil {
		return err
	}
	text, tags, next := cur.Text, strings.Join(cur.Tags, ","), ""
	if !cur.NextContact.IsZero() {
		next = cur.NextContact.Format("2006-01-02")
	}
	if v, ok := set["notes"]; ok {
		text = v
	}
	if v, ok := set["tags"]; ok {
		tags = v
	}
	if v, ok := set["next_contact"]; ok {
		next = v
	}
	n, errs := app.ParseContractNotes(text, tags, next)
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, e)
		}
		return errUsage
	}
	if err := store.SetContractNotes(ctx, source, contract, n); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "notes of %s %s saved on this laptop\n", source, contract)
	return nil
}

// resolveChange settles a conflict: send mine, keep theirs, or send the
// values given.
func resolveChange(ctx context.Context, store *db.Store, id string, keepMine bool, values map[string]string, stdout io.Writer) error {
	changes, err := store.Outbox(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(changes, func(c outbox.Change) bool { return c.ID == id })
	if i < 0 {
		return fmt.Errorf("no change %s: %w", id, app.ErrNotFound)
	}
	keep := values
	if keepMine {
		keep = map[string]string{}
		for f := range changes[i].Theirs {
			keep[f] = changes[i].New[f]
		}
	}
	if err := store.Resolve(ctx, id, keep); err != nil {
		return err
	}
	if len(keep) == 0 && len(changes[i].New) == len(changes[i].Theirs) {
		fmt.Fprintf(stdout, "change %s resolved: the vendor's values are kept, nothing is left to send\n", id)
	} else {
		fmt.Fprintf(stdout, "change %s resolved: pending again, sent on the next sync\n", id)
	}
	return nil
}

func cmdOutbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("outbox", "outbox --db FILE|postgres://…", stderr)
	dbPath := fs.String("db", "", "the cache file, opened read-only; or a team's book on PostgreSQL, postgres://USER@HOST:PORT/DATABASE (its changes with who pushed them)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		fmt.Fprintln(stderr, "outbox needs --db")
		fs.Usage()
		return errUsage
	}
	var changes []outbox.Change
	book := pgstore.IsURL(*dbPath)
	if book {
		store, err := pgstore.Open(ctx, *dbPath)
		if err != nil {
			return err
		}
		defer store.Close()
		if changes, err = store.Outbox(ctx); err != nil {
			return err
		}
	} else {
		store, err := db.OpenMode(ctx, *dbPath, db.Read)
		if err != nil {
			return err
		}
		defer store.Close()
		if changes, err = store.Outbox(ctx); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	author := func(c outbox.Change) string {
		if book {
			return c.Author + "\t"
		}
		return ""
	}
	if book {
		fmt.Fprint(tw, "ID\tAUTHOR\tSOURCE\tCONTRACT\tFIELDS\tSTATE\tMESSAGE\n")
	} else {
		fmt.Fprint(tw, "ID\tSOURCE\tCONTRACT\tFIELDS\tSTATE\tMESSAGE\n")
	}
	for _, c := range changes {
		fmt.Fprintf(tw, "%s\t%s%s\t%s\t%s\t%s\t%s\n", c.ID, author(c), c.Source, c.ContractID, describeFields(c), c.State, changeNote(c))
	}
	return tw.Flush()
}

// describeFields is "field=value, ..." of a change, values quoted and cut short.
func describeFields(c outbox.Change) string {
	var parts []string
	for _, f := range c.Fields() {
		parts = append(parts, f+"="+short(c.New[f]))
	}
	return strings.Join(parts, ", ")
}

func changeNote(c outbox.Change) string {
	if c.State == outbox.Conflict {
		// A message names another analyst's change pushed to the team's
		// book first; without one, the vendor changed the field.
		theirs := "vendor now"
		if c.Message != "" {
			theirs = "theirs"
		}
		var parts []string
		for _, f := range c.Fields() {
			if v, ok := c.Theirs[f]; ok {
				parts = append(parts, fmt.Sprintf("%s: yours %s, was %s, %s %s", f, short(c.New[f]), short(c.Base[f]), theirs, short(v)))
			}
		}
		if c.Message != "" {
			parts = append(parts, firstLine(c.Message))
		}
		return strings.Join(parts, "; ")
	}
	if c.State == outbox.Pending && c.BookKey != "" && c.Message == "" {
		if c.InBook {
			return "in the book, waiting for the team's sync"
		}
		return "edited since the last push: push again"
	}
	return firstLine(c.Message)
}

func short(s string) string {
	if len([]rune(s)) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// sendEdits writes back the pending offline edits of the Podero sources
// being synced, before they are synced, and reports each outcome. It
// reports whether any edit was rejected or is in conflict.
func sendEdits(ctx context.Context, store writeback.Store, srcs []engine.Source, stdout, stderr io.Writer) (attention bool, err error) {
	out, err := writeBack(ctx, store, srcs, func(source string, n int) {
		fmt.Fprintf(stderr, "%s: sending %d offline edit(s)\n", source, n)
	})
	for _, o := range out {
		c := o.Change
		switch o.State {
		case outbox.Sent:
			what := "the vendor already held these values"
			if len(o.Sent) > 0 {
				what = strings.Join(o.Sent, ", ")
			}
			fmt.Fprintf(stdout, "sent      change %s %s %s: %s\n", c.ID, c.Source, c.ContractID, what)
		case outbox.Rejected:
			attention = true
			fmt.Fprintf(stdout, "rejected  change %s %s %s: the vendor says %q\n", c.ID, c.Source, c.ContractID, o.Message)
		case outbox.Conflict:
			attention = true
			c.State, c.Theirs = outbox.Conflict, o.Theirs
			fmt.Fprintf(stdout, "conflict  change %s %s %s: %s (nothing sent)\n", c.ID, c.Source, c.ContractID, changeNote(c))
		case outbox.Pending:
			if len(o.Sent) > 0 {
				fmt.Fprintf(stdout, "pending   change %s %s %s: sent %s, then %s\n", c.ID, c.Source, c.ContractID, strings.Join(o.Sent, ", "), o.Message)
				continue
			}
			fallthrough
		case writeback.Undone:
			fmt.Fprintf(stdout, "undone    change %s %s %s: undone while it was being sent; nothing went out\n", c.ID, c.Source, c.ContractID)
		default:
			fmt.Fprintf(stdout, "pending   change %s %s %s: not sent, tried again next sync: %s\n", c.ID, c.Source, c.ContractID, firstLine(o.Message))
		}
	}
	return attention, err
}

// writeBack sends the pending offline edits of the sources that take
// edits (Podero), source by source; starting is told of each source with
// pending edits before they go. It stops at the first source whose
// outbox cannot be read or written.
func writeBack(ctx context.Context, store writeback.Store, srcs []engine.Source, starting func(source string, n int)) ([]writeback.Outcome, error) {
	var all []writeback.Outcome
	for _, src := range srcs {
		v, ok := src.Connector.(writeback.Vendor)
		if src.Vendor != app.VendorPodero || !ok {
			continue
		}
		pending, err := writeback.Pending(ctx, store, src.Name)
		if err != nil {
			return all, err
		}
		if len(pending) == 0 {
			continue
		}
		if starting != nil {
			starting(src.Name, len(pending))
		}
		out, err := writeback.Run(ctx, store, src.Name, v)
		all = append(all, out...)
		if err != nil {
			return all, err
		}
	}
	return all, nil
}
