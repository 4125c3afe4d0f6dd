package vendortest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"

	"wattfolio/app"
)

// CheckMapped fails t unless c, mapped from a vendor's body by a fuzz
// test, is a contract the cache can keep: an id, times in UTC, its raw
// JSON valid, and text that is valid UTF-8 (encoding/json makes it so).
func CheckMapped(t testing.TB, body []byte, c app.Contract) {
	t.Helper()
	if c.ExternalID == "" {
		t.Fatalf("a contract without an id, from:\n%q", body)
	}
	for _, tm := range []time.Time{c.ValidFrom, c.ValidTo, c.SignedAt, c.CancelledAt, c.FetchedAt} {
		if !tm.IsZero() && tm.Location() != time.UTC {
			t.Fatalf("time %v is not UTC, from:\n%q", tm, body)
		}
	}
	if !json.Valid(c.Raw) {
		t.Fatalf("raw JSON %q is not valid, from:\n%q", c.Raw, body)
	}
	checkText(t, body, reflect.ValueOf(c), "contract")
}

// checkText walks v for strings that are not valid UTF-8.
func checkText(t testing.TB, body []byte, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			t.Fatalf("%s %q is not valid UTF-8, from:\n%q", path, v.String(), body)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			checkText(t, body, v.Elem(), path)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				checkText(t, body, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			for i := range v.Len() {
				checkText(t, body, v.Index(i), path)
			}
		}
	}
}

// CheckFailure fails t unless msg, a mapping failure for body, is valid
// UTF-8 whenever body is: it is stored and shown as text.
func CheckFailure(t testing.TB, body []byte, msg string) {
	t.Helper()
	if utf8.Valid(body) && !utf8.ValidString(msg) {
		t.Fatalf("failure %q is not valid UTF-8, from:\n%q", msg, body)
	}
}
