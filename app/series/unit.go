package series

import (
	"fmt"
	"strings"
	"time"

	"wattfolio/app"
)

// Units of consumption as the cache spells them. Wh never reaches the
// cache: a connector turns it into kWh.
const (
	KWh = "kWh"
	M3  = "m³"
)

// ParseUnit reads a unit of consumption as vendors spell it (any case,
// "m3" or "m³") and returns how the cache spells it and the divisor that
// turns a value into it: 1000 for Wh, else 1.
func ParseUnit(s string) (unit string, div int64, err error) {
	switch {
	case strings.EqualFold(s, "kWh"):
		return KWh, 1, nil
	case strings.EqualFold(s, "Wh"):
		return KWh, 1000, nil
	case strings.EqualFold(s, "m3"), strings.EqualFold(s, "m³"):
		return M3, 1, nil
	}
	return "", 0, fmt.Errorf("%q: want kWh, Wh or m3", clipUnit(s))
}

func clipUnit(s string) string { return app.Clip(s, 20) }

// IsGasVolume is whether a meter's unit is a volume, which a gas bill
// converts to kWh.
func IsGasVolume(unit string) bool {
	u, _, err := ParseUnit(unit)
	return err == nil && u == M3
}

// GasConversion turns a gas meter's m³ into kWh as a gas bill does: kWh =
// m³ × calorific value (Brennwert, kWh/m³) × state number (Zustandszahl).
// The grid operator publishes both per network area, so they belong to the
// meter; a default is only a typical H-gas figure.
type GasConversion struct {
	CalorificValue app.Decimal // kWh/m³
	StateNumber    app.Decimal
	SetAt          time.Time // when the user stated them; zero for a default
}

// Plausible ranges: H-gas and L-gas calorific values lie within 8..13
// kWh/m³ and state numbers within 0.8..1.1 in every German network area;
// a figure outside is a typo (a decimal comma, the wrong field), not a gas.
var (
	minCalorific, maxCalorific = app.MustDecimal("8"), app.MustDecimal("13")
	minState, maxState         = app.MustDecimal("0.8"), app.MustDecimal("1.1")
)

// Validate checks both figures against the plausible ranges.
func (g GasConversion) Validate() error {
	if g.CalorificValue < minCalorific || g.CalorificValue > maxCalorific {
		return fmt.Errorf("calorific value %s kWh/m³: want %s to %s (the grid operator's Brennwert, e.g. 11.2)",
			g.CalorificValue, minCalorific, maxCalorific)
	}
	if g.StateNumber < minState || g.StateNumber > maxState {
		return fmt.Errorf("state number %s: want %s to %s (the grid operator's Zustandszahl, e.g. 0.9636)",
			g.StateNumber, minState, maxState)
	}
	return nil
}

// KWh converts a volume, rounding once to millionths: the product of the
// three is formed exactly, so two meters with the same m³ never differ by
// an intermediate rounding.
func (g GasConversion) KWh(m3 app.Decimal) (app.Decimal, error) {
	r := m3.Rat()
	r.Mul(r, g.CalorificValue.Rat())
	r.Mul(r, g.StateNumber.Rat())
	return app.DecimalFromRat(r)
}
