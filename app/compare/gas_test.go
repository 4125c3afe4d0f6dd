package compare_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/export"
	"wattfolio/app/series"
)

// Two gas meters counting m³ on the bakery's cache: one with the grid
// operator's figures stored, one without (the request's default). Each
// slot is converted with its meter's own figures, rounded once, and the
// curve states both conversions.
func TestGasMetersConvertedWithTheirOwnFigures(t *testing.T) {
	s, acct := bakery(t, 1)
	ctx := context.Background()
	if err := s.SaveMeters(ctx, "portal", []series.Meter{
		{ExternalID: "g1", ContractExternalID: "ep-1", Number: "7GAS0001", Zone: app.DefaultZoneName},
		{ExternalID: "g2", ContractExternalID: "ep-1", Number: "7GAS0002", Zone: app.DefaultZoneName},
	}); err != nil {
		t.Fatal(err)
	}
	var batches []series.Batch
	for _, g := range []struct{ meter, m3 string }{{"g1", "0.5"}, {"g2", "0.25"}} {
		if err := s.SetMeterUnit(ctx, "portal", g.meter, "m³"); err != nil {
			t.Fatal(err)
		}
		b := series.Batch{Meter: g.meter, Measure: series.Consumption, Interval: series.PT15M, Unit: series.M3}
		for ts := local(2026, 6, 1); ts.Before(local(2026, 6, 8)); ts = ts.Add(15 * time.Minute) {
			b.Readings = append(b.Readings, series.Reading{TS: ts.Unix(), Value: d(g.m3)})
		}
		batches = append(batches, b)
	}
	if err := s.SaveReadings(ctx, 0, "portal", batches...); err != nil {
		t.Fatal(err)
	}
	ms, err := s.MetersOfAccount(ctx, acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	var g1 series.Meter
	for _, m := range ms {
		if m.ExternalID == "g1" {
			g1 = m
		}
	}
	set := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	if err := s.SetMeterGas(ctx, g1.ID, series.GasConversion{CalorificValue: d("11.234"), StateNumber: d("0.9653"), SetAt: set}); err != nil {
		t.Fatal(err)
	}
	c, err := compare.LoadCurve(ctx, s, compare.CurveRequest{Account: acct, Commodity: app.CommodityGas,
		From: local(2026, 6, 1), To: local(2026, 6, 8), Gas: compare.DefaultGas})
	if err != nil {
		t.Fatal(err)
	}
	// g1: 0.5 m³ × 11.234 × 0.9653 = 5.4220901 → 5.422090 kWh;
	// g2: 0.25 m³ × 11.2 × 0.9636 = 2.69808 kWh; 8.12017 kWh a slot.
	// The bakery's power meter (kWh) is not gas and stays out.
	var sum app.Decimal
	for i, k := range c.KWh {
		if k != d("8.12017") {
			t.Fatalf("slot %d: %s kWh, want 8.12017", i, k)
		}
		sum += k
	}
	if len(c.KWh) != 672 || sum != d("5456.75424") || c.Origin.Filled != 0 {
		t.Fatalf("%d slots, %s kWh, %d filled; want 672 slots of 5456.75424 kWh", len(c.KWh), sum, c.Origin.Filled)
	}
	want := []string{
		"meter 7GAS0001: m³ × 11.234 kWh/m³ × 0.9653 (set 2026-12-02)",
		"meter 7GAS0002: m³ × 11.2 kWh/m³ × 0.9636 (default; set the grid operator's figures with wattfolio meters set-gas)",
	}
	if strings.Join(c.Origin.Conversions, "\n") != strings.Join(want, "\n") {
		t.Errorf("conversions\n%s\nwant\n%s", strings.Join(c.Origin.Conversions, "\n"), strings.Join(want, "\n"))
	}
	if l := export.CurveLabel(c); l != "metered; "+strings.Join(want, "; ") {
		t.Errorf("curve column %q", l)
	}
}
