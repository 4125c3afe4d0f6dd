package epilot

import (
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/app/series"
)

// The unit of consumption records: read when sent, m³ kept as volume, Wh
// turned into kWh exactly, anything else a failure of the record naming
// the meter, the instant and the field.
func TestConsumptionUnit(t *testing.T) {
	c := testClient(t)
	for _, tc := range []struct {
		name, body string
		unit       string
		values     []string // of the readings kept
		fail       string   // in the one failure expected
	}{
		{"gas in m3", `{"consumptions":[
			{"timestamp":"2026-01-01T00:00:00Z","value":1.25,"unit":"m3"},
			{"timestamp":"2026-01-01T01:00:00Z","value":0.5,"unit":"M³"},
			{"timestamp":"2026-01-01T02:00:00Z","value":0.75}]}`, "m³", []string{"1.25", "0.5", "0.75"}, ""},
		{"Wh", `{"consumptions":[
			{"timestamp":"2026-01-01T00:00:00Z","value":1250,"unit":"Wh"},
			{"timestamp":"2026-01-01T00:15:00Z","value":0.5,"unit":"wh"},
			{"timestamp":"2026-01-01T00:30:00Z","value":0.5,"unit":"kWh"},
			{"timestamp":"2026-01-01T00:45:00Z","value":0.0005,"unit":"Wh"}]}`, "kWh", []string{"1.25", "0.0005", "0.5"},
			`meter m1 consumption at 2026-01-01T00:45:00Z: field unit: 0.0005 Wh is finer than a thousandth of a Wh`},
		{"bad unit", `{"consumptions":[
			{"timestamp":"2026-01-01T00:00:00Z","value":1,"unit":"kWh"},
			{"timestamp":"2026-01-01T00:15:00Z","value":1,"unit":"MWh"}]}`, "kWh", []string{"1"},
			`meter m1 consumption at 2026-01-01T00:15:00Z: field unit: "MWh": want kWh, Wh or m3`},
		{"not a string", `{"consumptions":[{"timestamp":"2026-01-01T00:00:00Z","value":1,"unit":3}]}`, "", nil, `unit: want a string, got 3`},
		{"mixed", `{"consumptions":[
			{"timestamp":"2026-01-01T00:00:00Z","value":1,"unit":"m3"},
			{"timestamp":"2026-01-01T00:15:00Z","value":1,"unit":"kWh"}]}`, "m³", []string{"1"}, `unit: kWh where the rest of the window is in m³`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b series.Batch
			if err := c.parse("m1", series.Consumption, []byte(tc.body), &b); err != nil {
				t.Fatal(err)
			}
			if b.Unit != tc.unit {
				t.Errorf("unit %q, want %q", b.Unit, tc.unit)
			}
			var got []string
			for _, r := range b.Readings {
				got = append(got, r.Value.String())
			}
			if strings.Join(got, " ") != strings.Join(tc.values, " ") {
				t.Errorf("values %v, want %v", got, tc.values)
			}
			switch {
			case tc.fail == "" && len(b.Failures) > 0:
				t.Errorf("failures: %v", b.Failures)
			case tc.fail != "" && (len(b.Failures) != 1 || b.Failures[0].Field != "unit" || !strings.Contains(b.Failures[0].Error(), tc.fail)):
				t.Errorf("failures %v, want one on unit: %s", b.Failures, tc.fail)
			}
		})
	}
}

// The common case, a unit on every quarter hour, costs no allocation
// beyond the readings themselves.
func TestUnitAllocationFree(t *testing.T) {
	p := wirePoint{Unit: lit(`"kWh"`)}
	var b series.Batch
	if n := testing.AllocsPerRun(100, func() {
		if _, err := unitOf(&p, &b, app.MustDecimal("1")); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations per record", n)
	}
}
