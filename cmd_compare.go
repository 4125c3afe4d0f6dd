package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/export"
	"wattfolio/app/offer"
	"wattfolio/app/tariff/slp"
	"wattfolio/db"
)

// multiFlag collects a flag given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", "compare --db FILE --customer NAME|ID [--offer NAME]... [--from DAY --to DAY] [-o FILE]", stderr)
	dbPath := fs.String("db", "", "the cache file; must exist, opened read-only")
	customer := fs.String("customer", "", "the customer (a [[customer]] of the sources file): its name or the id on its page")
	var offers multiFlag
	fs.Var(&offers, "offer", "an offer to compare, by name (repeat; default: every offer of the commodity)")
	from := fs.String("from", "", "first day of the period (YYYY-MM-DD, Europe/Berlin); default: 12 complete months before the latest reading")
	to := fs.String("to", "", "day after the period (YYYY-MM-DD); with --from")
	commodity := fs.String("commodity", "electricity", "electricity or gas")
	profile := fs.String("profile", "", "price on this standard load profile instead of the meters (H25, G25, L25, ...)")
	scale := fs.Int("scale", 0, "scale the curve by this many percent (+10, -20)")
	flexPlan := fs.String("flex-plan", fmt.Sprintf("%d,%d", compare.DefaultFlexPlan[0], compare.DefaultFlexPlan[1]),
		"flexibility contracts: activations a month on workdays,non-workdays")
	calorific := fs.String("calorific-value", compare.DefaultGas.CalorificValue.String(), "gas meters without their own figures (wattfolio meters set-gas): calorific value (Brennwert) in kWh/m³")
	stateNumber := fs.String("state-number", compare.DefaultGas.StateNumber.String(), "gas meters without their own figures: state number (Zustandszahl)")
	out := fs.String("o", "", "write to this file instead of standard output")
	dialect := fs.String("dialect", "standard", "standard (RFC 4180, comma) or excel-de (semicolon, decimal comma, BOM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" || *customer == "" {
		fmt.Fprintln(stderr, "compare needs --db and --customer")
		fs.Usage()
		return errUsage
	}
	d, err := export.DialectByName(*dialect)
	if err != nil {
		return usageErr(stderr, err)
	}
	req := compare.Request{Commodity: app.Commodity(*commodity), Now: time.Now()}
	if req.Commodity != app.CommodityElectricity && req.Commodity != app.CommodityGas {
		return usageErr(stderr, fmt.Errorf("--commodity %q: want electricity or gas", *commodity))
	}
	if req.Curve.From, req.Curve.To, err = periodFlags(*from, *to); err != nil {
		return usageErr(stderr, err)
	}
	if *profile != "" {
		if req.Curve.Profile, err = slp.Parse(*profile); err != nil {
			return usageErr(stderr, fmt.Errorf("--profile: %w", err))
		}
	}
	req.Curve.ScalePercent = *scale
	if req.FlexPlan, err = parsePlan(*flexPlan); err != nil {
		return usageErr(stderr, err)
	}
	if req.Curve.Gas, err = gasFlags(*calorific, *stateNumber); err != nil {
		return usageErr(stderr, err)
	}

	store, err := db.OpenMode(ctx, *dbPath, db.Read)
	if err != nil {
		return err
	}
	defer store.Close()
	if req.Account, err = findAccount(ctx, store, *customer); err != nil {
		return usageErr(stderr, err)
	}
	if req.Offers, err = chooseOffers(ctx, store, offers, req.Now); err != nil {
		return usageErr(stderr, err)
	}
	cmp, err := compare.Run(ctx, store, req)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error { return export.WriteComparison(w, d, cmp) }
	if *out == "" {
		return write(stdout)
	}
	return writeFileAtomic(*out, write)
}

// usageErr prints a usage mistake and returns errUsage (exit 2).
func usageErr(stderr io.Writer, err error) error {
	fmt.Fprintf(stderr, "wattfolio: %v\n", err)
	return errUsage
}

