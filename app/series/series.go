// Package series holds the domain of meter time series: meters, the three
// measures a portal serves for each (consumption, prices, costs), readings
// and the zone-aware buckets views and exports aggregate them into. It is
// pure (stdlib and app only): the store, the connectors and the views share it.
//
// Instants are Unix seconds in UTC, the start of the interval a reading
// covers. Values are app.Decimal (exact, six places): kWh for consumption,
// currency per kWh for prices, currency for costs.
package series

import (
	"encoding/json"
	"time"

	"wattfolio/app"
)

// Measure is what a series measures.
type Measure string

const (
	Consumption Measure = "consumption" // kWh per interval
	Price       Measure = "price"       // currency per kWh
	Cost        Measure = "cost"        // currency per interval
)

// Measures lists the measures in the order a sync fetches them.
var Measures = []Measure{Consumption, Price, Cost}

// FeedIn is the consumption channel of energy fed into the grid (PV); it
// is reported beside consumption, never added to it.
const FeedIn = "feed-in"

// Interval is an ISO 8601 duration as the vendors spell it.
type Interval string

const (
	PT15M Interval = "PT15M"
	PT1H  Interval = "PT1H"
	P1D   Interval = "P1D"
	P1M   Interval = "P1M"
)

// Fallback is the order a sync tries intervals in: finest first.
var Fallback = []Interval{PT15M, PT1H, P1D}

// Seconds is the nominal length; 0 for P1M, which has none. A P1D reading
// covers a local day, which is 23 or 25 hours on DST days.
func (i Interval) Seconds() int64 {
	switch i {
	case PT15M:
		return 900
	case PT1H:
		return 3600
	case P1D:
		return 86400
	}
	return 0
}

// IntervalOfSeconds is the inverse of Seconds.
func IntervalOfSeconds(s int64) Interval {
	for _, i := range []Interval{PT15M, PT1H, P1D} {
		if i.Seconds() == s {
			return i
		}
	}
	return ""
}

// Meter is a meter of a contract at a vendor, with what the vendor says it
// can serve.
type Meter struct {
	ID                 int64 // the cache's id; 0 before it is stored
	Source             string
	ExternalID         string // the vendor's id of the meter entity
	ContractExternalID string // the vendor's id of the contract it belongs to
	Number             string // meter number as printed on the meter
	Label              string
	Unit               string     // of consumption; "kWh" unless the vendor says otherwise
	Intervals          []Interval // what the vendor offers, finest first
	DataFrom, DataTo   time.Time  // the range the vendor has data for; zero when unknown
	Zone               string     // IANA zone days and months are counted in
	Raw                json.RawMessage
	UpdatedAt          time.Time
}

// Tax is the tax behaviour and rate of a price or cost, as epilot sends it.
type Tax struct {
	Set       bool
	Inclusive bool  // amounts include the tax
	Rate      int64 // percent: 19 for 19 %
}

// Code packs t into one small integer for storage: 0 is no tax information.
func (t Tax) Code() int64 {
	if !t.Set {
		return 0
	}
	c := 1 + 2*t.Rate
	if t.Inclusive {
		c++
	}
	return c
}

// TaxOfCode unpacks Code.
func TaxOfCode(c int64) Tax {
	if c <= 0 {
		return Tax{}
	}
	c--
	return Tax{Set: true, Inclusive: c%2 == 1, Rate: c / 2}
}

// Behavior is "inclusive", "exclusive" or "" when unknown.
func (t Tax) Behavior() string {
	switch {
	case !t.Set:
		return ""
	case t.Inclusive:
		return "inclusive"
	}
	return "exclusive"
}

// Parts are the optional components of a price, each in currency per kWh.
type Parts struct {
	Auction, TaxesLevies, SourceFee, GridFee, Margin *app.Decimal
}

// Reading is one value of one channel at one instant.
type Reading struct {
	// Channel tells a measure's sub-series apart: the consumption type
	// ("nt", "ht", "feed-in", or "" when the vendor gives none); "" for
	// prices and costs.
	Channel string
	TS      int64 // Unix seconds UTC, start of the interval
	Value   app.Decimal
	Tax     Tax
	Parts   *Parts // prices only; nil when the vendor sent none
}

// Batch is one window of one measure of one meter, as the connector read
// it. Storing it also moves the stream's watermark, in the same transaction.
type Batch struct {
	Meter    string // the vendor's meter id
	Measure  Measure
	Interval Interval
	Currency string // prices and costs
	// Unit is the unit the vendor sent the consumption in, as Unit
	// spells it ("" when it sent none): the values are in it.
	Unit     string
	Readings []Reading
	Failures []*app.RecordError
	// Watermark: the stream is complete up to this instant (exclusive)
	// once the batch is stored. Zero leaves it where it was.
	Watermark time.Time
}

// State is where a stream stands in the cache.
type State struct {
	Interval  Interval
	Watermark time.Time // zero: never synced
}

// StreamKey names one stream of a source: a meter (the vendor's id) and a
// measure.
type StreamKey struct {
	Meter   string
	Measure Measure
}

// Row is one row of a readings export: one reading, or one bucket of
// readings of one channel.
type Row struct {
	Meter    *Meter
	Measure  Measure
	Channel  string
	Start    time.Time // UTC
	End      time.Time // UTC, exclusive
	Value    app.Decimal
	N        int64 // readings behind the row
	Currency string
	Tax      Tax
	Parts    *Parts
}
