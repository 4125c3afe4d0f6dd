package app

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// decimalGrammar is what ParseDecimal documents: an optional sign, digits
// with an optional point (".5" and "7." included), an optional exponent.
var decimalGrammar = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?$`)

// referenceDecimal is ParseDecimal computed with big.Rat: the literal's
// exact value rounded half away from zero to six places. ok is false for
// a literal outside the grammar or with an exponent beyond ±40 (a syntax
// error), inRange false for a value no Decimal holds.
func referenceDecimal(s string) (d Decimal, ok, inRange bool) {
	m := decimalGrammar.FindStringSubmatch(s)
	if m == nil {
		return 0, false, false
	}
	if m[2] != "" {
		e, good := new(big.Int).SetString(strings.TrimPrefix(m[2], "+"), 10)
		if !good || e.CmpAbs(big.NewInt(40)) > 0 {
			return 0, false, false
		}
	}
	r, good := new(big.Rat).SetString(s)
	if !good {
		panic("big.Rat rejects " + s)
	}
	d, err := DecimalFromRat(r)
	return d, true, err == nil
}

// ParseDecimal reads every literal of its grammar to the value big.Rat
// gives, rounded as documented; refuses everything else with a syntax or
// range error; never panics; and what String writes reads back.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "0.1", "0.285", "149.88", "-12", "+3.5", "1.5e-2", "1E3", "0.0000005",
		"-0.0000005", ".5", "7.", "0.123456789", "9223372036854.775807", "-9223372036854.775808",
		"9223372036854.7758075", "-9223372036854.7758085", "1e40", "1e-41", "", "-", ".", "1,5", "1.2.3",
		"0x10", "NaN", "1e+05", "00000000000000000000001", "1_000", "٣", "3477", "0.09", "1661126400000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDecimal(s)
		want, ok, inRange := referenceDecimal(s)
		switch {
		case err != nil && !errors.Is(err, ErrDecimalSyntax) && !errors.Is(err, ErrDecimalRange):
			t.Fatalf("ParseDecimal(%q): error %v is neither a syntax nor a range error", s, err)
		case !ok && err == nil:
			t.Fatalf("ParseDecimal(%q) = %s, want a syntax error", s, got)
		case ok && inRange && err != nil:
			t.Fatalf("ParseDecimal(%q): %v, want %s", s, err, want)
		case ok && inRange && got != want:
			t.Fatalf("ParseDecimal(%q) = %s, want %s", s, got, want)
		case ok && !inRange && !errors.Is(err, ErrDecimalRange):
			t.Fatalf("ParseDecimal(%q) = %s, %v; want a range error", s, got, err)
		}
		if err != nil {
			return
		}
		for _, form := range []string{got.String(), got.Fixed(6)} {
			if back, err := ParseDecimal(form); err != nil || back != got {
				t.Fatalf("ParseDecimal(%q) = %s, which reads back from %q as %s, %v", s, got, form, back, err)
			}
		}
	})
}
