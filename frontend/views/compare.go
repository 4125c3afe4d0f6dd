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
		{f.T("Source"), "", func(o *compare.Option) string {
			if o.Kind == compare.Offer {
				return f.T("offer") // no source: the user's own offer
			}
			return o.Source
		}},
		{f.T("Model"), "", func(o *compare.Option) string { return f.ModelLabel(o.Tariff.Model) }},
		{f.T("Prices quoted"), "", func(o *compare.Option) string {
			if o.Tariff.Model == "" {
				return ""
			}
			if o.Tariff.Gross {
				return f.T("gross (incl. VAT)")
			}
			return f.T("net")
		}},
		{f.T("VAT"), "", func(o *compare.Option) string {
			if o.Tariff.Model == "" {
				return ""
			}
			return f.Percent(&o.Tariff.VATRate)
		}},
		{f.T("Working price / markup on spot"), "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.WorkingPerKWh })},
		{f.T("Base price"), "", perYear(func(t *tariff.Tariff) app.Decimal { return t.BasePerYear })},
		{f.T("Time-of-use zones"), "", func(o *compare.Option) string { return f.zones(o.Tariff.Zones, o.Tariff.Currency) }},
		{f.T("Grid fee"), "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.Charges.GridPerKWh })},
		{f.T("Grid base and metering"), "", perYear(func(t *tariff.Tariff) app.Decimal { return t.Charges.GridBasePerYear })},
		{f.T("§14a grid zones"), "", func(o *compare.Option) string { return f.zones(o.Tariff.GridZones, o.Tariff.Currency) }},
		{f.T("Levies"), "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.Charges.LeviesPerKWh })},
		{f.T("Electricity tax"), "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.Charges.ElectricityTaxPerKWh })},
		{f.T("Concession fee"), "", perKWh(func(t *tariff.Tariff) app.Decimal { return t.Charges.ConcessionPerKWh })},
		{f.T("Bonuses"), "", func(o *compare.Option) string {
			var parts []string
			for _, b := range o.Tariff.Bonuses {
				parts = append(parts, f.Money(&b.Amount, o.Tariff.Currency)+" "+f.BonusLabel(string(b.Kind)))
			}
			return strings.Join(parts, ", ")
		}},
		{f.T("Price guarantee"), "", func(o *compare.Option) string {
			g := o.Tariff.Guarantee
			if g.Months == 0 {
				return ""
			}
			s := f.months(g.Months)
			if g.Scope != "" {
				s += ", " + f.GuaranteeLabel(string(g.Scope))
			}
			return s
		}},
		{f.T("Minimum term"), "", func(o *compare.Option) string {
			if o.Tariff.MinTermMonths == 0 {
				return ""
			}
			return f.months(o.Tariff.MinTermMonths)
		}},
		{f.T("Notice"), "", func(o *compare.Option) string {
			n := o.Tariff.Notice
			if n.N == 0 {
				return ""
			}
			return f.noticeLabel(n.N, n.Unit)
		}},
		{f.T("Missing from the bill"), "", func(o *compare.Option) string { return o.Tariff.Incomplete }},
	})
}

func (f Fmt) months(n int) string {
	if n == 1 {
		return f.T("1 month")
	}
	return f.Tf("%s months", f.Int(n))
}

// noticeLabel is a notice period: "1 month", "6 weeks".
func (f Fmt) noticeLabel(n int, unit string) string {
	switch {
	case unit == "month" && n == 1:
		return f.T("1 month")
	case unit == "month":
		return f.Tf("%s months", f.Int(n))
	case unit == "week" && n == 1:
		return f.T("1 week")
	case unit == "week":
		return f.Tf("%s weeks", f.Int(n))
	case unit == "day" && n == 1:
		return f.T("1 day")
	case unit == "day":
		return f.Tf("%s days", f.Int(n))
	}
	return strconv.Itoa(n) + " " + unit
}

// zones lists time windows with their prices: "NT 22:00–06:00 24 ct/kWh".
func (f Fmt) zones(zs []tariff.Zone, currency string) string {
	var parts []string
	for _, z := range zs {
		s := clock(z.From) + "–" + clock(z.To)
		if z.From == 0 && z.To == 0 {
			s = f.T("all day")
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
		{f.T("Consumption"), "kWh", func(o *compare.Option) string {
			if o.Result == nil {
				return ""
			}
			return f.CellKWh(&o.Result.Year1.KWh)
		}},
		{f.T("Energy"), "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Energy })},
		{f.T("Base price"), "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Base })},
		{f.T("Grid fees"), "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Grid })},
		{f.T("Levies"), "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Levies })},
		{f.T("Electricity tax"), "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Tax })},
		{f.T("Concession fee"), "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Concession })},
	}
	if year == 1 {
		specs = append(specs, rowSpec{"Bonuses", "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Bonus })})
	}
	specs = append(specs,
		rowSpec{f.T("Net"), "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Net })},
		rowSpec{f.T("VAT"), "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.VAT })},
		rowSpec{f.T("Total gross"), "€", fig(func(b *tariff.Breakdown) app.Decimal { return b.Gross })},
		rowSpec{f.T("Effective price"), "ct/kWh", fig(func(b *tariff.Breakdown) app.Decimal {
			// Already in cent; shown with the other figures' two places.
			return b.EffectiveCtPerKWh
		})},
		rowSpec{f.T("Saving against the current contract"), "€", saving(f, year, func(o *compare.Option) [2]*app.Decimal { return [2]*app.Decimal{o.Saving1, o.Saving2} })},
		rowSpec{f.T("Saving"), "%", saving(f, year, func(o *compare.Option) [2]*app.Decimal { return [2]*app.Decimal{o.SavingPct1, o.SavingPct2} })},
	)
	rows := slices.DeleteFunc(m.rows(specs), func(r Row) bool { return r.Unit == "€" && zeroRow(f, r) })
	for i := range rows {
		// Costs differ by nature: only the cheapest total stands out.
		for j := range rows[i].Cells {
			rows[i].Cells[j].Diff = false
		}
		if rows[i].Label == f.T("Total gross") {
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

// OptionKindLabel names an option's kind.
func (f Fmt) OptionKindLabel(k compare.Kind) string {
	switch k {
	case compare.Current:
		return f.T("current")
	case compare.Offer:
		return f.T("offer")
	case compare.Template:
		return f.T("template")
	}
	return string(k)
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
		ch.XTicks = append(ch.XTicks, ChartTick{Pos: x0 + groupW*0.4, Label: m.Fmt.monthShort(mo.Start, len(months))})
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
				Title: o.Name + " · " + m.Fmt.Month(mo.Start) + ": " + m.Fmt.Money(&g, o.Tariff.Currency)})
		}
	}
	return ch
}

// monthShort labels a month on the axis; with many months only the year's
// first shows its year.
func (f Fmt) monthShort(t time.Time, n int) string {
	if n <= 13 || t.Month() == time.January {
		return f.MonthName(t.Month()) + " " + t.Format("06")
	}
	return f.MonthName(t.Month())
}

// px writes a coordinate for an SVG attribute.
func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// curveLabel says in a few words where the curve came from, as the CSV does.
// The CSV keeps its English words (scripts read it); the page speaks the
// user's language.
func (f Fmt) curveLabel(c tariff.Curve) string {
	if f.en() {
		return export.CurveLabel(c)
	}
	o := c.Origin
	var s string
	switch {
	case o.Metered && o.Filled > 0:
		s = f.Tf("metered; %s gaps filled from %s", f.Int(o.Filled), o.Profile)
	case o.Metered:
		s = f.T("metered")
	default:
		s = f.Tf("profile %s", o.Profile)
	}
	if o.ScalePercent != 0 {
		sign := "+"
		if o.ScalePercent < 0 {
			sign = ""
		}
		s += " " + f.Tf("scaled %s %%", sign+f.Int(o.ScalePercent))
	}
	for _, c := range o.Conversions {
		s += "; " + c
	}
	return s
}

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
	f := m.Fmt
	if m.Cmp == nil || m.Form.Profile != "" {
		return f.T("Automatic: the meters, else the customer's profile")
	}
	o := m.Cmp.Curve.Origin
	switch {
	case o.Metered && o.Filled > 0:
		return f.Tf("Automatic: metered, gaps from %s", o.Profile)
	case o.Metered:
		return f.T("Automatic: metered")
	}
	return f.Tf("Automatic: profile %s (no meter data)", o.Profile)
}
