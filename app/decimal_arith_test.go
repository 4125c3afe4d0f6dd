package app

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The bug that made the arithmetic checked: the split product overflowed
// for a price times a large energy and came out negative.
func TestDecimalMulRegression(t *testing.T) {
	price, energy := MustDecimal("0.285"), MustDecimal("40000000")
	want := MustDecimal("11400000")
	for _, got := range []func() (Decimal, error){
		func() (Decimal, error) { return price.Mul(energy) },
		func() (Decimal, error) { return energy.Mul(price) },
		func() (Decimal, error) { return price.MulInt(40_000_000) },
	} {
		if d, err := got(); err != nil || d != want {
			t.Errorf("0.285 × 40,000,000 = %s, %v; want %s", d, err, want)
		}
	}
}

func TestDecimalArithmetic(t *testing.T) {
	const maxD, minD = Decimal(math.MaxInt64), Decimal(math.MinInt64)
	one := DecimalFromInt(1)
	tests := []struct {
		name string
		got  func() (Decimal, error)
		want Decimal // ignored when fails
		fail bool
	}{
		{"add", func() (Decimal, error) { return MustDecimal("0.1").Add(MustDecimal("0.2")) }, MustDecimal("0.3"), false},
		{"add to max", func() (Decimal, error) { return (maxD - 1).Add(1) }, maxD, false},
		{"add past max", func() (Decimal, error) { return maxD.Add(1) }, 0, true},
		{"add past min", func() (Decimal, error) { return minD.Add(-1) }, 0, true},
		{"add max and min", func() (Decimal, error) { return maxD.Add(minD) }, -1, false},
		{"sub", func() (Decimal, error) { return MustDecimal("0.3").Sub(MustDecimal("0.1")) }, MustDecimal("0.2"), false},
		{"sub to min", func() (Decimal, error) { return Decimal(-1).Sub(maxD) }, minD, false},
		{"sub past min", func() (Decimal, error) { return Decimal(-2).Sub(maxD) }, 0, true},
		{"sub min from zero", func() (Decimal, error) { return Decimal(0).Sub(minD) }, 0, true},
		{"sub min from -1", func() (Decimal, error) { return Decimal(-1).Sub(minD) }, maxD, false},
		{"neg", func() (Decimal, error) { return MustDecimal("2.5").Neg() }, MustDecimal("-2.5"), false},
		{"neg max", func() (Decimal, error) { return maxD.Neg() }, minD + 1, false},
		{"neg min", func() (Decimal, error) { return minD.Neg() }, 0, true},
		{"mulint", func() (Decimal, error) { return MustDecimal("12.49").MulInt(12) }, MustDecimal("149.88"), false},
		{"mulint min by 1", func() (Decimal, error) { return minD.MulInt(1) }, minD, false},
		{"mulint min by -1", func() (Decimal, error) { return minD.MulInt(-1) }, 0, true},
		{"mulint -1 by min", func() (Decimal, error) { return Decimal(-1).MulInt(math.MinInt64) }, 0, true},
		{"mulint 1 by min", func() (Decimal, error) { return Decimal(1).MulInt(math.MinInt64) }, minD, false},
		{"mulint past max", func() (Decimal, error) { return (maxD/2 + 1).MulInt(2) }, 0, true},
		{"mulint to min", func() (Decimal, error) { return Decimal(-(1 << 62)).MulInt(2) }, minD, false},
		{"mulint wraps to positive", func() (Decimal, error) { return Decimal(1 << 32).MulInt(1 << 32) }, 0, true},
		{"mul max by one", func() (Decimal, error) { return maxD.Mul(one) }, maxD, false},
		{"mul min by one", func() (Decimal, error) { return minD.Mul(one) }, minD, false},
		{"mul min by minus one", func() (Decimal, error) { return minD.Mul(-one) }, 0, true},
		{"mul max by max", func() (Decimal, error) { return maxD.Mul(maxD) }, 0, true},
		{"mul min by min", func() (Decimal, error) { return minD.Mul(minD) }, 0, true},
		{"mul max by 1.000001", func() (Decimal, error) { return maxD.Mul(one + 1) }, 0, true},
		{"mul half a unit rounds away", func() (Decimal, error) { return MustDecimal("0.000001").Mul(MustDecimal("0.5")) }, 1, false},
		{"mul minus half a unit rounds away", func() (Decimal, error) { return MustDecimal("-0.000001").Mul(MustDecimal("0.5")) }, -1, false},
		{"mul under half a unit", func() (Decimal, error) { return MustDecimal("0.000001").Mul(MustDecimal("0.499999")) }, 0, false},
		{"mul rounds into range", func() (Decimal, error) { return (maxD / 2).Mul(MustDecimal("2")) }, maxD - 1, false},
		// 2^63 − 1 units and a half, rounded up, is one past the largest.
		{"mul rounds out of range", func() (Decimal, error) { return Decimal(math.MaxInt64/3*2 + 1).Mul(MustDecimal("1.5")) }, 0, true},
	}
	for _, tt := range tests {
		got, err := tt.got()
		switch {
		case tt.fail && !errors.Is(err, ErrDecimalRange):
			t.Errorf("%s: %s, %v; want ErrDecimalRange", tt.name, got, err)
		case !tt.fail && (err != nil || got != tt.want):
			t.Errorf("%s: %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
}

// The error says what did not fit, for a log line to be useful.
func TestDecimalRangeErrorNamesOperands(t *testing.T) {
	_, err := MustDecimal("0.5").MulInt(math.MaxInt64)
	if want := "decimal out of range: 0.5 × 9223372036854775807"; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	_, err = Decimal(math.MaxInt64).Add(MustDecimal("0.000001"))
	if want := "decimal out of range: 9223372036854.775807 + 0.000001"; err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// sample draws a Decimal from a mix that reaches every corner of the range:
// the small numbers of hand-written tests, prices and energies as they
// come, random bit patterns, the edges of int64, and the neighbourhoods of
// the square roots where products start to overflow.
func sample(r *rand.Rand) Decimal {
	var v int64
	switch r.IntN(8) {
	case 0:
		v = r.Int64N(2001) - 1000
	case 1: // a price per kWh, −0.5 to 1.5 EUR
		v = r.Int64N(2*DecimalScale) - DecimalScale/2
	case 2: // an energy up to 40 million kWh with three places
		v = r.Int64N(40_000_000_000) * 1000
	case 3:
		v = int64(r.Uint64())
	case 4:
		v = math.MaxInt64 - r.Int64N(1000)
	case 5: // about √(2^63 × 10^6): Mul's edge for equal factors
		v = 3_037_000_499_976 + r.Int64N(2_000_001) - 1_000_000
	case 6: // about √(2^63): MulInt's edge
		v = 3_037_000_499 + r.Int64N(2001) - 1000
	default:
		return DecimalFromInt(r.Int64N(10_000))
	}
	if r.IntN(2) == 0 {
		return Decimal(-v - int64(r.IntN(2))) // reaches the smallest int64 too
	}
	return Decimal(v)
}

// edgePartner returns a factor that puts a × it within a few units of the
// largest Decimal, so that the range check is exercised on both sides of
// its edge for every kind of a, not only for equal factors.
func edgePartner(r *rand.Rand, a Decimal, scale int64) int64 {
	if a == 0 {
		return r.Int64N(1000)
	}
	q := new(big.Int).Quo(new(big.Int).Mul(big.NewInt(math.MaxInt64), big.NewInt(scale)), big.NewInt(int64(a)))
	q.Add(q, big.NewInt(r.Int64N(5)-2))
	if !q.IsInt64() {
		return math.MaxInt64
	}
	return q.Int64()
}

// checkExact fails unless got is want, or err is a range error when want
// does not fit a Decimal.
func checkExact(t *testing.T, what string, got Decimal, err error, want *big.Int) {
	t.Helper()
	if want.IsInt64() {
		if err != nil || int64(got) != want.Int64() {
			t.Fatalf("%s = %d, %v; want %s", what, got, err, want)
		}
		return
	}
	if !errors.Is(err, ErrDecimalRange) {
		t.Fatalf("%s = %d, %v; want ErrDecimalRange (exact %s)", what, got, err, want)
	}
}

// roundedProduct is a × b / 10^6 rounded half away from zero, in units.
func roundedProduct(a, b int64) *big.Int {
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	neg := p.Sign() < 0
	p.Abs(p)
	p.Add(p, big.NewInt(DecimalScale/2))
	p.Quo(p, big.NewInt(DecimalScale))
	if neg {
		p.Neg(p)
	}
	return p
}

func TestDecimalArithmeticMatchesBig(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 0))
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	for range n {
		a, b := sample(r), sample(r)
		if r.IntN(4) == 0 {
			b = Decimal(edgePartner(r, a, DecimalScale))
		}
		ab, bb := big.NewInt(int64(a)), big.NewInt(int64(b))

		got, err := a.Add(b)
		checkExact(t, a.String()+" + "+b.String(), got, err, new(big.Int).Add(ab, bb))
		got, err = a.Sub(b)
		checkExact(t, a.String()+" − "+b.String(), got, err, new(big.Int).Sub(ab, bb))

		want := roundedProduct(int64(a), int64(b))
		got, err = a.Mul(b)
		checkExact(t, a.String()+" × "+b.String(), got, err, want)
		rev, rerr := b.Mul(a)
		if rev != got || (rerr == nil) != (err == nil) {
			t.Fatalf("%s × %s = %s, %v but %s × %s = %s, %v", a, b, got, err, b, a, rev, rerr)
		}
		if err == nil && b != 0 {
			checkRecovers(t, a, b, got)
		}

		k := int64(sample(r))
		if r.IntN(4) == 0 {
			k = edgePartner(r, a, 1)
		}
		got, err = a.MulInt(k)
		checkExact(t, a.String()+" × int "+big.NewInt(k).String(), got, err, new(big.Int).Mul(ab, big.NewInt(k)))

		got, err = a.Neg()
		checkExact(t, "−"+a.String(), got, err, new(big.Int).Neg(ab))
	}
}

// checkRecovers checks that (a × b) / b is a to within the product's
// rounding: |p − a·b| ≤ half a unit, so |p/b − a| ≤ 0.0000005 / |b|.
func checkRecovers(t *testing.T, a, b, p Decimal) {
	t.Helper()
	br := b.Rat()
	diff := new(big.Rat).Quo(p.Rat(), br)
	diff.Sub(diff, a.Rat())
	diff.Abs(diff)
	bound := new(big.Rat).Quo(big.NewRat(1, 2*DecimalScale), new(big.Rat).Abs(br))
	if diff.Cmp(bound) > 0 {
		t.Fatalf("(%s × %s) / %s is %s off %s, more than %s", a, b, b, diff.FloatString(12), a, bound.FloatString(12))
	}
}

func TestDecimalRat(t *testing.T) {
	for _, d := range []Decimal{0, 1, -1, MustDecimal("0.285"), math.MaxInt64, math.MinInt64} {
		back, err := DecimalFromRat(d.Rat())
		if err != nil || back != d {
			t.Errorf("DecimalFromRat(%s.Rat()) = %s, %v", d, back, err)
		}
	}
	if got, want := MustDecimal("-0.285").Rat(), big.NewRat(-57, 200); got.Cmp(want) != 0 {
		t.Errorf("Rat = %s, want %s", got, want)
	}
}

func TestRoundRat(t *testing.T) {
	units := func(n *big.Int, plus *big.Rat) *big.Rat { // (n + plus) units
		r := new(big.Rat).SetInt(n)
		r.Add(r, plus)
		return r.Quo(r, big.NewRat(DecimalScale, 1))
	}
	maxI, minI := big.NewInt(math.MaxInt64), big.NewInt(math.MinInt64)
	tests := []struct {
		r      *big.Rat
		places int
		want   string // "" for a range error
	}{
		{big.NewRat(1, 8), 2, "0.13"},
		{big.NewRat(-1, 8), 2, "-0.13"},
		{big.NewRat(124_999, 1_000_000), 2, "0.12"},
		{big.NewRat(-124_999, 1_000_000), 2, "-0.12"},
		{big.NewRat(5, 2), 0, "3"},
		{big.NewRat(-5, 2), 0, "-3"},
		{big.NewRat(-1, 2), 0, "-1"},
		{big.NewRat(-1, 3), 0, "0"},
		{big.NewRat(1, 3), 6, "0.333333"},
		{big.NewRat(-2, 3), 6, "-0.666667"},
		{big.NewRat(1, 2_000_000), 6, "0.000001"},
		{big.NewRat(-1, 2_000_000), 6, "-0.000001"},
		{big.NewRat(-1, 2_000_001), 6, "0"},
		{big.NewRat(149_885, 1000), 2, "149.89"},
		{big.NewRat(0, 1), 3, "0"},
		// the range edges, at six places and at two
		{units(maxI, big.NewRat(0, 1)), 6, "9223372036854.775807"},
		{units(maxI, big.NewRat(49, 100)), 6, "9223372036854.775807"},
		{units(maxI, big.NewRat(1, 2)), 6, ""},
		{units(maxI, big.NewRat(1, 1)), 6, ""},
		{units(minI, big.NewRat(0, 1)), 6, "-9223372036854.775808"},
		{units(minI, big.NewRat(-49, 100)), 6, "-9223372036854.775808"},
		{units(minI, big.NewRat(-1, 2)), 6, ""},
		{units(maxI, big.NewRat(0, 1)), 2, ""}, // 9223372036854.78 does not fit
		{big.NewRat(922_337_203_685_477, 100), 2, "9223372036854.77"},
		{big.NewRat(-922_337_203_685_477, 100), 2, "-9223372036854.77"},
		{big.NewRat(-9_223_372_036_854_775, 1000), 2, ""}, // -9223372036854.78 does not fit either
		{big.NewRat(-9_223_372_036_855, 1), 0, ""},
		{nil, 2, ""}, // an overflowed ProductSum's Rat
	}
	for _, tt := range tests {
		got, err := RoundRat(tt.r, tt.places)
		if tt.want == "" {
			if !errors.Is(err, ErrDecimalRange) {
				t.Errorf("RoundRat(%v, %d) = %s, %v; want ErrDecimalRange", tt.r, tt.places, got, err)
			}
			continue
		}
		if err != nil || got != MustDecimal(tt.want) {
			t.Errorf("RoundRat(%v, %d) = %s, %v; want %s", tt.r, tt.places, got, err, tt.want)
		}
	}
	for _, places := range []int{-1, 7} {
		if _, err := RoundRat(big.NewRat(1, 1), places); err == nil || errors.Is(err, ErrDecimalRange) {
			t.Errorf("RoundRat to %d places: %v, want a usage error", places, err)
		}
	}
}

// RoundRat at six places agrees with Mul's rounding on every product.
func TestDecimalFromRatMatchesMul(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 1))
	for range 20_000 {
		a, b := sample(r), sample(r)
		p, err := a.Mul(b)
		q, qerr := DecimalFromRat(new(big.Rat).Mul(a.Rat(), b.Rat()))
		if p != q || (err == nil) != (qerr == nil) {
			t.Fatalf("%s × %s: Mul %s, %v; DecimalFromRat %s, %v", a, b, p, err, q, qerr)
		}
	}
}

func BenchmarkDecimalMul(b *testing.B) {
	x, y := MustDecimal("0.285"), MustDecimal("40000000")
	var sink Decimal
	for b.Loop() {
		p, err := x.Mul(y)
		if err != nil {
			b.Fatal(err)
		}
		sink += p
	}
	_ = sink
}
