package views

import (
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

func TestBuildPanelsRanges(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	bucket := func(i int, use, price, cost string) series.Bucket {
		return series.Bucket{
			Start: day.AddDate(0, 0, i), End: day.AddDate(0, 0, i+1),
			Consumption: app.MustDecimal(use), HasConsumption: true,
			PriceSum: app.MustDecimal(price), PriceN: 1,
			Cost: app.MustDecimal(cost), HasCost: true,
		}
	}
	bs := []series.Bucket{bucket(0, "10", "0.20", "2"), bucket(1, "30", "0.25", "7.5"), bucket(2, "20", "-0.05", "-1")}
	ps := BuildPanels(Fmt{Lang: LangEN}, bs, "EUR")
	if len(ps) != 3 {
		t.Fatalf("%d panels", len(ps))
	}
	use, price, cost := ps[0], ps[1], ps[2]
	// The captions give the data's own extremes, not the axis bounds.
	if use.Lo != "10" || use.Hi != "30" || price.Lo != "-0.05" || price.Hi != "0.25" {
		t.Errorf("captions: use %s..%s, price %s..%s", use.Lo, use.Hi, price.Lo, price.Hi)
	}
	// Bars stand on zero: with only positive consumption, zero is the bottom.
	if !use.ShowZero || use.Zero != chartH {
		t.Errorf("consumption zero line at %.1f (shown %v), want the bottom", use.Zero, use.ShowZero)
	}
	// A price range crossing zero shows the zero line inside the box.
	if !price.ShowZero || price.Zero <= 0 || price.Zero >= chartH {
		t.Errorf("price zero line at %.1f (shown %v), want inside the chart", price.Zero, price.ShowZero)
	}
	// An all-positive price uses its own range: no zero line, so it does not lie flat.
	high := BuildPanels(Fmt{Lang: LangEN}, bs[:2], "EUR")[1]
	if high.ShowZero {
		t.Errorf("price between 0.20 and 0.25 drawn down to zero")
	}
	if !cost.ShowZero || cost.Zero <= 0 || cost.Zero >= chartH {
		t.Errorf("negative cost: zero line at %.1f", cost.Zero)
	}
}
