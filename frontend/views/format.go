package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/vendor"
)

// Number formats for display. German is the default: 1.234,56 €; English
// writes €1,234.56.
const (
	LangDE = "de"
	LangEN = "en"
)

// dash stands for a value the vendor did not send.
const dash = "—"

// nbsp keeps a number and its unit on one line.
const nbsp = "\u00a0"

// Fmt formats values for display: numbers in Lang's convention, instants in
// Loc, relative times against Now.
type Fmt struct {
	Lang string // LangDE or LangEN
	Loc  *time.Location
	Now  time.Time
}

func (f Fmt) en() bool { return f.Lang == LangEN }

func (f Fmt) loc() *time.Location {
	if f.Loc == nil {
		return time.UTC
	}
	return f.Loc
}

// Decimal formats d with at least minPlaces and at most maxPlaces fractional
// digits, grouping thousands: Decimal(1234.5, 2, 2) is "1.234,50" in German.
func (f Fmt) Decimal(d app.Decimal, minPlaces, maxPlaces int) string {
	return f.group(d.Fixed(maxPlaces), minPlaces)
}

// hundredfold formats d × 100 as Decimal would, for a price in cents or a
// fraction in percent, with at most four places. It moves the point of d's
// own digits rather than multiplying, so every Decimal shows exactly, even
// one whose hundredfold does not fit a Decimal.
func (f Fmt) hundredfold(d app.Decimal, minPlaces, maxPlaces int) string {
	s := d.Fixed(max(0, min(maxPlaces, 4)) + 2) // "-" only when not rounded to zero
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	intPart = strings.TrimLeft(intPart+frac[:2], "0")
	if intPart == "" {
		intPart = "0"
	}
	if frac = frac[2:]; frac != "" {
		intPart += "." + frac
	}
	return f.group(sign+intPart, minPlaces)
}

// appendFixed appends d with exactly places decimals, as Decimal(d,
// places, places) formats it, without its allocations: a chart's hover
// text formats thousands of values a page.
func (f Fmt) appendFixed(b []byte, d app.Decimal, places int) []byte {
	places = max(0, min(places, 6))
	v := int64(d)
	u := uint64(v)
	if v < 0 {
		u = uint64(-v)
	}
	drop := uint64(1)
	for range 6 - places {
		drop *= 10
	}
	u = (u + drop/2) / drop
	// At least one digit before the point: the zeros go in front of u's
	// digits in the same array (prepending to a slice allocated a value).
	const room = 8 // more than places can ask for
	var digits [32]byte
	s := strconv.AppendUint(digits[:room], u, 10)[room:]
	if z := places + 1 - len(s); z > 0 {
		for i := room - z; i < room; i++ {
			digits[i] = '0'
		}
		s = digits[room-z : room+len(s)]
	}
	if v < 0 && u != 0 {
		b = append(b, '-')
	}
	thousands, point := byte('.'), byte(',')
	if f.en() {
		thousands, point = ',', '.'
	}
	intPart := s[:len(s)-places]
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b = append(b, thousands)
		}
		b = append(b, c)
	}
	if places > 0 {
		b = append(append(b, point), s[len(s)-places:]...)
	}
	return b
}

// group writes s, a number as Fixed writes it, in Lang's convention with
// thousands grouped and trailing zeros cut down to minPlaces.
func (f Fmt) group(s string, minPlaces int) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	for len(frac) > minPlaces && strings.HasSuffix(frac, "0") {
		frac = frac[:len(frac)-1]
	}
	thousands, point := ".", ","
	if f.en() {
		thousands, point = ",", "."
	}
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(point)
		b.WriteString(frac)
	}
	return b.String()
}

// Int formats a count with thousands grouping.
func (f Fmt) Int(n int) string { return f.Decimal(app.DecimalFromInt(int64(n)), 0, 0) }

// Money formats an amount in currency (ISO 4217, "" meaning EUR) with two
// decimals: "1.234,56 €" or "€1,234.56". nil gives a dash.
func (f Fmt) Money(d *app.Decimal, currency string) string {
	if d == nil {
		return dash
	}
	num := f.Decimal(*d, 2, 2)
	sym := currencySymbol(currency)
	if f.en() {
		if strings.HasPrefix(num, "-") {
			return "-" + sym + strings.TrimPrefix(num, "-")
		}
		if len(sym) > 1 && sym != "€" && sym != "$" && sym != "£" {
			return sym + nbsp + num
		}
		return sym + num
	}
	return num + nbsp + sym
}

