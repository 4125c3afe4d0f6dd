package app

import (
	"time"
	_ "time/tzdata" // see DefaultZone
)

// DefaultZoneName is the customer's zone unless a meter says otherwise: days
// and months of readings and contract dates are bucketed in it.
const DefaultZoneName = "Europe/Berlin"

// DefaultZone returns Europe/Berlin. Go's copy of the tz database is
// embedded (about 450 kB), so it loads on machines without one, such as
// Windows, instead of failing there or silently falling back to UTC.
func DefaultZone() *time.Location {
	loc, err := time.LoadLocation(DefaultZoneName)
	if err != nil {
		panic("embedded tz database lacks " + DefaultZoneName + ": " + err.Error())
	}
	return loc
}
