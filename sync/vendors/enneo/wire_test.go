package enneo

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"wattfolio/sync/vendors/internal/jsonfield"
)

func TestReadDate(t *testing.T) {
	day := time.Date(2022, 8, 22, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		raw     string
		want    time.Time
		wantErr string
	}{
		{`1661126400`, day, ""},
		{`"1661126400"`, day, ""},
		{`1661126400.0`, day, ""},
		{`1661126400000`, day, ""}, // milliseconds
		{`"2022-08-22"`, day, ""},
		{`"2022-08-22T02:00:00+02:00"`, day, ""},
		{`"2022-08-22T00:00:00.1234567Z"`, day.Add(123456700), ""},
		{`null`, time.Time{}, ""},
		{``, time.Time{}, ""},
		{`""`, time.Time{}, ""},
		{`"22.08.2022"`, time.Time{}, `want Unix seconds or a date, got string "22.08.2022"`},
		{`true`, time.Time{}, "want Unix seconds or a date, got boolean true"},
		{`[1]`, time.Time{}, "got an array"},
	}
	for _, tt := range tests {
		got, err := readDate("startDate", json.RawMessage(tt.raw))
		switch {
		case tt.wantErr != "":
			if err == nil || err.Field != "startDate" || !strings.Contains(err.Err.Error(), tt.wantErr) {
				t.Errorf("readDate(%s) err = %v, want %q", tt.raw, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("readDate(%s): %v", tt.raw, err)
		case !got.Equal(tt.want) || got.Location() != time.UTC:
			t.Errorf("readDate(%s) = %v, want %v UTC", tt.raw, got, tt.want)
		}
	}
}

// Codes documented as strings arrive as numbers; digits must survive exactly,
// even beyond float64's 53 bits.
func TestReadCode(t *testing.T) {
	tests := []struct{ raw, want, wantErr string }{
		{`1000000000000`, "1000000000000", ""},
		{`12345678901234567891`, "12345678901234567891", ""},
		{`"9900001000001"`, "9900001000001", ""},
		{`" 123 "`, "123", ""},
		{`null`, "", ""},
		{`false`, "", "want a string or number, got boolean false"},
	}
	for _, tt := range tests {
		got, err := jsonfield.Code("gridOperatorCode", json.RawMessage(tt.raw))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("readCode(%s) err = %v, want %q", tt.raw, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("readCode(%s) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
}

func TestReadDecimal(t *testing.T) {
	tests := []struct{ raw, want, wantErr string }{
		{`0.1`, "0.1", ""},
		{`109.21`, "109.21", ""},
		{`0.28530000001`, "0.2853", ""},
		{`1.5e-2`, "0.015", ""},
		{`"0.19"`, "0.19", ""},
		{`3477`, "3477", ""},
		{`null`, "", ""},
		{`""`, "", ""},
		{`"lots"`, "", `field consumption: want a number, got string "lots"`},
		{`{}`, "", "want a number, got an object"},
		{`1e99`, "", "want a number, got number 1e99"},
	}
	for _, tt := range tests {
		got, err := readDecimal("consumption", json.RawMessage(tt.raw))
		switch {
		case tt.wantErr != "":
			if err == nil || err.Error() != tt.wantErr && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("readDecimal(%s) err = %v, want %q", tt.raw, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("readDecimal(%s): %v", tt.raw, err)
		case tt.want == "" && got != nil, tt.want != "" && (got == nil || got.String() != tt.want):
			t.Errorf("readDecimal(%s) = %v, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestDescribeTruncatesLongStrings(t *testing.T) {
	got := jsonfield.Describe(json.RawMessage(`"` + strings.Repeat("ä", 100) + `"`))
	if want := `string "` + strings.Repeat("ä", 40) + `…"`; got != want {
		t.Errorf("describe = %s", got)
	}
}
