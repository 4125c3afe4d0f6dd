// Package tariff prices a load curve under a tariff: what a customer would
// pay, month by month and for a year, under their current contracts and
// under the offers a consultant puts beside them. It is pure Go with no I/O:
// the store loads curves and spot prices, the views and exports show the
// breakdowns.
//
// Rounding rule (one, everywhere): every amount is kept exact inside (sums of
// kWh × price products in 128-bit integers, pro-rata base prices and VAT as
// exact fractions), and each reported total is rounded once, half away from
// zero ("kaufmännisch"), to cents. Rounded columns may therefore differ from
// the sum of their rounded parts by a cent, as on a portal's price sheet.
package tariff

import (
	"time"

	"wattfolio/app"
)

// Model is how a tariff turns energy into money.
type Model string

const (
	// Fixed: a base price per year (charged pro rata per day) and one
	// working price per kWh.
	Fixed Model = "fixed"
	// TimeOfUse: working prices by zone of weekday, clock time and month in
	// the customer's zone (HT/NT); the last matching zone wins.
	TimeOfUse Model = "tou"
	// Dynamic: the spot price of each slot plus a markup (WorkingPerKWh)
	// plus the per-kWh charges.
	Dynamic Model = "dynamic"
	// IndexedMonthly and IndexedYearly: the average spot price of the
	// month or of the whole period (plain or load-weighted, see Average)
	// plus a markup, for every kWh of that month or period.
	IndexedMonthly Model = "indexed_monthly"
	IndexedYearly  Model = "indexed_yearly"
	// PPA: a power purchase agreement settled against the customer's
	// consumption (see PPATerms).
	PPA Model = "ppa"
	// Flexibility: revenue for offering flexibility (see FlexTerms), a
	// negative cost.
	Flexibility Model = "flexibility"
)

// Models lists every model in the order forms offer them.
var Models = []Model{Fixed, TimeOfUse, Dynamic, IndexedMonthly, IndexedYearly, PPA, Flexibility}

// Tariff is everything that decides what a curve costs. The same type
// describes a customer's current contract (mapped from the vendor's
// contract) and a candidate offer (typed in or imported).
//
// Amounts are in Currency; per-kWh prices in Currency per kWh (0.285 is
// 28.5 ct/kWh). Gross says whether the prices include VAT.
type Tariff struct {
	Name      string
	Supplier  string
	Commodity app.Commodity
	Model     Model
	Currency  string // ISO 4217; "EUR" when empty

	// Gross: the prices below include VAT (as households are quoted);
	// false: they are net (as businesses are quoted).
	Gross   bool
	VATRate app.Decimal // a fraction: 0.19

	// BasePerYear is the fixed charge per year (Grundpreis), pro rata per day.
	BasePerYear app.Decimal
	// WorkingPerKWh is the working price (Arbeitspreis) of Fixed; the
	// price outside every zone of TimeOfUse; the markup on the spot price
	// of Dynamic and the indexed models.
	WorkingPerKWh app.Decimal
	// Zones are TimeOfUse's working-price zones.
	Zones []Zone

	// Charges are the components billed on top of the energy price. They
	// are zero where the working price already includes them (a typical
	// household tariff); dynamic and business tariffs list them.
	Charges Charges
	// GridZones are time-variable grid fees (§14a EnWG Module 3): inside a
	// zone its PerKWh replaces Charges.GridPerKWh; the last matching zone wins.
	GridZones []Zone

	// Negative says what a dynamic slot whose price is below zero costs.
	Negative NegativeRule
	// Average says how the indexed models average the spot price.
	Average AverageRule

	PPA  *PPATerms  // Model PPA
	Flex *FlexTerms // Model Flexibility

	Bonuses   []Bonus
	Guarantee Guarantee
	// MinTermMonths is the minimum term from the start of supply; 0: none.
	MinTermMonths int
	// Notice is the notice period before the end of a term.
	Notice Notice
	// Assumptions are what was assumed to build the tariff (e.g. how a
	// vendor's undocumented prices were read), listed first in the notes.
	Assumptions []app.Msg
	// Incomplete says which parts of the bill the tariff does not know
	// (e.g. a wholesale price without grid fees); "": the whole bill.
	// Such a figure is shown but never used for a saving.
	Incomplete string
	// Start is when supply under this tariff started (a current
	// contract) or would start (an offer); zero: the start of the period priced.
	Start time.Time
}

