package views

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/export"
	"wattfolio/app/tariff"
	"wattfolio/app/tariff/slp"
)

// Compare is the comparison page: the options' terms side by side, their
// costs on one curve, a monthly chart, the curve and every assumption.
type Compare struct {
	Chrome
	A   app.Account
	Cmp *compare.Comparison // nil: Problem says why there is none
	// Problem is why no comparison could be made.
	Problem string
	Form    CurveForm
	// Current, Offers and Templates are what the option form offers.
	Current, Offers, Templates []Choice
	// Inputs are, by option index, where each option came from and when.
	Inputs                    []Input
	CSVURL, CSVDEURL, JSONURL string
	// Print lays the page out as the printed report.
	Print bool
}

// CurveForm is the curve controls as the user entered them.
type CurveForm struct {
	From, To string // YYYY-MM; To included
	Profile  string
	Scale    string // percent, "" for 0
	KWh      string // annual consumption for a profile
	Profiles []slp.Info
}

// Month is the From or To field by its parameter name.
func (f *CurveForm) Month(name string) *string {
	if name == "to" {
		return &f.To
	}
	return &f.From
}

// Choice is one option the form offers: Key as in the address.
type Choice struct {
	Key, Label, Sub string
	Checked         bool
}

// Input is where an option's terms came from: a source and when it was
// fetched from it (zero for an offer typed into Wattfolio).
type Input struct {
	Key, Name, Source string
	Vendor            app.Vendor
	FetchedAt         time.Time
}

// MonthKWh is one local month of a curve.
type MonthKWh struct {
	Start time.Time // local midnight of the first day
	KWh   app.Decimal
}

// CurveMonths sums a curve by local calendar month, and in all.
func CurveMonths(c tariff.Curve) ([]MonthKWh, app.Decimal) {
	loc := c.Zone
	if loc == nil {
		loc = time.UTC
	}
	var out []MonthKWh
	var total app.Decimal
	var next time.Time
	for i, k := range c.KWh {
		t := c.Start.Add(time.Duration(i) * c.Step)
		if len(out) == 0 || !t.Before(next) {
			l := t.In(loc)
			start := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
			next = start.AddDate(0, 1, 0)
			out = append(out, MonthKWh{Start: start})
		}
		// kWh of a curve are far from Decimal's range: plain sums are exact.
		out[len(out)-1].KWh += k
		total += k
	}
	return out, total
}

// Base is the option the terms are compared against: the baseline, else
// the first.
func (m Compare) Base() int {
	if m.Cmp.Baseline >= 0 {
		return m.Cmp.Baseline
	}
	return 0
}

// Row is a line of a side-by-side table: one cell per option.
type Row struct {
	Label string
	Unit  string
	Cells []Cell
	Total bool // the row sums up the others
}

// Cell is one option's value; Diff marks a value unlike the base option's,
// Best the cheapest option's total.
type Cell struct {
	Text       string
	Diff, Best bool
}

// rows builds one row per (label, value) function, dropping rows where no
// option has a value; every cell is compared with the base option's.
func (m Compare) rows(specs []rowSpec) []Row {
	base := m.Base()
	var out []Row
	for _, s := range specs {
		r := Row{Label: s.label, Unit: s.unit}
		have := false
		for i := range m.Cmp.Options {
			t := s.val(&m.Cmp.Options[i])
			if t == "" {
				t = dash
			} else {
				have = true
			}
			r.Cells = append(r.Cells, Cell{Text: t})
		}
		if !have {
			continue
		}
		for i := range r.Cells {
			r.Cells[i].Diff = i != base && r.Cells[i].Text != r.Cells[base].Text
		}
		out = append(out, r)
	}
	return out
}

type rowSpec struct {
	label, unit string
	val         func(*compare.Option) string
}

