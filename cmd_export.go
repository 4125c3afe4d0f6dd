package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"wattfolio/app"
	"wattfolio/app/export"
	"wattfolio/db"
)

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "readings" {
		return cmdExportReadings(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "contracts" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			fmt.Fprintln(stdout, "Usage: wattfolio export contracts --db FILE [-o FILE] [filters]\n\nReports: contracts. Run 'wattfolio export contracts --help' for its flags.")
			return nil
		}
		fmt.Fprintln(stderr, "Usage: wattfolio export contracts --db FILE [-o FILE] [filters]")
		return errUsage
	}
	fs := newFlags("export contracts", "export contracts --db FILE [-o FILE] [--dialect standard|excel-de] [--include-personal-data] [filters]", stderr)
	dbPath := fs.String("db", "", "the cache file; must exist, opened read-only")
	out := fs.String("o", "", "write to this file instead of standard output")
	dialect := fs.String("dialect", "standard", "standard (RFC 4180, comma) or excel-de (semicolon, decimal comma, BOM)")
	withPersonal := fs.Bool("include-personal-data", false, "add the customers' e-mail addresses, phone numbers, IBANs and postal addresses from the vendors' records (left out by default)")
	var f app.ContractFilter
	fs.StringVar(&f.Source, "source", "", "only this source")
	vendor := fs.String("vendor", "", "only this vendor (enneo, prosumer, otark, epilot, podero)")
	kind := fs.String("kind", "", "only this kind (retail, energy, ppa, ...)")
	commodity := fs.String("commodity", "", "only this commodity (electricity, gas, ...)")
	fs.StringVar(&f.Status, "status", "", "only this status")
	upstream := fs.String("upstream", "", "current (the default): contracts the vendor still has; removed: the ones it no longer has; all: both")
	activeOn := fs.String("active-on", "", "only contracts in force on this day (YYYY-MM-DD, Europe/Berlin)")
	fs.Int64Var(&f.Account, "account", 0, "only the contracts of this customer (the id on its customer page)")
	fs.StringVar(&f.Query, "q", "", "only contracts whose ids, names, product or meter contain this text")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *dbPath == "" {
		fmt.Fprintln(stderr, "export contracts needs --db")
		fs.Usage()
		return errUsage
	}
	d, err := export.DialectByName(*dialect)
	if err != nil {
		return err
	}
	f.Vendor, f.Kind, f.Commodity = app.Vendor(*vendor), app.Kind(*kind), app.Commodity(*commodity)
	switch u := app.Upstream(*upstream); u {
	case "current":
	case app.UpstreamCurrent, app.UpstreamRemoved, app.UpstreamAll:
		f.Upstream = u
	default:
		return fmt.Errorf("--upstream %q: want current, removed or all", *upstream)
	}
	if *activeOn != "" {
		var err error
		if f.ActiveOn, err = time.ParseInLocation("2006-01-02", *activeOn, app.DefaultZone()); err != nil {
			return fmt.Errorf("--active-on %q: want a day as YYYY-MM-DD", *activeOn)
		}
	}
	// A report from a damaged cache could silently miss rows.
	store, err := db.OpenVerified(ctx, *dbPath, db.Read, db.QuickCheck)
	if err != nil {
		return err
	}
	defer store.Close()
	write := func(w io.Writer) error {
		cw := export.NewContractWriter(w, d, *withPersonal)
		if err := store.EachContract(ctx, f, cw.Write); err != nil {
			return err
		}
		return cw.Flush()
	}
	if *out == "" {
		return write(stdout)
	}
	return writeFileAtomic(*out, write)
}

// writeFileAtomic writes through a temporary file beside path and renames it
// into place, so a failed export never leaves half a report under the name.
// The file is its owner's only (os.CreateTemp makes it 0600, and the rename
// keeps that), since reports and the window state may name customers.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	return nil
}
