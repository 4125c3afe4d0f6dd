package epilot

import (
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

// The unit of consumption records: read when sent, m³ kept as volume, Wh
// and a heat meter's MWh turned into kWh exactly, anything else a failure of the record naming
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
		{"heat in MWh", `{"consumptions":[
			{"timestamp":"2026-01-01T00:00:00Z","value":1.25,"unit":"MWh"},
			{"timestamp":"2026-01-01T01:00:00Z","value":0.000001,"unit":"mwh"},
			{"timestamp":"2026-01-01T02:00:00Z","value":3,"unit":"kWh"}]}`, "kWh", []string{"1250", "0.001", "3"}, ""},
		{"bad unit", `{"consumptions":[
			{"timestamp":"2026-01-01T00:00:00Z","value":1,"unit":"kWh"},
			{"timestamp":"2026-01-01T00:15:00Z","value":1,"unit":"GJ"}]}`, "kWh", []string{"1"},
			`meter m1 consumption at 2026-01-01T00:15:00Z: field unit: "GJ": want kWh, Wh or m3`},
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

// The unit a meter is listed with before its records say: the branch's
// where it settles it (a water meter counts m³, a heat meter kWh), none
// for gas, whose meters count m³ or kWh, so that the records decide and a
// gas meter is not labelled kWh by default.
func TestMeterUnitByBranch(t *testing.T) {
	c := testClient(t)
	for _, tc := range []struct{ branch, unit string }{
		{"power", "kWh"}, {"gas", ""}, {"water", "m³"}, {"waste_water", "m³"}, {"district_heating", "kWh"}, {"", ""},
	} {
		body := `{"entity":{"_id":"c1","status":"active","branch":"` + tc.branch + `"},"meters":[{"_id":"m1","meter_number":"1"}]}`
		_, ms, rerr := c.mapContract("c1", []byte(body))
		if rerr != nil || len(ms) != 1 {
			t.Fatalf("%s: %v %v", tc.branch, ms, rerr)
		}
		if ms[0].Unit != tc.unit {
			t.Errorf("%s meter listed in %q, want %q", tc.branch, ms[0].Unit, tc.unit)
		}
	}
}

// Timestamps valid under RFC 3339 with a lowercase "t" or "z" are read as
// their uppercase forms are, in the records and in a contract's dates.
func TestLowercaseTimestamps(t *testing.T) {
	c := testClient(t)
	var b series.Batch
	body := `{"consumptions":[{"timestamp":"2026-03-29t00:45:00z","value":1},{"timestamp":"2026-03-29t03:00:00+02:00","value":2}]}`
	if err := c.parse("m1", series.Consumption, []byte(body), &b); err != nil || len(b.Failures) > 0 {
		t.Fatalf("%v %v", err, b.Failures)
	}
	if len(b.Readings) != 2 || b.Readings[0].TS != 1774745100 || b.Readings[1].TS != 1774746000 {
		t.Errorf("readings %+v, want 2026-03-29 00:45 and 01:00 UTC", b.Readings)
	}
	ct, _, rerr := c.mapContract("c1", []byte(`{"entity":{"_id":"c1","start_date":"2026-01-01t00:00:00z"}}`))
	if rerr != nil || ct.ValidFrom.Format(time.RFC3339) != "2026-01-01T00:00:00Z" {
		t.Errorf("start %v, %v", ct.ValidFrom, rerr)
	}
}

// The fast path takes the forms vendors send, to the second parseInstant
// gives, and leaves everything else to parseInstant.
func TestInstantUnix(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64 // Unix seconds (checked with date -u -d … +%s); 0 with ok false
		ok   bool
	}{
		{"2026-01-01T00:00:00Z", 1767225600, true},
		{"2026-01-01T00:00:00.000Z", 1767225600, true},
		{"2026-03-29T01:00:00.000Z", 1774746000, true},            // 03:00 CEST, the spring-forward day
		{"2026-10-25T02:30:00+02:00", 1792888200, true},           // the first 02:30 of the fall-back day (00:30 UTC)
		{"2026-10-25T02:30:00+01:00", 1792891800, true},           // the second one (01:30 UTC)
		{"2024-02-29T23:59:59.999999999-01:30", 1709256599, true}, // leap day, fraction cut, negative offset
		{"1969-12-31T23:59:59.5Z", -1, true},
		{"2023-02-29T00:00:00Z", 0, false},
		{"2026-01-01T24:00:00Z", 0, false},
		{"2026-01-01T00:00:60Z", 0, false},
		{"2026-01-01t00:00:00z", 0, false}, // parseInstant reads it
		{"2026-01-01T00:00:00.1234567890Z", 0, false},
		{"2026-01-01T00:00:00+0100", 0, false},
		{"2026-01-01", 0, false},
	} {
		got, ok := instantUnix(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("%q: got %d %v, want %d %v", c.in, got, ok, c.want, c.ok)
		}
		if ok {
			if p, err := parseInstant(c.in); err != nil || p.Unix() != got {
				t.Errorf("%q: parseInstant says %v %v", c.in, p, err)
			}
		}
	}
}