// TermRows are the options' terms, the cells unlike the base option's marked.
func (m Compare) TermRows() []Row {
	f := m.Fmt
	perKWh := func(get func(*tariff.Tariff) app.Decimal) func(*compare.Option) string {
		return func(o *compare.Option) string {
			if v := get(&o.Tariff); v != 0 {
				return f.WorkingPrice(&v, o.Tariff.Currency)
			}
			return ""
		}
	}
	perYear := func(get func(*tariff.Tariff) app.Decimal) func(*compare.Option) string {
		return func(o *compare.Option) string {
			if v := get(&o.Tariff); v != 0 {
				return f.BasePrice(&v, o.Tariff.Currency)
			}
			return ""
		}
	}
	return m.rows([]rowSpec{
		{"Source", "", func(o *compare.Option) string { return o.Source }},
		{"Model", "", func(o *compare.Option) string { return ModelLabel(o.Tariff.Model) }},
		{"Prices quoted", "", func(o *compare.Option) string {
			if o.Tariff.Model == "" {
				return ""
			}
			if o.Tariff.Gross {
				return "gross (incl. VAT)"
			}
			return "net"
		}},
		{"VAT", "", func(o *compare.Option) string {
			if o.Tariff.Model == "" {
				return ""
			}
			return f.Percent(&o.Tariff.VATRate)
		}},
		{"Working price / markup on spot", "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.WorkingPerKWh })},
		{"Base price", "", perYear(func(t *tariff.Tariff) app.Decimal { return t.BasePerYear })},
		{"Time-of-use zones", "", func(o *compare.Option) string { return f.zones(o.Tariff.Zones, o.Tariff.Currency) }},
		{"Grid fee", "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.Charges.GridPerKWh })},
		{"Grid base and metering", "", perYear(func(t *tariff.Tariff) app.Decimal { return t.Charges.GridBasePerYear })},
		{"§14a grid zones", "", func(o *compare.Option) string { return f.zones(o.Tariff.GridZones, o.Tariff.Currency) }},
		{"Levies", "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.Charges.LeviesPerKWh })},
		{"Electricity tax", "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.Charges.ElectricityTaxPerKWh })},
		{"Concession fee", "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.Charges.ConcessionPerKWh })},
		{"Bonuses", "", func(o *compare.Option) string {
			var parts []string
			for _, b := range o.Tariff.Bonuses {
				parts = append(parts, f.Money(&b.Amount, o.Tariff.Currency)+" "+strings.ReplaceAll(string(b.Kind), "_", " "))
			}
			return strings.Join(parts, ", ")
		}},
		{"Price guarantee", "", func(o *compare.Option) string {
			g := o.Tariff.Guarantee
			if g.Months == 0 {
				return ""
			}
			s := months(g.Months)
			if g.Scope != "" {
				s += ", " + string(g.Scope)
			}
			return s
		}},
		{"Minimum term", "", func(o *compare.Option) string {
			if o.Tariff.MinTermMonths == 0 {
				return ""
			}
			return months(o.Tariff.MinTermMonths)
		}},
		{"Notice", "", func(o *compare.Option) string {
			n := o.Tariff.Notice
			if n.N == 0 {
				return ""
			}
			u := n.Unit
			if n.N != 1 {
				u += "s"
			}
			return strconv.Itoa(n.N) + " " + u
		}},
		{"Missing from the bill", "", func(o *compare.Option) string { return o.Tariff.Incomplete }},
	})
}

func months(n int) string {
	if n == 1 {
		return "1 month"
	}
	return strconv.Itoa(n) + " months"
}

// zones lists time windows with their prices: "NT 22:00–06:00 24 ct/kWh".
func (f Fmt) zones(zs []tariff.Zone, currency string) string {
	var parts []string
	for _, z := range zs {
		s := clock(z.From) + "–" + clock(z.To)
		if z.From == 0 && z.To == 0 {
			s = "all day"
		}
		if z.Name != "" {
			s = z.Name + " " + s
		}
		parts = append(parts, s+" "+f.WorkingPrice(&z.PerKWh, currency))
	}
	return strings.Join(parts, "; ")
}

func clock(min int) string {
	return strconv.Itoa(min/60/10) + strconv.Itoa(min/60%10) + ":" + strconv.Itoa(min%60/10) + strconv.Itoa(min%10)
}

// CostRows are the options' costs in one year (1: with one-off bonuses),
// every figure in EUR as the tariff engine rounded it.
func (m Compare) CostRows(year int) []Row {
	f := m.Fmt
	fig := func(get func(*tariff.Breakdown) app.Decimal) func(*compare.Option) string {
		return func(o *compare.Option) string {
			if o.Result == nil {
				return ""
			}
			b := &o.Result.Year1
			if year == 2 {
				b = &o.Result.Year2
			}
			return f.Decimal(get(b), 2, 2)
		}
	}
	specs := []rowSpec{
		{"Consumption", "kWh", func(o *compare.Option) string {
			if o.Result == nil {
				return ""
			}
			return f.CellKWh(&o.Result.Year1.KWh)
		}},
		{"Energy", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Energy })},
		{"Base price", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Base })},
		{"Grid fees", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Grid })},
		{"Levies", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Levies })},
		{"Electricity tax", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Tax })},
		{"Concession fee", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Concession })},
	}
	if year == 1 {
		specs = append(specs, rowSpec{"Bonuses", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Bonus })})
	}
	specs = append(specs,
		rowSpec{"Net", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Net })},
		rowSpec{"VAT", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.VAT })},
		rowSpec{"Total gross", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Gross })},
		rowSpec{"Effective price", "ct/kWh", fig(func(b *tariff.Breakdown) app.Decimal {
			// Already in cent; shown with the other figures' two places.
			return b.EffectiveCtPerKWh
		})},
		rowSpec{"Saving against the current contract", "€", saving(f, year, func(o *compare.Option) [2]*app.Decimal { return [2]*app.Decimal{o.Saving1, o.Saving2} })},
		rowSpec{"Saving", "%", saving(f, year, func(o *compare.Option) [2]*app.Decimal { return [2]*app.Decimal{o.SavingPct1, o.SavingPct2} })},
	)
	rows := slices.DeleteFunc(m.rows(specs), func(r Row) bool { return r.Unit == "€" && zeroRow(f, r) })
	for i := range rows {
		// Costs differ by nature: only the cheapest total stands out.
		for j := range rows[i].Cells {
			rows[i].Cells[j].Diff = false
		}
		if rows[i].Label == "Total gross" {
			rows[i].Total = true
			if c := m.Cmp.Cheapest; c >= 0 && year == 1 {
				rows[i].Cells[c].Best = true
			}
		}
	}
	return rows
}

