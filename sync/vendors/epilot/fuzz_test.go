package epilot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"wattfolio/app/series"
)

var seriesKeys = [...]string{"consumptions", "prices", "costs"}

// seedSeries adds the portal API's response examples (testdata, from the
// OpenAPI document) and the bodies of TestScanMatchesEncodingJSON.
func seedSeries(f *testing.F) {
	for i, name := range []string{"consumption.json", "prices.json", "costs.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(i))
	}
	for _, s := range []string{
		`{"prices":null}`, `{"prices":[]}`, `{"prices":[null]}`, `{"x":1,"prices":[{}],"prices":[{"tax_rate":1}]}`,
		`{"costs":[{"timestamp":"a\u0062"}]}`, `{"costs":[{"Timestamp":"x"}]}`, `{"costs":[{"timestamp":5}]}`,
		`{"costs":[{"components":{"margin_amount":1},"components":{"grid_fee_amount":2}}]}`,
		`{"costs":[{"timestamp":"x","timestamp":null}]}`, `{"costs":[{"unit_amount":1e2,"extra":[1,{"a":[true,false,null]}]}]}`,
		`{"costs":[]} x`, `{"costs":[{"tax_rate":-0.5e+3}]}`, `{"costs":[{"type":"\u00e4"}]}`,
		`{"consumptions":[{"value":1,"unit":"m3"},{"value":2,"unit":"m³"}]}`, `{"consumptions":[{"unit":"kWh","Unit":"Wh"}]}`,
		`{"consumptions":[{"unit":"Wh","unit":"kWh"}]}`, `{"consumptions":[{"value":01}]}`, `[]`, `null`, ``,
		// RFC 3339 lets "T" and "Z" be lowercase.
		`{"consumptions":[{"timestamp":"2026-03-29t01:00:00z","value":1},{"timestamp":"2026-03-29t03:00:00.5+02:00","value":2}]}`,
		`{"costs":[{"timestamp":"2026-01-01t00:00:00z","unit_amount":1,"unit_amount_decimal":"0.01","unit_amount_currency":"EUR","tax_behavior":"inclusive","tax_rate":19}]}`,
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(1))
		f.Add([]byte(s), uint8(2))
	}
}

// The byte scanner against encoding/json: whatever body the scanner
// accepts is valid JSON that encoding/json decodes to the same records,
// and a whole time-series response, through either path, is parsed into
// readings and failures without a panic, each failure naming its record
// in valid UTF-8.
func FuzzScanPoints(f *testing.F) {
	seedSeries(f)
	c, err := New(Config{Source: "ep", BaseURL: "http://portal.invalid", Token: "t"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		key := seriesKeys[int(which)%len(seriesKeys)]
		got, ok := scanPoints(body, key, nil)
		if ok {
			if !json.Valid(body) {
				t.Fatalf("the scanner accepts invalid JSON:\n%q", body)
			}
			want, err := decodePoints(body, key)
			if err != nil {
				t.Fatalf("the scanner accepts what encoding/json rejects (%v):\n%q", err, body)
			}
			if len(got) != len(want) || (got == nil) != (want == nil) {
				t.Fatalf("scanner %d records (nil %v), encoding/json %d (nil %v):\n%q", len(got), got == nil, len(want), want == nil, body)
			}
			for i := range got {
				if !samePoint(&got[i], &want[i]) {
					t.Fatalf("record %d differs:\nscan %+v\njson %+v\n%q", i, got[i], want[i], body)
				}
			}
		}
		measure := [...]series.Measure{series.Consumption, series.Price, series.Cost}[int(which)%3]
		var b series.Batch
		if err := c.parse("m1", measure, body, &b); err != nil {
			if ok {
				t.Fatalf("parse fails on a body the scanner accepts: %v", err)
			}
			return
		}
		if !utf8.Valid(body) {
			return
		}
		for _, fail := range b.Failures {
			if !utf8.ValidString(fail.Error()) {
				t.Fatalf("failure message is not valid UTF-8: %q", fail.Error())
			}
		}
	})
}

