// Package offer holds candidate offers: tariffs a consultant puts beside a
// customer's current contracts that live in no vendor system. They are the
// user's own data, typed in or imported from an offers file, and no sync
// ever touches them. The package is pure: no I/O, no SQL.
package offer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/tariff"
)

// Offer is one candidate offer.
type Offer struct {
	// ID is the cache's id, set by the store; 0 before the offer is stored.
	ID int64
	// Name is the key: unique in the cache, the name an import updates by.
	Name      string
	Supplier  string
	Commodity app.Commodity
	// Tariff is what the offer costs. Its Name, Supplier and Commodity
	// repeat the offer's; the parser and the store keep them equal, so the
	// engine can be handed Tariff alone.
	Tariff tariff.Tariff
	// ValidFrom and ValidTo bound when the offer can be signed: ValidFrom
	// is the start of the first day, ValidTo the end of the last (the
	// midnight after it), both in Europe/Berlin and held as UTC instants;
	// zero is open.
	ValidFrom, ValidTo time.Time
	Notes              string
	// UpdatedAt is when the cache last saved the offer, set by the store.
	UpdatedAt time.Time
}

// ErrNameTaken is returned by a store asked to save an offer under a name
// another offer has; names are unique.
var ErrNameTaken = errors.New("another offer has this name")

// FieldError is one problem with one field, named by its path in the
// offers file's vocabulary ("working_price_ct_per_kwh", "zone[1].from",
// "bonus[0].amount_eur"), so that a form can show it beside its input and
// the file parser can point at the line.
type FieldError struct {
	Field string
	// Msg is in English; a page shows it in the user's language.
	Msg app.Msg
}

func (e FieldError) Error() string { return e.Field + ": " + e.Msg.String() }

// Commodities are the commodities an offer can be for: the ones priced per kWh.
var Commodities = []app.Commodity{app.CommodityElectricity, app.CommodityGas, app.CommodityHeat}

// NoticeUnits are the units a notice period is given in.
var NoticeUnits = []string{"day", "week", "month"}

