package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"wattfolio/app/export"
	"wattfolio/app/offer"
	"wattfolio/app/offerfile"
	"wattfolio/db"
	"wattfolio/db/pgstore"
)

const offersUsage = `Usage:
  wattfolio offers import --db FILE OFFERS.toml   add or update the offers of an offers file
                                                  (--db postgres://…: in a team's book, for every laptop's pull)
  wattfolio offers list --db FILE [-o FILE] [--dialect standard|excel-de]
                                                  write the cache's offers as CSV

offers.example.toml documents the offers file. Run 'wattfolio offers <command> --help' for its flags.
`

func cmdOffers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, offersUsage)
		return errUsage
	}
	switch args[0] {
	case "import":
		return cmdOffersImport(ctx, args[1:], stdout, stderr)
	case "list":
		return cmdOffersList(ctx, args[1:], stdout, stderr)
	case "--help", "-h", "-help", "help":
		fmt.Fprint(stdout, offersUsage)
		return nil
	}
	fmt.Fprintf(stderr, "wattfolio offers: unknown command %q\n\n%s", args[0], offersUsage)
	return errUsage
}

// cmdOffersImport reads the whole file before it opens the cache or the
// book, so that a file with mistakes leaves it as it was (a cache not
// created at all).
func cmdOffersImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("offers import", "offers import --db FILE|postgres://… OFFERS.toml", stderr)
	dbPath := fs.String("db", "", "the cache file, created if missing; or a team's book on PostgreSQL, postgres://USER@HOST:PORT/DATABASE")
	// The file may come before or after the flags.
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	var file string
	if fs.NArg() > 0 {
		file = fs.Arg(0)
		if err := parse(fs, fs.Args()[1:]); err != nil {
			return err
		}
	}
	if *dbPath == "" || file == "" {
		fmt.Fprintln(stderr, "offers import needs --db and an offers file")
		fs.Usage()
		return errUsage
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	offers, err := offerfile.Parse(file, data)
	if err != nil {
		// One mistake a line. The file is input the user corrects, like a
		// flag, hence the usage exit rather than a failure.
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stderr, "%s: nothing imported; see offers.example.toml for the format\n", file)
		return errUsage
	}
	created, updated, err := saveOffers(ctx, *dbPath, offers)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s (%d new, %d updated)\n", plural(len(offers), "offer", "offers"), created, updated)
	return nil
}

// saveOffers stores offers in the cache file or the team's book dbPath
// names, by name, all or nothing.
func saveOffers(ctx context.Context, dbPath string, offers []offer.Offer) (created, updated int, err error) {
	if pgstore.IsURL(dbPath) {
		book, err := pgstore.Open(ctx, dbPath)
		if err != nil {
			return 0, 0, err
		}
		defer book.Close()
		return book.SaveOffers(ctx, offers)
	}
	store, err := db.OpenMode(ctx, dbPath, db.Create)
	if err != nil {
		return 0, 0, err
	}
	defer store.Close()
	return store.SaveOffers(ctx, offers)
}

func cmdOffersList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("offers list", "offers list --db FILE [-o FILE] [--dialect standard|excel-de]", stderr)
	dbPath := fs.String("db", "", "the cache file; must exist, opened read-only")
	out := fs.String("o", "", "write to this file instead of standard output")
	dialect := fs.String("dialect", "standard", "standard (RFC 4180, comma) or excel-de (semicolon, decimal comma, BOM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		fmt.Fprintln(stderr, "offers list needs --db")
		fs.Usage()
		return errUsage
	}
	d, err := export.DialectByName(*dialect)
	if err != nil {
		return err
	}
	store, err := db.OpenMode(ctx, *dbPath, db.Read)
	if err != nil {
		return err
	}
	defer store.Close()
	offers, err := store.Offers(ctx)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		ow := export.NewOfferWriter(w, d)
		for _, o := range offers {
			if err := ow.Write(o); err != nil {
				return err
			}
		}
		return ow.Flush()
	}
	if *out == "" {
		return write(stdout)
	}
	return writeFileAtomic(*out, write)
}
