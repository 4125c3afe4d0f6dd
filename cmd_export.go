package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/export"
	appvendor "wattfolio/app/vendor"
	"wattfolio/db"
)

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "readings" {
		return cmdExportReadings(ctx, args[1:], stdout, stderr)
	}
	const reports = "Usage: wattfolio export contracts --db FILE [-o FILE] [filters]\n       wattfolio export readings --db FILE [--meter ID|NUMBER] [--from DAY] [--to DAY] [-o FILE]\n\n" +
		"Reports: contracts (the portfolio) and readings (meters' time series).\nRun 'wattfolio export contracts --help' or 'wattfolio export readings --help' for their flags."
	switch {
	case len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help"):
		fmt.Fprintln(stdout, reports)
		return nil
	case len(args) == 0:
		fmt.Fprintln(stderr, "export needs a report: contracts or readings")
		fmt.Fprintln(stderr, reports)
		return errUsage
	case args[0] != "contracts":
		fmt.Fprintf(stderr, "export: there is no report %q; the reports are contracts and readings\n", args[0])
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
		return usageErr(stderr, err)
	}
	var bad error
	if f.Vendor, bad = oneOf("--vendor", *vendor, appvendor.Names()); bad != nil {
		return usageErr(stderr, bad)
	}
	if f.Kind, bad = oneOf("--kind", *kind, app.Kinds); bad != nil {
		return usageErr(stderr, bad)
	}
	if f.Commodity, bad = oneOf("--commodity", *commodity, app.Commodities); bad != nil {
		return usageErr(stderr, bad)
	}
	switch u := app.Upstream(*upstream); u {
	case "current":
	case app.UpstreamCurrent, app.UpstreamRemoved, app.UpstreamAll:
		f.Upstream = u
	default:
		return usageErr(stderr, fmt.Errorf("--upstream %q: want current, removed or all", *upstream))
	}
	if *activeOn != "" {
		var err error
		if f.ActiveOn, err = time.ParseInLocation("2006-01-02", *activeOn, app.DefaultZone()); err != nil {
			return usageErr(stderr, fmt.Errorf("--active-on %q: want a day as YYYY-MM-DD", *activeOn))
		}
	}
	// A report from a damaged cache could silently miss rows.
	store, err := db.OpenVerified(ctx, *dbPath, db.Read, db.QuickCheck)
	if err != nil {
		return err
	}
	defer store.Close()
	// A source or status the cache does not hold would give an empty report
	// that looks like a real one.
	opts, err := store.FilterOptions(ctx)
	if err != nil {
		return err
	}
	if f.Source, bad = oneOf("--source", f.Source, opts.Sources); bad != nil {
		return usageErr(stderr, bad)
	}
	if f.Status, bad = oneOf("--status", f.Status, opts.Statuses); bad != nil {
		return usageErr(stderr, bad)
	}
	// Only the personal data columns read the vendor's record.
	f.WithoutRaw = !*withPersonal
	f.ExportOnly = true
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
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		// The temporary file's name means nothing to the user; theirs does.
		if st, serr := os.Stat(dir); serr != nil || !st.IsDir() {
			return fmt.Errorf("cannot write %s: the folder %s does not exist", path, dir)
		}
		return fmt.Errorf("cannot write %s: %w", path, errors.Unwrap(err))
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

// oneOf checks a filter's value against those that exist, ignoring case,
// and returns it as the cache spells it; "" is no filter.
func oneOf[T ~string](flag, value string, valid []T) (T, error) {
	if value == "" {
		return "", nil
	}
	names := make([]string, len(valid))
	for i, v := range valid {
		if strings.EqualFold(string(v), value) {
			return v, nil
		}
		names[i] = string(v)
	}
	if len(names) == 0 {
		return "", fmt.Errorf("%s %q: the cache holds none yet", flag, value)
	}
	return "", fmt.Errorf("%s %q: want one of %s", flag, value, strings.Join(names, ", "))
}
