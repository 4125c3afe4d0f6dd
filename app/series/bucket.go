package series

import (
	"fmt"
	"math/big"
	"sync"
	"time"

	"wattfolio/app"
)

// Resolution is how finely a chart or export aggregates.
type Resolution string

const (
	Native Resolution = ""      // every reading as stored
	Hour   Resolution = "hour"  // local hours
	Day    Resolution = "day"   // local days: 23, 24 or 25 hours
	Month  Resolution = "month" // local calendar months
)

// ParseResolution reads a resolution as a query parameter or flag spells it;
// the ISO 8601 intervals are accepted too (PT15M means native).
func ParseResolution(s string) (Resolution, error) {
	switch s {
	case "", "native", "PT15M", "raw":
		return Native, nil
	case "hour", "PT1H":
		return Hour, nil
	case "day", "P1D":
		return Day, nil
	case "month", "P1M":
		return Month, nil
	}
	return "", fmt.Errorf("resolution %q: want native (PT15M), hour (PT1H), day (P1D) or month (P1M)", s)
}

// BucketStart returns the start of the bucket of res in loc that holds the
// instant ts. Native buckets are the instants themselves.
func BucketStart(ts int64, res Resolution, loc *time.Location) int64 {
	switch res {
	case Hour:
		t := time.Unix(ts, 0).In(loc)
		// Truncate in local time: in a zone with a half-hour offset the
		// local hour does not start on a UTC hour.
		return t.Add(-time.Duration(t.Minute())*time.Minute - time.Duration(t.Second())*time.Second).Unix()
	case Day:
		t := time.Unix(ts, 0).In(loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).Unix()
	case Month:
		t := time.Unix(ts, 0).In(loc)
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc).Unix()
	}
	return ts
}

// NextBucket returns the start of the bucket after the one starting at start.
// Days and months are counted on the calendar, so the day after the
// 2026-03-29 midnight in Berlin starts 23 hours later.
func NextBucket(start int64, res Resolution, loc *time.Location, native int64) int64 {
	t := time.Unix(start, 0).In(loc)
	switch res {
	case Hour:
		return start + 3600
	case Day:
		return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc).Unix()
	case Month:
		return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc).Unix()
	}
	return start + max(native, 1)
}

// DayStart is the local midnight in loc on or before ts.
func DayStart(ts int64, loc *time.Location) int64 { return BucketStart(ts, Day, loc) }

// Bucket is the aggregate of one meter over one bucket: sums of energy and
// cost, and the mean, lowest and highest price. Sums are exact.
type Bucket struct {
	Start, End time.Time // in the meter's zone; End is exclusive

	Consumption app.Decimal // kWh, every channel but feed-in
	FeedIn      app.Decimal // kWh fed into the grid
	Cost        app.Decimal // currency
	// Readings counts consumption readings: 96 quarter hours on a normal
	// day, 92 and 100 on the DST days.
	Readings int64

	PriceSum           app.Decimal
	PriceN             int64
	PriceMin, PriceMax app.Decimal

	HasConsumption, HasFeedIn, HasPrice, HasCost bool
}

// Add folds an aggregate of n readings of one channel into b.
func (b *Bucket) Add(m Measure, channel string, n int64, sum, lo, hi app.Decimal) {
	if n == 0 {
		return
	}
	switch m {
	case Consumption:
		if channel == FeedIn {
			b.FeedIn += sum
			b.HasFeedIn = true
			return
		}
		b.Consumption += sum
		b.Readings += n
		b.HasConsumption = true
	case Cost:
		b.Cost += sum
		b.HasCost = true
	case Price:
		if !b.HasPrice || lo < b.PriceMin {
			b.PriceMin = lo
		}
		if !b.HasPrice || hi > b.PriceMax {
			b.PriceMax = hi
		}
		b.PriceSum += sum
		b.PriceN += n
		b.HasPrice = true
	}
}

// Merge folds o into b (for totals over buckets).
func (b *Bucket) Merge(o Bucket) {
	if o.HasConsumption {
		b.Consumption += o.Consumption
		b.Readings += o.Readings
		b.HasConsumption = true
	}
	if o.HasFeedIn {
		b.FeedIn += o.FeedIn
		b.HasFeedIn = true
	}
	if o.HasCost {
		b.Cost += o.Cost
		b.HasCost = true
	}
	if o.HasPrice {
		b.Add(Price, "", o.PriceN, o.PriceSum, o.PriceMin, o.PriceMax)
	}
	if b.Start.IsZero() || (!o.Start.IsZero() && o.Start.Before(b.Start)) {
		b.Start = o.Start
	}
	if o.End.After(b.End) {
		b.End = o.End
	}
}

// PriceMean is the time-weighted mean price (every reading covers the same
// interval), rounded half away from zero to six places.
func (b Bucket) PriceMean() (app.Decimal, bool) {
	if b.PriceN == 0 {
		return 0, false
	}
	return app.Decimal(divRound64(int64(b.PriceSum), b.PriceN)), true
}

// divRound64 is divRound for a positive int64 divisor, without math/big:
// a chart asks for thousands of mean prices a page.
func divRound64(a, n int64) int64 {
	q, r := a/n, a%n
	if r < 0 {
		r = -r
	}
	if r >= n-r { // 2|r| >= n, without overflowing
		if a < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

// EffectivePrice is cost per kWh consumed: what the energy really cost.
func (b Bucket) EffectivePrice() (app.Decimal, bool) {
	if !b.HasCost || b.Consumption == 0 {
		return 0, false
	}
	num := new(big.Int).Mul(big.NewInt(int64(b.Cost)), big.NewInt(app.DecimalScale))
	return app.Decimal(divRound(num, big.NewInt(int64(b.Consumption)))), true
}

// divRound is a/b rounded half away from zero.
func divRound(a, b *big.Int) int64 {
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(new(big.Int).Abs(b)) >= 0 {
		if (a.Sign() < 0) != (b.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// Total merges buckets into one.
func Total(bs []Bucket) Bucket {
	var t Bucket
	for _, b := range bs {
		t.Merge(b)
	}
	return t
}

// zones keeps the zones LoadZone loaded: time.LoadLocation reads and
// parses the zone's file on every call, and every meter page, read of
// readings and batch of the write path asks for its meter's zone (a
// Location is immutable, so one serves every caller).
var zones sync.Map // name → *time.Location

// LoadZone loads an IANA zone; "" is Europe/Berlin, the default customer
// zone. Zones are kept once loaded.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		name = app.DefaultZoneName
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	zones.Store(name, loc)
	return loc, nil
}
