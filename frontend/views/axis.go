package views

import (
	"math"

	"wattfolio/app"
)

// valueAxis is a chart's vertical axis: round bounds, ticks at a round
// step, and where a value is drawn between Top (high) and Bottom (low).
type valueAxis struct {
	Lo, Hi, Step float64
	Top, Bottom  float64
}

// newValueAxis spans lo..hi with about five round steps; with fromZero the
// axis includes zero (bars stand on it).
func newValueAxis(lo, hi float64, fromZero bool, top, bottom float64) valueAxis {
	if fromZero {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	step := niceStep((hi - lo) / 5)
	a := valueAxis{Lo: math.Floor(lo/step) * step, Hi: math.Ceil(hi/step) * step, Step: step, Top: top, Bottom: bottom}
	if a.Hi == a.Lo {
		a.Hi = a.Lo + step
	}
	return a
}

// Y is where v is drawn.
func (a valueAxis) Y(v float64) float64 {
	return a.Bottom - (v-a.Lo)/(a.Hi-a.Lo)*(a.Bottom-a.Top)
}

// Ticks labels the axis at every step, with as many decimals as the step
// needs; labels are formatted from exact decimals in the user's format.
func (a valueAxis) Ticks(f Fmt) []ChartTick {
	places := 0
	if a.Step < 1 {
		places = int(math.Ceil(-math.Log10(a.Step) - 1e-9))
	}
	var out []ChartTick
	for v := a.Lo; v <= a.Hi+a.Step/2; v += a.Step {
		d := app.Decimal(math.Round(v * app.DecimalScale))
		out = append(out, ChartTick{Pos: a.Y(v), Label: f.Decimal(d, places, places)})
	}
	return out
}

// niceStep rounds a raw tick step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, k := range []float64{1, 2, 5, 10} {
		if raw <= k*p {
			return k * p
		}
	}
	return 10 * p
}
