package app

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want Decimal
	}{
		{"0", 0},
		{"0.1", 100_000},
		{"0.285", 285_000},
		{"149.88", 149_880_000},
		{"-12", -12_000_000},
		{"+3.5", 3_500_000},
		{"1.5e-2", 15_000},
		{"1E3", 1_000_000_000},
		{"0.0000005", 1},   // rounds half away from zero
		{"0.00000049", 0},  // rounds down
		{"-0.0000005", -1}, // symmetric
		{"109.21", 109_210_000},
		{".5", 500_000},
		{"7.", 7_000_000},
		{"0.123456789", 123_457},
		{"9223372036854.775807", math.MaxInt64},
		{"9223372036854.7758074", math.MaxInt64},
		{"-9223372036854.775808", math.MinInt64},
		{"-9223372036854.7758079", math.MinInt64},
	}
	for _, tt := range tests {
		got, err := ParseDecimal(tt.in)
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseDecimal(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseDecimalRejects(t *testing.T) {
	for _, in := range []string{"", "-", ".", "abc", "1,5", "1.2.3", "1e", "0x10", "99999999999999999999", "1e99", "NaN",
		"9223372036854.775808", "-9223372036854.775809", "9223372036854.7758075", "-9223372036854.7758085"} {
		_, err := ParseDecimal(in)
		if err == nil {
			t.Errorf("ParseDecimal(%q) succeeded, want error", in)
		}
		if !errors.Is(err, ErrDecimalSyntax) && !errors.Is(err, ErrDecimalRange) {
			t.Errorf("ParseDecimal(%q) error %v is neither syntax nor range", in, err)
		}
	}
}

func TestDecimalFormat(t *testing.T) {
	tests := []struct {
		d      Decimal
		places int
		fixed  string
		str    string
	}{
		{MustDecimal("149.885"), 2, "149.89", "149.885"},
		{MustDecimal("0.285"), 2, "0.29", "0.285"},
		{MustDecimal("-0.004"), 2, "0.00", "-0.004"},
		{MustDecimal("-1.005"), 2, "-1.01", "-1.005"},
		{MustDecimal("12"), 0, "12", "12"},
		{MustDecimal("0.000001"), 6, "0.000001", "0.000001"},
		{MustDecimal("-0.000001"), 6, "-0.000001", "-0.000001"},
		{MustDecimal("-7"), 0, "-7", "-7"},
		{Decimal(math.MaxInt64), 6, "9223372036854.775807", "9223372036854.775807"},
		{Decimal(math.MinInt64), 6, "-9223372036854.775808", "-9223372036854.775808"},
	}
	for _, tt := range tests {
		if got := tt.d.Fixed(tt.places); got != tt.fixed {
			t.Errorf("%d.Fixed(%d) = %q, want %q", tt.d, tt.places, got, tt.fixed)
		}
		if got := tt.d.String(); got != tt.str {
			t.Errorf("%d.String() = %q, want %q", tt.d, got, tt.str)
		}
		comma := strings.Replace(tt.str, ".", ",", 1)
		if got := string(tt.d.Append([]byte("x;"), ',')); got != "x;"+comma {
			t.Errorf("%d.Append(\"x;\", ',') = %q, want %q", tt.d, got, "x;"+comma)
		}
	}
}

// String is what ParseDecimal reads back, for values across the range.
func TestDecimalStringRoundTrip(t *testing.T) {
	for v := int64(-3_000_017); v <= 3_000_017; v += 7_919 {
		for _, d := range []Decimal{Decimal(v), Decimal(v * 1_000_003)} {
			back, err := ParseDecimal(d.String())
			if err != nil || back != d {
				t.Fatalf("ParseDecimal(%q) = %d, %v; want %d", d.String(), back, err, d)
			}
		}
	}
}

func TestDecimalMul(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"0.285", "3477", "990.945"},
		{"0.285", "100", "28.5"},
		{"-2.5", "0.19", "-0.475"},
		{"0.000001", "0.5", "0.000001"},
		{"123456.789", "1000", "123456789"},
	}
	for _, tt := range tests {
		if got, err := MustDecimal(tt.a).Mul(MustDecimal(tt.b)); err != nil || got != MustDecimal(tt.want) {
			t.Errorf("%s × %s = %s, %v; want %s", tt.a, tt.b, got, err, tt.want)
		}
	}
}

// A tenth added ten times is exactly one: the reason Decimal exists.
func TestDecimalSumIsExact(t *testing.T) {
	var sum Decimal
	for range 10 {
		sum += MustDecimal("0.1")
	}
	if sum != DecimalFromInt(1) {
		t.Fatalf("sum = %s, want 1", sum)
	}
}

// The fast path reads exactly what the general parser reads, and leaves
// everything else to it.
func TestParsePlainMatchesParseDecimal(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "7", "-7", "0.5", "-0.5", "12.345678", "-12.000001", "000012.5",
		"999999999999.999999", "-999999999999.999999", "0.1", "1.000000", "42.10",
		// left to the general parser:
		"1.", ".5", "+1", "1e3", "1.2345678", "1234567890123", "", "-", "1.2.3", "1,5", " 1", "0x10", "--1",
	} {
		want, werr := parseDecimal(s)
		got, ok := parsePlain(s)
		if ok && (werr != nil || got != want) {
			t.Errorf("parsePlain(%q) = %d; parseDecimal = %d, %v", s, got, want, werr)
		}
		full, err := ParseDecimal(s)
		if full != want || (err == nil) != (werr == nil) {
			t.Errorf("ParseDecimal(%q) = %d, %v; parseDecimal = %d, %v", s, full, err, want, werr)
		}
	}
}
