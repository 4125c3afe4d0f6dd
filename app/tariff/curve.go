package tariff

import (
	"time"

	"wattfolio/app"
)

// Curve is a load curve: the kWh drawn in each slot of equal length, from
// Start on, with no gaps (the loader fills them and says how many).
type Curve struct {
	Start time.Time     // UTC, the start of the first slot
	Step  time.Duration // 15 minutes or 1 hour
	KWh   []app.Decimal
	// Zone is the customer's zone: months, days and clock times of zones
	// are counted in it.
	Zone *time.Location
	// Origin says where the curve came from, for the assumptions a report lists.
	Origin Origin
}

// End is the end of the last slot (exclusive).
func (c Curve) End() time.Time { return c.Start.Add(time.Duration(len(c.KWh)) * c.Step) }

// Origin is a curve's provenance.
type Origin struct {
	// Metered: read from the meters in the cache; else a standard load profile.
	Metered bool
	// Profile is the standard load profile used for the curve or for its
	// gaps ("H25", "G25", ...), and Why it was chosen.
	Profile string
	Why     string
	// Filled counts the slots a metered curve had no reading for and took
	// from the profile's shape.
	Filled int
	// ScalePercent is the user's scaling (+10 is 110 %); 0: as measured.
	ScalePercent int
	// Conversions state how each gas meter's m³ became kWh (the figures
	// and whether they are the meter's own or a default), one per meter.
	Conversions []string
}

// Rate is a price that holds over [Start, End): a spot price per kWh.
// Instants are Unix seconds, as readings' are: a year of quarter-hour
// prices is 35,040 rates, and without time.Time's zone pointer they cost
// the garbage collector nothing.
type Rate struct {
	Start, End int64 // Unix seconds UTC
	PerKWh     app.Decimal
}

// Market is what a tariff's price depends on besides the curve: spot
// prices for the dynamic and indexed models and a PPA asset's production.
type Market struct {
	// Spot is sorted by Start, without overlaps; 15-minute and hourly
	// rates may be mixed. Net prices per kWh.
	Spot []Rate
	// SpotSource names where the spot prices came from, for the report.
	SpotSource app.Msg
	// Production is a PPA asset's production in kWh on the curve's
	// slots; nil when unknown (pay-as-produced then follows consumption).
	Production []app.Decimal
}
