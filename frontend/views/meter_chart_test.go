package views

import (
	"html"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

func labels(ts []ChartTick) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Label)
	}
	return out
}

func TestBuildPanelsAxes(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	bucket := func(i int, use, price, cost string) series.Bucket {
		return series.Bucket{
			Start: day.AddDate(0, 0, i), End: day.AddDate(0, 0, i+1),
			Consumption: app.MustDecimal(use), HasConsumption: true, Readings: 96,
			PriceSum: app.MustDecimal(price), PriceN: 1,
			Cost: app.MustDecimal(cost), HasCost: true,
		}
	}
	bs := []series.Bucket{bucket(0, "10", "0.20", "2"), bucket(1, "30", "0.25", "7.5"), bucket(2, "20", "-0.05", "-1")}
	ps := BuildPanels(Fmt{Lang: LangEN}, bs, "EUR")
	if len(ps) != 3 {
		t.Fatalf("%d panels", len(ps))
	}
	use, price, cost := ps[0], ps[1], ps[2]
	// The captions give the data's own extremes, not the axis bounds.
	if use.Lo != "10" || use.Hi != "30" || price.Lo != "-0.05" || price.Hi != "0.25" {
		t.Errorf("captions: use %s..%s, price %s..%s", use.Lo, use.Hi, price.Lo, price.Hi)
	}
	// Round ticks: bars stand on zero, so consumption's axis starts there.
	if got := strings.Join(labels(use.YTicks), " "); got != "0 10 20 30" {
		t.Errorf("consumption ticks %q", got)
	}
	if use.ZeroY != use.Bottom {
		t.Errorf("consumption zero line at %.1f, want the bottom %.1f", use.ZeroY, use.Bottom)
	}
	// The price has its own range with decimals as the step needs; zero lies inside.
	if got := strings.Join(labels(price.YTicks), " "); got != "-0.1 0.0 0.1 0.2 0.3" {
		t.Errorf("price ticks %q", got)
	}
	if cost.ZeroY <= cost.Top || cost.ZeroY >= cost.Bottom {
		t.Errorf("negative cost: zero line at %.1f", cost.ZeroY)
	}
	// Days are labelled on the time axis; each bucket's value is on hover.
	if got := strings.Join(labels(use.XTicks), " "); got != "1 Mar 2 Mar 3 Mar" {
		t.Errorf("time ticks %q", got)
	}
	if got := strings.Join(labels(BuildPanels(Fmt{Lang: LangDE}, bs, "EUR")[0].XTicks), " "); got != "01.03. 02.03. 03.03." {
		t.Errorf("German time ticks %q", got)
	}
	if len(use.Hover) != 3 || !strings.HasSuffix(use.Hover[1].Title, ": 30.000 kWh") {
		t.Errorf("hover %+v", use.Hover)
	}
	if use.Partial != "" || use.PartialPath != "" {
		t.Errorf("complete days marked partial: %q", use.Partial)
	}
}

func TestBuildPanelsMarksAPartialLastDay(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	// 29 to 31 March 2026: the 29th has 92 quarter hours (DST), the 31st only 37 so far.
	var bs []series.Bucket
	for d, n := range []int64{92, 96, 37} {
		start := time.Date(2026, 3, 29+d, 0, 0, 0, 0, loc)
		bs = append(bs, series.Bucket{Start: start, End: start.AddDate(0, 0, 1), Consumption: app.MustDecimal("1"), HasConsumption: true, Readings: n})
	}
	use := BuildPanels(Fmt{Lang: LangDE, Loc: loc}, bs, "EUR")[0]
	if use.PartialPath == "" || !strings.Contains(use.Partial, "31.03.2026 00:00 CEST enthält 37 von 96 Messwerten") {
		t.Errorf("partial: %q (path %q)", use.Partial, use.PartialPath)
	}
	// The DST day is short, not partial: one period only.
	if strings.Count(use.PartialPath, "M") != 1 {
		t.Errorf("partial path %q, want the last day only", use.PartialPath)
	}
}

func TestBuildPanelsHourlyQuarterYearStaysLight(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var bs []series.Bucket
	for h := 0; h < 93*24; h++ {
		s := start.Add(time.Duration(h) * time.Hour)
		bs = append(bs, series.Bucket{Start: s, End: s.Add(time.Hour), Consumption: app.MustDecimal("0.5"), HasConsumption: true, Readings: 4})
	}
	use := BuildPanels(Fmt{Lang: LangEN}, bs, "EUR")[0]
	if len(use.Hover) > maxHover || len(use.Hover) < maxHover/2 {
		t.Errorf("%d hover columns for %d buckets", len(use.Hover), len(bs))
	}
	if n := len(use.XTicks); n < 3 || n > 14 {
		t.Errorf("%d time labels: %v", n, labels(use.XTicks))
	}
	// Months by name; the year on the first label (and on each January).
	if got := strings.Join(labels(use.XTicks), " "); got != "Jan 2026 Feb Mar Apr" && got != "Jan 2026 Feb Mar" {
		t.Errorf("labels %q, want the months", got)
	}
	de := BuildPanels(Fmt{Lang: LangDE}, bs, "EUR")[0]
	if got := strings.Join(labels(de.XTicks), " "); !strings.HasPrefix(got, "Jan. 2026 Feb. März") {
		t.Errorf("German labels %q, want the months", got)
	}
}

