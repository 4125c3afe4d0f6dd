// Package compare puts a customer's current contracts and candidate offers
// side by side: it loads the customer's load curve (metered, or a standard
// load profile), maps each contract to a tariff, prices every option with
// the tariff engine on that one curve and works out the savings. It reads
// the cache through the small Store interface below and knows nothing of
// SQL, HTTP or CSV.
package compare

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/app/tariff"
	"wattfolio/app/tariff/slp"
)

// Readings is the part of the cache a curve is loaded from.
type Readings interface {
	MetersOfAccount(ctx context.Context, accountID int64) ([]series.Meter, error)
	EachMeasure(ctx context.Context, meterID int64, m series.Measure, from, to time.Time, res series.Resolution, fn func(*series.Row) error) error
	// MeterGas is the conversion the user stated for a gas meter; false
	// when they stated none.
	MeterGas(ctx context.Context, meterID int64) (series.GasConversion, bool, error)
}

// Gas converts a gas meter's m³ to kWh: kWh = m³ × calorific value
// (Brennwert, kWh/m³) × state number (Zustandszahl), as a gas bill does.
type Gas = series.GasConversion

// DefaultGas is the conversion of a meter whose grid operator's figures
// the user has not stated: a typical H-gas calorific value and state number.
var DefaultGas = Gas{CalorificValue: app.MustDecimal("11.2"), StateNumber: app.MustDecimal("0.9636")}

// CurveRequest says which curve to load.
type CurveRequest struct {
	Account   app.Account
	Commodity app.Commodity
	// From and To bound the period (UTC, local midnights); zero: the last
	// 12 complete months before the latest reading (metered) or before Now.
	From, To time.Time
	Now      time.Time
	// Profile forces a standard load profile even where meters have data;
	// "" uses the meters, else the account's profile, else a guess.
	Profile slp.Profile
	// MeterCommodity is the commodity of the contract each meter belongs
	// to (a gas meter may count kWh); meters not in it go by their unit.
	MeterCommodity map[MeterKey]app.Commodity
	// AnnualKWh spreads over the profile when there is no meter data.
	AnnualKWh app.Decimal
	// ScalePercent scales the curve: +10 is 110 %.
	ScalePercent int
	// Gas converts the m³ of gas meters without a conversion of their own.
	Gas  Gas
	Zone *time.Location
}

// LastYear is the 12 complete local months before the month of t.
func LastYear(t time.Time, loc *time.Location) (time.Time, time.Time) {
	l := t.In(loc)
	to := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
	return to.AddDate(-1, 0, 0).UTC(), to.UTC()
}

