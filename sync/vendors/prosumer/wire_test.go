package prosumer

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
)

func TestReadTime(t *testing.T) {
	at := func(ns int) time.Time { return time.Date(2026, 2, 27, 0, 50, 37, ns, time.UTC) }
	tests := []struct {
		raw     string
		want    time.Time
		wantErr string
	}{
		{raw: `"2026-02-27T00:50:37.5282548+00:00"`, want: at(528254800)},
		{raw: `"2026-02-27T00:50:37+00:00"`, want: at(0)},
		{raw: `"2026-02-27T00:50:37.5+00:00"`, want: at(500000000)},
		{raw: `"2026-02-27T00:50:37.52+00:00"`, want: at(520000000)},
		{raw: `"2026-02-27T00:50:37.528+00:00"`, want: at(528000000)},
		{raw: `"2026-02-27T00:50:37.5282+00:00"`, want: at(528200000)},
		{raw: `"2026-02-27T00:50:37.52825+00:00"`, want: at(528250000)},
		{raw: `"2026-02-27T00:50:37.528254+00:00"`, want: at(528254000)},
		{raw: `"2026-02-27T00:50:37.5282548Z"`, want: at(528254800)},
		{raw: `"2026-02-27T00:50:37Z"`, want: at(0)},
		{raw: `"2026-02-27T01:50:37.5282548+01:00"`, want: at(528254800)},
		{raw: `"2026-02-26T19:50:37.5282548-05:00"`, want: at(528254800)},
		{raw: `"2026-02-27T05:20:37+04:30"`, want: at(0)},
		{raw: `"2026-02-27T00:50:37.5282548"`, want: at(528254800)}, // DateTime of unspecified kind: UTC
		{raw: `"2026-02-27T00:50:37"`, want: at(0)},
		{raw: `null`},
		{raw: ``}, // absent
		{raw: `""`},
		{raw: `"0001-01-01T00:00:00"`},       // DateTime.MinValue: not set
		{raw: `"0001-01-01T00:00:00+00:00"`}, // as DateTimeOffset
		{raw: `"0001-01-01T00:00:00Z"`},
		{raw: `"9999-12-31T23:59:59.9999999"`}, // DateTime.MaxValue: open-ended
		{raw: `"9999-12-31T23:59:59.9999999+00:00"`},
		{raw: `1772153437`, wantErr: "field ValidTo: want a timestamp such as 2026-02-27T00:50:37.5282548+00:00, got number 1772153437"},
		{raw: `true`, wantErr: "want a timestamp such as 2026-02-27T00:50:37.5282548+00:00, got boolean true"},
		{raw: `"27.02.2026"`, wantErr: `want a timestamp such as 2026-02-27T00:50:37.5282548+00:00, got string "27.02.2026"`},
		{raw: `"2026-02-27"`, wantErr: "want a timestamp such as"},
		{raw: `"2026-02-30T00:00:00+00:00"`, wantErr: "want a timestamp such as"},
	}
	for _, tt := range tests {
		got, ferr := readTime("ValidTo", json.RawMessage(tt.raw))
		if tt.wantErr != "" {
			if ferr == nil || ferr.Field != "ValidTo" || !strings.Contains(ferr.Error(), tt.wantErr) {
				t.Errorf("readTime(%s) = %v, %v; want error %q", tt.raw, got, ferr, tt.wantErr)
			}
			continue
		}
		if ferr != nil || !got.Equal(tt.want) || got.Location() != time.UTC && !got.IsZero() {
			t.Errorf("readTime(%s) = %v, %v; want %v", tt.raw, got, ferr, tt.want)
		}
	}
}

