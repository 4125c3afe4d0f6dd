package tariff

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"wattfolio/app"
)

// ErrNoSpot is returned when a tariff needs spot prices the market does not
// have for every slot of the curve.
var ErrNoSpot = errors.New("no spot price")

var bigHundred = big.NewRat(100, 1)

// Price prices one tariff on a curve. See PriceAll.
func Price(c Curve, t *Tariff, m Market) (Result, error) {
	rs, err := PriceAll(c, []*Tariff{t}, m)
	if err != nil {
		return Result{}, err
	}
	return rs[0], nil
}

// PriceAll prices every tariff on the same curve, with each result broken
// down by month. The curve's whole span is the period; cut it to the
// months wanted before.
func PriceAll(c Curve, ts []*Tariff, m Market) ([]Result, error) { return priceAll(c, ts, m, true) }

// PriceYears is PriceAll without the months: Result.Months is nil. A
// ranking of many customers needs only the years, at a fraction of the work.
func PriceYears(c Curve, ts []*Tariff, m Market) ([]Result, error) { return priceAll(c, ts, m, false) }

func priceAll(c Curve, ts []*Tariff, m Market, months bool) ([]Result, error) {
	s, err := NewSession(c, months)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(ts))
	for i, t := range ts {
		if out[i], err = s.Price(t, m); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Session prices tariffs one by one on one curve: the curve's calendar in
// the customer's zone is worked out once, and the spot prices of the last
// market are kept aligned with its slots.
type Session struct {
	c      Curve
	cal    *calendar
	months bool
	last   *pricer
}

// NewSession checks the curve and prepares its calendar; months says
// whether results are broken down by month.
func NewSession(c Curve, months bool) (*Session, error) {
	cal, err := newCalendar(c)
	if err != nil {
		return nil, err
	}
	return &Session{c: c, cal: cal, months: months}, nil
}

// Price prices t with the market m; the error names the tariff.
func (s *Session) Price(t *Tariff, m Market) (Result, error) {
	p := s.last
	if p == nil || !sameMarket(p.m, m) {
		p = &pricer{c: s.c, cal: s.cal, m: m, months: s.months}
		s.last = p
	}
	r, err := p.price(t)
	if err != nil {
		return Result{}, fmt.Errorf("tariff %q: %w", t.Name, err)
	}
	return r, nil
}

// sameMarket reports whether two markets hold the same prices: the same
// slices, as a comparison hands the same market to many offers.
func sameMarket(a, b Market) bool {
	same := func(x, y []Rate) bool {
		return len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	sameP := len(a.Production) == len(b.Production) && (len(a.Production) == 0 || &a.Production[0] == &b.Production[0])
	return same(a.Spot, b.Spot) && sameP && a.SpotSource.String() == b.SpotSource.String()
}

type pricer struct {
	c   Curve
	cal *calendar
	m   Market
	// months: break each result down by month too (a chart needs them,
	// a ranking of 500 customers does not).
	months bool
	// spot is the spot price of each slot, found once on first use.
	spot    []app.Decimal
	spotErr error
	// spotFilled counts the slots that took their month's average price.
	spotFilled int
}

// spotPrices aligns the market's rates with the curve's slots. A few
// slots without a price (a vendor's gap, a period that starts before the
// prices do) take the average of their month's prices, counted for the
// notes; more than maxSpotGap of the period is an error, not an estimate.
func (p *pricer) spotPrices() ([]app.Decimal, error) {
	if p.spot != nil || p.spotErr != nil {
		return p.spot, p.spotErr
	}
	rates := p.m.Spot
	step := int64(p.c.Step / time.Second)
	start := p.c.Start.Unix()
	out := make([]app.Decimal, len(p.c.KWh))
	has := make([]bool, len(out))
	j, missing, firstMissing := 0, 0, int64(-1)
	for i := range out {
		ts := start + int64(i)*step
		for j < len(rates) && rates[j].End <= ts {
			j++
		}
		if j < len(rates) && rates[j].Start <= ts {
			out[i], has[i] = rates[j].PerKWh, true
			continue
		}
		if missing == 0 {
			firstMissing = ts
		}
		missing++
	}
	if missing > len(out)/maxSpotGap {
		src := p.m.SpotSource
		if src.IsZero() {
			src = app.Msgf("the cache")
		}
		p.spotErr = fmt.Errorf("%w from %s for %d of %d slots, the first at %s", ErrNoSpot, src, missing, len(out),
			time.Unix(firstMissing, 0).In(p.c.Zone).Format("2006-01-02 15:04 MST"))
		return nil, p.spotErr
	}
	if missing > 0 {
		if err := p.fillSpot(out, has); err != nil {
			p.spotErr = err
			return nil, err
		}
		p.spotFilled = missing
	}
	p.spot = out
	return out, nil
}

// maxSpotGap: at most one slot in twenty may lack a spot price.
const maxSpotGap = 20

// fillSpot gives each slot without a price its month's average price (of
// the whole period where the month has none), rounded to millionths.
func (p *pricer) fillSpot(out []app.Decimal, has []bool) error {
	avg := func(first, end int) (app.Decimal, bool, error) {
		var s app.ProductSum
		n := 0
		for i := first; i < end; i++ {
			if has[i] {
				s.AddDecimal(out[i])
				n++
			}
		}
		if n == 0 {
			return 0, false, nil
		}
		v, err := app.DecimalFromRat(new(big.Rat).Quo(s.Rat(), big.NewRat(int64(n), 1)))
		return v, true, err
	}
	all, _, err := avg(0, len(out))
	if err != nil {
		return fmt.Errorf("average spot price: %w", err)
	}
	for _, mc := range p.cal.months {
		a, ok, err := avg(mc.first, mc.end)
		if err != nil {
			return fmt.Errorf("average spot price of %s: %w", mc.start.Format("2006-01"), err)
		}
		if !ok {
			a = all
		}
		for i := mc.first; i < mc.end; i++ {
			if !has[i] {
				out[i] = a
			}
		}
	}
	return nil
}

// monthSums are one month's components as quoted (net or gross), exact.
type monthSums struct {
	energy, grid app.ProductSum
	// energyRat replaces energy where a model's energy is a fraction (an
	// average price times the month's kWh, a pro-rata fee) rather than a
	// sum of products.
	energyRat *big.Rat
}

func (s *monthSums) energyValue() *big.Rat {
	if s.energyRat != nil {
		return s.energyRat
	}
	return s.energy.Rat()
}

func (p *pricer) price(t *Tariff) (Result, error) {
	cal := p.cal
	n := len(cal.months)
	sums := make([]monthSums, n)
	if err := p.energyAndGrid(t, sums); err != nil {
		return Result{}, err
	}
	var energy, grid app.ProductSum
	var energyRat *big.Rat
	for mi := range sums {
		if err := sums[mi].energy.Err(); err != nil {
			return Result{}, fmt.Errorf("energy of %s: %w", cal.months[mi].start.Format("2006-01"), err)
		}
		if err := sums[mi].grid.Err(); err != nil {
			return Result{}, fmt.Errorf("grid fees of %s: %w", cal.months[mi].start.Format("2006-01"), err)
		}
		grid.AddSum(sums[mi].grid)
		if r := sums[mi].energyRat; r != nil {
			if energyRat == nil {
				energyRat = new(big.Rat)
			}
			energyRat.Add(energyRat, r)
		} else {
			energy.AddSum(sums[mi].energy)
		}
	}
	if err := errors.Join(energy.Err(), grid.Err()); err != nil {
		return Result{}, fmt.Errorf("the period: %w", err)
	}
	if energyRat == nil {
		energyRat = energy.Rat()
	}
	f := newFactors(t)
	r := Result{Tariff: t.Name, Model: t.Model, From: p.c.Start, To: p.c.End(), Incomplete: t.Incomplete}

	// The period is priced from its totals, not as a sum of its months:
	// a dozen exact fractions instead of a dozen per month.
	var y1, y2 exact
	f.components(&y2, energyRat, grid.Rat(), cal.total, cal.share)
	y2.total(f.vat)
	f.components(&y1, energyRat, grid.Rat(), cal.total, cal.share)
	for _, b := range t.Bonuses {
		y1.bonus.Sub(&y1.bonus, new(big.Rat).Mul(b.Amount.Rat(), f.netBonus))
	}
	y1.total(f.vat)
	var err error
	if r.Year1, err = y1.round(); err != nil {
		return Result{}, err
	}
	if r.Year2, err = y2.round(); err != nil {
		return Result{}, err
	}
	if p.months {
		for mi, mc := range cal.months {
			var e exact
			f.components(&e, sums[mi].energyValue(), sums[mi].grid.Rat(), cal.kWh[mi], mc.share)
			for _, b := range t.Bonuses {
				if bonusMonth(b.Kind, n) == mi {
					e.bonus.Sub(&e.bonus, new(big.Rat).Mul(b.Amount.Rat(), f.netBonus))
				}
			}
			e.total(f.vat)
			b, err := e.round()
			if err != nil {
				return Result{}, fmt.Errorf("%s: %w", mc.start.Format("2006-01"), err)
			}
			r.Months = append(r.Months, Month{Start: mc.start, Breakdown: b})
		}
	}
	r.GuaranteedUntil, r.Notes = p.notes(t, n)
	return r, nil
}

// factors are a tariff's prices as exact fractions, made once per tariff.
type factors struct {
	vat *big.Rat
	// toNet brings quoted gross prices to net: 1 / (1 + VAT); nil for net
	// prices, which need no step at all.
	toNet *big.Rat
	// netBonus brings a bonus, always quoted gross, to net.
	netBonus             *big.Rat
	base, gridBase       *big.Rat
	levies, tax, concess *big.Rat
}

func newFactors(t *Tariff) *factors {
	f := &factors{vat: t.VATRate.Rat(), base: t.BasePerYear.Rat(), gridBase: t.Charges.GridBasePerYear.Rat(),
		levies: t.Charges.LeviesPerKWh.Rat(), tax: t.Charges.ElectricityTaxPerKWh.Rat(), concess: t.Charges.ConcessionPerKWh.Rat()}
	f.netBonus = new(big.Rat).Inv(new(big.Rat).Add(big.NewRat(1, 1), f.vat))
	if t.Gross {
		f.toNet = f.netBonus
	}
	return f
}

func (f *factors) net(x *big.Rat) {
	if f.toNet != nil && x.Sign() != 0 {
		x.Mul(x, f.toNet)
	}
}

// components fills e's net components from the quoted energy and grid
// sums, the kWh and the share of a year the span covers.
func (f *factors) components(e *exact, energy, grid *big.Rat, kwh app.Decimal, share *big.Rat) {
	k := kwh.Rat()
	e.kwh.Set(k)
	e.energy.Set(energy)
	f.net(&e.energy)
	if f.base.Sign() != 0 {
		e.base.Mul(f.base, share)
		f.net(&e.base)
	}
	e.grid.Set(grid)
	if f.gridBase.Sign() != 0 {
		e.grid.Add(&e.grid, new(big.Rat).Mul(f.gridBase, share))
	}
	f.net(&e.grid)
	for _, c := range []struct{ dst, per *big.Rat }{{&e.levies, f.levies}, {&e.tax, f.tax}, {&e.concession, f.concess}} {
		if c.per.Sign() != 0 {
			c.dst.Mul(c.per, k)
			f.net(c.dst)
		}
	}
}

// bonusMonth is the month of the period a bonus is credited in: an instant
// bonus a few months after supply starts (the third month), a new-customer
// bonus with the first annual bill (the last month).
func bonusMonth(k BonusKind, months int) int {
	if k == InstantBonus {
		return min(2, months-1)
	}
	return months - 1
}

// energyAndGrid sums, per month, the energy and the per-kWh grid fee slot
// by slot, in the tariff's quoted units.
func (p *pricer) energyAndGrid(t *Tariff, sums []monthSums) error {
	cal := p.cal
	kwh := p.c.KWh
	gridZones, err := compileZones(t.GridZones, "grid_zones")
	if err != nil {
		return err
	}
	// The grid fee is per slot only where §14a windows vary it.
	if len(gridZones) == 0 {
		for mi := range sums {
			sums[mi].grid.Add(cal.kWh[mi], t.Charges.GridPerKWh)
		}
	} else {
		step := int64(p.c.Step / time.Second)
		start := p.c.Start.Unix()
		for i, s := range cal.slots {
			g := price(gridZones, cal, s, start+int64(i)*step, t.Charges.GridPerKWh)
			sums[s.month].grid.Add(kwh[i], g)
		}
	}
	switch t.Model {
	case Fixed:
		for mi := range sums {
			sums[mi].energy.Add(cal.kWh[mi], t.WorkingPerKWh)
		}
	case TimeOfUse:
		zones, err := compileZones(t.Zones, "zones")
		if err != nil {
			return err
		}
		step := int64(p.c.Step / time.Second)
		start := p.c.Start.Unix()
		for i, s := range cal.slots {
			sums[s.month].energy.Add(kwh[i], price(zones, cal, s, start+int64(i)*step, t.WorkingPerKWh))
		}
	case Dynamic:
		return p.dynamic(t, gridZones, sums)
	case IndexedMonthly, IndexedYearly:
		return p.indexed(t, sums)
	case PPA:
		return p.ppa(t, sums)
	case Flexibility:
		return p.flex(t, sums)
	default:
		return fmt.Errorf("model %q: want one of %v", t.Model, Models)
	}
	return nil
}

// dynamic prices each slot at spot + markup. Under NegativeClamp a slot
// whose whole net price (energy and charges) is below zero costs nothing:
// its energy price is raised to cancel the charges.
func (p *pricer) dynamic(t *Tariff, gridZones []zoneMatcher, sums []monthSums) error {
	spot, err := p.spotPrices()
	if err != nil {
		return err
	}
	cal := p.cal
	ch := t.Charges
	if t.Negative != NegativeClamp {
		// Σ kWh × (spot + markup) = Σ kWh × spot + markup × the month's
		// kWh: one exact product per slot, and no sum to check per slot.
		for i, s := range cal.slots {
			sums[s.month].energy.Add(p.c.KWh[i], spot[i])
		}
		for mi := range sums {
			sums[mi].energy.Add(cal.kWh[mi], t.WorkingPerKWh)
		}
		return nil
	}
	fixedCharges, err := sumDecimals(ch.LeviesPerKWh, ch.ElectricityTaxPerKWh, ch.ConcessionPerKWh)
	if err != nil {
		return fmt.Errorf("charges: %w", err)
	}
	step := int64(p.c.Step / time.Second)
	start := p.c.Start.Unix()
	for i, s := range cal.slots {
		e, err := spot[i].Add(t.WorkingPerKWh)
		if err != nil {
			return fmt.Errorf("spot + markup: %w", err)
		}
		g := ch.GridPerKWh
		if len(gridZones) > 0 {
			g = price(gridZones, cal, s, start+int64(i)*step, g)
		}
		charges, err := fixedCharges.Add(g)
		if err != nil {
			return fmt.Errorf("charges: %w", err)
		}
		if total, err := e.Add(charges); err != nil {
			return fmt.Errorf("slot price: %w", err)
		} else if total < 0 {
			e = -charges
		}
		sums[s.month].energy.Add(p.c.KWh[i], e)
	}
	return nil
}

// indexed prices every kWh of a month (IndexedMonthly) or of the period
// (IndexedYearly) at the average spot price plus the markup. The plain
// average weighs every slot the same; the load-weighted one by its kWh.
func (p *pricer) indexed(t *Tariff, sums []monthSums) error {
	spot, err := p.spotPrices()
	if err != nil {
		return err
	}
	cal := p.cal
	avg := func(first, end int) *big.Rat {
		var s app.ProductSum
		if t.Average == AverageLoadWeighted {
			var k app.ProductSum
			for i := first; i < end; i++ {
				s.Add(p.c.KWh[i], spot[i])
				k.AddDecimal(p.c.KWh[i])
			}
			if k.IsZero() {
				return new(big.Rat)
			}
			return new(big.Rat).Quo(s.Rat(), k.Rat())
		}
		for i := first; i < end; i++ {
			s.AddDecimal(spot[i])
		}
		return new(big.Rat).Quo(s.Rat(), big.NewRat(int64(end-first), 1))
	}
	var whole *big.Rat
	if t.Model == IndexedYearly {
		whole = avg(0, len(spot))
	}
	for mi, mc := range cal.months {
		a := whole
		if a == nil {
			a = avg(mc.first, mc.end)
		}
		a = new(big.Rat).Add(a, t.WorkingPerKWh.Rat())
		// The average is a fraction; the month's energy is exact as a
		// fraction too, kept aside from the 128-bit sums.
		sums[mi].energyRat = new(big.Rat).Mul(a, cal.kWh[mi].Rat())
	}
	return nil
}

// ppa settles a PPA against consumption: the PPA volume at the PPA price,
// consumption the PPA does not cover at spot plus the residual markup,
// surplus volume sold at spot.
func (p *pricer) ppa(t *Tariff, sums []monthSums) error {
	pt := t.PPA
	if pt == nil {
		return errors.New("ppa: no PPA terms")
	}
	spot, err := p.spotPrices()
	if err != nil {
		return err
	}
	vol := p.m.Production
	if pt.Kind == Baseload {
		per, err := app.DecimalFromRat(new(big.Rat).Mul(pt.BaseloadKW.Rat(), big.NewRat(int64(p.c.Step/time.Second), 3600)))
		if err != nil {
			return fmt.Errorf("ppa baseload: %w", err)
		}
		vol = make([]app.Decimal, len(p.c.KWh))
		for i := range vol {
			vol[i] = per
		}
	}
	if vol == nil {
		vol = p.c.KWh
	}
	if len(vol) != len(p.c.KWh) {
		return fmt.Errorf("ppa: production has %d slots, the curve %d", len(vol), len(p.c.KWh))
	}
	for i, s := range p.cal.slots {
		k, v := p.c.KWh[i], vol[i]
		pp := pt.PricePerKWh
		if pt.Kind == IndexedPPA {
			if pp, err = spot[i].Sub(pt.PricePerKWh); err != nil {
				return fmt.Errorf("ppa price: %w", err)
			}
			if pt.Floor != nil && pp < *pt.Floor {
				pp = *pt.Floor
			}
			if pt.Cap != nil && pp > *pt.Cap {
				pp = *pt.Cap
			}
		}
		e := &sums[s.month].energy
		e.Add(v, pp)
		if k > v {
			residual, err := spot[i].Add(pt.ResidualMarkup)
			if err != nil {
				return fmt.Errorf("ppa residual price: %w", err)
			}
			d, _ := k.Sub(v) // both fit and are non-negative
			e.Add(d, residual)
		} else if v > k {
			d, _ := v.Sub(k)
			e.Add(d, -spot[i])
		}
	}
	return nil
}

// flex credits a flexibility contract's revenue for its activation plan, per
// month, pro rata for months the curve covers only in part.
func (p *pricer) flex(t *Tariff, sums []monthSums) error {
	f := t.Flex
	if f == nil {
		return errors.New("flexibility: no flexibility terms")
	}
	wd, nwd := f.PlanWorkdays, f.PlanNonWorkdays
	if f.MaxActivations > 0 && wd+nwd > f.MaxActivations {
		return fmt.Errorf("flexibility: the plan's %d activations a month exceed the contract's %d", wd+nwd, f.MaxActivations)
	}
	for mi, mc := range p.cal.months {
		var rev app.ProductSum
		rev.AddDecimal(f.ReservationPerMonth)
		rev.Add(f.ActivationFeeWorkdays, app.DecimalFromInt(int64(wd)))
		rev.Add(f.ActivationFeeNonWorkdays, app.DecimalFromInt(int64(nwd)))
		days := mc.start.AddDate(0, 1, 0).Add(-time.Hour).Day()
		share := new(big.Rat).Mul(rev.Rat(), big.NewRat(int64(mc.days), int64(days)))
		sums[mi].energyRat = share.Neg(share)
	}
	return nil
}

func sumDecimals(ds ...app.Decimal) (app.Decimal, error) {
	var s app.Decimal
	for _, d := range ds {
		var err error
		if s, err = s.Add(d); err != nil {
			return 0, err
		}
	}
	return s, nil
}

// exact is a breakdown before rounding.
type exact struct {
	kwh, energy, base, grid, levies, tax, concession, bonus, net, vat big.Rat
}

// total sets net to the sum of the components and VAT on it.
func (x *exact) total(vat *big.Rat) {
	x.net.SetInt64(0)
	for _, c := range []*big.Rat{&x.energy, &x.base, &x.grid, &x.levies, &x.tax, &x.concession, &x.bonus} {
		addRat(&x.net, c)
	}
	x.vat.Mul(&x.net, vat)
}

// addRat adds y to x. Most tariffs leave most components at zero, and a
// big.Rat sum reduces its fraction (a GCD) even then: skip those.
func addRat(x, y *big.Rat) {
	switch {
	case y.Sign() == 0:
	case x.Sign() == 0:
		x.Set(y)
	default:
		x.Add(x, y)
	}
}

// round reports x with every figure rounded once to cents.
func (x *exact) round() (Breakdown, error) {
	var b Breakdown
	gross := new(big.Rat).Add(&x.net, &x.vat)
	var err error
	for _, f := range []struct {
		dst *app.Decimal
		r   *big.Rat
	}{{&b.Energy, &x.energy}, {&b.Base, &x.base}, {&b.Grid, &x.grid}, {&b.Levies, &x.levies}, {&b.Tax, &x.tax},
		{&b.Concession, &x.concession}, {&b.Bonus, &x.bonus}, {&b.Net, &x.net}, {&b.VAT, &x.vat}, {&b.Gross, gross}} {
		if f.r.Sign() == 0 {
			continue
		}
		if *f.dst, err = app.RoundRat(f.r, 2); err != nil {
			return Breakdown{}, err
		}
	}
	if b.KWh, err = app.RoundRat(&x.kwh, 6); err != nil {
		return Breakdown{}, err
	}
	if x.kwh.Sign() != 0 {
		ct := new(big.Rat).Quo(gross, &x.kwh)
		if b.EffectiveCtPerKWh, err = app.RoundRat(ct.Mul(ct, big.NewRat(100, 1)), 4); err != nil {
			return Breakdown{}, err
		}
	}
	return b, nil
}