// LoadCurve builds the customer's curve: the sum of their meters'
// consumption (feed-in left out) where they have readings, with gaps
// filled from the profile's shape; else their annual consumption spread
// over a standard load profile.
func LoadCurve(ctx context.Context, st Readings, req CurveRequest) (tariff.Curve, error) {
	loc := req.Zone
	if loc == nil {
		loc = app.DefaultZone()
	}
	profile, why := chooseProfile(req)
	var meters []series.Meter
	if req.Profile == "" && req.Account.ID != 0 {
		ms, err := st.MetersOfAccount(ctx, req.Account.ID)
		if err != nil {
			return tariff.Curve{}, err
		}
		for _, m := range ms {
			c, ok := req.MeterCommodity[MeterKey{m.Source, m.ContractExternalID}]
			if !ok {
				c = meterCommodity(m)
			}
			if c == req.Commodity {
				meters = append(meters, m)
			}
		}
	}
	from, to := req.From, req.To
	if from.IsZero() || to.IsZero() {
		latest := req.Now
		for _, m := range meters {
			if !m.DataTo.IsZero() && (latest.IsZero() || m.DataTo.Before(latest)) {
				latest = m.DataTo
			}
		}
		from, to = LastYear(latest, loc)
	}
	var c tariff.Curve
	var seen []bool
	var err error
	if len(meters) > 0 {
		c, seen, err = MeterCurve(ctx, st, meters, from, to, loc, req.Gas)
		if err != nil {
			return tariff.Curve{}, err
		}
	}
	if c.KWh == nil {
		// No reading at all in the period: the profile, if there is a
		// consumption to spread.
		if req.AnnualKWh <= 0 {
			return tariff.Curve{}, fmt.Errorf("%s has no meter data for %s to %s and no annual consumption to spread over a profile",
				req.Account.Name, from.In(loc).Format("2006-01-02"), to.In(loc).Format("2006-01-02"))
		}
		kwh, err := slp.Curve(profile, req.AnnualKWh, from, to, loc)
		if err != nil {
			return tariff.Curve{}, err
		}
		c = tariff.Curve{Start: from, Step: 15 * time.Minute, KWh: kwh, Zone: loc,
			Origin: tariff.Origin{Profile: string(profile), Why: why + fmt.Sprintf("; %s kWh a year", req.AnnualKWh.Fixed(0))}}
	} else if c.Origin.Filled > 0 {
		if err := fillGaps(&c, seen, profile); err != nil {
			return tariff.Curve{}, err
		}
		c.Origin.Profile, c.Origin.Why = string(profile), why
	}
	if req.ScalePercent != 0 {
		if err := scale(&c, req.ScalePercent); err != nil {
			return tariff.Curve{}, err
		}
	}
	return c, nil
}

// MeterKey names the contract a meter belongs to: its source and the
// vendor's contract id.
type MeterKey struct{ Source, Contract string }

// meterCommodity guesses a meter's commodity from its unit when its
// contract's is unknown: m³ is gas.
func meterCommodity(m series.Meter) app.Commodity {
	if series.IsGasVolume(m.Unit) {
		return app.CommodityGas
	}
	return app.CommodityElectricity
}

// gasOf is the conversion of a gas meter: its own, else def; and the note
// that states it, since a bill in kWh hangs on both figures.
func gasOf(ctx context.Context, st Readings, m series.Meter, def Gas, loc *time.Location) (Gas, string, error) {
	g, ok, err := st.MeterGas(ctx, m.ID)
	if err != nil {
		return Gas{}, "", err
	}
	how := "default; set the grid operator's figures with wattfolio meters set-gas"
	if ok {
		how = "set " + g.SetAt.In(loc).Format("2006-01-02")
	} else {
		g = def
	}
	return g, fmt.Sprintf("meter %s: m³ × %s kWh/m³ × %s (%s)", m.Number, g.CalorificValue, g.StateNumber, how), nil
}

// chooseProfile picks the standard load profile for a customer and says why.
func chooseProfile(req CurveRequest) (slp.Profile, string) {
	if req.Profile != "" {
		return req.Profile, "chosen by the user"
	}
	if p, err := slp.Parse(req.Account.Profile); err == nil && req.Account.Profile != "" {
		return p, "the customer's profile in the sources file"
	}
	if !household(app.Account{}, req.AnnualKWh) {
		return "G25", "business profile: more than 10,000 kWh a year"
	}
	return "H25", "household profile: up to 10,000 kWh a year"
}

// household tells a household from a business: by the profile its
// [[customer]] block names (H, P and S profiles are households'), else by
// its yearly consumption (10,000 kWh at most).
func household(a app.Account, annualKWh app.Decimal) bool {
	if p := strings.ToUpper(a.Profile); p != "" {
		return p[0] == 'H' || p[0] == 'P' || p[0] == 'S'
	}
	return annualKWh <= app.DecimalFromInt(10_000)
}

