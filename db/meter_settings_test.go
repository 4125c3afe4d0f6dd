package db

import (
	"context"
	"errors"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

// gasMeter is a cache file with source "ep" and its meter "g1".
func gasMeter(t *testing.T) (*Store, series.Meter) {
	t.Helper()
	s, _ := openTest(t)
	ctx := context.Background()
	if err := s.EnsureSource(ctx, "ep", app.VendorEpilot, "http://127.0.0.1/ep"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveMeters(ctx, "ep", []series.Meter{{ExternalID: "g1", Number: "7GAS01", Zone: "Europe/Berlin"}}); err != nil {
		t.Fatal(err)
	}
	ms, err := s.ListMeters(ctx)
	if err != nil || len(ms) != 1 {
		t.Fatalf("meters %v, %v", ms, err)
	}
	return s, ms[0]
}

// A unit the consumption records stated stays when the meter list, which
// knows none, is saved again; it survives reopening the file.
func TestMeterUnitReported(t *testing.T) {
	s, m := gasMeter(t)
	ctx := context.Background()
	if m.Unit != "kWh" {
		t.Fatalf("unit %q before any reading, want the default kWh", m.Unit)
	}
	if err := s.SetMeterUnit(ctx, "ep", "g1", series.M3); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveMeters(ctx, "ep", []series.Meter{{ExternalID: "g1", Number: "7GAS01", Label: "Keller", Zone: "Europe/Berlin"}}); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.GetMeter(ctx, m.ID)
	if err != nil || got.Unit != "m³" || got.Label != "Keller" {
		t.Fatalf("meter %+v, %v: want m³ and the new label", got, err)
	}
	if err := s2.SetMeterUnit(ctx, "ep", "nope", "m³"); err != nil {
		t.Errorf("an unknown meter: %v", err)
	}
}

// Gas conversions round trip exactly through a real file; implausible
// figures and unknown meters are refused.
func TestMeterGasRoundTrip(t *testing.T) {
	s, m := gasMeter(t)
	ctx := context.Background()
	if _, ok, err := s.MeterGas(ctx, m.ID); ok || err != nil {
		t.Fatalf("a conversion before any was set: %v %v", ok, err)
	}
	at := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	g := series.GasConversion{CalorificValue: app.MustDecimal("11.234"), StateNumber: app.MustDecimal("0.9636"), SetAt: at}
	if err := s.SetMeterGas(ctx, m.ID, g); err != nil {
		t.Fatal(err)
	}
	g.CalorificValue = app.MustDecimal("11.2")
	if err := s.SetMeterGas(ctx, m.ID, g); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.MeterGas(ctx, m.ID)
	if err != nil || !ok || got != g {
		t.Fatalf("got %+v %v %v, want %+v", got, ok, err, g)
	}
	all, err := s.MeterGasAll(ctx)
	if err != nil || len(all) != 1 || all[m.ID] != g {
		t.Fatalf("all %v, %v", all, err)
	}
	if err := s.SetMeterGas(ctx, m.ID+1, g); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown meter: %v", err)
	}
	bad := g
	bad.CalorificValue = app.MustDecimal("112")
	if err := s.SetMeterGas(ctx, m.ID, bad); err == nil {
		t.Error("a calorific value of 112 kWh/m³ was stored")
	}
	if got, _, _ := s.MeterGas(ctx, m.ID); got != g {
		t.Errorf("a refused value changed the stored one: %+v", got)
	}
}
