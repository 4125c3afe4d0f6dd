package views

import (
	"context"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"wattfolio/app"
	"wattfolio/app/series"
)

// Meter is the meter page: a chart of consumption, price and cost over the
// chosen range and resolution, the monthly table and the totals.
type Meter struct {
	Chrome
	M           series.Meter
	ContractURL string // "" when the contract is not in the cache
	From, To    string // YYYY-MM-DD in the meter's zone; To is exclusive
	Res         string
	Resolutions []string
	Currency    string
	Panels      []Panel
	Months      []series.Bucket
	Total       series.Bucket
	CSVURL      string
	YearCSVURL  string // the year up to To in quarter hours
	FormAction  string
}

// Panel is one chart of the meter page: bars (consumption, cost) or a line
// (price) per bucket, with a value axis, gridlines, time labels and each
// bucket's value on hover.
type Panel struct {
	Title, Unit, CSSClass string
	Bars                  bool
	Empty                 bool
	// W × H is the SVG box; the plot lies between Left..Right and Top..Bottom.
	W, H, Left, Right, Top, Bottom float64
	ZeroY                          float64
	YTicks, XTicks                 []ChartTick
	// Path draws the complete buckets, PartialPath those with fewer
	// readings than the others (drawn lighter and explained in Partial).
	Path, PartialPath string
	// Hover are transparent columns over the plot whose titles give the
	// buckets' values.
	Hover   []ChartBar
	Partial string
	// Lo and Hi are the data's own extremes; FirstAt and LastAt the span.
	Lo, Hi          string
	FirstAt, LastAt string
}

// maxHover bounds the hover columns per chart: beyond it, one column
// carries several buckets' values, so a 93-day hourly view stays light.
const maxHover = 400

