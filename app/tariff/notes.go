package tariff

import (
	"fmt"
	"time"
)

// notes lists the assumptions behind a result in plain words, and the end
// of the price guarantee.
func (p *pricer) notes(t *Tariff, months int) (time.Time, []string) {
	ns := append([]string(nil), t.Assumptions...)
	add := func(f string, a ...any) { ns = append(ns, fmt.Sprintf(f, a...)) }
	vat := t.VATRate.Rat()
	vat.Mul(vat, bigHundred)
	if t.Gross {
		add("prices quoted gross (incl. %s %% VAT), brought to net exactly", vat.FloatString(0))
	} else {
		add("prices quoted net; %s %% VAT added", vat.FloatString(0))
	}
	if t.BasePerYear != 0 || t.Charges.GridBasePerYear != 0 {
		add("yearly charges pro rata per day")
	}
	switch t.Model {
	case Dynamic, IndexedMonthly, IndexedYearly, PPA:
		src := p.m.SpotSource
		if src == "" {
			src = "the cache"
		}
		if len(p.m.Spot) > 0 {
			add("spot prices from %s, %s to %s", src, time.Unix(p.m.Spot[0].Start, 0).In(p.c.Zone).Format("2006-01-02"),
				time.Unix(p.m.Spot[len(p.m.Spot)-1].End-1, 0).In(p.c.Zone).Format("2006-01-02"))
		}
		if p.spotFilled > 0 {
			add("no spot price for %d of %d slots: each took its month's average", p.spotFilled, len(p.c.KWh))
		}
	}
	switch t.Model {
	case Dynamic:
		if t.Negative == NegativeClamp {
			add("negative prices: a slot's price is never below zero")
		} else {
			add("negative prices: credited, with VAT")
		}
	case IndexedMonthly, IndexedYearly:
		period := "month"
		if t.Model == IndexedYearly {
			period = "period"
		}
		avg := "plain"
		if t.Average == AverageLoadWeighted {
			avg = "load-weighted"
		}
		add("energy at the %s %s average spot price plus the markup", period, avg)
	case PPA:
		switch {
		case t.PPA != nil && t.PPA.Kind == Baseload:
			add("PPA volume: a constant %s kW", t.PPA.BaseloadKW)
		case p.m.Production != nil:
			add("PPA volume: the asset's production")
		default:
			add("PPA volume follows consumption (no production shape known)")
		}
	case Flexibility:
		if t.Flex != nil {
			add("flexibility revenue for %d workday and %d non-workday activations a month; reservation fee taken per month", t.Flex.PlanWorkdays, t.Flex.PlanNonWorkdays)
		}
	}
	for _, b := range t.Bonuses {
		m := p.cal.months[bonusMonth(b.Kind, months)].start.Format("2006-01")
		add("%s bonus of %s (gross) credited in %s, year 1 only", b.Kind, b.Amount.Fixed(2), m)
	}
	var until time.Time
	if t.Guarantee.Months > 0 {
		start := t.Start
		if start.IsZero() {
			start = p.c.Start
		}
		until = start.In(p.c.Zone).AddDate(0, t.Guarantee.Months, 0)
		add("price guarantee (%s) until %s; year 2 assumes unchanged prices", t.Guarantee.Scope, until.Format("2006-01-02"))
	} else {
		add("year 2: the same curve and prices, without one-off bonuses")
	}
	return until, ns
}
