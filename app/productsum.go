package app

import (
	"fmt"
	"math/big"
	"math/bits"
)

// ProductSum is an exact sum of products of two Decimals: a year of quarter
// hours' energy times price, say. Each product is exact in units of 10^-12,
// and the sum is a 128-bit two's complement integer of those units, so it
// holds about ±1.7 × 10^26 before it overflows; an overflow is remembered
// and reported by Err rather than wrapped. Rounding happens once, on the
// total (RoundRat(s.Rat(), 2) for cents), never per product, so a bill's
// total does not depend on how its quarter hours were grouped.
//
// The zero value is an empty sum. Add allocates nothing: it is the tariff
// engine's inner loop.
type ProductSum struct {
	hi, lo uint64 // the sum in units of 10^-12, two's complement
	over   uint64 // 1 once the sum has overflowed
}

// Add adds a × b.
func (s *ProductSum) Add(a, b Decimal) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	// Mul64 reads a negative factor as itself plus 2^64, which adds the
	// other factor to the high word; taking it off leaves the signed product.
	hi -= uint64(a>>63)&uint64(b) + uint64(b>>63)&uint64(a)
	var c uint64
	s.lo, c = bits.Add64(s.lo, lo, 0)
	sum := s.hi + hi + c
	// Addends of one sign whose sum has the other: the 128 bits overflowed.
	s.over |= ((s.hi ^ sum) & (hi ^ sum)) >> 63
	s.hi = sum
}

// AddSum adds another sum: the months of a year, say. An overflow of
// either, or of the result, is remembered.
func (s *ProductSum) AddSum(o ProductSum) {
	var c uint64
	s.lo, c = bits.Add64(s.lo, o.lo, 0)
	sum := s.hi + o.hi + c
	s.over |= o.over | ((s.hi^sum)&(o.hi^sum))>>63
	s.hi = sum
}

// AddDecimal adds a (a × 1).
func (s *ProductSum) AddDecimal(a Decimal) { s.Add(a, DecimalScale) }

// Err returns an error wrapping ErrDecimalRange once the sum has
// overflowed, and nil before.
func (s *ProductSum) Err() error {
	if s.over != 0 {
		return fmt.Errorf("%w: a sum of products beyond ±2^127 × 10^-12", ErrDecimalRange)
	}
	return nil
}

// Rat returns the sum's exact value, or nil after an overflow (which
// RoundRat and DecimalFromRat turn into a range error, so an unchecked
// overflow cannot pass as a total).
func (s *ProductSum) Rat() *big.Rat {
	if s.over != 0 {
		return nil
	}
	hi, lo := s.hi, s.lo
	neg := int64(hi) < 0
	if neg {
		var b uint64
		lo, b = bits.Sub64(0, lo, 0)
		hi, _ = bits.Sub64(0, hi, b)
	}
	n := new(big.Int).SetUint64(hi)
	n.Lsh(n, 64).Or(n, new(big.Int).SetUint64(lo))
	if neg {
		n.Neg(n)
	}
	return new(big.Rat).SetFrac(n, big.NewInt(DecimalScale*DecimalScale))
}

// IsZero reports whether the sum is zero (an overflowed sum is not).
func (s *ProductSum) IsZero() bool { return s.hi|s.lo|s.over == 0 }
