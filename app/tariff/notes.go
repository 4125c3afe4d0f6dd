package tariff

import (
	"time"

	"wattfolio/app"
)

// notes lists the assumptions behind a result in plain words, and the end
// of the price guarantee.
func (p *pricer) notes(t *Tariff, months int) (time.Time, []app.Msg) {
	ns := append([]app.Msg(nil), t.Assumptions...)
	add := func(m app.Msg) { ns = append(ns, m) }
	vat := t.VATRate.Rat()
	vat.Mul(vat, bigHundred)
	if t.Gross {
		add(app.Msgf("prices quoted gross (incl. %s %% VAT), brought to net exactly", vat.FloatString(0)))
	} else {
		add(app.Msgf("prices quoted net; %s %% VAT added", vat.FloatString(0)))
	}
	if t.BasePerYear != 0 || t.Charges.GridBasePerYear != 0 {
		add(app.Msgf("yearly charges pro rata per day"))
	}
	switch t.Model {
	case Dynamic, IndexedMonthly, IndexedYearly, PPA:
		src := p.m.SpotSource
		if src.IsZero() {
			src = app.Msgf("the cache")
		}
		if len(p.m.Spot) > 0 {
			add(app.Msgf("spot prices from %s, %s to %s", src, app.Day(time.Unix(p.m.Spot[0].Start, 0).In(p.c.Zone)),
				app.Day(time.Unix(p.m.Spot[len(p.m.Spot)-1].End-1, 0).In(p.c.Zone))))
		}
		if p.spotFilled > 0 {
			add(app.Msgf("no spot price for %d of %d slots: each took its month's average", p.spotFilled, len(p.c.KWh)))
		}
	}
	switch t.Model {
	case Dynamic:
		if t.Negative == NegativeClamp {
			add(app.Msgf("negative prices: a slot's price is never below zero"))
		} else {
			add(app.Msgf("negative prices: credited, with VAT"))
		}
	case IndexedMonthly, IndexedYearly:
		period := app.Msgf("month")
		if t.Model == IndexedYearly {
			period = app.Msgf("period")
		}
		avg := app.Msgf("plain")
		if t.Average == AverageLoadWeighted {
			avg = app.Msgf("load-weighted")
		}
		add(app.Msgf("energy at the %s %s average spot price plus the markup", period, avg))
	case PPA:
		switch {
		case t.PPA != nil && t.PPA.Kind == Baseload:
			add(app.Msgf("PPA volume: a constant %s kW", t.PPA.BaseloadKW))
		case p.m.Production != nil:
			add(app.Msgf("PPA volume: the asset's production"))
		default:
			add(app.Msgf("PPA volume follows consumption (no production shape known)"))
		}
	case Flexibility:
		if t.Flex != nil {
			add(app.Msgf("flexibility revenue for %d workday and %d non-workday activations a month; reservation fee taken per month", t.Flex.PlanWorkdays, t.Flex.PlanNonWorkdays))
		}
	}
	for _, b := range t.Bonuses {
		m := app.Month(p.cal.months[bonusMonth(b.Kind, months)].start)
		add(app.Msgf("%s bonus of %s (gross) credited in %s, year 1 only", b.Kind, app.Amount{D: b.Amount, Places: 2}, m))
	}
	var until time.Time
	if t.Guarantee.Months > 0 {
		start := t.Start
		if start.IsZero() {
			start = p.c.Start
		}
		until = start.In(p.c.Zone).AddDate(0, t.Guarantee.Months, 0)
		add(app.Msgf("price guarantee (%s) until %s; year 2 assumes unchanged prices", t.Guarantee.Scope, app.Day(until)))
	} else {
		add(app.Msgf("year 2: the same curve and prices, without one-off bonuses"))
	}
	return until, ns
}