// MeterCurve sums the meters' consumption (feed-in left out) from `from`
// to `to` into one curve on the finest step every meter has. A gas meter's
// m³ become kWh with its own stored conversion, else gas; the curve's
// Origin states which. A slot no
// meter has a reading for is counted in Origin.Filled and left at zero;
// seen tells the slots with readings (LoadCurve fills the others from a
// profile). A curve of no slots means no meter had a reading.
func MeterCurve(ctx context.Context, st Readings, meters []series.Meter, from, to time.Time, loc *time.Location, gas Gas) (tariff.Curve, []bool, error) {
	// Quarter hours go straight into their slot; hourly readings (rarer)
	// are kept aside, and if there are any the curve becomes hourly.
	start := from.Unix() - from.Unix()%900
	n := int((to.Unix() - start) / 900)
	kwh := make([]app.Decimal, n)
	seen := make([]bool, n)
	any := false
	type hourly struct {
		ts  int64
		kwh app.Decimal
	}
	var hours []hourly
	add := func(dst *app.Decimal, v app.Decimal, ts int64) error {
		var err error
		if *dst, err = dst.Add(v); err != nil {
			return fmt.Errorf("load curve at %s: %w", time.Unix(ts, 0).UTC().Format(time.RFC3339), err)
		}
		return nil
	}
	var conversions []string
	for _, m := range meters {
		volume := meterCommodity(m) == app.CommodityGas
		var conv Gas
		if volume {
			var note string
			var err error
			if conv, note, err = gasOf(ctx, st, m, gas, loc); err != nil {
				return tariff.Curve{}, nil, err
			}
			conversions = append(conversions, note)
		}
		err := st.EachMeasure(ctx, m.ID, series.Consumption, from, to, series.Native, func(r *series.Row) error {
			if r.Measure != series.Consumption || r.Channel == series.FeedIn {
				return nil
			}
			span := int64(r.End.Sub(r.Start) / time.Second)
			if span != 900 && span != 3600 {
				return fmt.Errorf("meter %s: a %ds reading at %s: only quarter-hour and hourly readings make a load curve",
					m.Number, span, r.Start.Format(time.RFC3339))
			}
			v := r.Value
			if volume {
				var err error
				if v, err = conv.KWh(v); err != nil {
					return fmt.Errorf("meter %s at %s: gas conversion: %w", m.Number, r.Start.Format(time.RFC3339), err)
				}
			}
			ts := r.Start.Unix()
			any = true
			if span == 3600 {
				hours = append(hours, hourly{ts, v})
				return nil
			}
			if i := int((ts - start) / 900); ts >= start && i < n {
				seen[i] = true
				return add(&kwh[i], v, ts)
			}
			return nil
		})
		if err != nil {
			return tariff.Curve{}, nil, err
		}
	}
	if !any {
		return tariff.Curve{}, nil, nil
	}
	step := 15 * time.Minute
	if len(hours) > 0 {
		// The finest step every meter has: sum the quarter hours into hours.
		step = time.Hour
		hStart := from.Unix() - from.Unix()%3600
		hn := int((to.Unix() - hStart) / 3600)
		hk, hs := make([]app.Decimal, hn), make([]bool, hn)
		for i := range kwh {
			ts := start + int64(i)*900
			if j := int((ts - hStart) / 3600); seen[i] && j >= 0 && j < hn {
				hs[j] = true
				if err := add(&hk[j], kwh[i], ts); err != nil {
					return tariff.Curve{}, nil, err
				}
			}
		}
		for _, h := range hours {
			if j := int((h.ts - hStart) / 3600); h.ts >= hStart && j < hn {
				hs[j] = true
				if err := add(&hk[j], h.kwh, h.ts); err != nil {
					return tariff.Curve{}, nil, err
				}
			}
		}
		start, kwh, seen = hStart, hk, hs
	}
	c := tariff.Curve{Start: time.Unix(start, 0).UTC(), Step: step, KWh: kwh, Zone: loc, Origin: tariff.Origin{Metered: true, Conversions: conversions}}
	for _, ok := range seen {
		if !ok {
			c.Origin.Filled++
		}
	}
	return c, seen, nil
}

