package export

import (
	"io"
	"time"

	"wattfolio/app/compare"
)

// SavingsLine is one customer's row of the savings view and when the view
// was computed.
type SavingsLine struct {
	Row        compare.SavingsRow
	ComputedAt time.Time
}

// SavingsColumns are the columns of the savings report: one row per
// customer, amounts in EUR, gross.
var SavingsColumns = []Column[SavingsLine]{
	{"customer", "the customer (a [[customer]] of the sources file)", func(l SavingsLine) Cell { return Text(l.Row.Account) }},
	{"profile", "the customer's standard load profile (segment); empty when the sources file names none", func(l SavingsLine) Cell { return Text(l.Row.Profile) }},
	{"current_contract", "the current contract savings are measured against", func(l SavingsLine) Cell { return Text(l.Row.Current) }},
	{"current_eur_year1", "what the current contract costs in a year, gross", func(l SavingsLine) Cell { return Number(l.Row.CurrentCost) }},
	{"best_offer", "the cheapest offer valid today, priced completely", func(l SavingsLine) Cell { return Text(l.Row.Offer) }},
	{"best_offer_eur_year1", "what the best offer costs in year 1, gross, bonuses taken off", func(l SavingsLine) Cell { return Number(l.Row.OfferCost) }},
	{"saving_eur_year1", "current less best offer, year 1; negative: dearer", func(l SavingsLine) Cell { return Number(l.Row.Saving1) }},
	{"saving_eur_year2", "the same for year 2, without one-off bonuses", func(l SavingsLine) Cell { return Number(l.Row.Saving2) }},
	{"saving_pct_year1", "year-1 saving in percent of the current cost", func(l SavingsLine) Cell { return Number(l.Row.SavingPct1) }},
	{"deadline", "the next deadline, a day (YYYY-MM-DD, Europe/Berlin); empty when none is known", func(l SavingsLine) Cell { return day(l.Row.Deadline, 0) }},
	{"deadline_kind", "notice, guarantee_end, min_term_end or bonus_lapse", func(l SavingsLine) Cell { return Text(string(l.Row.DeadlineKind)) }},
	{"at_stake_eur", "the saving lost if nothing is done before the deadline", func(l SavingsLine) Cell { return Number(l.Row.AtStake) }},
	{"note", "why a figure is missing", func(l SavingsLine) Cell { return Text(l.Row.Note) }},
	{"computed_at", "when the figures were computed, ISO 8601 UTC", func(l SavingsLine) Cell { return Time(l.ComputedAt) }},
}

// NewSavingsWriter returns a writer of SavingsColumns to w in dialect d.
func NewSavingsWriter(w io.Writer, d Dialect) *Writer[SavingsLine] {
	return NewWriter(w, d, SavingsColumns)
}