// zeroRow is true when no option has a figure other than zero in r: a
// component none of the tariffs bills (their working price includes it).
func zeroRow(f Fmt, r Row) bool {
	zero := f.Decimal(0, 2, 2)
	for _, c := range r.Cells {
		if c.Text != dash && c.Text != zero {
			return false
		}
	}
	return true
}

// saving formats an option's saving of year 1 or 2, picked from both.
func saving(f Fmt, year int, both func(*compare.Option) [2]*app.Decimal) func(*compare.Option) string {
	return func(o *compare.Option) string {
		if s := both(o)[year-1]; s != nil {
			return f.Decimal(*s, 2, 2)
		}
		return ""
	}
}

// OptionTone is an option's kind as a badge tone.
func OptionTone(k compare.Kind) string {
	switch k {
	case compare.Current:
		return "info"
	case compare.Offer:
		return "ok"
	}
	return "neutral"
}

// Incomplete lists the options whose figures miss parts of the bill.
func (m Compare) Incomplete() []string {
	var out []string
	for _, o := range m.Cmp.Options {
		if o.Result != nil && o.Result.Incomplete != "" {
			out = append(out, o.Name+": "+o.Result.Incomplete)
		}
	}
	return out
}

// CostChart is the monthly gross cost of every priced option as grouped
// bars, in an SVG box of W × H with the plot inside the margins.
type CostChart struct {
	W, H                     float64
	Left, Top, Right, Bottom float64
	ZeroY                    float64
	Bars                     []ChartBar
	YTicks, XTicks           []ChartTick
	Legend                   []LegendItem
	Empty                    bool
}

