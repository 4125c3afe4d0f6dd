package views

import (
	"strconv"
	"strings"
	"time"

	"wattfolio/app/offer"
	"wattfolio/app/offerfile"
	"wattfolio/app/tariff"
)

// Offers is the offers page.
type Offers struct {
	Chrome
	Offers []offer.Offer
	// Notice says what the POST this page answers did; Mark is the offer
	// it added or changed, highlighted.
	Notice string
	Mark   int64
}

// OfferLink is the edit form of offer id.
func (c Chrome) OfferLink(id int64, action string) string {
	return c.Link("/offers/"+strconv.FormatInt(id, 10)+action, nil)
}

// OfferState is an offer's validity today: "expired", "upcoming" or "".
func (m Offers) OfferState(o offer.Offer) string {
	switch {
	case !o.ValidTo.IsZero() && !m.Fmt.Now.Before(o.ValidTo):
		return "expired"
	case !o.ValidFrom.IsZero() && m.Fmt.Now.Before(o.ValidFrom):
		return "upcoming"
	}
	return ""
}

// Validity is the days an offer can be signed, "01.11.2026 – 30.06.2027".
func (f Fmt) OfferValidity(o offer.Offer) string {
	if o.ValidFrom.IsZero() && o.ValidTo.IsZero() {
		return f.T("any time")
	}
	from, to := "", ""
	if !o.ValidFrom.IsZero() {
		from = f.Date(o.ValidFrom)
	}
	if !o.ValidTo.IsZero() {
		to = f.Date(o.ValidTo.Add(-time.Hour)) // the midnight after the last day
	}
	switch {
	case from == "":
		return f.Tf("until %s", to)
	case to == "":
		return f.Tf("from %s", from)
	}
	return from + " – " + to
}

// Guarantee is "12 months, full" or a dash.
func (f Fmt) Guarantee(g tariff.Guarantee) string {
	if g.Months == 0 {
		return dash
	}
	s := f.months(g.Months)
	if g.Scope != "" {
		s += ", " + f.GuaranteeLabel(string(g.Scope))
	}
	return s
}

// GuaranteeLabel names what a price guarantee fixes.
func (f Fmt) GuaranteeLabel(scope string) string {
	switch tariff.GuaranteeScope(scope) {
	case tariff.GuaranteeFull:
		return f.T("full")
	case tariff.GuaranteeLimited:
		return f.T("limited")
	case tariff.GuaranteeEnergy:
		return f.T("energy only")
	}
	return scope
}

// BonusLabel names a one-off bonus.
func (f Fmt) BonusLabel(kind string) string {
	switch tariff.BonusKind(kind) {
	case tariff.InstantBonus:
		return f.T("instant bonus")
	case tariff.NewCustomerBonus:
		return f.T("new-customer bonus")
	}
	return strings.ReplaceAll(kind, "_", " ")
}

// GrossNet says whether an offer's prices include VAT.
func (f Fmt) GrossNet(t tariff.Tariff) string {
	if t.Gross {
		return f.T("gross")
	}
	return f.T("net")
}

// Bonus is the sum of an offer's one-off bonuses, or a dash.
func (f Fmt) Bonus(o offer.Offer) string {
	b := o.BonusTotal()
	if b == 0 {
		return dash
	}
	return f.Money(&b, o.Tariff.Currency)
}

// OfferForm is the form that adds or edits an offer.
type OfferForm struct {
	Chrome
	// ID is the offer edited; 0 adds one. Stored is its stored name.
	ID     int64
	Stored string
	// Values are the inputs as typed (or as stored), by input name.
	Values map[string]string
	// Errors are the problems beside each input; General the rest.
	Errors  map[string][]string
	General []string
}

// V is an input's value.
func (m OfferForm) V(name string) string { return m.Values[name] }

// Err is the problem with an input, "" when none.
func (m OfferForm) Err(name string) string { return strings.Join(m.Errors[name], "; ") }

// InputID is the HTML id of an input.
func InputID(name string) string { return "o-" + strings.NewReplacer(".", "-", "_", "-").Replace(name) }

// Action is where the form posts.
func (m OfferForm) Action() string {
	if m.ID == 0 {
		return m.Link("/offers", nil)
	}
	return m.OfferLink(m.ID, "")
}

// ErrorCount is how many problems the form has.
func (m OfferForm) ErrorCount() int {
	n := len(m.General)
	for _, e := range m.Errors {
		n += len(e)
	}
	return n
}

// Choices of the form's selects.
var (
	OfferModels      = tariff.Models
	OfferCommodities = offer.Commodities
	GuaranteeScopes  = []tariff.GuaranteeScope{tariff.GuaranteeFull, tariff.GuaranteeLimited, tariff.GuaranteeEnergy}
	TermsKeys        = strings.Join(offerfile.TermsKeys, ", ")
)

// ModelLabel names a tariff model.
func (f Fmt) ModelLabel(m tariff.Model) string {
	switch m {
	case tariff.Fixed:
		return f.T("Fixed")
	case tariff.TimeOfUse:
		return f.T("Time of use (HT/NT)")
	case tariff.Dynamic:
		return f.T("Dynamic (spot)")
	case tariff.IndexedMonthly:
		return f.T("Indexed, monthly")
	case tariff.IndexedYearly:
		return f.T("Indexed, yearly")
	case tariff.PPA:
		return "PPA"
	case tariff.Flexibility:
		return f.T("Flexibility")
	}
	return string(m)
}

// TermsExample shows what the terms box takes.
const TermsExample = `[[offer.zone]]
name = "NT"
from = "22:00"
to = "06:00"
ct_per_kwh = 24.5`

// selectOption is one option of a select.
type selectOption struct{ Value, Label string }

func commodityChoices(f Fmt) []selectOption {
	var out []selectOption
	for _, c := range OfferCommodities {
		out = append(out, selectOption{string(c), f.CommodityLabel(c)})
	}
	return out
}

func modelChoices(f Fmt) []selectOption {
	var out []selectOption
	for _, m := range OfferModels {
		out = append(out, selectOption{string(m), f.ModelLabel(m)})
	}
	return out
}

func guaranteeChoices(f Fmt) []selectOption {
	out := []selectOption{{"", f.T("no guarantee")}}
	for _, s := range GuaranteeScopes {
		out = append(out, selectOption{string(s), f.GuaranteeLabel(string(s))})
	}
	return out
}

// withChoice keeps a value the user sent that is not among the choices, so
// that the form shows what was sent beside the message about it.
func withChoice(cs []selectOption, v string) []selectOption {
	for _, c := range cs {
		if c.Value == v {
			return cs
		}
	}
	if v == "" {
		return cs
	}
	return append(append([]selectOption(nil), cs...), selectOption{v, v})
}

func decimalWord(f Fmt) string {
	if f.en() {
		return "point (27.9)"
	}
	return f.T("comma (27,9)")
}
