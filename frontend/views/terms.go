package views

import (
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/vendor"
)

// View helpers for the kind-specific terms (flexibility, PPA, partner).

// Unit formats d with up to places decimals followed by unit: "11,5 kW".
func (f Fmt) Unit(d *app.Decimal, places int, unit string) string {
	if d == nil {
		return dash
	}
	return f.Decimal(*d, 0, places) + nbsp + unit
}

// Celsius formats a temperature: "21,5 °C".
func (f Fmt) Celsius(d *app.Decimal) string { return f.Unit(d, 2, "°C") }

// Count formats an optional whole number, with unit when given: "15 min".
func (f Fmt) Count(n *int64, unit string) string {
	if n == nil {
		return dash
	}
	s := f.Decimal(app.DecimalFromInt(*n), 0, 0)
	if unit != "" {
		s += nbsp + unit
	}
	return s
}

// Code shows a vendor enumeration value that the vendor does not explain.
func (f Fmt) Code(n *int64) string {
	if n == nil {
		return dash
	}
	return f.Tf("%s (vendor code)", strconv.FormatInt(*n, 10))
}

// YesNo says yes, no or unknown for an optional flag.
func (f Fmt) YesNo(b *bool) string {
	switch {
	case b == nil:
		return f.T("unknown")
	case *b:
		return f.T("yes")
	}
	return f.T("no")
}

// Building names the building a partner contract covers.
func (f Fmt) Building(p *app.PartnerTerms) string {
	if p == nil || p.BuildingID == "" {
		return f.T("all buildings")
	}
	return p.BuildingID
}

// PriceNow is the index of the price point in force at now, or -1 when the
// series has not started (or is empty). Points are sorted by From.
func PriceNow(points []app.PricePoint, now time.Time) int {
	at := -1
	for i, p := range points {
		if p.From.After(now) {
			break
		}
		at = i
	}
	return at
}

// PriceWindow is the part of a long price series a page shows: at most max
// n points, starting a little before the one in force now.
func PriceWindow(points []app.PricePoint, now time.Time, n int) (from, to int) {
	if len(points) <= n {
		return 0, len(points)
	}
	cur := PriceNow(points, now)
	from = min(max(cur-n/8, 0), len(points)-n)
	return from, from + n
}

// PointCell is a per-kWh price for a table whose header says ct/kWh.
func (f Fmt) PointCell(d app.Decimal, currency string) string { return f.CellWorking(&d, currency) }