// WorkingPrice formats a price per kWh given in currency per kWh: in cents
// for EUR ("28,50 ct/kWh"), with four decimals for other currencies.
func (f Fmt) WorkingPrice(d *app.Decimal, currency string) string {
	if d == nil {
		return dash
	}
	if currency == "" || currency == "EUR" {
		return f.hundredfold(*d, 2, 4) + nbsp + "ct/kWh"
	}
	return f.Decimal(*d, 4, 6) + nbsp + currency + "/kWh"
}

// BasePrice formats a fixed charge per year: "119,88 €/year".
func (f Fmt) BasePrice(d *app.Decimal, currency string) string {
	if d == nil {
		return dash
	}
	return f.Money(d, currency) + f.T("/year")
}

// KWh formats an energy quantity: "3.500 kWh", "1.234,5 kWh".
func (f Fmt) KWh(d *app.Decimal) string {
	if d == nil {
		return dash
	}
	return f.Decimal(*d, 0, 3) + nbsp + "kWh"
}

// Percent formats a fraction: 0.19 is "19 %" (German) or "19%" (English).
func (f Fmt) Percent(d *app.Decimal) string {
	if d == nil {
		return dash
	}
	n := f.hundredfold(*d, 0, 2)
	if f.en() {
		return n + "%"
	}
	return n + nbsp + "%"
}

func currencySymbol(c string) string {
	switch c {
	case "", "EUR":
		return "€"
	case "USD":
		return "$"
	case "GBP":
		return "£"
	}
	return c
}

// Dates follow the display language everywhere, tables, charts and
// headings alike: German 02.11.2026 and "Nov. 2026", English "2 Nov 2026"
// and "Nov 2026".

// Date formats an instant as its day in Loc; zero gives a dash.
func (f Fmt) Date(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return f.Day(t.In(f.loc()))
}

