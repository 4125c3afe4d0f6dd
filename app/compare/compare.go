package compare

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/series"
	"wattfolio/app/tariff"
)

// Store is what a comparison reads from the cache.
type Store interface {
	Readings
	EachContract(ctx context.Context, f app.ContractFilter, fn func(app.Contract) error) error
	// GetContract returns app.ErrNotFound when there is no contract id.
	GetContract(ctx context.Context, id int64) (app.Contract, error)
	MetersOfContract(ctx context.Context, contractID int64) ([]series.Meter, error)
	ListMeters(ctx context.Context) ([]series.Meter, error)
}

// Kind tells the customer's own contracts from the alternatives.
type Kind string

const (
	Current  Kind = "current"  // one of the customer's contracts in force
	Offer    Kind = "offer"    // a candidate offer
	Template Kind = "template" // another customer's contract, its terms applied to this customer
)

// Option is one column of a comparison: a tariff and what it costs.
type Option struct {
	Name       string
	Source     string // the source's name, or "offer"
	Kind       Kind
	ContractID int64 // Current and Template: the cache's contract id
	// Vendor and FetchedAt say where and when a contract's terms came from;
	// zero for offers.
	Vendor    app.Vendor
	FetchedAt time.Time
	OfferID   int64 // Offer: the cache's offer id; 0 for one not stored
	Tariff    tariff.Tariff
	// Result is nil when the option could not be priced; Err says why.
	Result *tariff.Result
	Err    error
	// Saving is what the option saves against the baseline in year 1
	// and year 2 (negative: it costs more), with the same in percent of
	// the baseline; nil for the baseline itself, for options not priced
	// and where either figure is incomplete.
	Saving1, Saving2       *app.Decimal
	SavingPct1, SavingPct2 *app.Decimal
	// market is what the option was priced with, lent to offers that
	// need spot prices.
	market tariff.Market
	// annual is a current contract's yearly estimate: the baseline is the
	// customer's main supply.
	annual app.Decimal
}

// Request is one comparison.
type Request struct {
	Account app.Account
	// Commodity is what is compared; electricity when empty.
	Commodity app.Commodity
	Offers    []Alternative
	// Contracts narrows the customer's current contracts to these cache
	// ids (a page that shows some of them need not price the others);
	// nil: every one in force.
	Contracts []int64
	// Templates are other customers' contracts (cache ids) whose terms
	// are priced on this customer's curve.
	Templates []int64
	Curve     CurveRequest
	// LoadCurve, when set, loads the curve in place of LoadCurve(ctx, st,
	// cr), so that a caller pricing one customer many times can keep it.
	// The curve is only read.
	LoadCurve func(ctx context.Context, cr CurveRequest) (tariff.Curve, error)
	// FlexPlan is the activation plan flexibility contracts are priced for.
	FlexPlan [2]int
	// Monthly breaks every result down by month (a chart needs them).
	Monthly bool
	// Spots, when set, shares the cache's spot prices between runs that
	// price many customers on the same period (the savings view).
	Spots *Spots
	Now   time.Time
}

// DefaultFlexPlan is the activation plan flexibility contracts are priced
// for unless the user states one: four activations a month on workdays and
// two on other days.
var DefaultFlexPlan = [2]int{4, 2}

// Alternative is an offer to price beside the customer's contracts.
type Alternative struct {
	ID     int64 // the cache's offer id; 0 for one not stored
	Name   string
	Tariff tariff.Tariff
}

// Alternatives turns stored offers into what a comparison prices; an
// offer that cannot be signed at now says so in its notes.
func Alternatives(offers []offer.Offer, now time.Time) []Alternative {
	out := make([]Alternative, len(offers))
	for i, o := range offers {
		t := o.Tariff
		if !o.ValidOn(now) {
			t.Assumptions = append(append([]app.Msg(nil), t.Assumptions...), app.Msgf("the offer cannot be signed today: %s", o.Validity()))
		}
		out[i] = Alternative{ID: o.ID, Name: o.Name, Tariff: t}
	}
	return out
}