// Validate returns every problem with o, in field order; nil when there is none.
func (o Offer) Validate() []FieldError {
	v := &validator{}
	t := &o.Tariff
	v.text("name", o.Name, true)
	v.text("supplier", o.Supplier, true)
	if !slices.Contains(Commodities, o.Commodity) {
		v.add("commodity", app.Msgf("must be one of %s", list(Commodities)))
	}
	if !slices.Contains(tariff.Models, t.Model) {
		v.add("model", app.Msgf("must be one of %s", list(tariff.Models)))
	}
	if len(t.Currency) != 3 || strings.ContainsFunc(t.Currency, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		v.add("currency", app.Msgf("must be an ISO 4217 code such as EUR"))
	}
	if t.VATRate < 0 || t.VATRate > app.DecimalFromInt(1) {
		v.add("vat_percent", app.Msgf("must be between 0 and 100"))
	}
	v.notNegative("base_price_eur_per_year", t.BasePerYear)
	v.notNegative("working_price_ct_per_kwh", t.WorkingPerKWh)
	if t.Model == tariff.Fixed && t.WorkingPerKWh == 0 {
		v.add("working_price_ct_per_kwh", app.Msgf("a fixed tariff needs a working price"))
	}
	v.notNegative("charges.grid_ct_per_kwh", t.Charges.GridPerKWh)
	v.notNegative("charges.grid_base_eur_per_year", t.Charges.GridBasePerYear)
	v.notNegative("charges.levies_ct_per_kwh", t.Charges.LeviesPerKWh)
	v.notNegative("charges.electricity_tax_ct_per_kwh", t.Charges.ElectricityTaxPerKWh)
	v.notNegative("charges.concession_ct_per_kwh", t.Charges.ConcessionPerKWh)

	switch {
	case t.Model == tariff.TimeOfUse && len(t.Zones) == 0:
		v.add("zone", app.Msgf("a time-of-use tariff needs at least one zone"))
	case t.Model != tariff.TimeOfUse && len(t.Zones) > 0:
		v.add("zone", app.Msgf("only a time-of-use tariff (model tou) has zones; grid fee windows go in grid_zone"))
	}
	v.zones("zone", t.Zones)
	v.zones("grid_zone", t.GridZones)

	switch {
	case t.Model == tariff.Dynamic && t.Negative == "":
		v.add("negative", app.Msgf("a dynamic tariff must say what a negative price costs: credit or clamp"))
	case t.Negative != "" && !slices.Contains([]tariff.NegativeRule{tariff.NegativeCredit, tariff.NegativeClamp}, t.Negative):
		v.add("negative", app.Msgf("must be credit or clamp"))
	case t.Negative != "" && t.Model != tariff.Dynamic && t.Model != tariff.PPA:
		v.add("negative", app.Msgf("applies to dynamic tariffs and PPAs only"))
	}
	indexed := t.Model == tariff.IndexedMonthly || t.Model == tariff.IndexedYearly
	switch {
	case indexed && t.Average == "":
		v.add("average", app.Msgf("an indexed tariff must say how it averages the spot price: plain or load_weighted"))
	case t.Average != "" && !slices.Contains([]tariff.AverageRule{tariff.AveragePlain, tariff.AverageLoadWeighted}, t.Average):
		v.add("average", app.Msgf("must be plain or load_weighted"))
	case t.Average != "" && !indexed:
		v.add("average", app.Msgf("applies to indexed tariffs only"))
	}

	if v.modelTerms("ppa", t.Model, tariff.PPA, t.PPA != nil, app.Msgf("a PPA")) {
		v.ppa(t.PPA)
	}
	if v.modelTerms("flex", t.Model, tariff.Flexibility, t.Flex != nil, app.Msgf("a flexibility contract")) {
		v.flex(t.Flex)
	}
	if (t.Model == tariff.PPA || t.Model == tariff.Flexibility) && o.Commodity != app.CommodityElectricity && o.Commodity != "" {
		v.add("model", app.Msgf("%s is for electricity only", t.Model))
	}

	for i, b := range t.Bonuses {
		f := fmt.Sprintf("bonus[%d].", i)
		if !slices.Contains([]tariff.BonusKind{tariff.InstantBonus, tariff.NewCustomerBonus}, b.Kind) {
			v.add(f+"kind", app.Msgf("must be instant or new_customer"))
		}
		if b.Amount <= 0 {
			v.add(f+"amount_eur", app.Msgf("must be more than 0"))
		}
	}
	g := t.Guarantee
	switch {
	case g.Months < 0:
		v.add("guarantee.months", app.Msgf("must not be negative"))
	case g.Months > 0 && g.Scope == tariff.GuaranteeNone:
		v.add("guarantee.scope", app.Msgf("must say what the guarantee fixes: full, limited or energy"))
	case g.Months == 0 && g.Scope != tariff.GuaranteeNone:
		v.add("guarantee.months", app.Msgf("must be more than 0 for a %s guarantee", g.Scope))
	}
	if g.Scope != tariff.GuaranteeNone && !slices.Contains([]tariff.GuaranteeScope{tariff.GuaranteeFull, tariff.GuaranteeLimited, tariff.GuaranteeEnergy}, g.Scope) {
		v.add("guarantee.scope", app.Msgf("must be full, limited or energy"))
	}
	if t.MinTermMonths < 0 {
		v.add("min_term_months", app.Msgf("must not be negative"))
	}
	switch n := t.Notice; {
	case n.N < 0:
		v.add("notice", app.Msgf("must not be negative"))
	case n.N > 0 && !slices.Contains(NoticeUnits, n.Unit):
		v.add("notice", app.Msgf("unit must be day, week or month"))
	case n.N == 0 && n.Unit != "":
		v.add("notice", app.Msgf("a notice period of 0 has no unit; leave it out"))
	}
	if !o.ValidFrom.IsZero() && !o.ValidTo.IsZero() && !o.ValidTo.After(o.ValidFrom) {
		v.add("valid_to", app.Msgf("is before valid_from"))
	}
	return v.errs
}

type validator struct{ errs []FieldError }

func (v *validator) add(field string, m app.Msg) {
	v.errs = append(v.errs, FieldError{Field: field, Msg: m})
}

func (v *validator) text(field, s string, required bool) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.add(field, app.Msgf("is required"))
	case strings.TrimSpace(s) != s:
		v.add(field, app.Msgf("has leading or trailing spaces"))
	}
}

func (v *validator) notNegative(field string, d app.Decimal) {
	if d < 0 {
		v.add(field, app.Msgf("must not be negative"))
	}
}

func (v *validator) zones(field string, zs []tariff.Zone) {
	for i, z := range zs {
		f := fmt.Sprintf("%s[%d].", field, i)
		v.text(f+"name", z.Name, false)
		for _, m := range z.Months {
			if m < time.January || m > time.December {
				v.add(f+"months", app.Msgf("must be months 1 to 12"))
				break
			}
		}
		for _, d := range z.Weekdays {
			if d < time.Sunday || d > time.Saturday {
				v.add(f+"weekdays", app.Msgf("must be weekdays mon to sun"))
				break
			}
		}
		if z.From < 0 || z.From >= 24*60 {
			v.add(f+"from", app.Msgf("must be HH:MM between 00:00 and 23:59"))
		}
		if z.To < 0 || z.To >= 24*60 {
			v.add(f+"to", app.Msgf("must be HH:MM between 00:00 and 23:59"))
		}
		if z.From == z.To && z.From != 0 {
			v.add(f+"to", app.Msgf("equals from; write from = \"00:00\" and to = \"00:00\" for the whole day"))
		}
		v.notNegative(f+"ct_per_kwh", z.PerKWh)
		if !z.ValidFrom.IsZero() && !z.ValidTo.IsZero() && !z.ValidTo.After(z.ValidFrom) {
			v.add(f+"valid_to", app.Msgf("is before valid_from"))
		}
	}
}

