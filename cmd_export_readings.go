package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"wattfolio/app/export"
	"wattfolio/app/series"
	"wattfolio/db"
)

func cmdExportReadings(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export readings", "export readings --db FILE [--meter ID|NUMBER] [--from DAY] [--to DAY] [--interval PT15M|PT1H|P1D|P1M] [-o FILE] [--dialect standard|excel-de]", stderr)
	dbPath := fs.String("db", "", "the cache file; must exist, opened read-only")
	meter := fs.String("meter", "", "the meter: its number (as printed on it), the vendor's id or the cache's id; empty: every meter")
	from := fs.String("from", "", "first day (YYYY-MM-DD, in the meter's zone) or ISO 8601 instant; default: all")
	to := fs.String("to", "", "day after the last (YYYY-MM-DD) or ISO 8601 instant; default: all")
	interval := fs.String("interval", "PT15M", "PT15M (every reading as stored), PT1H, P1D or P1M (local hours, days, months)")
	out := fs.String("o", "", "write to this file instead of standard output")
	dialect := fs.String("dialect", "standard", "standard (RFC 4180, comma) or excel-de (semicolon, decimal comma, BOM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		fmt.Fprintln(stderr, "export readings needs --db")
		fs.Usage()
		return errUsage
	}
	d, err := export.DialectByName(*dialect)
	if err != nil {
		return usageErr(stderr, err)
	}
	res, err := series.ParseResolution(*interval)
	if err != nil {
		return usageErr(stderr, fmt.Errorf("--interval: %w", err))
	}
	loc, err := series.LoadZone("")
	if err != nil {
		return err
	}
	f, t := time.Unix(0, 0), time.Unix(1<<40, 0)
	if *from != "" {
		if f, err = parseInstant(*from, loc); err != nil {
			return usageErr(stderr, fmt.Errorf("--from: %w", err))
		}
	}
	if *to != "" {
		if t, err = parseInstant(*to, loc); err != nil {
			return usageErr(stderr, fmt.Errorf("--to: %w", err))
		}
	}
	if (*from != "" || *to != "") && !f.Before(t) {
		return usageErr(stderr, fmt.Errorf("--from %s is not before --to %s: the range is empty", *from, *to))
	}
	// A report from a damaged cache could silently miss rows.
	store, err := db.OpenVerified(ctx, *dbPath, db.Read, db.QuickCheck)
	if err != nil {
		return err
	}
	defer store.Close()
	var meterID int64
	if *meter != "" {
		m, err := findMeter(ctx, store, *meter)
		if err != nil {
			return usageErr(stderr, err)
		}
		meterID = m.ID
	}
	write := func(w io.Writer) error {
		cw := export.NewReadingWriter(w, d)
		if err := store.EachReading(ctx, meterID, f, t, res, cw.Write); err != nil {
			return err
		}
		return cw.Flush()
	}
	if *out == "" {
		return write(stdout)
	}
	return writeFileAtomic(*out, write)
}

// parseInstant reads a day (local midnight in loc) or an ISO 8601 instant.
func parseInstant(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want a day as YYYY-MM-DD or an ISO 8601 instant", s)
	}
	return t, nil
}
