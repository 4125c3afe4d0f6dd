package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db"
)

const metersUsage = `Usage:
  wattfolio meters [list] --db FILE       list the cache's meters with their units and gas conversions
  wattfolio meters set-gas --db FILE --meter ID|NUMBER --calorific-value 11.2 --state-number 0.9636
                                          state the grid operator's figures a gas meter's m³ are billed with

Run 'wattfolio meters <command> --help' for its flags.
`

func cmdMeters(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, metersUsage)
		return errUsage
	}
	switch args[0] {
	case "list":
		return cmdMetersList(ctx, args[1:], stdout, stderr)
	case "set-gas":
		return cmdMetersSetGas(ctx, args[1:], stdout, stderr)
	case "--help", "-h", "-help", "help":
		fmt.Fprint(stdout, metersUsage)
		return nil
	}
	if strings.HasPrefix(args[0], "-") {
		return cmdMetersList(ctx, args, stdout, stderr) // list is the default
	}
	fmt.Fprintf(stderr, "wattfolio meters: unknown command %q\n\n%s", args[0], metersUsage)
	return errUsage
}

func cmdMetersList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("meters", "meters [list] --db FILE", stderr)
	dbPath := fs.String("db", "", "the cache file; must exist, opened read-only")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		fmt.Fprintln(stderr, "meters needs --db")
		fs.Usage()
		return errUsage
	}
	store, err := db.OpenMode(ctx, *dbPath, db.Read)
	if err != nil {
		return err
	}
	defer store.Close()
	meters, err := store.ListMeters(ctx)
	if err != nil {
		return err
	}
	gas, err := store.MeterGasAll(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tnumber\tsource\tunit\tcalorific value kWh/m³\tstate number\tset")
	for _, m := range meters {
		cv, sn, at := "", "", ""
		if g, ok := gas[m.ID]; ok {
			cv, sn, at = g.CalorificValue.String(), g.StateNumber.String(), g.SetAt.In(app.DefaultZone()).Format("2006-01-02")
		} else if series.IsGasVolume(m.Unit) {
			cv = "(default)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Number, m.Source, m.Unit, cv, sn, at)
	}
	return tw.Flush()
}

func cmdMetersSetGas(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("meters set-gas", "meters set-gas --db FILE --meter ID|NUMBER --calorific-value KWH_PER_M3 --state-number Z", stderr)
	dbPath := fs.String("db", "", "the cache file; must exist")
	meter := fs.String("meter", "", "the meter: its id (wattfolio meters lists them) or its number")
	calorific := fs.String("calorific-value", "", "calorific value (Brennwert) in kWh/m³, 8 to 13, from the grid operator or the gas bill")
	stateNumber := fs.String("state-number", "", "state number (Zustandszahl), 0.8 to 1.1, from the grid operator or the gas bill")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" || *meter == "" || *calorific == "" || *stateNumber == "" {
		fmt.Fprintln(stderr, "meters set-gas needs --db, --meter, --calorific-value and --state-number")
		fs.Usage()
		return errUsage
	}
	g, err := gasFlags(*calorific, *stateNumber)
	if err != nil {
		return usageErr(stderr, err)
	}
	store, err := db.OpenMode(ctx, *dbPath, db.Write)
	if err != nil {
		return err
	}
	defer store.Close()
	m, err := findMeter(ctx, store, *meter)
	if err != nil {
		return usageErr(stderr, err)
	}
	if err := store.SetMeterGas(ctx, m.ID, g); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "meter %d (%s): m³ × %s kWh/m³ × %s\n", m.ID, m.Number, g.CalorificValue, g.StateNumber)
	if !series.IsGasVolume(m.Unit) {
		// Kept, not refused: a gas meter's unit is only known once its
		// consumption is synced.
		fmt.Fprintf(stderr, "note: meter %d counts %s so far; the figures apply once it reports m³\n", m.ID, m.Unit)
	}
	return nil
}

// findMeter finds a meter by cache id, by number or by the vendor's id; a
// number two meters share is an error naming their ids.
func findMeter(ctx context.Context, store *db.Store, key string) (series.Meter, error) {
	meters, err := store.ListMeters(ctx)
	if err != nil {
		return series.Meter{}, err
	}
	key = strings.TrimSpace(key)
	if id, err := strconv.ParseInt(key, 10, 64); err == nil {
		for _, m := range meters {
			if m.ID == id {
				return m, nil
			}
		}
	}
	var found []series.Meter
	for _, m := range meters {
		if strings.EqualFold(m.Number, key) || strings.EqualFold(m.ExternalID, key) {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		if len(meters) == 0 {
			return series.Meter{}, errors.New("--meter: the cache has no meters (sync a source that serves them)")
		}
		var known []string
		for _, m := range meters[:min(len(meters), 8)] {
			known = append(known, fmt.Sprintf("%s (id %d, %s)", m.Number, m.ID, m.Source))
		}
		more := ""
		if len(meters) > 8 {
			more = fmt.Sprintf(" and %d more; 'wattfolio meters' lists them all", len(meters)-8)
		}
		return series.Meter{}, fmt.Errorf("--meter %q: no meter has that number, vendor id or cache id; the cache has %s%s", key, strings.Join(known, ", "), more)
	}
	ids := make([]string, len(found))
	for i, m := range found {
		ids[i] = fmt.Sprintf("%d (%s)", m.ID, m.Source)
	}
	return series.Meter{}, fmt.Errorf("--meter %q: meters %s share that number; give the id", key, strings.Join(ids, ", "))
}

// gasFlags reads --calorific-value and --state-number, within the ranges
// series.GasConversion.Validate allows.
func gasFlags(calorific, stateNumber string) (series.GasConversion, error) {
	var g series.GasConversion
	var err error
	if g.CalorificValue, err = app.ParseDecimal(calorific); err != nil || g.CalorificValue <= 0 {
		return g, fmt.Errorf("--calorific-value %q: want a positive number of kWh/m³, e.g. 11.2", calorific)
	}
	if g.StateNumber, err = app.ParseDecimal(stateNumber); err != nil || g.StateNumber <= 0 {
		return g, fmt.Errorf("--state-number %q: want a positive number, e.g. 0.9636", stateNumber)
	}
	return g, g.Validate()
}
