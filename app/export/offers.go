package export

import (
	"io"
	"time"

	"wattfolio/app"
	"wattfolio/app/offer"
)

// OfferColumns are the columns of the offers list, in order. Prices are in
// the units the offers file uses, and net or gross as the gross column says.
var OfferColumns = []Column[offer.Offer]{
	{"name", "the offer's name, its key", func(o offer.Offer) Cell { return Text(o.Name) }},
	{"supplier", "supplier", func(o offer.Offer) Cell { return Text(o.Supplier) }},
	{"commodity", "electricity, gas or heat", func(o offer.Offer) Cell { return Text(string(o.Commodity)) }},
	{"model", "fixed, tou, dynamic, indexed_monthly, indexed_yearly, ppa or flexibility", func(o offer.Offer) Cell { return Text(string(o.Tariff.Model)) }},
	{"gross", "true when the prices include VAT, false when they are net", func(o offer.Offer) Cell { return Text(boolText(o.Tariff.Gross)) }},
	{"vat_rate", "VAT rate as a fraction: 0.19 for 19 %", func(o offer.Offer) Cell { return Number(&o.Tariff.VATRate) }},
	{"base_eur_per_year", "base price (Grundpreis) in EUR per year; empty when the offer is not in EUR", func(o offer.Offer) Cell { return Number(offerEUR(o, &o.Tariff.BasePerYear)) }},
	{"working_ct_per_kwh", "working price (Arbeitspreis) in euro cents per kWh, the markup on spot for dynamic and indexed offers; empty when not in EUR", func(o offer.Offer) Cell {
		return cents(offerEUR(o, &o.Tariff.WorkingPerKWh))
	}},
	{"bonus_eur", "one-off bonuses of year 1 together, gross", func(o offer.Offer) Cell { return count(o.BonusTotal()) }},
	{"guarantee_months", "months of price guarantee; empty when none", func(o offer.Offer) Cell { return months(o.Tariff.Guarantee.Months) }},
	{"guarantee_scope", "full, limited or energy", func(o offer.Offer) Cell { return Text(string(o.Tariff.Guarantee.Scope)) }},
	{"min_term_months", "minimum term in months; empty when none", func(o offer.Offer) Cell { return months(o.Tariff.MinTermMonths) }},
	{"notice", "notice period, e.g. 1 month or 6 weeks", func(o offer.Offer) Cell { return Text(offer.FormatNotice(o.Tariff.Notice)) }},
	{"valid_from", "first day the offer can be signed (YYYY-MM-DD, Europe/Berlin); empty when open", func(o offer.Offer) Cell { return day(o.ValidFrom, 0) }},
	{"valid_to", "last day the offer can be signed (YYYY-MM-DD, Europe/Berlin); empty when open", func(o offer.Offer) Cell { return day(o.ValidTo, -1) }},
}

// OfferWriter writes the offers list.
type OfferWriter = Writer[offer.Offer]

// NewOfferWriter returns a writer of OfferColumns to w in dialect d.
func NewOfferWriter(w io.Writer, d Dialect) *OfferWriter {
	return NewWriter(w, d, OfferColumns)
}

func offerEUR(o offer.Offer, d *app.Decimal) *app.Decimal {
	if o.Tariff.Currency != "EUR" {
		return nil
	}
	return d
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func count(d app.Decimal) Cell {
	if d == 0 {
		return Cell{}
	}
	return Number(&d)
}

func months(n int) Cell { return count(app.DecimalFromInt(int64(n))) }

// day is the Berlin day of t shifted by days; an offer's ValidTo is the
// midnight after its last day.
func day(t time.Time, days int) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Text(t.In(app.DefaultZone()).AddDate(0, 0, days).Format(time.DateOnly))
}