// Day formats t's own day, in t's zone: 02.11.2026 or "2 Nov 2026".
func (f Fmt) Day(t time.Time) string {
	if f.en() {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}

// DateTime formats an instant in Loc with minutes and the zone abbreviation.
func (f Fmt) DateTime(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	t = t.In(f.loc())
	return f.Day(t) + " " + t.Format("15:04 MST")
}

// Month names t's month and year in t's zone: "Nov. 2026", "Nov 2026".
func (f Fmt) Month(t time.Time) string { return f.MonthName(t.Month()) + " " + t.Format("2006") }

// MonthName is a month's short name: "Jan.", "März" or "Jan".
func (f Fmt) MonthName(m time.Month) string {
	if f.en() {
		return m.String()[:3]
	}
	return germanMonths[m-1]
}

// germanMonths are the abbreviations Duden gives; the short names stay whole.
var germanMonths = [12]string{"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."}

// DayMonth is a day without its year, for a chart's axis: "02.11." or "2 Nov".
func (f Fmt) DayMonth(t time.Time) string {
	if f.en() {
		return t.Format("2 Jan")
	}
	return t.Format("02.01.")
}

// ISO is the instant in RFC 3339, for <time datetime>.
func (f Fmt) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Ago says how long before Now t was: "just now", "3 hours ago", "2 days ago".
func (f Fmt) Ago(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	d := f.Now.Sub(t)
	if d < 0 {
		n, unit := spanOf(-d)
		return f.pick(n, unit,
			f.T("in 1 second"), f.T("in 1 minute"), f.T("in 1 hour"), f.T("in 1 day"),
			f.Tf("in %s seconds", f.Int(n)), f.Tf("in %s minutes", f.Int(n)), f.Tf("in %s hours", f.Int(n)), f.Tf("in %s days", f.Int(n)))
	}
	if d < time.Minute {
		return f.T("just now")
	}
	n, unit := spanOf(d)
	return f.pick(n, unit,
		f.T("1 second ago"), f.T("1 minute ago"), f.T("1 hour ago"), f.T("1 day ago"),
		f.Tf("%s seconds ago", f.Int(n)), f.Tf("%s minutes ago", f.Int(n)), f.Tf("%s hours ago", f.Int(n)), f.Tf("%s days ago", f.Int(n)))
}

// Age says how old data fetched at t is: "2 days old".
func (f Fmt) Age(d time.Duration) string {
	if d < time.Minute {
		return f.T("less than a minute old")
	}
	n, unit := spanOf(d)
	return f.pick(n, unit,
		f.T("1 second old"), f.T("1 minute old"), f.T("1 hour old"), f.T("1 day old"),
		f.Tf("%s seconds old", f.Int(n)), f.Tf("%s minutes old", f.Int(n)), f.Tf("%s hours old", f.Int(n)), f.Tf("%s days old", f.Int(n)))
}

// spanOf is a duration in its largest whole unit: seconds (0), minutes (1),
// hours (2, up to two days) or days (3). Whole phrases are translated, not
// the unit alone: German declines it ("vor 2 Tagen", "2 Tage alt").
func spanOf(d time.Duration) (n, unit int) {
	switch {
	case d < time.Minute:
		return int(d / time.Second), 0
	case d < time.Hour:
		return int(d / time.Minute), 1
	case d < 48*time.Hour:
		return int(d / time.Hour), 2
	}
	return int(d / (24 * time.Hour)), 3
}

// pick chooses among a phrase's four singular and four plural forms.
func (f Fmt) pick(n, unit int, forms ...string) string {
	if n == 1 {
		return forms[unit]
	}
	return forms[4+unit]
}

// Duration formats how long a run took: "under 1 s", "12 s", "2 min 5 s".
// Runs are recorded to the second, so finer figures would be made up.
func (f Fmt) Duration(d time.Duration) string {
	switch {
	case d < 0:
		return dash
	case d < time.Second:
		return f.T("under 1 s")
	case d < time.Minute:
		return fmt.Sprintf("%d s", int64(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%d min %d s", int64(d/time.Minute), int64(d%time.Minute/time.Second))
	default:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%d h %d min", int64(d/time.Hour), int64(d%time.Hour/time.Minute))
	}
}

// Or returns s, or a dash when s is empty.
func Or(s string) string {
	if strings.TrimSpace(s) == "" {
		return dash
	}
	return s
}

// Label turns a code word into a label: "day_ahead" is "Day ahead".
func Label(s string) string {
	if s == "" {
		return dash
	}
	s = strings.ReplaceAll(s, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// KindLabel names a contract kind for people.
func (f Fmt) KindLabel(k app.Kind) string {
	switch k {
	case app.KindRetail:
		return f.T("Retail")
	case app.KindEnergy:
		return f.T("Energy")
	case app.KindService:
		return f.T("Service")
	case app.KindFlexibility:
		return f.T("Flexibility")
	case app.KindPPA:
		return "PPA"
	case app.KindDayAhead:
		return f.T("Day-ahead")
	case app.KindIntraday:
		return f.T("Intraday")
	case app.KindPartner:
		return f.T("Partner")
	}
	return Label(string(k))
}

// CommodityLabel names a commodity for people.
func (f Fmt) CommodityLabel(c app.Commodity) string {
	switch c {
	case app.CommodityElectricity:
		return f.T("Electricity")
	case app.CommodityGas:
		return f.T("Gas")
	case app.CommodityWater:
		return f.T("Water")
	case app.CommodityHeat:
		return f.T("Heat")
	}
	return Label(string(c))
}

// StatusLabel names a vendor's status word for people. The words are the
// vendors' own, but a handful recur at every vendor and read better in the
// user's language; any other is shown as sent.
func (f Fmt) StatusLabel(status string) string {
	if label, ok := statusLabels[strings.ToLower(strings.TrimSpace(status))]; ok {
		return f.T(label)
	}
	return Label(status)
}

// statusLabels are the status words most vendors share, in English.
var statusLabels = map[string]string{
	"active":      N("Active"),
	"running":     N("Running"),
	"delivering":  N("In delivery"),
	"in_delivery": N("In delivery"),
	"confirmed":   N("Confirmed"),
	"signed":      N("Signed"),
	"approved":    N("Approved"),
	"open":        N("Open"),
	"valid":       N("Valid"),
	"ended":       N("Ended"),
	"terminated":  N("Terminated"),
	"cancelled":   N("Cancelled"),
	"canceled":    N("Cancelled"),
	"expired":     N("Expired"),
	"closed":      N("Closed"),
	"inactive":    N("Inactive"),
	"pending":     N("Pending"),
	"in_progress": N("In progress"),
	"completed":   N("Completed"),
	"finished":    N("Completed"),
	"requested":   N("Requested"),
	"submitted":   N("Submitted"),
	"draft":       N("Draft"),
	"new":         N("New"),
	"waiting":     N("Waiting"),
	"planned":     N("Planned"),
	"scheduled":   N("Planned"),
	"failed":      N("Failed"),
	"rejected":    N("Rejected"),
}

// VendorLabel names a vendor platform for people.
func VendorLabel(v app.Vendor) string { return vendor.Of(v).Label }

// StatusTone maps a vendor's status word to a badge colour: "ok" (active,
// green), "muted" (ended, grey), "warn" (pending, amber), "bad" (failed, red)
// or "neutral".
func StatusTone(status string) string {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "active", "running", "delivering", "in_delivery", "confirmed", "live", "supplying", "signed", "approved", "open", "valid", "executed":
		return "ok"
	case "ended", "terminated", "cancelled", "canceled", "expired", "closed", "inactive", "finished", "completed", "archived", "revoked", "settled":
		return "muted"
	case "pending", "draft", "new", "waiting", "in_progress", "requested", "ordered", "scheduled", "created", "submitted", "offer", "onboarding", "planned":
		return "warn"
	case "failed", "rejected", "error", "declined", "invalid", "disputed":
		return "bad"
	}
	return "neutral"
}

// RunTone maps a sync run's status to a badge colour.
func RunTone(s app.RunStatus) string {
	switch s {
	case app.RunOK:
		return "ok"
	case app.RunPartial:
		return "warn"
	case app.RunFailed:
		return "bad"
	case app.RunRunning:
		return "info"
	case app.RunInterrupted:
		return "muted"
	}
	return "neutral"
}

// Table cells carry their unit in the column header, so that numbers line up
// and the table fits: the plain number for EUR, the currency spelled out
// otherwise.

// CellWorking is a working price in ct/kWh for the table: "28,50". A
// column has one precision, two places, so that 24,63 stands above 31,68
// rather than 24,626; the contract page shows the price exactly.
func (f Fmt) CellWorking(d *app.Decimal, currency string) string {
	if d == nil {
		return dash
	}
	if currency == "" || currency == "EUR" {
		return f.hundredfold(*d, 2, 2)
	}
	return f.WorkingPrice(d, currency)
}

// CellMoney is an amount in EUR for the table: "1.234,56".
func (f Fmt) CellMoney(d *app.Decimal, currency string) string {
	if d == nil {
		return dash
	}
	if currency == "" || currency == "EUR" {
		return f.Decimal(*d, 2, 2)
	}
	return f.Money(d, currency)
}

// CellKWh is an energy quantity for the table in whole kWh: "35.000".
func (f Fmt) CellKWh(d *app.Decimal) string {
	if d == nil {
		return dash
	}
	return f.Decimal(*d, 0, 0)
}

// RunLabel names a sync run's status for people.
func (f Fmt) RunLabel(s app.RunStatus) string {
	switch s {
	case app.RunOK:
		return "OK"
	case app.RunRunning:
		return f.T("Running")
	case app.RunPartial:
		return f.T("Partial")
	case app.RunFailed:
		return f.T("Failed")
	case app.RunInterrupted:
		return f.T("Interrupted")
	}
	return Label(string(s))
}

// breakable lets the German compounds of narrow table headers break at
// their seam, with a hyphen, where the column is too narrow for the whole
// word (browsers hyphenate German only with a dictionary most lack).
func breakable(s string) string { return compoundSeams.Replace(s) }

var compoundSeams = strings.NewReplacer(
	"Arbeitspreis", "Arbeits\u00adpreis",
	"Grundpreis", "Grund\u00adpreis",
	"Jahresverbrauch", "Jahres\u00adver\u00adbrauch",
)
