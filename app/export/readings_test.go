package export

import (
	"bytes"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

// ReadingWriter writes the bytes the generic Writer writes for
// ReadingColumns, in every dialect, for awkward text, signs, zero times,
// missing components and aggregated rows.
func TestReadingWriterMatchesWriter(t *testing.T) {
	d := func(s string) *app.Decimal { v := app.MustDecimal(s); return &v }
	plain := &series.Meter{Source: "ep", ExternalID: "m-1", Number: "1EMH0004711000"}
	awkward := &series.Meter{Source: "=cmd|' /C calc'!A0", ExternalID: " lead,comma", Number: "say \"hi\"\r\nnext\rline;semi"}
	t0 := time.Date(2026, 3, 29, 0, 45, 0, 0, time.UTC)
	rows := []series.Row{
		{Meter: plain, Measure: series.Consumption, Channel: "nt", Start: t0, End: t0.Add(15 * time.Minute), Value: app.MustDecimal("0.25"), N: 1},
		{Meter: plain, Measure: series.Consumption, Channel: "nt", Start: t0.Add(15 * time.Minute), End: t0.Add(30 * time.Minute), Value: 0, N: 1},
		{Meter: plain, Measure: series.Consumption, Channel: "feed-in", Start: t0, End: t0.Add(time.Hour), Value: app.MustDecimal("12345678.000001"), N: 4},
		{Meter: plain, Measure: series.Price, Start: t0, End: t0.Add(15 * time.Minute), Value: app.MustDecimal("-0.0421"), N: 1, Currency: "EUR",
			Tax: series.Tax{Set: true, Rate: 19}, Parts: &series.Parts{Auction: d("-0.15"), TaxesLevies: d("0.0205"), GridFee: d("0.1"), Margin: d("0")}},
		{Meter: plain, Measure: series.Cost, Start: t0, End: t0.Add(15 * time.Minute), Value: app.MustDecimal("-1.5"), N: 1, Currency: "EUR",
			Tax: series.Tax{Set: true, Inclusive: true, Rate: 7}},
		{Meter: plain, Measure: series.Cost, Value: app.Decimal(-1), N: 0, Tax: series.Tax{Set: true, Rate: -3}},
		{Meter: awkward, Measure: series.Consumption, Channel: "-1+2", Start: t0, End: t0.Add(24 * time.Hour), Value: app.MustDecimal("1000"), N: 96, Currency: "@x"},
		{Meter: awkward, Measure: series.Consumption, Channel: `\.`, Start: t0, End: t0, Value: app.Decimal(1 << 62), N: 1, Currency: "\tx"},
		{Meter: plain, Measure: series.Price, Start: t0, End: t0, Value: app.Decimal(-(1 << 62)), Parts: &series.Parts{}},
	}
	for _, dl := range append(Dialects, Dialect{Name: "tab", Comma: '\t'}, Dialect{Name: "wide", Comma: '¦', DecimalComma: true}) {
		for _, n := range []int{0, 1, len(rows)} {
			var want, got bytes.Buffer
			ww := NewWriter(&want, dl, ReadingColumns)
			gw := NewReadingWriter(&got, dl)
			for i := range rows[:n] {
				if err := ww.Write(&rows[i]); err != nil {
					t.Fatal(err)
				}
				if err := gw.Write(&rows[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := ww.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := gw.Flush(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s, %d rows:\n got %q\nwant %q", dl.Name, n, got.String(), want.String())
			}
		}
	}
	// A long export goes out in pieces and still matches.
	var want, got bytes.Buffer
	ww, gw := NewWriter(&want, Standard, ReadingColumns), NewReadingWriter(&got, Standard)
	for i := range 20000 {
		r := rows[i%len(rows)]
		r.Start = r.Start.Add(time.Duration(i) * time.Minute)
		ww.Write(&r)
		gw.Write(&r)
	}
	ww.Flush()
	gw.Flush()
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Error("20000 rows differ")
	}
}

func BenchmarkReadingWriter(b *testing.B) {
	m := &series.Meter{Source: "ep", ExternalID: "m3e7e400-0b5e-4c1a-8e00-000000000000", Number: "1EMH0004711000"}
	v := app.MustDecimal("0.1234")
	r := series.Row{Meter: m, Measure: series.Price, Start: time.Unix(1.7e9, 0), End: time.Unix(1.7e9+900, 0), Value: v, N: 1, Currency: "EUR",
		Tax: series.Tax{Set: true, Rate: 19}, Parts: &series.Parts{Auction: &v, TaxesLevies: &v, SourceFee: &v, GridFee: &v, Margin: &v}}
	var sink bytes.Buffer
	for _, name := range []string{"generic", "reading"} {
		b.Run(name, func(b *testing.B) {
			var w interface {
				Write(*series.Row) error
				Flush() error
			} = NewWriter(&sink, Standard, ReadingColumns)
			if name == "reading" {
				w = NewReadingWriter(&sink, Standard)
			}
			b.ReportAllocs()
			for b.Loop() {
				sink.Reset()
				w.Write(&r)
			}
			w.Flush()
		})
	}
}
