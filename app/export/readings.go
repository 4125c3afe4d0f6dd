package export

import (
	"io"
	"strconv"

	"wattfolio/app"
	"wattfolio/app/series"
)

// ReadingColumns are the columns of the readings report: one row per
// reading (or per bucket and channel when aggregated), long format so that
// any number of meters and channels fits one file.
var ReadingColumns = []Column[*series.Row]{
	{"source", "name of the configured source", func(r *series.Row) Cell { return Text(r.Meter.Source) }},
	{"meter_id", "the vendor's id of the meter", func(r *series.Row) Cell { return Text(r.Meter.ExternalID) }},
	{"meter_number", "meter number", func(r *series.Row) Cell { return Text(r.Meter.Number) }},
	{"measure", "consumption (kWh), price (currency per kWh) or cost (currency)", func(r *series.Row) Cell { return Text(string(r.Measure)) }},
	{"channel", "consumption type as the vendor sent it (nt, ht, feed-in); empty otherwise", func(r *series.Row) Cell { return Text(r.Channel) }},
	{"start", "start of the interval, ISO 8601 UTC", func(r *series.Row) Cell { return Time(r.Start) }},
	{"end", "end of the interval (exclusive), ISO 8601 UTC", func(r *series.Row) Cell { return Time(r.End) }},
	{"value", "kWh, or currency per kWh (mean over the interval), or currency; exact", func(r *series.Row) Cell { return Number(&r.Value) }},
	{"readings", "how many stored readings the row sums up", func(r *series.Row) Cell { d := app.DecimalFromInt(r.N); return Number(&d) }},
	{"currency", "ISO 4217 currency of prices and costs", func(r *series.Row) Cell { return Text(r.Currency) }},
	{"tax_behavior", "inclusive or exclusive: whether amounts include the tax", func(r *series.Row) Cell { return Text(r.Tax.Behavior()) }},
	{"tax_rate", "tax rate in percent", func(r *series.Row) Cell {
		if !r.Tax.Set {
			return Cell{}
		}
		return Cell{kind: cellText, text: strconv.FormatInt(r.Tax.Rate, 10)}
	}},
	{"auction_price", "price component: market (auction) price per kWh", func(r *series.Row) Cell { return part(r, func(p *series.Parts) *app.Decimal { return p.Auction }) }},
	{"taxes_levies", "price component: taxes and levies per kWh", func(r *series.Row) Cell { return part(r, func(p *series.Parts) *app.Decimal { return p.TaxesLevies }) }},
	{"source_fee", "price component: source fee per kWh", func(r *series.Row) Cell { return part(r, func(p *series.Parts) *app.Decimal { return p.SourceFee }) }},
	{"grid_fee", "price component: grid fee per kWh", func(r *series.Row) Cell { return part(r, func(p *series.Parts) *app.Decimal { return p.GridFee }) }},
	{"margin", "price component: margin per kWh", func(r *series.Row) Cell { return part(r, func(p *series.Parts) *app.Decimal { return p.Margin }) }},
}

func part(r *series.Row, f func(*series.Parts) *app.Decimal) Cell {
	if r.Parts == nil {
		return Cell{}
	}
	return Number(f(r.Parts))
}

// ReadingWriter writes the readings report.
type ReadingWriter = Writer[*series.Row]

// NewReadingWriter returns a writer of ReadingColumns to w in dialect d.
func NewReadingWriter(w io.Writer, d Dialect) *ReadingWriter {
	return NewWriter(w, d, ReadingColumns)
}