// modelTerms checks that the terms of field are there if and only if the
// model is theirs, and says whether they are there to be checked.
func (v *validator) modelTerms(field string, model, theirs tariff.Model, present bool, what app.Msg) bool {
	switch {
	case model == theirs && !present:
		v.add(field, app.Msgf("%s needs its %s terms", what, field))
	case model != theirs && present:
		v.add(field, app.Msgf("only %s (model %s) has %s terms", what, theirs, field))
	}
	return model == theirs && present
}

func (v *validator) ppa(p *tariff.PPATerms) {
	if !slices.Contains([]tariff.PPAKind{tariff.PayAsProduced, tariff.Baseload, tariff.IndexedPPA}, p.Kind) {
		v.add("ppa.kind", app.Msgf("must be pay_as_produced, baseload or indexed"))
	}
	if p.Kind != tariff.IndexedPPA {
		v.notNegative("ppa.price_ct_per_kwh", p.PricePerKWh)
	}
	switch {
	case p.Kind == tariff.Baseload && p.BaseloadKW <= 0:
		v.add("ppa.baseload_kw", app.Msgf("a baseload PPA needs its constant power, more than 0"))
	case p.Kind != tariff.Baseload && p.BaseloadKW != 0:
		v.add("ppa.baseload_kw", app.Msgf("applies to baseload PPAs only"))
	}
	if (p.Floor != nil || p.Cap != nil) && p.Kind != tariff.IndexedPPA {
		v.add("ppa.floor_ct_per_kwh", app.Msgf("floor and cap apply to indexed PPAs only"))
	}
	if p.Floor != nil && p.Cap != nil && *p.Cap < *p.Floor {
		v.add("ppa.cap_ct_per_kwh", app.Msgf("is below the floor"))
	}
	v.notNegative("ppa.residual_markup_ct_per_kwh", p.ResidualMarkup)
}

func (v *validator) flex(f *tariff.FlexTerms) {
	v.notNegative("flex.reservation_eur_per_month", f.ReservationPerMonth)
	v.notNegative("flex.activation_fee_workdays_eur", f.ActivationFeeWorkdays)
	v.notNegative("flex.activation_fee_non_workdays_eur", f.ActivationFeeNonWorkdays)
	v.notNegative("flex.max_power_kw", f.MaxPowerKW)
	for _, c := range []struct {
		field string
		n     int
	}{{"flex.max_activations", f.MaxActivations}, {"flex.plan_workdays", f.PlanWorkdays}, {"flex.plan_non_workdays", f.PlanNonWorkdays}} {
		if c.n < 0 {
			v.add(c.field, app.Msgf("must not be negative"))
		}
	}
	if f.MaxActivations > 0 && f.PlanWorkdays+f.PlanNonWorkdays > f.MaxActivations {
		v.add("flex.plan_workdays", app.Msgf("the plan's %d activations a month exceed max_activations (%d)", f.PlanWorkdays+f.PlanNonWorkdays, f.MaxActivations))
	}
}

func list[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// FormatNotice writes a notice period as the offers file does: "1 month",
// "6 weeks"; "" for none.
func FormatNotice(n tariff.Notice) string {
	if n.N == 0 {
		return ""
	}
	if n.N == 1 {
		return fmt.Sprintf("1 %s", n.Unit)
	}
	return fmt.Sprintf("%d %ss", n.N, n.Unit)
}

// BonusTotal is the sum of the offer's one-off bonuses (gross).
func (o Offer) BonusTotal() app.Decimal {
	var sum app.Decimal
	for _, b := range o.Tariff.Bonuses {
		sum += b.Amount
	}
	return sum
}

// ValidOn reports whether the offer can be signed at t: from ValidFrom on,
// before ValidTo (the midnight after its last day); zero bounds are open.
func (o Offer) ValidOn(t time.Time) bool {
	return (o.ValidFrom.IsZero() || !t.Before(o.ValidFrom)) && (o.ValidTo.IsZero() || t.Before(o.ValidTo))
}

// Validity says in words when the offer can be signed, with days in
// Europe/Berlin: "from 2026-01-01 to 2026-03-31".
func (o Offer) Validity() string {
	loc := app.DefaultZone()
	var parts []string
	if !o.ValidFrom.IsZero() {
		parts = append(parts, "from "+o.ValidFrom.In(loc).Format("2006-01-02"))
	}
	if !o.ValidTo.IsZero() {
		parts = append(parts, "to "+o.ValidTo.In(loc).AddDate(0, 0, -1).Format("2006-01-02"))
	}
	if len(parts) == 0 {
		return "at any time"
	}
	return strings.Join(parts, " ")
}
