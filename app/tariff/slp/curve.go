package slp

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"wattfolio/app"
)

// MaxAnnualKWh bounds Curve's annual consumption: beyond it a slot's share,
// computed in float64 millionths of a kWh, would no longer be exact to the
// unit. Standard load profiles are for customers below 100,000 kWh a year.
const MaxAnnualKWh = 1_000_000_000

// Curve spreads annualKWh over the profile: the kWh of each quarter hour in
// [from, to), exact to six places. The scale is annualKWh divided by the sum
// of the weights over the year that starts at local midnight of from's local
// date (to the same date a year later; 29 February runs to 1 March), so
// that the values over exactly that year sum to annualKWh to the last
// digit. Over another span they are the same scale applied to the span's
// weights and sum exactly to that share, rounded to six places.
//
// The rounding to six places is apportioned by largest remainders: every
// slot gets its share rounded down, and the units still missing go to the
// slots with the largest remainders, the earlier slot first on a tie, so
// that equal inputs give equal curves.
func Curve(p Profile, annualKWh app.Decimal, from, to time.Time, loc *time.Location) ([]app.Decimal, error) {
	t, loc, err := prepare(p, from, to, loc)
	if err != nil {
		return nil, err
	}
	if annualKWh < 0 || annualKWh > app.DecimalFromInt(MaxAnnualKWh) {
		return nil, fmt.Errorf("%w: %s kWh a year, want 0 to %d", ErrAmount, annualKWh, MaxAnnualKWh)
	}
	y, m, d := from.In(loc).Date()
	yearFrom := time.Date(y, m, d, 0, 0, 0, 0, loc)
	yearTo := time.Date(y+1, m, d, 0, 0, 0, 0, loc)

	buf := scratch.Get().(*[]float64)
	defer scratch.Put(buf)
	w := t.appendWeights((*buf)[:0], from, to, loc)
	*buf = w
	span := total(w)
	units := float64(annualKWh) // millionths of a kWh
	share := int64(annualKWh)
	year := span
	if !from.Equal(yearFrom) || !to.Equal(yearTo) {
		year = t.sum(yearFrom, yearTo, loc)
		share = int64(math.Round(units * (span / year)))
	}
	if year <= 0 {
		return nil, fmt.Errorf("slp: %s has no weight in the year from %s", p, yearFrom.Format(time.DateOnly))
	}
	return apportion(w, units/year, share)
}

// scratch holds the weights of a curve while it is rounded: the tariff
// engine asks for hundreds of curves in a row, and a year's weights are
// 280 kB that the garbage collector would otherwise clear and collect.
var scratch = sync.Pool{New: func() any { return new([]float64) }}

// total sums in slice order, as profile.sum does.
func total[T float64 | app.Decimal](v []T) T {
	var s T
	for _, x := range v {
		s += x
	}
	return s
}

// apportion returns the weights times scale in whole units, rounded so
// that they sum to target. It overwrites w with the remainders.
func apportion(w []float64, scale float64, target int64) ([]app.Decimal, error) {
	out := make([]app.Decimal, len(w))
	var floors int64
	var count histogram
	for i, x := range w {
		u := float64(x * scale) // rounded as stored: no fused multiply-add into the remainder
		f := int64(u)           // u >= 0: truncation is the floor, and cheaper
		out[i] = app.Decimal(f)
		w[i] = u - float64(f)
		count[bucket(w[i])]++
		floors += f
	}
	k := target - floors
	delta := app.Decimal(1)
	if k < 0 {
		// Float error only: take back units where the least was cut off,
		// never below zero.
		k, delta = -k, -1
		count = histogram{}
		for i, r := range w {
			w[i] = 1 - r
			if out[i] == 0 {
				w[i] = -1
				continue
			}
			count[bucket(w[i])]++
		}
	}
	if k > 0 && !raise(out, w, &count, int(k), delta) {
		return nil, fmt.Errorf("slp: cannot round %d slots to a total of %d units", len(w), target)
	}
	return out, nil
}

// A histogram of keys within [0, 1]: sorting 35,040 remainders would cost
// more than the rest of a year's curve, so raise finds the bucket the k-th
// largest key is in and sorts only that bucket's slots.
type histogram [1024]int

func bucket(r float64) int { return min(int(r*float64(len(histogram{}))), len(histogram{})-1) }

// raise adds delta to the k slots with the largest keys, the earlier slot
// first among equal keys; false if fewer than k can take it. count is the
// histogram of the keys that are not negative; a negative key is never
// picked.
func raise(out []app.Decimal, key []float64, count *histogram, k int, delta app.Decimal) bool {
	b, above := len(count)-1, 0
	for above+count[b] < k {
		above += count[b]
		if b--; b < 0 {
			return false
		}
	}
	var tie []int
	for i, r := range key {
		c := bucket(r) // negative for a negative key
		var d app.Decimal
		if c > b {
			d = delta // a conditional move: the comparison is a coin toss
		}
		out[i] += d
		if c == b {
			tie = append(tie, i)
		}
	}
	slices.SortStableFunc(tie, func(i, j int) int { return cmp.Compare(key[j], key[i]) })
	for _, i := range tie[:k-above] {
		out[i] += delta
	}
	return true
}
