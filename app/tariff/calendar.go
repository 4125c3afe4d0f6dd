package tariff

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"wattfolio/app"
)

// calendar is what every tariff needs to know about a curve's slots in the
// customer's zone, worked out once per curve: converting 35,040 instants to
// local time for each of ten tariffs would cost more than pricing them.
type calendar struct {
	slots  []slotCal
	months []monthCal
	// kWh is the curve's energy per month, exact.
	kWh []app.Decimal
	// total is the curve's energy over the period.
	total app.Decimal
	// share is the period's days as a fraction of a year (each month's
	// days over its year's 365 or 366): yearly charges times share.
	share *big.Rat
}

type slotCal struct {
	month   uint16 // index into calendar.months
	weekday uint8  // time.Weekday
	minute  uint16 // local clock minute of the slot's start, 0..1439
}

type monthCal struct {
	start time.Time // local midnight of the 1st
	month time.Month
	// days counts the local days of the month the curve touches; base
	// prices are charged for them, pro rata over yearDays.
	days, yearDays int
	share          *big.Rat // days / yearDays
	first, end     int      // the month's slots are [first, end)
}

// ErrCurve is returned for a curve the engine cannot price.
var ErrCurve = errors.New("load curve")

func newCalendar(c Curve) (*calendar, error) {
	if c.Step != 15*time.Minute && c.Step != time.Hour {
		return nil, fmt.Errorf("%w: step %s, want 15m or 1h", ErrCurve, c.Step)
	}
	if len(c.KWh) == 0 {
		return nil, fmt.Errorf("%w: no slots", ErrCurve)
	}
	loc := c.Zone
	if loc == nil {
		loc = app.DefaultZone()
	}
	step := int64(c.Step / time.Second)
	start := c.Start.Unix()
	if start%step != 0 {
		return nil, fmt.Errorf("%w: start %s is not on a %s boundary", ErrCurve, c.Start.UTC().Format(time.RFC3339), c.Step)
	}
	n := len(c.KWh)
	cal := &calendar{slots: make([]slotCal, n)}
	monthKey := -1
	lastDay := -1
	for i := 0; i < n; {
		ts := start + int64(i)*step
		lt := time.Unix(ts, 0).In(loc)
		y, m, d := lt.Date()
		next := time.Date(y, m, d+1, 0, 0, 0, 0, loc).Unix()
		if k := y*12 + int(m); k != monthKey {
			if len(cal.months) > 0 {
				cal.months[len(cal.months)-1].end = i
			}
			monthKey = k
			cal.months = append(cal.months, monthCal{
				start:    time.Date(y, m, 1, 0, 0, 0, 0, loc),
				month:    m,
				yearDays: time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay(),
				first:    i,
			})
		}
		mc := &cal.months[len(cal.months)-1]
		if day := y*400 + lt.YearDay(); day != lastDay {
			lastDay = day
			mc.days++
		}
		// Within a day without a clock change, the clock advances with the
		// instants; only the two DST days need a zone lookup per slot.
		_, off0 := lt.Zone()
		_, off1 := time.Unix(next-1, 0).In(loc).Zone()
		minute0 := lt.Hour()*60 + lt.Minute()
		wd := uint8(lt.Weekday())
		mi := uint16(len(cal.months) - 1)
		for ; i < n && start+int64(i)*step < next; i++ {
			t := start + int64(i)*step
			minute := minute0 + int((t-ts)/60)
			if off0 != off1 {
				l := time.Unix(t, 0).In(loc)
				minute = l.Hour()*60 + l.Minute()
			}
			cal.slots[i] = slotCal{month: mi, weekday: wd, minute: uint16(minute)}
		}
	}
	cal.months[len(cal.months)-1].end = n
	cal.kWh = make([]app.Decimal, len(cal.months))
	cal.share = new(big.Rat)
	for mi := range cal.months {
		mc := &cal.months[mi]
		mc.share = big.NewRat(int64(mc.days), int64(mc.yearDays))
		cal.share.Add(cal.share, mc.share)
	}
	for mi, mc := range cal.months {
		var sum app.ProductSum
		for _, k := range c.KWh[mc.first:mc.end] {
			sum.AddDecimal(k)
		}
		v, err := decimalOf(&sum)
		if err != nil {
			return nil, fmt.Errorf("%w: energy of %s: %w", ErrCurve, mc.start.Format("2006-01"), err)
		}
		cal.kWh[mi] = v
		if cal.total, err = cal.total.Add(v); err != nil {
			return nil, fmt.Errorf("%w: energy of the period: %w", ErrCurve, err)
		}
	}
	return cal, nil
}

// decimalOf returns an exact sum of decimals (no products) as a Decimal.
func decimalOf(s *app.ProductSum) (app.Decimal, error) {
	if err := s.Err(); err != nil {
		return 0, err
	}
	return app.DecimalFromRat(s.Rat())
}

// zoneMatcher is a Zone compiled for the slot loop.
type zoneMatcher struct {
	months             uint16 // bit m set: month m matches; 0: every month
	weekdays           uint8  // bit d set: weekday d matches; 0: every day
	from, to           uint16
	whole              bool
	validFrom, validTo int64 // Unix seconds; 0: unbounded
	perKWh             app.Decimal
}

func compileZones(zs []Zone, what string) ([]zoneMatcher, error) {
	out := make([]zoneMatcher, len(zs))
	for i, z := range zs {
		if z.From < 0 || z.From >= 1440 || z.To < 0 || z.To > 1440 {
			return nil, fmt.Errorf("%s[%d] %q: clock times must be within a day", what, i, z.Name)
		}
		zm := zoneMatcher{from: uint16(z.From), to: uint16(z.To), whole: z.From == z.To, perKWh: z.PerKWh}
		for _, m := range z.Months {
			if m < time.January || m > time.December {
				return nil, fmt.Errorf("%s[%d] %q: month %d", what, i, z.Name, m)
			}
			zm.months |= 1 << m
		}
		for _, d := range z.Weekdays {
			if d < time.Sunday || d > time.Saturday {
				return nil, fmt.Errorf("%s[%d] %q: weekday %d", what, i, z.Name, d)
			}
			zm.weekdays |= 1 << d
		}
		if !z.ValidFrom.IsZero() {
			zm.validFrom = z.ValidFrom.Unix()
		}
		if !z.ValidTo.IsZero() {
			zm.validTo = z.ValidTo.Unix()
		}
		out[i] = zm
	}
	return out, nil
}

// price returns the price of the last zone matching the slot, or def.
func price(zs []zoneMatcher, cal *calendar, s slotCal, ts int64, def app.Decimal) app.Decimal {
	for i := len(zs) - 1; i >= 0; i-- {
		z := &zs[i]
		if z.months != 0 && z.months&(1<<cal.months[s.month].month) == 0 {
			continue
		}
		if z.weekdays != 0 && z.weekdays&(1<<s.weekday) == 0 {
			continue
		}
		if z.validFrom != 0 && ts < z.validFrom || z.validTo != 0 && ts >= z.validTo {
			continue
		}
		in := z.whole
		if !in {
			if z.from < z.to {
				in = s.minute >= z.from && s.minute < z.to
			} else {
				in = s.minute >= z.from || s.minute < z.to
			}
		}
		if in {
			return z.perKWh
		}
	}
	return def
}