// Charges are per-kWh components and yearly fixed grid charges on top of
// the energy price. Each is net or gross as the tariff says.
type Charges struct {
	GridPerKWh      app.Decimal // Netzentgelt, working part
	GridBasePerYear app.Decimal // Netzentgelt, base and metering part, pro rata per day
	LeviesPerKWh    app.Decimal // Umlagen: KWKG, §19 StromNEV, offshore, ...
	// ElectricityTaxPerKWh is the Stromsteuer (Energiesteuer for gas).
	ElectricityTaxPerKWh app.Decimal
	ConcessionPerKWh     app.Decimal // Konzessionsabgabe
}

// Zone is a window of clock time on some weekdays in some months, in the
// customer's zone. Empty Months or Weekdays mean all of them. From and To
// are minutes after local midnight; To <= From wraps past midnight
// (22:00-06:00); From == To == 0 is the whole day.
type Zone struct {
	Name     string
	Months   []time.Month
	Weekdays []time.Weekday
	From, To int
	// ValidFrom and ValidTo bound the zone in time (UTC; zero: unbounded),
	// as a grid operator's §14a windows hold for some quarters only.
	ValidFrom, ValidTo time.Time
	PerKWh             app.Decimal
}

// NegativeRule is what a slot with a negative price costs.
type NegativeRule string

const (
	// NegativeCredit: a negative price is paid out, and VAT applies to it
	// as to any amount (evcc's default).
	NegativeCredit NegativeRule = "credit"
	// NegativeClamp: the slot's price is taken as zero.
	NegativeClamp NegativeRule = "clamp"
)

// AverageRule is how an indexed tariff averages spot prices.
type AverageRule string

const (
	AveragePlain        AverageRule = "plain"         // every slot counts the same
	AverageLoadWeighted AverageRule = "load_weighted" // weighted by the customer's kWh
)

// PPAKind is how a PPA's volume is shaped.
type PPAKind string

const (
	PayAsProduced PPAKind = "pay_as_produced" // the asset's production, at the PPA price
	Baseload      PPAKind = "baseload"        // a constant power, at the PPA price
	IndexedPPA    PPAKind = "indexed"         // the production at spot less a discount, within floor and cap
)

// PPATerms settle a PPA against the customer's consumption: the PPA volume
// is bought at the PPA price; consumption it does not cover is bought at
// spot plus Charges; surplus volume is sold at spot.
type PPATerms struct {
	Kind PPAKind
	// PricePerKWh is the PPA price (pay-as-produced, baseload); for
	// IndexedPPA the discount subtracted from the spot price.
	PricePerKWh app.Decimal
	BaseloadKW  app.Decimal // Baseload: the constant power
	// Floor and Cap bound IndexedPPA's price per kWh; nil: unbounded.
	Floor, Cap *app.Decimal
	// ResidualMarkup is added to spot for consumption the PPA does not cover.
	ResidualMarkup app.Decimal
}

// FlexTerms are a flexibility contract's fees and the activation plan the
// revenue is computed for. The vendor documents no units: fees are taken to
// be in the tariff's currency, the reservation fee per month of availability.
type FlexTerms struct {
	ReservationPerMonth      app.Decimal
	ActivationFeeWorkdays    app.Decimal // per activation on Monday to Friday
	ActivationFeeNonWorkdays app.Decimal // per activation on weekends and holidays
	MaxPowerKW               app.Decimal
	// MaxActivations caps activations per month; 0: no cap.
	MaxActivations int
	// Plan: activations per month the revenue is computed for.
	PlanWorkdays, PlanNonWorkdays int
}

// BonusKind tells instant bonuses from new-customer bonuses.
type BonusKind string

const (
	InstantBonus     BonusKind = "instant"      // Sofortbonus, paid months after supply starts
	NewCustomerBonus BonusKind = "new_customer" // Neukundenbonus, credited with the first annual bill
)

// Bonus is a one-off amount off year 1. Amount is gross (as portals quote
// it), whatever Tariff.Gross says.
type Bonus struct {
	Kind   BonusKind
	Amount app.Decimal
}

// GuaranteeScope is what a price guarantee fixes.
type GuaranteeScope string

const (
	GuaranteeNone    GuaranteeScope = ""
	GuaranteeFull    GuaranteeScope = "full"    // only VAT and electricity tax changes are passed on
	GuaranteeLimited GuaranteeScope = "limited" // energy and grid fees fixed; taxes and levies passed on
	GuaranteeEnergy  GuaranteeScope = "energy"  // the energy price only
)

// Guarantee is a price guarantee from the start of supply.
type Guarantee struct {
	Months int
	Scope  GuaranteeScope
}

// Notice is a notice period: N days, weeks or months.
type Notice struct {
	N    int
	Unit string // "day", "week" or "month"
}