// The hover text formats values with appendFixed; it must read exactly as
// Decimal writes the same value everywhere else on the page.
func TestAppendFixedReadsAsDecimal(t *testing.T) {
	for _, s := range []string{"0", "0.0004", "-0.0004", "-0.0005", "0.00005", "1234567.891", "-1234567.8915", "999.9995", "12", "-1000", "0.123456"} {
		d := app.MustDecimal(s)
		for _, lang := range []string{LangDE, LangEN} {
			f := Fmt{Lang: lang}
			for places := 0; places <= 6; places++ {
				if got, want := string(f.appendFixed([]byte("x"), d, places)), "x"+f.Decimal(d, places, places); got != want {
					t.Errorf("%s, %s, %d places: %q, want %q", s, lang, places, got, want)
				}
			}
		}
	}
}

// A hover column over several hours names each of them with its value, one
// line an hour, in the page's language.
func TestHoverColumnsCarryEveryBucket(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var bs []series.Bucket
	for h := 0; h < 93*24; h++ {
		s := start.Add(time.Duration(h) * time.Hour)
		b := series.Bucket{Start: s, End: s.Add(time.Hour)}
		if h != 1 { // one hour without data
			b.Consumption, b.HasConsumption, b.Readings = app.MustDecimal("1234.5"), true, 4
		}
		bs = append(bs, b)
	}
	de := BuildPanels(Fmt{Lang: LangDE}, bs, "EUR")[0]
	lines := strings.Split(de.Hover[0].Title, "\n")
	if len(lines) != (len(bs)+maxHover-1)/maxHover {
		t.Fatalf("%d lines in the first column: %q", len(lines), de.Hover[0].Title)
	}
	if !strings.HasSuffix(lines[0], ": 1.234,500 kWh") || !strings.HasSuffix(lines[1], ": keine Daten") {
		t.Errorf("first column %q", de.Hover[0].Title)
	}
	n := 0
	for _, h := range de.Hover {
		n += strings.Count(h.Title, "\n") + 1
	}
	if n != len(bs) {
		t.Errorf("%d buckets on hover, want %d", n, len(bs))
	}
}

// The chart's path numbers read exactly as fmt writes them, halves and
// values next to a half included.
func TestNumReadsAsFmt(t *testing.T) {
	for _, v := range []float64{-116.15, -85.85, 0.25, 0.125, -0.05, 2.675, 0, 0.04, -0.04, 0.449, 1.96, 212, 211.95001, -0.5001, 78.40860215053763, 989.59, 1e13, -3.14159, 0.005001} {
		for _, prec := range []int{1, 2} {
			if got, want := string(num([]byte("h"), "M", v, prec)), "hM"+strconv.FormatFloat(v, 'f', prec, 64); got != want {
				t.Errorf("%v, %d places: %q, want %q", v, prec, got, want)
			}
		}
	}
	// And any value a chart draws: coordinates in the SVG box, steps of a
	// hundredth and a thousandth near halves included.
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		v := (r.Float64() - 0.2) * 1200
		if r.IntN(2) == 0 {
			v = float64(r.IntN(2_000_000)-400_000) / 1000
		}
		for _, prec := range []int{1, 2} {
			if got, want := string(num(nil, "", v, prec)), strconv.FormatFloat(v, 'f', prec, 64); got != want {
				t.Fatalf("%v, %d places: %q, want %q", v, prec, got, want)
			}
		}
	}
}

// Hover times read as DateTime writes them, across the night the clocks go
// back (two 02:00 hours, CEST then CET) and in both languages.
func TestBucketTimesReadAsDateTime(t *testing.T) {
	loc, err := series.LoadZone("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC)
	var bs []series.Bucket
	for h := range 30 {
		s := start.Add(time.Duration(h) * time.Hour)
		bs = append(bs, series.Bucket{Start: s.In(loc), End: s.Add(time.Hour).In(loc)})
	}
	for _, f := range []Fmt{{Lang: LangDE, Loc: loc}, {Lang: LangEN, Loc: loc}, {Lang: LangEN}} {
		for i, got := range bucketTimes(f, bs) {
			if want := f.DateTime(bs[i].Start); got != want {
				t.Errorf("%s %v: %q, want %q", f.Lang, bs[i].Start, got, want)
			}
		}
	}
}

// The hover titles are escaped by appendEscaped; it must write what
// html.EscapeString writes.
func TestAppendEscapedReadsAsEscapeString(t *testing.T) {
	for _, s := range []string{"", "plain 01.07. 13:00 CEST: 0,123 kWh", `<&>'"`, "a<b&&c>d\"e'f", "ü & ö"} {
		if got, want := string(appendEscaped([]byte("x"), s)), "x"+html.EscapeString(s); got != want {
			t.Errorf("%q: %q, want %q", s, got, want)
		}
	}
}