// Key names an option in a URL: c<id> a current contract, t<id> a
// template, o<id> a stored offer.
func (o Option) Key() string {
	switch o.Kind {
	case Current:
		return "c" + strconv.FormatInt(o.ContractID, 10)
	case Template:
		return "t" + strconv.FormatInt(o.ContractID, 10)
	}
	return "o" + strconv.FormatInt(o.OfferID, 10)
}

// Comparison is every option priced on the customer's curve.
type Comparison struct {
	Account app.Account
	Curve   tariff.Curve
	Options []Option
	// Baseline is the index of the current contract savings are measured
	// against; -1 when the customer has no priced current contract.
	Baseline int
	// Cheapest is the index of the option with the lowest year-1 gross
	// among complete figures; -1 when none.
	Cheapest int
}

// Run prices the customer's current contracts of the commodity and the
// offers on the customer's curve.
func Run(ctx context.Context, st Store, req Request) (*Comparison, error) {
	if req.Commodity == "" {
		req.Commodity = app.CommodityElectricity
	}
	loc := req.Curve.Zone
	if loc == nil {
		loc = app.DefaultZone()
	}
	today := req.Now.In(loc)
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	cr := req.Curve
	cr.Account, cr.Commodity, cr.Now, cr.Zone = req.Account, req.Commodity, req.Now, loc
	// One pass over the customer's contracts, ended ones too: those in
	// force today are the current options, and every one says what its
	// meters measure (a gas meter may count kWh).
	cr.MeterCommodity = map[MeterKey]app.Commodity{}
	var current []app.Contract
	err := st.EachContract(ctx, app.ContractFilter{Account: req.Account.ID, Upstream: app.UpstreamAll, Sort: app.SortName}, func(c app.Contract) error {
		if c.Commodity != app.CommodityUnknown {
			cr.MeterCommodity[MeterKey{c.Source, c.ExternalID}] = c.Commodity
		}
		// Trades are not supply, and a contract the vendor no longer has
		// is not the customer's current one, whatever its dates say.
		if c.Commodity == req.Commodity && c.ActiveOnDay(midnight) && c.Kind != app.KindDayAhead && c.Kind != app.KindIntraday && !c.Removed() {
			current = append(current, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if cr.AnnualKWh == 0 {
		// From every contract in force, chosen or not: the customer's use
		// does not depend on what is compared.
		cr.AnnualKWh = annualConsumption(current)
	}
	if req.Contracts != nil {
		current = slices.DeleteFunc(current, func(c app.Contract) bool { return !slices.Contains(req.Contracts, c.ID) })
	}
	load := req.LoadCurve
	if load == nil {
		load = func(ctx context.Context, cr CurveRequest) (tariff.Curve, error) { return LoadCurve(ctx, st, cr) }
	}
	curve, err := load(ctx, cr)
	if err != nil {
		return nil, err
	}
	cmp := &Comparison{Account: req.Account, Curve: curve, Baseline: -1, Cheapest: -1}
	sess, err := tariff.NewSession(curve, req.Monthly)
	if err != nil {
		return nil, err
	}
	contracts := current
	for _, id := range req.Templates {
		c, err := st.GetContract(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("template contract %d: %w", id, err)
		}
		contracts = append(contracts, c)
	}
	for i, c := range contracts {
		o := Option{Name: c.Name, Source: c.Source, Kind: Current, ContractID: c.ID, Vendor: c.Vendor, FetchedAt: c.FetchedAt,
			annual: consumption(c)}
		if i >= len(current) {
			o.Kind = Template
		}
		t, m, err := tariffOf(ctx, st, c, curve)
		if err == nil && c.Vendor == app.VendorEnneo && household(req.Account, cr.AnnualKWh) {
			// enneo does not say whether its prices include VAT; retail
			// prices for households are quoted with it in Germany.
			t.Gross = true
			t.Assumptions = append(t.Assumptions, app.Msgf("enneo does not say whether its prices include VAT: a household's are read as gross"))
		}
		if err == nil && t.Model == tariff.Flexibility {
			t.Flex.PlanWorkdays, t.Flex.PlanNonWorkdays = req.FlexPlan[0], req.FlexPlan[1]
		}
		o.Tariff, o.market, o.Err = t, m, err
		if err == nil && !(needsSpot(t.Model) && m.Spot == nil) {
			o.price(sess, m)
		}
		cmp.Options = append(cmp.Options, o)
	}
	// Spot-linked contracts without prices of their own (an otark PPA)
	// meet the market the others were priced with, as offers do.
	var market *tariff.Market
	spot := func() (tariff.Market, error) {
		if market == nil {
			mk, err := marketSpot(ctx, st, req.Account, curve, cmp.Options, req.Spots)
			if err != nil {
				return tariff.Market{}, err
			}
			market = &mk
		}
		return *market, nil
	}
	for i := range cmp.Options {
		o := &cmp.Options[i]
		if o.Err == nil && o.Result == nil {
			m, err := spot()
			if err != nil {
				return nil, err
			}
			o.market = m
			o.price(sess, m)
		}
	}
	offers := make([]*tariff.Tariff, 0, len(req.Offers))
	ids := make([]int64, 0, len(req.Offers))
	for _, a := range req.Offers {
		if a.Tariff.Commodity != "" && a.Tariff.Commodity != req.Commodity {
			continue
		}
		t := a.Tariff
		if t.Name == "" {
			t.Name = a.Name
		}
		offers = append(offers, &t)
		ids = append(ids, a.ID)
	}
	for i, t := range offers {
		o := Option{Name: t.Name, Source: "offer", Kind: Offer, OfferID: ids[i], Tariff: *t}
		if needsSpot(t.Model) {
			m, err := spot()
			if err != nil {
				return nil, err
			}
			o.market = m
		}
		o.price(sess, o.market)
		cmp.Options = append(cmp.Options, o)
	}
	cmp.Baseline = baseline(cmp.Options)
	cmp.savings()
	return cmp, nil
}

// price prices the option's tariff, setting Result or Err.
func (o *Option) price(sess *tariff.Session, m tariff.Market) {
	r, err := sess.Price(&o.Tariff, m)
	if err != nil {
		o.Err = err
		return
	}
	o.Result = &r
}

// UnknownKeyError is a key Keep was asked for that names no option.
type UnknownKeyError struct{ Key string }

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("%s is not an option of this comparison", e.Key)
}

// Keep narrows the comparison to the options named by keys (see
// Option.Key), in the comparison's order, and works out the baseline, the
// cheapest option and the savings again among them: a user who leaves out
// the main contract compares against the one they kept. It returns an
// *UnknownKeyError for a key that names no option, and changes nothing then.
func (cmp *Comparison) Keep(keys []string) error {
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	kept := make([]Option, 0, len(keys))
	for _, o := range cmp.Options {
		if want[o.Key()] {
			delete(want, o.Key())
			o.Saving1, o.Saving2, o.SavingPct1, o.SavingPct2 = nil, nil, nil, nil
			kept = append(kept, o)
		}
	}
	for _, k := range keys {
		if want[k] {
			return &UnknownKeyError{Key: k}
		}
	}
	cmp.Options, cmp.Cheapest = kept, -1
	cmp.Baseline = baseline(kept)
	cmp.savings()
	return nil
}

// annualConsumption is the largest yearly estimate among the contracts: the
// one that supplies the customer's main meter.
func annualConsumption(cs []app.Contract) app.Decimal {
	var best app.Decimal
	for _, c := range cs {
		if c.AnnualConsumptionKWh != nil && *c.AnnualConsumptionKWh > best {
			best = *c.AnnualConsumptionKWh
		}
	}
	return best
}

// tariffOf maps a contract to a tariff and the market it needs.
func tariffOf(ctx context.Context, st Store, c app.Contract, curve tariff.Curve) (tariff.Tariff, tariff.Market, error) {
	if c.Vendor == app.VendorEpilot {
		return epilotTariff(ctx, st, c, curve)
	}
	t, err := tariff.FromContract(c)
	if err != nil {
		return t, tariff.Market{}, err
	}
	return t, tariff.SpotOfContract(c, curve.End()), nil
}

// epilotTariff prices an epilot contract by its meter's price series.
func epilotTariff(ctx context.Context, st Store, c app.Contract, curve tariff.Curve) (tariff.Tariff, tariff.Market, error) {
	meters, err := st.MetersOfContract(ctx, c.ID)
	if err != nil {
		return tariff.Tariff{}, tariff.Market{}, err
	}
	if len(meters) == 0 {
		return tariff.Tariff{}, tariff.Market{}, tariff.NotPriceable(app.Msgf("the contract has no meter with prices"))
	}
	m, latest, err := SpotOfMeter(ctx, st, meters[0], curve.Start, curve.End())
	if err != nil {
		return tariff.Tariff{}, tariff.Market{}, err
	}
	if latest == nil {
		return tariff.Tariff{}, tariff.Market{}, tariff.NotPriceable(app.Msgf("meter %s has no prices for the period", meters[0].Number))
	}
	t, err := tariff.FromEpilotPrices(c, *latest)
	return t, m, err
}

// SpotOfMeter reads a meter's prices from `from` to `to`: the auction
// component of each reading is the spot price of its interval; latest is
// the last reading with its components (the current price sheet), nil when
// there is none.
func SpotOfMeter(ctx context.Context, st Readings, meter series.Meter, from, to time.Time) (tariff.Market, *series.Reading, error) {
	m := tariff.Market{SpotSource: app.Msgf("%s's auction price component", meter.Source),
		Spot: make([]tariff.Rate, 0, slotsBetween(from, to))}
	var lastTS int64
	var lastValue app.Decimal
	var lastTax series.Tax
	var vals [5]*app.Decimal
	var store [5]app.Decimal
	keep := func(i int, p *app.Decimal) {
		vals[i] = nil
		if p != nil {
			store[i], vals[i] = *p, &store[i]
		}
	}
	err := st.EachMeasure(ctx, meter.ID, series.Price, from, to, series.Native, func(r *series.Row) error {
		if r.Parts == nil || r.Parts.Auction == nil {
			return nil
		}
		m.Spot = append(m.Spot, tariff.Rate{Start: r.Start.Unix(), End: r.End.Unix(), PerKWh: *r.Parts.Auction})
		// EachMeasure reuses its row: keep the values, not the pointers.
		lastTS, lastValue, lastTax = r.Start.Unix(), r.Value, r.Tax
		keep(0, r.Parts.Auction)
		keep(1, r.Parts.TaxesLevies)
		keep(2, r.Parts.SourceFee)
		keep(3, r.Parts.GridFee)
		keep(4, r.Parts.Margin)
		return nil
	})
	if err != nil || len(m.Spot) == 0 {
		return tariff.Market{}, nil, err
	}
	parts := series.Parts{Auction: vals[0], TaxesLevies: vals[1], SourceFee: vals[2], GridFee: vals[3], Margin: vals[4]}
	return m, &series.Reading{TS: lastTS, Value: lastValue, Tax: lastTax, Parts: &parts}, nil
}

// slotsBetween is the number of quarter hours from `from` to `to`, to size
// slices of readings up front (a year of them is 35,040), at most a year.
func slotsBetween(from, to time.Time) int {
	n := int(to.Sub(from) / (15 * time.Minute))
	return max(0, min(n, 366*96))
}

func needsSpot(m tariff.Model) bool {
	switch m {
	case tariff.Dynamic, tariff.IndexedMonthly, tariff.IndexedYearly, tariff.PPA:
		return true
	}
	return false
}

// marketSpot finds the spot prices offers are priced with: the ones the
// customer's own spot-linked contracts were priced with, so every option
// meets the same market; else the auction prices of the customer's meters,
// else of any meter in the cache (day-ahead prices are the same for all).
func marketSpot(ctx context.Context, st Store, acct app.Account, curve tariff.Curve, opts []Option, spots *Spots) (tariff.Market, error) {
	for _, o := range opts {
		if o.Result != nil && o.Tariff.Model == tariff.Dynamic && o.Tariff.Incomplete == "" && o.market.Spot != nil {
			return o.market, nil
		}
	}
	if spots != nil {
		return spots.get(ctx, st, curve.Start, curve.End())
	}
	own, err := st.MetersOfAccount(ctx, acct.ID)
	if err != nil {
		return tariff.Market{}, err
	}
	return cacheSpot(ctx, st, own, curve.Start, curve.End())
}

// cacheSpot reads the auction prices of the first of the given meters, then
// of all the cache's meters, that has any from `from` to `to`.
func cacheSpot(ctx context.Context, st Store, first []series.Meter, from, to time.Time) (tariff.Market, error) {
	all, err := st.ListMeters(ctx)
	if err != nil {
		return tariff.Market{}, err
	}
	for _, m := range append(first, all...) {
		mk, latest, err := SpotOfMeter(ctx, st, m, from, to)
		if err != nil {
			return tariff.Market{}, err
		}
		if latest != nil {
			return mk, nil
		}
	}
	return tariff.Market{}, nil
}

// Spots remembers the cache's spot prices by period. Day-ahead prices are
// the same for every meter, so a run over many customers reads a year of
// them once, not once per customer. Safe for concurrent use.
type Spots struct {
	mu       sync.Mutex
	byPeriod map[[2]int64]tariff.Market
}

func (s *Spots) get(ctx context.Context, st Store, from, to time.Time) (tariff.Market, error) {
	k := [2]int64{from.Unix(), to.Unix()}
	s.mu.Lock()
	m, ok := s.byPeriod[k]
	s.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err := cacheSpot(ctx, st, nil, from, to)
	if err != nil {
		return tariff.Market{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byPeriod == nil {
		s.byPeriod = map[[2]int64]tariff.Market{}
	}
	if prev, ok := s.byPeriod[k]; ok {
		return prev, nil // another customer read it meanwhile: share one copy
	}
	s.byPeriod[k] = m
	return m, nil
}

// baseline is the current contract savings are measured against: the
// priced, complete supply contract of the largest estimated consumption
// (the customer's main supply), else the first priced one.
func baseline(opts []Option) int {
	best := -1
	for i, o := range opts {
		if o.Kind != Current || o.Result == nil || o.Result.Incomplete != "" || o.Tariff.Model == tariff.Flexibility {
			continue
		}
		if best < 0 || o.annual > opts[best].annual {
			best = i
		}
	}
	return best
}

func consumption(c app.Contract) app.Decimal {
	if c.AnnualConsumptionKWh == nil {
		return 0
	}
	return *c.AnnualConsumptionKWh
}

// savings fills every option's saving against the baseline and marks the
// cheapest complete supply option.
func (cmp *Comparison) savings() {
	for i := range cmp.Options {
		o := &cmp.Options[i]
		if o.Result == nil || o.Result.Incomplete != "" || o.Tariff.Model == tariff.Flexibility {
			continue
		}
		if cmp.Cheapest < 0 || o.Result.Year1.Gross < cmp.Options[cmp.Cheapest].Result.Year1.Gross {
			cmp.Cheapest = i
		}
		if cmp.Baseline < 0 || i == cmp.Baseline {
			continue
		}
		b := cmp.Options[cmp.Baseline].Result
		o.Saving1, o.SavingPct1 = saving(b.Year1.Gross, o.Result.Year1.Gross)
		o.Saving2, o.SavingPct2 = saving(b.Year2.Gross, o.Result.Year2.Gross)
	}
}

// saving is base - other in money and in percent of base (two places).
func saving(base, other app.Decimal) (*app.Decimal, *app.Decimal) {
	s, err := base.Sub(other)
	if err != nil {
		return nil, nil
	}
	if base == 0 {
		return &s, nil
	}
	pct, err := app.RoundRat(new(big.Rat).Mul(new(big.Rat).Quo(s.Rat(), base.Rat()), big.NewRat(100, 1)), 2)
	if err != nil {
		return &s, nil
	}
	return &s, &pct
}

// Priced reports whether the option has a figure.
func (o Option) Priced() bool { return o.Result != nil }

// Why is the reason an option has no figure, in words.
func (o Option) Why() string { return o.WhyMsg().String() }

// WhyMsg is Why as a message, for a page to show in its language; zero
// when the option has a figure.
func (o Option) WhyMsg() app.Msg {
	if o.Err == nil {
		return app.Msg{}
	}
	var u *tariff.Unpriceable
	switch {
	case errors.As(o.Err, &u) && u == o.Err:
		return app.Msgf("cannot be priced: %s", u.Reason)
	case errors.Is(o.Err, tariff.ErrNotPriceable):
		return app.Text(o.Err.Error())
	}
	return app.Msgf("cannot be priced: %s", app.Text(o.Err.Error()))
}
