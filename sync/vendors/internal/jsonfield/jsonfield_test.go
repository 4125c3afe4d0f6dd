package jsonfield

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDescribe(t *testing.T) {
	for _, tt := range []struct{ raw, want string }{
		{``, "nothing"},
		{`null`, "null"},
		{`"abc"`, `string "abc"`},
		{`"` + strings.Repeat("ä", 100) + `"`, `string "` + strings.Repeat("ä", 40) + `…"`},
		{`"mail anna@example.org, DE89370400440532013000"`, `string "mail •••, •••"`},
		{`12.50`, "number 12.50"},
		{`-3`, "number -3"},
		{`true`, "boolean true"},
		{`false`, "boolean false"},
		{`{"a":1}`, "an object"},
		{`[1]`, "an array"},
	} {
		if got := Describe(json.RawMessage(tt.raw)); got != tt.want {
			t.Errorf("Describe(%s) = %s, want %s", tt.raw, got, tt.want)
		}
	}
}

func TestIsNullIsNumber(t *testing.T) {
	for _, tt := range []struct {
		raw          string
		null, number bool
	}{
		{``, true, false}, {`null`, true, false}, {`0`, false, true}, {`-1.5`, false, true},
		{`"1"`, false, false}, {`true`, false, false}, {`[]`, false, false},
	} {
		raw := json.RawMessage(tt.raw)
		if IsNull(raw) != tt.null || IsNumber(raw) != tt.number {
			t.Errorf("%s: IsNull %v IsNumber %v, want %v %v", tt.raw, IsNull(raw), IsNumber(raw), tt.null, tt.number)
		}
	}
}

// check compares a reader's result: wantErr is the whole message, with the
// field name, or empty for no error.
func check(t *testing.T, name, raw string, got any, want any, ferr *Error, wantErr string) {
	t.Helper()
	switch {
	case wantErr != "":
		if ferr == nil || ferr.Error() != wantErr {
			t.Errorf("%s(%s) error = %v, want %q", name, raw, ferr, wantErr)
		}
	case ferr != nil:
		t.Errorf("%s(%s): %v", name, raw, ferr)
	case got != want:
		t.Errorf("%s(%s) = %v, want %v", name, raw, got, want)
	}
}

func TestString(t *testing.T) {
	for _, tt := range []struct{ raw, want, wantErr string }{
		{`"abc"`, "abc", ""},
		{`"  padded \t"`, "padded", ""},
		{`""`, "", ""},
		{`null`, "", ""},
		{``, "", ""},
		{`42`, "", "field name: want a string, got number 42"},
		{`["a"]`, "", "field name: want a string, got an array"},
	} {
		got, ferr := String("name", json.RawMessage(tt.raw))
		check(t, "String", tt.raw, got, tt.want, ferr, tt.wantErr)
	}
}

func TestCode(t *testing.T) {
	for _, tt := range []struct{ raw, want, wantErr string }{
		{`1000000000000`, "1000000000000", ""},
		{`12345678901234567891`, "12345678901234567891", ""}, // beyond float64
		{`"9900001000001"`, "9900001000001", ""},
		{`" A-13 "`, "A-13", ""},
		{`null`, "", ""},
		{``, "", ""},
		{`false`, "", "field code: want a string or number, got boolean false"},
		{`{}`, "", "field code: want a string or number, got an object"},
	} {
		got, ferr := Code("code", json.RawMessage(tt.raw))
		check(t, "Code", tt.raw, got, tt.want, ferr, tt.wantErr)
	}
}

func TestDecimal(t *testing.T) {
	for _, tt := range []struct{ raw, want, wantErr string }{
		{`0.1`, "0.1", ""},
		{`109.21`, "109.21", ""},
		{`-3.25`, "-3.25", ""},
		{`1.5e1`, "15", ""},
		{`20.0`, "20", ""},
		{`null`, "", ""},
		{``, "", ""},
		{`"5.1"`, "", `field price: want a number, got string "5.1"`},
		{`true`, "", "field price: want a number, got boolean true"},
		{`{}`, "", "field price: want a number, got an object"},
		{`1e99`, "", `field price: want a number, got number 1e99: not a decimal number: "1e99"`},
	} {
		d, ferr := Decimal("price", json.RawMessage(tt.raw))
		got := ""
		if d != nil {
			got = d.String()
		}
		check(t, "Decimal", tt.raw, got, tt.want, ferr, tt.wantErr)
	}
}

