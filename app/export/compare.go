package export

import (
	"io"
	"strconv"
	"strings"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/tariff"
)

// CompareRow is one option of a comparison, with the comparison it is in.
type CompareRow struct {
	Cmp   *compare.Comparison
	Index int
}

func (r CompareRow) option() *compare.Option { return &r.Cmp.Options[r.Index] }

// year1 returns a year-1 figure of the option, nil when it was not priced.
func (r CompareRow) year1(get func(*tariff.Breakdown) app.Decimal) Cell {
	o := r.option()
	if o.Result == nil {
		return Cell{}
	}
	v := get(&o.Result.Year1)
	return Number(&v)
}

// CompareColumns are the columns of the comparison report: one row per
// option, every figure in the option's currency (EUR), net unless named
// gross, for year 1 (with one-off bonuses) unless named year 2.
var CompareColumns = []Column[CompareRow]{
	{"option", "the contract's or offer's name", func(r CompareRow) Cell { return Text(r.option().Name) }},
	{"source", "the source the contract was synced from, or offer", func(r CompareRow) Cell { return Text(r.option().Source) }},
	{"kind", "current (one of the customer's contracts in force) or offer", func(r CompareRow) Cell { return Text(string(r.option().Kind)) }},
	{"model", "fixed, tou, dynamic, indexed_monthly, indexed_yearly, ppa or flexibility", func(r CompareRow) Cell { return Text(string(r.option().Tariff.Model)) }},
	{"curve", "metered (with the profile gaps were filled from, and how gas meters' m³ became kWh) or the standard load profile the curve was spread over", func(r CompareRow) Cell { return Text(CurveLabel(r.Cmp.Curve)) }},
	{"period_from", "start of the period priced, ISO 8601 UTC", func(r CompareRow) Cell { return Time(r.Cmp.Curve.Start) }},
	{"period_to", "end of the period priced (exclusive), ISO 8601 UTC", func(r CompareRow) Cell { return Time(r.Cmp.Curve.End()) }},
	{"consumption_kwh", "energy priced, kWh", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.KWh }) }},
	{"energy_eur", "working price, or spot plus markup, net", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.Energy }) }},
	{"base_eur", "base price pro rata, net", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.Base }) }},
	{"grid_eur", "grid fees listed apart from the working price, net", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.Grid }) }},
	{"levies_eur", "levies and surcharges listed apart, net", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.Levies }) }},
	{"tax_eur", "electricity tax listed apart, net", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.Tax }) }},
	{"concession_eur", "concession fee listed apart, net", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.Concession }) }},
	{"bonus_eur", "one-off bonuses of year 1, net, negative", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.Bonus }) }},
	{"net_eur", "year 1 total, net", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.Net }) }},
	{"vat_eur", "year 1 VAT", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.VAT }) }},
	{"gross_eur_year1", "year 1 total with VAT, bonuses taken off", func(r CompareRow) Cell { return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.Gross }) }},
	{"gross_eur_year2", "year 2 total with VAT: the same curve and prices, no one-off bonuses", func(r CompareRow) Cell {
		if o := r.option(); o.Result != nil {
			return Number(&o.Result.Year2.Gross)
		}
		return Cell{}
	}},
	{"saving_eur_year1", "year 1 gross of the current contract (baseline) less this option's; negative: dearer", func(r CompareRow) Cell { return Number(r.option().Saving1) }},
	{"saving_eur_year2", "the same for year 2", func(r CompareRow) Cell { return Number(r.option().Saving2) }},
	{"saving_pct_year1", "saving_eur_year1 in percent of the baseline's year 1 gross", func(r CompareRow) Cell { return Number(r.option().SavingPct1) }},
	{"saving_pct_year2", "saving_eur_year2 in percent of the baseline's year 2 gross", func(r CompareRow) Cell { return Number(r.option().SavingPct2) }},
	{"effective_ct_per_kwh", "year 1 gross per kWh, in cent", func(r CompareRow) Cell {
		return r.year1(func(b *tariff.Breakdown) app.Decimal { return b.EffectiveCtPerKWh })
	}},
	{"baseline", "yes for the current contract savings are measured against", func(r CompareRow) Cell { return flag(r.Index == r.Cmp.Baseline) }},
	{"cheapest", "yes for the option with the lowest year 1 gross among complete figures", func(r CompareRow) Cell { return flag(r.Index == r.Cmp.Cheapest) }},
	{"guaranteed_until", "end of the price guarantee, ISO 8601 UTC; empty: none", func(r CompareRow) Cell {
		if o := r.option(); o.Result != nil {
			return Time(o.Result.GuaranteedUntil)
		}
		return Cell{}
	}},
	{"incomplete", "why the figure misses parts of the bill (no saving is claimed for it); empty: complete", func(r CompareRow) Cell {
		if o := r.option(); o.Result != nil {
			return Text(o.Result.Incomplete)
		}
		return Cell{}
	}},
	{"notes", "why the option was not priced, else the assumptions behind its figure", func(r CompareRow) Cell {
		o := r.option()
		if o.Result == nil {
			return Text(o.Why())
		}
		return Text(strings.Join(app.Strings(o.Result.Notes), "; "))
	}},
}

func flag(b bool) Cell {
	if b {
		return Text("yes")
	}
	return Cell{}
}

// CurveLabel says in a few words where a comparison's curve came from.
func CurveLabel(c tariff.Curve) string {
	o := c.Origin
	var s string
	switch {
	case o.Metered && o.Filled > 0:
		s = "metered; " + itoa(o.Filled) + " gaps filled from " + o.Profile
	case o.Metered:
		s = "metered"
	default:
		s = "profile " + o.Profile
	}
	if o.ScalePercent != 0 {
		sign := "+"
		if o.ScalePercent < 0 {
			sign = ""
		}
		s += " scaled " + sign + itoa(o.ScalePercent) + " %"
	}
	for _, c := range o.Conversions {
		s += "; " + c
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// WriteComparison writes every option of cmp as one row.
func WriteComparison(w io.Writer, d Dialect, cmp *compare.Comparison) error {
	cw := NewWriter(w, d, CompareColumns)
	for i := range cmp.Options {
		if err := cw.Write(CompareRow{Cmp: cmp, Index: i}); err != nil {
			return err
		}
	}
	return cw.Flush()
}