// fillGaps fills the slots no meter had a reading for with the profile's
// shape, at the level of the customer's own readings: the profile scaled so
// that it matches the metered kWh over the slots that were metered.
func fillGaps(c *tariff.Curve, seen []bool, p slp.Profile) error {
	w, err := slp.Weights(p, c.Start, c.End(), c.Zone)
	if err != nil {
		return err
	}
	per := int(c.Step / (15 * time.Minute))
	weight := func(i int) float64 {
		s := 0.0
		for _, x := range w[i*per : i*per+per] {
			s += x
		}
		return s
	}
	var metered app.ProductSum
	var wMetered float64
	for i, ok := range seen {
		if ok {
			metered.AddDecimal(c.KWh[i])
			wMetered += weight(i)
		}
	}
	if wMetered == 0 {
		return fmt.Errorf("profile %s has no weight where the meters have readings", p)
	}
	// The fill is an estimate: float weights are fine here, the values
	// stored are exact decimals like every reading.
	level, _ := metered.Rat().Float64()
	level /= wMetered
	for i, ok := range seen {
		if !ok {
			v, err := app.DecimalFromRat(new(big.Rat).SetFloat64(weight(i) * level))
			if err != nil {
				return fmt.Errorf("filling a gap at %s: %w", c.Start.Add(time.Duration(i)*c.Step).Format(time.RFC3339), err)
			}
			c.KWh[i] = v
		}
	}
	return nil
}

// scale multiplies every slot by (100 + pct) / 100, rounded to millionths.
func scale(c *tariff.Curve, pct int) error {
	if pct <= -100 {
		return fmt.Errorf("scale %+d %%: a curve cannot shrink to nothing", pct)
	}
	// Each slot is k × (100+pct) / 100 rounded to millionths, and the
	// rounding is apportioned so that the curve sums to its own sum scaled
	// and rounded once: 3,400 kWh at +10 % are 3,740 kWh, not 3,740.002.
	f := int64(100 + pct)
	prods := make([]app.Decimal, len(c.KWh))
	var sum app.ProductSum
	for i, k := range c.KWh {
		p, err := k.MulInt(f)
		if err != nil {
			return fmt.Errorf("scaling the curve: %w", err)
		}
		prods[i] = p
		sum.AddDecimal(p)
	}
	if err := sum.Err(); err != nil {
		return fmt.Errorf("scaling the curve: %w", err)
	}
	target, err := app.DecimalFromRat(new(big.Rat).Quo(sum.Rat(), big.NewRat(100, 1)))
	if err != nil {
		return fmt.Errorf("scaling the curve: %w", err)
	}
	// rest[i] is what rounding slot i took away, in hundredths of a millionth.
	var got app.Decimal
	rest := make([]int8, len(prods))
	for i, p := range prods {
		v, r := int64(p)/100, int64(p)%100
		if r >= 50 {
			v, r = v+1, r-100
		} else if r <= -50 {
			v, r = v-1, r+100
		}
		c.KWh[i], rest[i] = app.Decimal(v), int8(r)
		got += app.Decimal(v)
	}
	// The few millionths left over go to the slots rounding shortchanged
	// most (or, when over, favoured most), earliest first.
	diff := int64(target - got)
	step, from, to, dir := app.Decimal(1), int8(49), int8(-50), int8(-1)
	if diff < 0 {
		step, from, to, dir, diff = -1, -50, 49, 1, -diff
	}
	for r := from; diff > 0 && r != to+dir; r += dir {
		for i := range rest {
			if diff > 0 && rest[i] == r {
				c.KWh[i] += step
				diff--
			}
		}
	}
	c.Origin.ScalePercent = pct
	return nil
}

// Scaled is a copy of c scaled by pct percent (+10 is 110 %), c unchanged:
// a caller that keeps a customer's curve can try scales without reading it
// again.
func Scaled(c tariff.Curve, pct int) (tariff.Curve, error) {
	c.KWh = append([]app.Decimal(nil), c.KWh...)
	if err := scale(&c, pct); err != nil {
		return tariff.Curve{}, err
	}
	return c, nil
}
