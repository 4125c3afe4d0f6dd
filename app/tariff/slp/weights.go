package slp

import (
	"fmt"
	"sync"
	"time"

	"wattfolio/app"
)

const (
	quarterHour = 15 * time.Minute
	secPerQ     = int64(quarterHour / time.Second)
	secPerDay   = 96 * secPerQ
)

// defaultZone is loaded once: a tz lookup costs more than a year's curve.
var defaultZone = sync.OnceValue(app.DefaultZone)

// Weights returns the profile's value (kWh per quarter hour for 1,000,000
// kWh a year, dynamised where the profile is) for every quarter hour in
// [from, to). from and to are instants on quarter hours; loc is the
// customer's zone (nil: Europe/Berlin), in which dates and clock times are
// read.
func Weights(p Profile, from, to time.Time, loc *time.Location) ([]float64, error) {
	t, loc, err := prepare(p, from, to, loc)
	if err != nil {
		return nil, err
	}
	return t.appendWeights(make([]float64, 0, to.Sub(from)/quarterHour), from, to, loc), nil
}

func prepare(p Profile, from, to time.Time, loc *time.Location) (*profile, *time.Location, error) {
	t, err := table(p)
	if err != nil {
		return nil, nil, err
	}
	if !from.Before(to) {
		return nil, nil, fmt.Errorf("%w: from %s is not before to %s", ErrSpan, from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	for _, x := range []time.Time{from, to} {
		if !x.Truncate(quarterHour).Equal(x) {
			return nil, nil, fmt.Errorf("%w: %s is not on a quarter hour", ErrSpan, x.UTC().Format(time.RFC3339Nano))
		}
	}
	if loc == nil {
		loc = defaultZone()
	}
	return t, loc, nil
}

// appendWeights appends the weights of [from, to) to out.
func (p *profile) appendWeights(out []float64, from, to time.Time, loc *time.Location) []float64 {
	p.walk(from, to, loc, func(row []float64, f float64) {
		for _, v := range row {
			out = append(out, v*f)
		}
	})
	return out
}

// sum returns the sum of the weights of [from, to), as summing
// appendWeights's result would, to the last bit.
func (p *profile) sum(from, to time.Time, loc *time.Location) float64 {
	var s float64
	p.walk(from, to, loc, func(row []float64, f float64) {
		for _, v := range row {
			s += float64(v * f) // the conversion forbids a fused multiply-add (arm64)
		}
	})
	return s
}

// walk calls fn, in order, with the rows of each local day's typical day
// that the quarter hours of [from, to) take, and the day's factor.
//
// Rather than converting each quarter hour to local time, it steps through
// the zone's periods of constant offset (Berlin has three a year) and does
// integer arithmetic on the local clock inside them: a year then costs a
// few hundred date computations, not 35,040.
func (p *profile) walk(from, to time.Time, loc *time.Location, fn func(row []float64, f float64)) {
	for t := from; t.Before(to); {
		lt := t.In(loc)
		_, off := lt.Zone()
		_, end := lt.ZoneBounds()
		stop := to
		if !end.IsZero() && end.Before(to) {
			stop = end
		}
		// A quarter hour belongs to the period its start is in, so that
		// zones whose changes are off the quarter hour lose no slot.
		n := int((stop.Sub(t) + quarterHour - 1) / quarterHour)
		wall := t.Unix() + int64(off)
		for k := 0; k < n; {
			w := wall + int64(k)*secPerQ
			day := w / secPerDay
			if w < 0 && w%secPerDay != 0 {
				day--
			}
			sec := w - day*secPerDay
			q := int(sec / secPerQ)
			c := min(n-k, int((secPerDay-sec+secPerQ-1)/secPerQ))
			date := time.Unix(day*secPerDay, 0).UTC()
			y, m, d := date.Date()
			f := 1.0
			if p.factor != nil {
				f = p.factor(date.YearDay())
			}
			fn(p.day(m, d, dayType(y, m, d, date.Weekday()))[q:q+c], f)
			k += c
		}
		t = t.Add(time.Duration(n) * quarterHour)
	}
}
