package app

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Decimal is an exact fixed-point number with six fractional digits, stored as
// the value times one million. Prices, rates and money sums use it so that no
// report ever shows a sum computed in binary floating point; six digits keep
// sub-cent precision for per-kWh prices (0.000001 EUR = 0.0001 ct), and an
// int64 holds values up to about ±9.2 trillion.
//
// The arithmetic never wraps: Add, Sub, MulInt and Neg are exact and Mul
// rounds the exact 128-bit product half away from zero to six places; each
// returns an error wrapping ErrDecimalRange when the result does not fit.
// The built-in operators on a Decimal do wrap, so prices and costs go
// through the methods. Long sums of products (price × energy per quarter
// hour) belong in a ProductSum, which keeps them exact to twelve places and
// is rounded once at the end with RoundRat.
type Decimal int64

// DecimalScale is the number of units in 1.
const DecimalScale = 1_000_000

const decimalDigits = 6

// ErrDecimalSyntax is returned by ParseDecimal; ErrDecimalRange by
// ParseDecimal and by any arithmetic whose result does not fit a Decimal.
var (
	ErrDecimalSyntax = errors.New("not a decimal number")
	ErrDecimalRange  = errors.New("decimal out of range")
)

// DecimalFromInt returns n as a Decimal.
func DecimalFromInt(n int64) Decimal { return Decimal(n * DecimalScale) }

// ParseDecimal reads a plain or exponent-notation decimal literal exactly as
// JSON or a vendor's decimal string spells it ("0.285", "-12", "1.5e-2"). Digits
// beyond the sixth fractional place are rounded half away from zero. It never
// goes through float64, so "0.1" is exactly one tenth.
func ParseDecimal(s string) (Decimal, error) {
	if d, ok := parsePlain(s); ok {
		return d, nil
	}
	return parseDecimal(s)
}

// parsePlain reads the common literal, [-]digits[.digits] with at most
// twelve integer digits and six places, without building strings: a time
// series is millions of them. Anything else is left to parseDecimal.
func parsePlain(s string) (Decimal, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	var v int64
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		v = v*10 + int64(s[i]-'0')
	}
	if i == 0 || i > 12 {
		return 0, false
	}
	places := 0
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if places == decimalDigits {
				return 0, false
			}
			v = v*10 + int64(s[i]-'0')
			places++
		}
		if places == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	for ; places < decimalDigits; places++ {
		v *= 10
	}
	if neg {
		v = -v
	}
	return Decimal(v), true
}

// parseDecimal is ParseDecimal for every form: signs, exponents, more
// than six places (rounded) and the errors.
func parseDecimal(s string) (Decimal, error) {
	orig := s
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrDecimalSyntax)
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 40 || e < -40 {
			return 0, fmt.Errorf("%w: %q", ErrDecimalSyntax, orig)
		}
		exp, s = e, s[:i]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return 0, fmt.Errorf("%w: %q", ErrDecimalSyntax, orig)
	}
	digits := intPart + frac
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %q", ErrDecimalSyntax, orig)
		}
	}
	// The value is digits × 10^(exp - len(frac)); we want it × 10^6.
	shift := exp - len(frac) + decimalDigits
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		// Zero at any exponent: padding no digits with the exponent's
		// zeros would count as too many digits ("0e17").
		return 0, nil
	}
	var roundUp bool
	if shift < 0 {
		cut := len(digits) + shift
		if cut < 0 {
			digits, roundUp = "", false
		} else {
			roundUp = cut < len(digits) && digits[cut] >= '5'
			digits = digits[:cut]
		}
	} else {
		digits += strings.Repeat("0", shift)
	}
	if digits == "" {
		digits = "0"
	}
	if len(digits) > 19 {
		return 0, fmt.Errorf("%w: %q", ErrDecimalRange, orig)
	}
	u, err := strconv.ParseUint(digits, 10, 64)
	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // the smallest Decimal, which String writes, reads back
	}
	if roundUp {
		u++
	}
	if err != nil || u > limit { // 19 digits plus one cannot wrap a uint64
		return 0, fmt.Errorf("%w: %q", ErrDecimalRange, orig)
	}
	v := int64(u) // 2^63 is the smallest int64, which is its own negation
	if neg {
		v = -v
	}
	return Decimal(v), nil
}

// MustDecimal is ParseDecimal for constants in code and tests.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String gives the shortest exact form: "0.285", "149.88", "-3".
func (d Decimal) String() string {
	var b [24]byte
	return string(d.Append(b[:0], '.'))
}

// Append appends String's form of d to b with point as the decimal
// separator ('.' or ','), without allocating: readings are formatted by
// the million in exports and payloads.
func (d Decimal) Append(b []byte, point byte) []byte {
	v := int64(d)
	u := uint64(v)
	if v < 0 {
		u = uint64(-v) // also right for the smallest int64, whose negation wraps to itself
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, u/DecimalScale, 10)
	f := u % DecimalScale
	if f == 0 {
		return b
	}
	var digits [decimalDigits]byte
	for i := decimalDigits - 1; i >= 0; i-- {
		digits[i] = byte('0' + f%10)
		f /= 10
	}
	n := decimalDigits
	for digits[n-1] == '0' {
		n--
	}
	return append(append(b, point), digits[:n]...)
}

// Fixed formats d with exactly places fractional digits (0..6), rounding half
// away from zero: Fixed(2) of 149.885 is "149.89".
func (d Decimal) Fixed(places int) string {
	places = max(0, min(places, decimalDigits))
	v := int64(d)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	drop := uint64(1)
	for range decimalDigits - places {
		drop *= 10
	}
	u = (u + drop/2) / drop
	s := strconv.FormatUint(u, 10)
	if places > 0 {
		if len(s) <= places {
			s = strings.Repeat("0", places-len(s)+1) + s
		}
		s = s[:len(s)-places] + "." + s[len(s)-places:]
	}
	if neg && strings.Trim(s, "0.") != "" {
		s = "-" + s
	}
	return s
}

// Units returns the integer part, truncated toward zero, and the fraction in millionths.
func (d Decimal) Units() (int64, int64) {
	return int64(d) / DecimalScale, int64(d) % DecimalScale
}
