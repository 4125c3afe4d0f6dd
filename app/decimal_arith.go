package app

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
)

// rangeError names the operation that did not fit.
func rangeError(a Decimal, op string, b any) error {
	return fmt.Errorf("%w: %s %s %v", ErrDecimalRange, a, op, b)
}

// Add returns d + e exactly.
func (d Decimal) Add(e Decimal) (Decimal, error) {
	s := d + e
	if (d^s)&(e^s) < 0 { // both operands' signs differ from the sum's
		return 0, rangeError(d, "+", e)
	}
	return s, nil
}

// Sub returns d − e exactly.
func (d Decimal) Sub(e Decimal) (Decimal, error) {
	s := d - e
	if (d^e)&(d^s) < 0 { // signs differed, and the result left d's sign
		return 0, rangeError(d, "−", e)
	}
	return s, nil
}

// Neg returns −d; the smallest Decimal has no negation.
func (d Decimal) Neg() (Decimal, error) {
	if d == math.MinInt64 {
		return 0, fmt.Errorf("%w: −(%s)", ErrDecimalRange, d)
	}
	return -d, nil
}

// MulInt returns d × n exactly.
func (d Decimal) MulInt(n int64) (Decimal, error) {
	hi, lo, neg := mulAbs(int64(d), n)
	if r, ok := fit(hi, lo, neg); ok {
		return r, nil
	}
	return 0, rangeError(d, "×", n)
}

// Mul returns d × e rounded half away from zero to six places. The product
// is formed in 128 bits, so the result is right whenever it fits; a product
// that does not fit is an error rather than a wrapped value.
func (d Decimal) Mul(e Decimal) (Decimal, error) {
	hi, lo, neg := mulAbs(int64(d), int64(e))
	var c uint64
	lo, c = bits.Add64(lo, DecimalScale/2, 0)
	hi += c                // cannot carry out: |d × e| ≤ 2^126
	if hi < DecimalScale { // else the quotient needs more than 64 bits; Div64 would panic
		q, _ := bits.Div64(hi, lo, DecimalScale)
		if r, ok := fit(0, q, neg); ok {
			return r, nil
		}
	}
	return 0, rangeError(d, "×", e)
}

// mulAbs returns |a × b| as a 128-bit hi:lo and whether the product is
// negative. uint64(-a) is |a| even for the smallest int64.
func mulAbs(a, b int64) (hi, lo uint64, neg bool) {
	neg = (a < 0) != (b < 0)
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = uint64(-a)
	}
	if b < 0 {
		ub = uint64(-b)
	}
	hi, lo = bits.Mul64(ua, ub)
	return hi, lo, neg && hi|lo != 0
}

// fit returns the Decimal of magnitude hi:lo and sign neg when there is
// one: up to 2^63 − 1 positive, 2^63 negative.
func fit(hi, lo uint64, neg bool) (Decimal, bool) {
	switch {
	case hi != 0:
		return 0, false
	case neg && lo <= 1<<63:
		return Decimal(-lo), true
	case !neg && lo <= math.MaxInt64:
		return Decimal(lo), true
	}
	return 0, false
}

// Rat returns d's exact value.
func (d Decimal) Rat() *big.Rat { return big.NewRat(int64(d), DecimalScale) }

// DecimalFromRat returns r rounded half away from zero to six places.
func DecimalFromRat(r *big.Rat) (Decimal, error) { return RoundRat(r, decimalDigits) }

// errNoValue is what rounding a nil *big.Rat gives: ProductSum.Rat's answer
// after an overflow, which must not pass as a number.
var errNoValue = fmt.Errorf("%w: no value (an overflowed sum)", ErrDecimalRange)

// RoundRat returns r rounded half away from zero to places fractional
// digits (0..6) as a Decimal: RoundRat(r, 2) is r in whole cents, and
// -0.125 becomes -0.13. A result beyond the Decimal range is an error
// wrapping ErrDecimalRange, as is a nil r.
func RoundRat(r *big.Rat, places int) (Decimal, error) {
	if places < 0 || places > decimalDigits {
		return 0, fmt.Errorf("app: RoundRat to %d places; want 0..%d", places, decimalDigits)
	}
	if r == nil {
		return 0, errNoValue
	}
	// |r| × 10^places, rounded: q = (2·|num|·10^places + den) / (2·den).
	num := new(big.Int).Abs(r.Num())
	num.Mul(num, pow10(places))
	num.Lsh(num, 1)
	den := new(big.Int).Lsh(r.Denom(), 1)
	num.Add(num, r.Denom())
	num.Quo(num, den)
	num.Mul(num, pow10(decimalDigits-places))
	if r.Sign() < 0 {
		num.Neg(num)
	}
	if !num.IsInt64() {
		return 0, fmt.Errorf("%w: %s rounded to %d places", ErrDecimalRange, r.FloatString(places+1), places)
	}
	return Decimal(num.Int64()), nil
}

// pow10 returns 10^n for n in 0..6 from a table: RoundRat runs for every
// figure of every month of every tariff a comparison prices. The result is
// shared: callers must not modify it.
func pow10(n int) *big.Int { return pow10s[n] }

var pow10s = func() [decimalDigits + 1]*big.Int {
	var t [decimalDigits + 1]*big.Int
	for i := range t {
		t[i] = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(i)), nil)
	}
	return t
}()
