package app

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// quarterHours returns n random quarter-hour energies (kWh, three places,
// up to 50 kWh, a few negative for feed-in) and prices (EUR/kWh, six
// places, −0.5 to 1.5: day-ahead prices go negative).
func quarterHours(seed uint64, n int) (kwh, price []Decimal) {
	r := rand.New(rand.NewPCG(seed, 0))
	kwh, price = make([]Decimal, n), make([]Decimal, n)
	for i := range n {
		kwh[i] = Decimal(r.Int64N(51_000)-1_000) * 1000
		price[i] = Decimal(r.Int64N(2*DecimalScale) - DecimalScale/2)
	}
	return kwh, price
}

// The sum of a year's products equals the exact rational sum, for a
// common year and a leap year of quarter hours.
func TestProductSumYear(t *testing.T) {
	for _, n := range []int{35_040, 35_136} {
		kwh, price := quarterHours(uint64(n), n)
		var s ProductSum
		want := new(big.Rat)
		for i := range n {
			s.Add(kwh[i], price[i])
			want.Add(want, new(big.Rat).Mul(kwh[i].Rat(), price[i].Rat()))
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		if got := s.Rat(); got.Cmp(want) != 0 {
			t.Errorf("%d quarter hours: sum %s, want %s", n, got.FloatString(12), want.FloatString(12))
		}
		cents, err := RoundRat(s.Rat(), 2)
		wantCents, _ := RoundRat(want, 2)
		if err != nil || cents != wantCents {
			t.Errorf("%d quarter hours: %s, %v in cents; want %s", n, cents, err, wantCents)
		}
	}
}

// Over any values, the sum is exact while every partial sum fits in 128
// bits, and an error from the first partial sum that does not on.
func TestProductSumMatchesBig(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 2))
	lim := new(big.Int).Lsh(big.NewInt(1), 127)
	minSum, maxSum := new(big.Int).Neg(lim), new(big.Int).Sub(lim, big.NewInt(1))
	for range 2_000 {
		var s ProductSum
		want, over := new(big.Int), false
		for range r.IntN(20) {
			a, b := sample(r), sample(r)
			if r.IntN(3) == 0 {
				s.AddDecimal(a)
				b = DecimalScale
			} else {
				s.Add(a, b)
			}
			want.Add(want, new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b))))
			over = over || want.Cmp(minSum) < 0 || want.Cmp(maxSum) > 0
		}
		if over {
			if !errors.Is(s.Err(), ErrDecimalRange) || s.Rat() != nil || s.IsZero() {
				t.Fatalf("overflowed sum: err %v, Rat %v, IsZero %v", s.Err(), s.Rat(), s.IsZero())
			}
			continue
		}
		exact := new(big.Rat).SetFrac(want, big.NewInt(DecimalScale*DecimalScale))
		if s.Err() != nil || s.Rat().Cmp(exact) != 0 || s.IsZero() != (want.Sign() == 0) {
			t.Fatalf("sum %v, %v, IsZero %v; want %s", s.Rat(), s.Err(), s.IsZero(), exact)
		}
	}
}

// The edges of 128-bit two's complement: 2^127 − 1 and −2^127 units are
// sums, one more either way is an overflow, and it stays one.
func TestProductSumEdges(t *testing.T) {
	const maxD, minD = Decimal(math.MaxInt64), Decimal(math.MinInt64)
	type term struct{ a, b Decimal }
	top := []term{{-1, 1}, {minD, minD}, {minD, minD}}      // −1 + 2·2^126
	bottom := []term{{minD, maxD}, {minD, maxD}, {minD, 2}} // 2·(−2^126 + 2^63) − 2^64
	lim := new(big.Int).Lsh(big.NewInt(1), 127)
	tests := []struct {
		name  string
		terms []term
		want  *big.Int // nil for an overflow
	}{
		{"largest", top, new(big.Int).Sub(lim, big.NewInt(1))},
		{"one past the largest", append(top[:3:3], term{1, 1}), nil},
		{"past and back", append(top[:3:3], term{1, 1}, term{-1, 1}), nil},
		{"smallest", bottom, new(big.Int).Neg(lim)},
		{"one past the smallest", append(bottom[:3:3], term{-1, 1}), nil},
		{"two extreme products", []term{{minD, minD}, {maxD, maxD}}, new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 126), new(big.Int).Mul(big.NewInt(math.MaxInt64), big.NewInt(math.MaxInt64)))},
		{"cancelling", []term{{maxD, maxD}, {maxD, -maxD}, {minD, minD}, {minD, maxD}, {minD, 1}}, new(big.Int)},
	}
	for _, tt := range tests {
		var s ProductSum
		for _, x := range tt.terms {
			s.Add(x.a, x.b)
		}
		if tt.want == nil {
			if !errors.Is(s.Err(), ErrDecimalRange) || s.Rat() != nil {
				t.Errorf("%s: err %v, Rat %v; want an overflow", tt.name, s.Err(), s.Rat())
			}
			if _, err := RoundRat(s.Rat(), 2); !errors.Is(err, ErrDecimalRange) {
				t.Errorf("%s: RoundRat of the overflowed sum: %v", tt.name, err)
			}
			continue
		}
		want := new(big.Rat).SetFrac(tt.want, big.NewInt(DecimalScale*DecimalScale))
		if s.Err() != nil || s.Rat().Cmp(want) != 0 {
			t.Errorf("%s: %v, %v; want %s", tt.name, s.Rat(), s.Err(), tt.want)
		}
	}
}