// ChartBar is one option's month.
type ChartBar struct {
	X, Y, W, H float64
	Series     int
	Title      string
}

// ChartTick is an axis label at Pos (y for the value axis, x for months).
type ChartTick struct {
	Pos   float64
	Label string
}

// LegendItem names a series.
type LegendItem struct {
	Series int
	Name   string
}

// Chart draws the priced options' year-1 months (bonuses in the month
// they are credited). Floats only position shapes; every number shown is
// formatted from the exact decimals.
func (m Compare) Chart() CostChart {
	ch := CostChart{W: 1000, H: 320, Left: 80, Top: 12, Right: 990, Bottom: 290}
	var series []int
	var months []tariff.Month
	lo, hi := 0.0, 0.0
	for i, o := range m.Cmp.Options {
		if o.Result == nil || len(o.Result.Months) == 0 {
			continue
		}
		series = append(series, i)
		if len(o.Result.Months) > len(months) {
			months = o.Result.Months
		}
		for _, mo := range o.Result.Months {
			v := float64(mo.Gross) / app.DecimalScale
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		ch.Legend = append(ch.Legend, LegendItem{Series: i, Name: o.Name})
	}
	if len(series) == 0 {
		ch.Empty = true
		return ch
	}
	ax := newValueAxis(lo, hi, true, ch.Top, ch.Bottom)
	y := ax.Y
	ch.ZeroY = y(0)
	ch.YTicks = ax.Ticks(m.Fmt)
	groupW := (ch.Right - ch.Left) / float64(len(months))
	barW := groupW * 0.8 / float64(len(series))
	for mi, mo := range months {
		x0 := ch.Left + float64(mi)*groupW + groupW*0.1
		ch.XTicks = append(ch.XTicks, ChartTick{Pos: x0 + groupW*0.4, Label: monthShort(mo.Start, len(months))})
		for si, oi := range series {
			o := m.Cmp.Options[oi]
			if mi >= len(o.Result.Months) {
				continue
			}
			g := o.Result.Months[mi].Gross
			top, bot := y(float64(g)/app.DecimalScale), ch.ZeroY
			if top > bot {
				top, bot = bot, top
			}
			ch.Bars = append(ch.Bars, ChartBar{X: x0 + float64(si)*barW, Y: top, W: barW * 0.92, H: math.Max(bot-top, 0.5), Series: oi,
				Title: o.Name + " · " + mo.Start.Format("01/2006") + ": " + m.Fmt.Money(&g, o.Tariff.Currency)})
		}
	}
	return ch
}

// monthShort labels a month on the axis; with many months only the year's
// first shows its year.
func monthShort(t time.Time, n int) string {
	if n <= 13 || t.Month() == time.January {
		return t.Format("01/06")
	}
	return t.Format("01")
}

// px writes a coordinate for an SVG attribute.
func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// curveLabel says in a few words where the curve came from, as the CSV does.
func curveLabel(c tariff.Curve) string { return export.CurveLabel(c) }

// Period is a span given with an exclusive end as its first and last day:
// "01.06.2025 – 31.05.2026".
func (f Fmt) Period(from, to time.Time) string {
	return f.Date(from) + " – " + f.Date(to.Add(-time.Second))
}

// AnyUnpriced is true when some option has no figure.
func (m Compare) AnyUnpriced() bool {
	for _, o := range m.Cmp.Options {
		if o.Result == nil {
			return true
		}
	}
	return false
}

// AutoCurveLabel names the curve option that lets the data decide, saying
// what it decided: a customer without readings is on a profile, and the
// choice must not read "Metered" then.
func (m Compare) AutoCurveLabel() string {
	if m.Cmp == nil || m.Form.Profile != "" {
		return "Automatic: the meters, else the customer's profile"
	}
	o := m.Cmp.Curve.Origin
	switch {
	case o.Metered && o.Filled > 0:
		return "Automatic: metered, gaps from " + o.Profile
	case o.Metered:
		return "Automatic: metered"
	}
	return "Automatic: profile " + o.Profile + " (no meter data)"
}