// periodFlags reads --from and --to as local days; both or neither.
func periodFlags(from, to string) (time.Time, time.Time, error) {
	if from == "" && to == "" {
		return time.Time{}, time.Time{}, nil
	}
	if from == "" || to == "" {
		return time.Time{}, time.Time{}, errors.New("--from and --to go together")
	}
	loc := app.DefaultZone()
	f, err := time.ParseInLocation("2006-01-02", from, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("--from %q: want a day as YYYY-MM-DD", from)
	}
	t, err := time.ParseInLocation("2006-01-02", to, loc)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("--to %q: want a day as YYYY-MM-DD", to)
	}
	if !t.After(f) {
		return time.Time{}, time.Time{}, fmt.Errorf("--to %s is not after --from %s", to, from)
	}
	return f.UTC(), t.UTC(), nil
}

func parsePlan(s string) ([2]int, error) {
	a, b, ok := strings.Cut(s, ",")
	wd, err1 := strconv.Atoi(strings.TrimSpace(a))
	nwd, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || wd < 0 || nwd < 0 {
		return [2]int{}, fmt.Errorf("--flex-plan %q: want workdays,non-workdays, e.g. 4,2", s)
	}
	return [2]int{wd, nwd}, nil
}

// findAccount finds a customer by id or by name (case-insensitive); the
// error lists the customers there are.
func findAccount(ctx context.Context, store *db.Store, key string) (app.Account, error) {
	accounts, err := store.Accounts(ctx)
	if err != nil {
		return app.Account{}, err
	}
	id, idErr := strconv.ParseInt(key, 10, 64)
	for _, a := range accounts {
		if (idErr == nil && a.ID == id) || strings.EqualFold(a.Name, strings.TrimSpace(key)) {
			return a, nil
		}
	}
	names := make([]string, len(accounts))
	for i, a := range accounts {
		names[i] = fmt.Sprintf("%d %q", a.ID, a.Name)
	}
	if len(names) == 0 {
		return app.Account{}, fmt.Errorf("--customer %q: the cache has no customers ([[customer]] blocks of the sources file)", key)
	}
	return app.Account{}, fmt.Errorf("--customer %q: no such customer; there are: %s", key, strings.Join(names, ", "))
}

// chooseOffers returns the named offers, or every offer that can be
// signed today when none is named; an unknown name is an error listing the
// offers there are. A named offer outside its validity says so in its notes.
func chooseOffers(ctx context.Context, store *db.Store, names []string, now time.Time) ([]compare.Alternative, error) {
	all, err := store.Offers(ctx)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]offer.Offer, len(all))
	for _, o := range all {
		byName[strings.ToLower(o.Name)] = o
	}
	var pick []offer.Offer
	for _, o := range all {
		if o.ValidOn(now) {
			pick = append(pick, o)
		}
	}
	if len(names) > 0 {
		pick = nil
		for _, n := range names {
			o, ok := byName[strings.ToLower(strings.TrimSpace(n))]
			if !ok {
				have := make([]string, len(all))
				for i, o := range all {
					have[i] = strconv.Quote(o.Name)
				}
				if len(have) == 0 {
					return nil, fmt.Errorf("--offer %q: the cache has no offers (import some with 'wattfolio offers import')", n)
				}
				return nil, fmt.Errorf("--offer %q: no such offer; there are: %s", n, strings.Join(have, ", "))
			}
			pick = append(pick, o)
		}
	}
	return compare.Alternatives(pick, now), nil
}

// storeOffers lists every stored offer for the app's compare page.
type storeOffers struct{ store *db.Store }

func (s storeOffers) Alternatives(ctx context.Context) ([]compare.Alternative, error) {
	all, err := s.store.Offers(ctx)
	if err != nil {
		return nil, err
	}
	return compare.Alternatives(all, time.Now()), nil
}