// A contract document maps to a contract with the asked id and its meters,
// or to one failure naming the record; never a panic.
func FuzzMapContract(f *testing.F) {
	const id = "c0a1e500-7e57-4d1c-9a00-000000000000"
	b, err := os.ReadFile(filepath.Join("testdata", "contract.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	for _, s := range []string{`{}`, `{"entity":null}`, `{"entity":{"_id":"` + id + `","start_date":"x"}}`,
		`{"entity":{"_id":"` + id + `","branch":"gas"},"meters":[{"_id":"m","meter_number":7}]}`,
		`{"entity":{"_id":"` + id + `"},"meters":[null,{"_id":""}]}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
	c, err := New(Config{Source: "ep", BaseURL: "http://portal.invalid", Token: "t",
		Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ct, meters, rerr := c.mapContract(id, body)
		if rerr != nil {
			if rerr.Record != "contract "+id || (utf8.Valid(body) && !utf8.ValidString(rerr.Error())) {
				t.Fatalf("failure %q does not name the record in valid UTF-8", rerr.Error())
			}
			return
		}
		if ct.ExternalID != id || ct.Source != "ep" {
			t.Fatalf("contract %q of %q, want %q of ep", ct.ExternalID, ct.Source, id)
		}
		for _, tm := range []time.Time{ct.ValidFrom, ct.ValidTo} {
			if !tm.IsZero() && tm.Location() != time.UTC {
				t.Fatalf("time %v is not UTC", tm)
			}
		}
		for _, m := range meters {
			if m.ExternalID == "" || m.ContractExternalID != id {
				t.Fatalf("meter %+v", m)
			}
		}
	})
}

// parseInstant takes what RFC 3339 allows and Go's layout does not, a
// lowercase "t" between date and time and a lowercase "z" for UTC, and
// nothing else beyond what time.Parse takes: a text is read iff the same
// text with those two letters raised is, to the same instant.
func FuzzParseInstant(f *testing.F) {
	for _, s := range []string{
		"2026-01-01T00:00:00Z", "2026-01-01t00:00:00z", "2026-01-01t00:00:00Z", "2026-01-01T00:00:00z",
		"2026-03-29t03:00:00.123456789+02:00", "2026-10-25t02:30:00-00:00", "2026-01-01t00:00:00",
		"2026-01-01 00:00:00Z", "2026-01-01tt0:00:00z", "t", "", "2026-01-01x00:00:00z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseInstant(s)
		up := []byte(s)
		if len(up) > 10 && up[10] == 't' {
			up[10] = 'T'
		}
		if n := len(up); n > 0 && up[n-1] == 'z' {
			up[n-1] = 'Z'
		}
		want, werr := time.Parse(time.RFC3339Nano, string(up))
		if (err == nil) != (werr == nil) || (err == nil && !got.Equal(want)) {
			t.Fatalf("%q: %v %v; raised %q: %v %v", s, got, err, up, want, werr)
		}
		if err == nil && s != string(up) && s[len(s)-1] == 'z' && got.Location() != time.UTC {
			t.Fatalf("%q: a lowercase z read as %v, not UTC", s, got.Location())
		}
	})
}

// instantUnix, the fast path of the records' timestamps, reads a text only
// when parseInstant reads it too, to the same second.
func FuzzInstantUnix(f *testing.F) {
	for _, s := range []string{
		"2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000Z", "2026-03-29T01:45:00+00:00", "2026-10-25T02:30:00+02:00",
		"2024-02-29T23:59:59.999999999-12:59", "2023-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59+23:59",
		"2026-01-01T24:00:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z",
		"2026-01-01t00:00:00z", "2026-01-01T00:00:00+0100", "1969-12-31T23:59:59.5Z", "+026-01-01T00:00:00Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := instantUnix(s)
		if !ok {
			return
		}
		want, err := parseInstant(s)
		if err != nil || want.Unix() != got {
			t.Fatalf("%q: fast path %d, parseInstant %v (%d) %v", s, got, want, want.Unix(), err)
		}
	})
}