func TestTime(t *testing.T) {
	const want = "an RFC 3339 date-time"
	at := time.Date(2026, 1, 15, 13, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		raw     string
		layouts []string
		want    time.Time
		wantErr string
	}{
		{`"2026-01-15T14:00:00+01:00"`, []string{time.RFC3339Nano}, at, ""},
		{`"2026-01-15T13:00:00Z"`, []string{time.RFC3339Nano}, at, ""},
		{`"2026-01-15"`, []string{time.RFC3339Nano, time.DateOnly}, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), ""},
		{`null`, []string{time.RFC3339Nano}, time.Time{}, ""},
		{``, []string{time.RFC3339Nano}, time.Time{}, ""},
		{`""`, []string{time.RFC3339Nano}, time.Time{}, ""},
		{`"15.01.2026"`, []string{time.RFC3339Nano}, time.Time{}, `field at: want an RFC 3339 date-time, got string "15.01.2026"`},
		{`1768482000`, []string{time.RFC3339Nano}, time.Time{}, "field at: want an RFC 3339 date-time, got number 1768482000"},
	} {
		got, ferr := Time("at", json.RawMessage(tt.raw), want, tt.layouts...)
		check(t, "Time", tt.raw, got, tt.want, ferr, tt.wantErr)
		if ferr == nil && got.Location() != time.UTC {
			t.Errorf("Time(%s) = %v, not in UTC", tt.raw, got)
		}
	}
}

func TestReaderKeepsFirstError(t *testing.T) {
	for _, tt := range []struct {
		name      string
		read      func(r *Reader)
		wantField string
	}{
		{"none", func(r *Reader) { r.String("a", json.RawMessage(`"x"`)); r.Decimal("b", json.RawMessage(`1`)) }, ""},
		{"first of two", func(r *Reader) {
			r.String("a", json.RawMessage(`"x"`))
			r.Code("b", json.RawMessage(`true`))
			r.Decimal("c", json.RawMessage(`"1"`))
		}, "b"},
		{"kept by hand", func(r *Reader) {
			r.Keep(nil)
			r.Keep(Errorf("d", "missing"))
			r.Time("e", json.RawMessage(`1`), "a date")
		}, "d"},
	} {
		var r Reader
		tt.read(&r)
		got := ""
		if r.Err() != nil {
			got = r.Err().Field
		}
		if got != tt.wantField {
			t.Errorf("%s: first error in field %q, want %q (%v)", tt.name, got, tt.wantField, r.Err())
		}
	}
}

func TestErrorText(t *testing.T) {
	inner := errors.New("want a string, got number 7")
	for _, tt := range []struct {
		err  *Error
		want string
	}{
		{&Error{Field: "seller.tso", Err: inner}, "field seller.tso: want a string, got number 7"},
		{&Error{Err: inner}, "want a string, got number 7"},
	} {
		if got := tt.err.Error(); got != tt.want || !errors.Is(tt.err, inner) {
			t.Errorf("Error() = %q, want %q wrapping the cause", got, tt.want)
		}
	}
}

func TestTruncation(t *testing.T) {
	decode := func(body string) error {
		var v any
		return json.Unmarshal([]byte(body), &v)
	}
	for _, tt := range []struct {
		body string
		want string // "" for not truncated
	}{
		{``, "response body cut off: empty body"},
		{"  \n", "response body cut off: empty body"},
		{`{"id": "c1", "na`, "response body cut off"},
		{`[1, 2`, "response body cut off"},
		{`{"id": }`, ""},
		{`<html>`, ""},
	} {
		got := Truncation([]byte(tt.body), decode(tt.body))
		switch {
		case tt.want == "" && got != nil:
			t.Errorf("Truncation(%q) = %v, want nil", tt.body, got)
		case tt.want != "" && (got == nil || got.Error() != tt.want || !errors.Is(got, ErrTruncated)):
			t.Errorf("Truncation(%q) = %v, want %q", tt.body, got, tt.want)
		}
	}
}