func TestReadNumbers(t *testing.T) {
	decs := []struct {
		raw, want, wantErr string
	}{
		{raw: `5.1`, want: "5.1"},
		{raw: `20.0`, want: "20"},
		{raw: `-3.25`, want: "-3.25"},
		{raw: `1.5e1`, want: "15"},
		{raw: `0.1234567`, want: "0.123457"},
		{raw: `null`},
		{raw: ``},
		{raw: `"5.1"`, wantErr: `want a number, got string "5.1"`},
		{raw: `"not-what-you-expect"`, wantErr: `want a number, got string "not-what-you-expect"`},
		{raw: `{}`, wantErr: "want a number, got an object"},
		{raw: `1e99`, wantErr: "not a decimal number"},
	}
	for _, tt := range decs {
		got, ferr := jsonfield.Decimal("Tolerance", json.RawMessage(tt.raw))
		switch {
		case tt.wantErr != "":
			if ferr == nil || ferr.Field != "Tolerance" || !strings.Contains(ferr.Error(), tt.wantErr) {
				t.Errorf("readDecimal(%s) = %v, %v; want %q", tt.raw, got, ferr, tt.wantErr)
			}
		case tt.want == "":
			if got != nil || ferr != nil {
				t.Errorf("readDecimal(%s) = %v, %v; want nil", tt.raw, got, ferr)
			}
		case ferr != nil || got == nil || *got != app.MustDecimal(tt.want):
			t.Errorf("readDecimal(%s) = %v, %v; want %s", tt.raw, got, ferr, tt.want)
		}
	}
	ints := []struct {
		raw     string
		want    int64
		wantErr string
	}{
		{raw: `3`, want: 3},
		{raw: `0`, want: 0},
		{raw: `240.0`, want: 240},
		{raw: `1.5`, wantErr: "want a whole number, got number 1.5"},
		{raw: `"3"`, wantErr: `want a number, got string "3"`},
	}
	for _, tt := range ints {
		got, ferr := readInt("Renewal", json.RawMessage(tt.raw))
		switch {
		case tt.wantErr != "":
			if ferr == nil || !strings.Contains(ferr.Error(), tt.wantErr) {
				t.Errorf("readInt(%s) = %v; want %q", tt.raw, ferr, tt.wantErr)
			}
		case ferr != nil || got == nil || *got != tt.want:
			t.Errorf("readInt(%s) = %v, %v; want %d", tt.raw, got, ferr, tt.want)
		}
	}
	codes := []struct{ raw, want, wantErr string }{
		{raw: `13`, want: "13"},
		{raw: `"A-13"`, want: "A-13"},
		{raw: `null`},
		{raw: `[13]`, wantErr: "want a string or number, got an array"},
	}
	for _, tt := range codes {
		got, ferr := jsonfield.Code("AssetId", json.RawMessage(tt.raw))
		if (ferr != nil) != (tt.wantErr != "") || ferr != nil && !strings.Contains(ferr.Error(), tt.wantErr) || got != tt.want {
			t.Errorf("readCode(%s) = %q, %v; want %q %q", tt.raw, got, ferr, tt.want, tt.wantErr)
		}
	}
}

// Names fall back from Name to Description to ContractType, and for
// flexibility contracts from Name to AssetName.
func TestNameFallback(t *testing.T) {
	m := mapper{source: "s", now: fixedNow}
	tests := []struct {
		kind app.Kind
		raw  string
		want string
	}{
		{app.KindEnergy, `{"Id":"a","Name":"PV","Description":"d","ContractType":"t"}`, "PV"},
		{app.KindEnergy, `{"Id":"a","Name":null,"Description":"d","ContractType":"t"}`, "d"},
		{app.KindService, `{"Id":"a","Name":" ","Description":"","ContractType":"Wartung"}`, "Wartung"},
		{app.KindFlexibility, `{"Id":"a","Name":"","AssetName":"Tesla Powerwall 2"}`, "Tesla Powerwall 2"},
	}
	for _, tt := range tests {
		got := m.contract(tt.kind, json.RawMessage(tt.raw), "c")
		if got.err != nil || got.contract.Name != tt.want {
			t.Errorf("%s: name %q, err %v; want %q", tt.raw, got.contract.Name, got.err, tt.want)
		}
	}
}
