package export

import (
	"io"
	"strconv"
	"unicode/utf8"

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
		// A number, so that a negative rate is not taken for a formula.
		return Cell{kind: cellNumber, text: strconv.FormatInt(r.Tax.Rate, 10)}
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

// ReadingWriter writes the readings report: the same bytes Writer writes
// for ReadingColumns (RFC 4180 quoting, the injection guard, the dialect's
// comma and decimal comma, the BOM), formatted by appending into one buffer
// with no string per cell, since an export is millions of rows. The text
// cells of a meter and channel are formatted once per run of rows.
// TestReadingWriterMatchesWriter holds it to Writer's output.
type ReadingWriter struct {
	format
	w       io.Writer
	buf     []byte
	started bool
	err     error
	// The formatted source..channel cells of the last row, and what they
	// were formatted from.
	prefix  []byte
	meter   *series.Meter
	src     string
	ext     string
	num     string
	measure series.Measure
	channel string
}

// NewReadingWriter returns a writer of ReadingColumns to w in dialect d.
func NewReadingWriter(w io.Writer, d Dialect) *ReadingWriter {
	return &ReadingWriter{format: newFormat(d), w: w, buf: make([]byte, 0, flushAt+4<<10)}
}

func (w *ReadingWriter) start() {
	if w.started {
		return
	}
	w.started = true
	if w.d.BOM {
		w.buf = append(w.buf, "\ufeff"...)
	}
	for i, c := range ReadingColumns {
		if i > 0 {
			w.buf = utf8.AppendRune(w.buf, w.d.Comma)
		}
		w.buf = w.field(w.buf, c.Name)
	}
	w.buf = append(w.buf, '\r', '\n')
}

// Write writes one row. Output is buffered; call Flush at the end.
func (w *ReadingWriter) Write(r *series.Row) error {
	if w.err != nil {
		return w.err
	}
	w.start()
	m := r.Meter
	if w.prefix == nil || m != w.meter || m.Source != w.src || m.ExternalID != w.ext || m.Number != w.num || r.Measure != w.measure || r.Channel != w.channel {
		w.meter, w.src, w.ext, w.num, w.measure, w.channel = m, m.Source, m.ExternalID, m.Number, r.Measure, r.Channel
		p := w.prefix[:0]
		for _, s := range []string{m.Source, m.ExternalID, m.Number, string(r.Measure), r.Channel} {
			p = w.field(p, guard(s))
			p = utf8.AppendRune(p, w.d.Comma)
		}
		w.prefix = p
	}
	b := append(w.buf, w.prefix...)
	b = w.time(b, r.Start)
	b = w.sep(b)
	b = w.time(b, r.End)
	b = w.sep(b)
	b = w.number(b, int64(r.Value))
	b = w.sep(b)
	b = w.number(b, r.N*app.DecimalScale)
	b = w.sep(b)
	b = w.field(b, guard(r.Currency))
	b = w.sep(b)
	b = w.field(b, guard(r.Tax.Behavior()))
	b = w.sep(b)
	if r.Tax.Set {
		b = w.quoted(strconv.AppendInt(b, r.Tax.Rate, 10), len(b))
	}
	if p := r.Parts; p != nil {
		for _, d := range []*app.Decimal{p.Auction, p.TaxesLevies, p.SourceFee, p.GridFee, p.Margin} {
			b = w.sep(b)
			if d != nil {
				b = w.number(b, int64(*d))
			}
		}
	} else {
		for range 5 {
			b = w.sep(b)
		}
	}
	w.buf = append(b, '\r', '\n')
	if len(w.buf) >= flushAt {
		return w.flushBuf()
	}
	return nil
}

// Flush writes out what is buffered, and the header if no row was written,
// and returns the first error the writer met.
func (w *ReadingWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.start()
	return w.flushBuf()
}

func (w *ReadingWriter) flushBuf() error {
	if len(w.buf) > 0 {
		if _, err := w.w.Write(w.buf); err != nil {
			w.err = err
			return err
		}
		w.buf = w.buf[:0]
	}
	return nil
}