// BuildPanels turns buckets into the three chart panels. Values are
// converted to float64 only for drawing; every number shown as text is
// formatted from the exact decimals.
func BuildPanels(f Fmt, bs []series.Bucket, currency string) []Panel {
	pick := []struct {
		title, unit, class string
		bars               bool
		places             int
		val                func(series.Bucket) (app.Decimal, bool)
	}{
		{f.T("Consumption"), "kWh", "c-use", true, 3, func(b series.Bucket) (app.Decimal, bool) { return b.Consumption, b.HasConsumption }},
		{f.T("Price (mean)"), currency + "/kWh", "c-price", false, 4, func(b series.Bucket) (app.Decimal, bool) { return b.PriceMean() }},
		{f.T("Cost"), currency, "c-cost", true, 2, func(b series.Bucket) (app.Decimal, bool) { return b.Cost, b.HasCost }},
	}
	partial, note := partialBuckets(f, bs)
	// Each bucket's time as the hover text names it, once for the three
	// panels (2,232 of them in a 93-day hourly view).
	at := bucketTimes(f, bs)
	var out []Panel
	var ticks []ChartTick
	vals := make([]app.Decimal, len(bs))
	oks := make([]bool, len(bs))
	for _, p := range pick {
		panel := Panel{Title: p.title, Unit: p.unit, Bars: p.bars, CSSClass: p.class,
			W: 1000, H: 240, Left: 78, Right: 990, Top: 10, Bottom: 212}
		// Each bucket's value once: the extremes, the path and the hover
		// text read it (a mean price is a division).
		var lo, hi app.Decimal
		have := false
		for i, b := range bs {
			v, ok := p.val(b)
			vals[i], oks[i] = v, ok
			if !ok {
				continue
			}
			if !have || v < lo {
				lo = v
			}
			if !have || v > hi {
				hi = v
			}
			have = true
		}
		if !have {
			panel.Empty = true
			out = append(out, panel)
			continue
		}
		panel.Lo, panel.Hi = f.Decimal(lo, 0, 4), f.Decimal(hi, 0, 4)
		// Bars grow from zero; a line (the price) gets its own range, so a
		// price between 20 and 25 ct does not lie flat on top.
		ax := newValueAxis(float64(lo)/app.DecimalScale, float64(hi)/app.DecimalScale, p.bars, panel.Top, panel.Bottom)
		y := func(v app.Decimal) float64 { return ax.Y(float64(v) / app.DecimalScale) }
		panel.YTicks = ax.Ticks(f)
		panel.ZeroY = math.Min(math.Max(ax.Y(0), panel.Top), panel.Bottom)
		w := (panel.Right - panel.Left) / float64(len(bs))
		var part, bar []byte
		full := make([]byte, 0, 32*len(bs)) // a bar is about 30 bytes
		pen := false
		// Every bar has the same width and most stand on the zero line:
		// those numbers are written once.
		bw := math.Max(w*0.85, 0.3)
		width, back := num(nil, "h", bw, 2), num(nil, "h", -bw, 2)
		zero := num(nil, " ", panel.ZeroY, 1)
		for i := range bs {
			v, ok := vals[i], oks[i]
			if !ok {
				pen = false
				continue
			}
			x := panel.Left + float64(i)*w
			if p.bars {
				top, bot := y(v), panel.ZeroY
				if top > bot {
					top, bot = bot, top
				}
				// "M%.1f %.1fh%.2fv%.1fh%.2fz"
				p := num(bar[:0], "M", x, 1)
				if bot == panel.ZeroY {
					p = append(p, zero...)
				} else {
					p = num(p, " ", bot, 1)
				}
				p = append(num(append(p, width...), "v", math.Min(top-bot, -0.5), 1), back...)
				bar = p
				if partial[i] {
					part = append(append(part, p...), 'z')
				} else {
					full = append(append(full, p...), 'z')
				}
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			full = num(num(full, cmd, x+w/2, 1), " ", y(v), 1)
			pen = true
		}
		panel.Path, panel.PartialPath = string(full), string(part)
		if len(part) > 0 {
			panel.Partial = note
		}
		// The panels share their plot's box, so their time axes are one.
		if ticks == nil {
			ticks = timeTicks(f, bs, panel.Left, w)
		}
		panel.XTicks = ticks
		noData := f.T("no data")
		panel.Hover = hoverColumns(at, len(bs), panel, w, func(b []byte, i int) []byte {
			if !oks[i] {
				return append(b, noData...)
			}
			return append(append(f.appendFixed(b, vals[i], p.places), ' '), p.unit...)
		})
		panel.FirstAt, panel.LastAt = at[0], at[len(at)-1]
		out = append(out, panel)
	}
	return out
}

// partialBuckets marks the buckets holding fewer consumption readings per
// hour than the fullest ones (a day the meter has only begun, a gap), and
// says so in a sentence naming the last such bucket.
func partialBuckets(f Fmt, bs []series.Bucket) ([]bool, string) {
	out := make([]bool, len(bs))
	rate := 0.0 // readings per hour of the fullest bucket
	for _, b := range bs {
		if h := b.End.Sub(b.Start).Hours(); h > 0 && b.HasConsumption {
			rate = math.Max(rate, float64(b.Readings)/h)
		}
	}
	n, last := 0, -1
	for i, b := range bs {
		want := int64(math.Round(rate * b.End.Sub(b.Start).Hours()))
		if b.HasConsumption && b.Readings < want {
			out[i], n, last = true, n+1, i
		}
	}
	if n == 0 {
		return out, ""
	}
	b := bs[last]
	want := int64(math.Round(rate * b.End.Sub(b.Start).Hours()))
	what := f.Tf("%s holds %s of %s readings", f.DateTime(b.Start), f.Int(int(b.Readings)), f.Int(int(want)))
	if n == 1 {
		return out, f.Tf("Drawn lighter: incomplete data. %s.", what)
	}
	return out, f.Tf("Drawn lighter: %s periods with incomplete data; the last, %s.", f.Int(n), what)
}

// timeTicks labels the time axis at round boundaries (hours, days or
// months, whichever gives at most about a dozen labels), in f's language:
// "02.11." and "Nov." or "2 Nov" and "Nov"; a month label carries its year
// on the first tick and in January.
func timeTicks(f Fmt, bs []series.Bucket, left, w float64) []ChartTick {
	if len(bs) == 0 {
		return nil
	}
	span := bs[len(bs)-1].End.Sub(bs[0].Start)
	type level struct {
		every  func(t time.Time) bool
		label  func(t time.Time, first bool) string
		approx time.Duration
	}
	clock := func(t time.Time, _ bool) string { return t.Format("15:04") }
	day := func(t time.Time, _ bool) string { return f.DayMonth(t) }
	month := func(t time.Time, first bool) string {
		if first || t.Month() == time.January {
			return f.Month(t)
		}
		return f.MonthName(t.Month())
	}
	year := func(t time.Time, _ bool) string { return t.Format("2006") }
	levels := []level{
		{func(t time.Time) bool { return t.Minute() == 0 }, clock, time.Hour},
		{func(t time.Time) bool { return t.Minute() == 0 && t.Hour()%6 == 0 }, clock, 6 * time.Hour},
		{func(t time.Time) bool { return t.Hour() == 0 && t.Minute() == 0 }, day, 24 * time.Hour},
		{func(t time.Time) bool { return t.Hour() == 0 && t.Minute() == 0 && t.Weekday() == time.Monday }, day, 7 * 24 * time.Hour},
		{func(t time.Time) bool { return t.Day() == 1 && t.Hour() == 0 && t.Minute() == 0 }, month, 30 * 24 * time.Hour},
		{func(t time.Time) bool { return t.YearDay() == 1 && t.Hour() == 0 && t.Minute() == 0 }, year, 365 * 24 * time.Hour},
	}
	step := bs[0].End.Sub(bs[0].Start) // a bucket's length: no finer labels
	for _, l := range levels {
		last := l.approx == levels[len(levels)-1].approx
		if !last && (span/l.approx > 12 || l.approx*6/5 < step) {
			continue
		}
		var out []ChartTick
		for i, b := range bs {
			if l.every(b.Start) {
				out = append(out, ChartTick{Pos: left + float64(i)*w, Label: l.label(b.Start, len(out) == 0)})
			}
		}
		if len(out) == 0 { // too short a range for this level's boundaries
			out = append(out, ChartTick{Pos: left, Label: l.label(bs[0].Start, true)})
		}
		return out
	}
	return nil
}

// num appends sep and v with prec decimals, as fmt's "%.<prec>f" writes
// it, to SVG path text. The bars of a 93-day hourly view are 22,000
// numbers, and strconv's exact float formatting was a tenth of the page:
// with 1 or 2 places it is done in integers. v×scale lands exactly on a
// half only when v lies at or next to a half (the half is representable,
// so rounding cannot carry a product across it); only those go to
// strconv, which looks at v's exact digits.
func num(p []byte, sep string, v float64, prec int) []byte {
	p = append(p, sep...)
	scale := 10.0
	if prec == 2 {
		scale = 100
	}
	sv := v * scale
	if prec < 1 || prec > 2 || math.IsNaN(v) || math.Abs(v) >= 1e12 || sv-math.Floor(sv) == 0.5 {
		return strconv.AppendFloat(p, v, 'f', prec, 64)
	}
	n := int64(math.Round(sv))
	if math.Signbit(v) { // "-0.0" for a small negative, as strconv writes it
		p, n = append(p, '-'), -n
	}
	div := int64(scale)
	p = append(strconv.AppendInt(p, n/div, 10), '.')
	frac := n % div
	if prec == 2 {
		return append(p, byte('0'+frac/10), byte('0'+frac%10))
	}
	return append(p, byte('0'+frac))
}

// bucketTimes formats each bucket's start as DateTime does, formatting the
// day once a day, into one string cut into the buckets' times: the hover
// text names 2,232 hours in a 93-day view.
func bucketTimes(f Fmt, bs []series.Bucket) []string {
	loc := f.loc()
	buf := make([]byte, 0, len(bs)*24)
	ends := make([]int, len(bs))
	var day string
	var y, yd int
	for i, b := range bs {
		t := b.Start.In(loc)
		zone := ""
		if !b.Start.IsZero() {
			zone, _ = t.Zone()
		}
		if zone == "" || zone[0] == '+' || zone[0] == '-' {
			buf = append(buf, f.DateTime(b.Start)...)
			ends[i] = len(buf)
			continue
		}
		if t.Year() != y || t.YearDay() != yd || day == "" {
			y, yd, day = t.Year(), t.YearDay(), f.Day(t)+" "
		}
		h, m := t.Hour(), t.Minute()
		buf = append(append(buf, day...), byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ' ')
		buf = append(buf, zone...)
		ends[i] = len(buf)
	}
	all := string(buf)
	at := make([]string, len(bs))
	from := 0
	for i, end := range ends {
		at[i], from = all[from:end], end
	}
	return at
}

// hoverColumns are transparent columns over the plot, each titled with
// the values of the n buckets under it; at holds each bucket's time as
// text, value appends bucket i's value. The titles are cut from one
// buffer: 2,232 buckets a panel in a 93-day hourly view.
func hoverColumns(at []string, n int, p Panel, w float64, value func(b []byte, i int) []byte) []ChartBar {
	per := (n + maxHover - 1) / maxHover
	buf := make([]byte, 0, n*(len(at[0])+24))
	ends := make([]int, 0, (n+per-1)/per)
	for i := 0; i < n; i += per {
		for k := i; k < min(i+per, n); k++ {
			if k > i {
				buf = append(buf, '\n')
			}
			buf = value(append(append(buf, at[k]...), ": "...), k)
		}
		ends = append(ends, len(buf))
	}
	all := string(buf)
	out := make([]ChartBar, 0, len(ends))
	from := 0
	for c, end := range ends {
		i := c * per
		out = append(out, ChartBar{X: p.Left + float64(i)*w, Y: p.Top, W: w * float64(min(per, n-i)), H: p.Bottom - p.Top, Title: all[from:end]})
		from = end
	}
	return out
}

// hoverRects writes p's hover columns as SVG rects titled with their
// values, as the panel template would write them attribute by attribute:
// through templ, the 1,200 columns of a 93-day hourly page cost a
// formatting call per attribute.
func hoverRects(p Panel) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var b []byte
		for _, h := range p.Hover {
			b = num(b[:0], `<rect class="hover" x="`, h.X, 1)
			b = num(b, `" y="`, h.Y, 1)
			b = num(b, `" width="`, h.W, 1)
			b = num(b, `" height="`, h.H, 1)
			b = append(appendEscaped(append(b, `"><title>`...), h.Title), "</title></rect>"...)
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
}

// seriesPaths writes p's paths as the panel template wrote them (with the
// space templ wrote between the elements), bars (and
// the partial ones) or the price line: through templ, each path of tens of
// kilobytes was copied by fmt.Sprint before it was written.
func seriesPaths(p Panel) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		b := []byte(" ")
		path := func(class, d string) {
			b = append(appendEscaped(append(append(append(b, `<path class="`...), class...), `" d="`...), d), `"></path> `...)
		}
		if p.Bars {
			path("series", p.Path)
			if p.PartialPath != "" {
				path("series partial", p.PartialPath)
			}
		} else {
			path("series-line", p.Path)
		}
		_, err := w.Write(b)
		return err
	})
}

