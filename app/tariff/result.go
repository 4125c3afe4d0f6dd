package tariff

import (
	"time"

	"wattfolio/app"
)

// Breakdown is what one month or one year costs, each figure rounded once
// to cents (see the package comment). Components are net; Bonus is
// negative (money off).
type Breakdown struct {
	KWh        app.Decimal // energy priced
	Energy     app.Decimal // working price, or spot plus markup
	Base       app.Decimal // base price, pro rata
	Grid       app.Decimal // grid fees, per kWh and yearly
	Levies     app.Decimal
	Tax        app.Decimal // electricity tax
	Concession app.Decimal
	Bonus      app.Decimal // one-off bonuses, negative
	Net        app.Decimal
	VAT        app.Decimal
	Gross      app.Decimal
	// EffectiveCtPerKWh is Gross per kWh in cent, to four places.
	EffectiveCtPerKWh app.Decimal
}

// Month is one local calendar month's breakdown.
type Month struct {
	Start time.Time // local midnight of the first day, in the curve's zone
	Breakdown
}

// Result is a tariff priced on a curve.
type Result struct {
	Tariff string
	Model  Model
	From   time.Time // the curve's span, UTC
	To     time.Time
	// Months holds year 1's months (bonuses in the month they are credited).
	Months []Month
	// Year1 is the period with the bonuses; Year2 the same curve and
	// prices without them, as portals show the second year.
	Year1, Year2 Breakdown
	// GuaranteedUntil is the end of the price guarantee; zero: none.
	GuaranteedUntil time.Time
	// Incomplete is the tariff's Incomplete: the figure misses parts of the bill.
	Incomplete string
	// Notes are the assumptions behind the figure, in plain words.
	Notes []app.Msg
}