// KeyTerms is the compact one-line summary of a contract's kind-specific
// terms for the portfolio: "Reservation 5,10 € · Activation 6,10/7,10 €",
// "indexed · 25 MW solar · Q1-2026", "spot_hourly · 12,35 ct/kWh now".
// Retail and other kinds without such terms give "".
func (f Fmt) KeyTerms(c app.Contract) string {
	var parts []string
	add := func(s string) {
		if strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	switch {
	case c.Flexibility != nil:
		t := c.Flexibility
		if t.ReservationFee != nil {
			add(f.T("Reservation") + " " + f.Money(t.ReservationFee, c.Prices.Currency))
		}
		if t.ActivationFeeWorkdays != nil || t.ActivationFeeNonWorkdays != nil {
			add(f.T("Activation") + " " + f.feePair(t.ActivationFeeWorkdays, t.ActivationFeeNonWorkdays, c.Prices.Currency))
		}
	case c.PPA != nil:
		t := c.PPA
		add(t.PPAType)
		asset := strings.TrimSpace(t.Technology)
		if t.NominalPowerMW != nil {
			asset = strings.TrimSpace(f.Unit(t.NominalPowerMW, 3, "MW") + " " + asset)
		}
		add(asset)
		add(t.Period)
	case c.Partner != nil:
		t := c.Partner
		add(t.ContractType)
		if i := PriceNow(t.Prices, f.Now); i >= 0 {
			add(f.WorkingPrice(&t.Prices[i].PerKWh, c.Prices.Currency) + " " + f.PriceAge(t, i, f.T("now")))
		} else if len(t.Prices) > 0 {
			add(f.WorkingPrice(&t.Prices[0].PerKWh, c.Prices.Currency) + " " + f.Tf("from %s", f.Date(t.Prices[0].From)))
		}
	}
	return strings.Join(parts, " · ")
}

// feePair formats the workday and non-workday fees with one currency sign:
// "6,10/7,10 €" (German) or "€6.10/7.10" (English).
func (f Fmt) feePair(a, b *app.Decimal, currency string) string {
	num := func(d *app.Decimal) string {
		if d == nil {
			return dash
		}
		return f.Decimal(*d, 2, 2)
	}
	sym := currencySymbol(currency)
	if f.en() {
		if len(sym) > 1 && sym != "€" && sym != "$" && sym != "£" {
			return sym + nbsp + num(a) + "/" + num(b)
		}
		return sym + num(a) + "/" + num(b)
	}
	return num(a) + "/" + num(b) + nbsp + sym
}

// CustomerIDLabel names what a vendor's customer id is.
func (f Fmt) CustomerIDLabel(v app.Vendor) string {
	if l := vendor.Of(v).CustomerID; l != "" {
		return f.T(l)
	}
	return f.T("Customer ID")
}

// includedLabel says whether grid fees, levies and taxes are in a price.
func (f Fmt) includedLabel(b *bool) string {
	switch {
	case b == nil:
		return f.T("unknown")
	case *b:
		return f.T("included")
	}
	return f.T("on top")
}

// joinNonEmpty joins the parts that are set with " · ".
func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" && p != dash {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// unitOrEmpty is f.Unit, or "" for nil.
func unitOrEmpty(f Fmt, d *app.Decimal, unit string) string {
	if d == nil {
		return ""
	}
	return f.Unit(d, 3, unit)
}

// maxPricePoints is how many prices of a series the contract page lists.
const maxPricePoints = 168

// ZoneName names the zone times are shown in: "Europe/Berlin".
func (f Fmt) ZoneName() string { return f.loc().String() }

// perKWhUnit is the unit of a price column: ct/kWh for EUR.
func perKWhUnit(currency string) string {
	if currency == "" || currency == "EUR" {
		return "ct/kWh"
	}
	return currency + "/kWh"
}

// currencyName is the currency for a note: "EUR" when unset.
func currencyName(currency string) string {
	if currency == "" {
		return "EUR"
	}
	return currency
}

// decOr formats a plain decimal without unit, or a dash.
func decOr(f Fmt, d *app.Decimal) string {
	if d == nil {
		return dash
	}
	return f.Decimal(*d, 0, 6)
}

// StalePrice is how long a partner contract's price point may have been in
// force before it is more likely the end of the series than today's price:
// an hourly spot price a day, a monthly price a month and a half, a yearly
// one a year and a bit.
func StalePrice(contractType string) time.Duration {
	switch {
	case strings.Contains(contractType, "hour"), strings.Contains(contractType, "spot"):
		return 24 * time.Hour
	case strings.Contains(contractType, "year"):
		return 400 * 24 * time.Hour
	}
	return 45 * 24 * time.Hour
}

// PriceAge says when the price point i took effect if that is so long ago
// that the series has probably ended; else fresh ("now").
func (f Fmt) PriceAge(p *app.PartnerTerms, i int, fresh string) string {
	from := p.Prices[i].From
	if age := f.Now.Sub(from); age > StalePrice(p.ContractType) {
		return f.Tf("(stale: last price, from %s, %s)", f.Date(from), f.Age(age))
	}
	return fresh
}

// PriceWithAge is price point i, with its age when it is stale.
func (f Fmt) PriceWithAge(p *app.PartnerTerms, i int, currency string) string {
	s := f.WorkingPrice(&p.Prices[i].PerKWh, currency)
	if age := f.PriceAge(p, i, ""); age != "" {
		s += " " + age
	}
	return s
}
