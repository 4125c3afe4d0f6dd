package views

import (
	"fmt"
	"strings"
	"time"

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
	FormAction  string
}

// Panel is one chart: a bar or line per bucket, drawn as an SVG path.
type Panel struct {
	Title    string
	Unit     string
	Path     string  // SVG path data, in a 1000 × 200 box
	Zero     float64 // where the zero line is drawn
	ShowZero bool    // zero lies inside the drawn range
	Lo, Hi   string  // the data's own minimum and maximum
	Bars     bool
	FirstAt  string
	LastAt   string
	Empty    bool
	CSSClass string
}

const chartW, chartH = 1000.0, 200.0

// BuildPanels turns buckets into the three chart panels. Values are
// converted to float64 only for drawing; every number shown as text is
// formatted from the exact decimals.
func BuildPanels(f Fmt, bs []series.Bucket, currency string) []Panel {
	pick := []struct {
		title, unit, class string
		bars               bool
		val                func(series.Bucket) (app.Decimal, bool)
	}{
		{"Consumption", "kWh", "c-use", true, func(b series.Bucket) (app.Decimal, bool) { return b.Consumption, b.HasConsumption }},
		{"Price (mean)", currency + "/kWh", "c-price", false, func(b series.Bucket) (app.Decimal, bool) { return b.PriceMean() }},
		{"Cost", currency, "c-cost", true, func(b series.Bucket) (app.Decimal, bool) { return b.Cost, b.HasCost }},
	}
	var out []Panel
	for _, p := range pick {
		panel := Panel{Title: p.title, Unit: p.unit, Bars: p.bars, CSSClass: p.class}
		var lo, hi app.Decimal
		have := false
		for _, b := range bs {
			v, ok := p.val(b)
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
		// Bars grow from zero; a line (the price) gets its own range with a
		// margin, so a price between 20 and 25 ct does not lie flat on top.
		axLo, axHi := lo, hi
		if p.bars {
			axLo, axHi = min(lo, 0), max(hi, 0)
		} else {
			pad := max((hi-lo)/10, app.MustDecimal("0.0001"))
			axLo, axHi = lo-pad, hi+pad
		}
		span := float64(axHi - axLo)
		if span == 0 {
			span = 1
		}
		y := func(v app.Decimal) float64 { return chartH - float64(v-axLo)/span*chartH }
		panel.Zero, panel.ShowZero = y(0), axLo <= 0 && axHi >= 0
		w := chartW / float64(len(bs))
		var sb strings.Builder
		pen := false
		for i, b := range bs {
			v, ok := p.val(b)
			if !ok {
				pen = false
				continue
			}
			x := float64(i) * w
			if p.bars {
				top, bot := y(v), panel.Zero
				if top > bot {
					top, bot = bot, top
				}
				fmt.Fprintf(&sb, "M%.1f %.1fh%.2fv%.1fh%.2fz", x, bot, w*0.85, top-bot, -w*0.85)
				continue
			}
			cmd := 'L'
			if !pen {
				cmd = 'M'
			}
			fmt.Fprintf(&sb, "%c%.1f %.1f", cmd, x+w/2, y(v))
			pen = true
		}
		panel.Path = sb.String()
		panel.FirstAt, panel.LastAt = f.DateTime(bs[0].Start), f.DateTime(bs[len(bs)-1].Start)
		out = append(out, panel)
	}
	return out
}

// MonthLabel is "2026-03" style in the bucket's own zone.
func MonthLabel(t time.Time) string { return t.Format("2006-01") }

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