// appendEscaped appends s escaped as html.EscapeString escapes it, without
// its copy of every title.
func appendEscaped(b []byte, s string) []byte {
	for {
		i := strings.IndexAny(s, `<>&'"`)
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		switch s[i] {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		case '\'':
			b = append(b, "&#39;"...)
		case '"':
			b = append(b, "&#34;"...)
		}
		s = s[i+1:]
	}
}

// Span is the range the page shows, its first and last day ("To" is
// exclusive) in f's format; the raw values when they do not parse.
func (m Meter) Span() string {
	from, err1 := time.Parse(time.DateOnly, m.From)
	to, err2 := time.Parse(time.DateOnly, m.To)
	if err1 != nil || err2 != nil {
		return m.From + " – " + m.To
	}
	return m.Fmt.Day(from) + " – " + m.Fmt.Day(to.AddDate(0, 0, -1))
}

// ResolutionLabel names a resolution of the meter form.
func (f Fmt) ResolutionLabel(res string) string {
	switch res {
	case "native":
		return f.T("as metered")
	case "hour":
		return f.T("hour")
	case "day":
		return f.T("day")
	case "month":
		return f.T("month")
	}
	return res
}

// Dec formats an optional exact value, or a dash.
func (f Fmt) Dec(d app.Decimal, ok bool, places int) string {
	if !ok {
		return dash
	}
	return f.Decimal(d, places, places)
}

// PriceCell is a bucket's mean price.
func (f Fmt) PriceCell(b series.Bucket) string {
	v, ok := b.PriceMean()
	return f.Dec(v, ok, 4)
}

// EffCell is a bucket's cost per kWh consumed.
func (f Fmt) EffCell(b series.Bucket) string {
	v, ok := b.EffectivePrice()
	return f.Dec(v, ok, 4)
}