func TestProductSumSmall(t *testing.T) {
	var s ProductSum
	if !s.IsZero() || s.Err() != nil || s.Rat().Sign() != 0 {
		t.Fatalf("zero value: IsZero %v, Err %v, Rat %v", s.IsZero(), s.Err(), s.Rat())
	}
	s.Add(MustDecimal("0.285"), MustDecimal("3477"))
	s.AddDecimal(MustDecimal("-0.000001"))
	s.Add(MustDecimal("0.000001"), MustDecimal("0.000001")) // below a Decimal's precision, kept
	want, _ := new(big.Rat).SetString("990.944999000001")
	if got := s.Rat(); got.Cmp(want) != 0 {
		t.Errorf("sum %s, want %s", got.FloatString(18), want.FloatString(18))
	}
	if s.IsZero() {
		t.Error("IsZero of a non-zero sum")
	}
	if got := testing.AllocsPerRun(100, func() { s.Add(MustDecimal("0.3"), -7) }); got != 0 {
		t.Errorf("Add allocates %v times", got)
	}
}

// One meter-year of quarter hours for one tariff.
func BenchmarkProductSum(b *testing.B) {
	kwh, price := quarterHours(1, 35_040)
	var sum *big.Rat
	for b.Loop() {
		var s ProductSum
		for i := range kwh {
			s.Add(kwh[i], price[i])
		}
		if s.Err() != nil {
			b.Fatal(s.Err())
		}
		sum = s.Rat()
	}
	_ = sum
}

// The same sum in math/big, reusing its temporaries: what ProductSum is
// measured against.
func BenchmarkProductSumBigInt(b *testing.B) {
	kwh, price := quarterHours(1, 35_040)
	var sum *big.Rat
	for b.Loop() {
		s, x, y := new(big.Int), new(big.Int), new(big.Int)
		for i := range kwh {
			x.SetInt64(int64(kwh[i]))
			y.SetInt64(int64(price[i]))
			s.Add(s, x.Mul(x, y))
		}
		sum = new(big.Rat).SetFrac(s, big.NewInt(DecimalScale*DecimalScale))
	}
	_ = sum
}

// AddSum of two partial sums is the sum of all their products, and an
// overflow of a part, or of the total, is an overflow of the result.
func TestProductSumAddSum(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	lim := new(big.Int).Lsh(big.NewInt(1), 127)
	inRange := func(x *big.Int) bool { return x.Cmp(new(big.Int).Neg(lim)) >= 0 && x.Cmp(lim) < 0 }
	for range 2_000 {
		var parts [2]ProductSum
		var want [2]*big.Int
		over := false
		for i := range parts {
			want[i] = new(big.Int)
			for range r.IntN(10) {
				a, b := sample(r), sample(r)
				parts[i].Add(a, b)
				want[i].Add(want[i], new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b))))
				over = over || !inRange(want[i])
			}
		}
		total := new(big.Int).Add(want[0], want[1])
		over = over || !inRange(total)
		s := parts[0]
		s.AddSum(parts[1])
		if over {
			if !errors.Is(s.Err(), ErrDecimalRange) {
				t.Fatalf("an overflowed sum passed: %v", s.Rat())
			}
			continue
		}
		if s.Err() != nil || s.Rat().Cmp(new(big.Rat).SetFrac(total, big.NewInt(DecimalScale*DecimalScale))) != 0 {
			t.Fatalf("AddSum %v (%v), want %s units", s.Rat(), s.Err(), total)
		}
	}
}
