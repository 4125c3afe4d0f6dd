// Package jsonfield reads single values of a vendor's JSON payload, kept as
// json.RawMessage until read, into Go values. A value of the wrong JSON type
// is an *Error that names the field by its wire name and describes what came
// instead; numbers are read from their literal text, so money and long codes
// never pass through float64.
//
// The readers share one convention: null and an absent field (an empty
// RawMessage) give the zero value and no error. Strings are trimmed.
package jsonfield

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/personal"
)

// Error is a value that cannot be read. Field is the vendor's name for it
// (with a path such as asset.nominal_power or energy_prices[0].price where
// it helps), or empty when a record or document as a whole is unreadable.
type Error struct {
	Field string
	Err   error
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Err.Error()
	}
	return "field " + e.Field + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf is an *Error for field with a formatted message.
func Errorf(field, format string, args ...any) *Error {
	return &Error{Field: field, Err: fmt.Errorf(format, args...)}
}

// IsNull reports whether raw is JSON null or absent.
func IsNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// IsNumber reports whether raw is a JSON number (by its first byte).
func IsNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}

// Describe names a JSON value for an error message: `string "…"` (cut
// after 40 characters), "number 12.5", "boolean true", "null", "an object",
// "an array", or "nothing" for an absent one. Only describe fields that
// hold no personal data such as IBANs, e-mail addresses or phone numbers.
func Describe(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		// Only fields without personal data are described; a vendor may
		// still put an e-mail address or an IBAN where none belongs.
		s = personal.MaskText(s)
		if r := []rune(s); len(r) > 40 {
			s = string(r[:40]) + "…"
		}
		return "string " + strconv.Quote(s)
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "boolean " + string(raw)
	case 'n':
		return "null"
	default:
		return "number " + string(raw)
	}
}

// String reads a string, trimmed of white space.
func String(field string, raw json.RawMessage) (string, *Error) {
	if IsNull(raw) {
		return "", nil
	}
	if raw[0] != '"' {
		return "", Errorf(field, "want a string, got %s", Describe(raw))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &Error{field, err}
	}
	return strings.TrimSpace(s), nil
}

// Code reads an identifier a vendor may send as a string or as a number. A
// number keeps its literal text, so 1000000000000 stays exactly that.
func Code(field string, raw json.RawMessage) (string, *Error) {
	if IsNumber(raw) {
		return string(raw), nil
	}
	if !IsNull(raw) && raw[0] != '"' {
		return "", Errorf(field, "want a string or number, got %s", Describe(raw))
	}
	return String(field, raw)
}

// Decimal reads a JSON number from its literal text, never through
// float64. A string is a wrong type, even when it holds digits.
func Decimal(field string, raw json.RawMessage) (*app.Decimal, *Error) {
	if IsNull(raw) {
		return nil, nil
	}
	var n json.Number
	if !IsNumber(raw) || json.Unmarshal(raw, &n) != nil {
		return nil, Errorf(field, "want a number, got %s", Describe(raw))
	}
	d, err := app.ParseDecimal(n.String())
	if err != nil {
		return nil, Errorf(field, "want a number, got %s: %v", Describe(raw), err)
	}
	return &d, nil
}

// Time reads a timestamp string in the first of layouts that fits, as UTC.
// want says what is expected in an error, e.g. "an RFC 3339 date-time";
// it is used for a value of the wrong JSON type too.
func Time(field string, raw json.RawMessage, want string, layouts ...string) (time.Time, *Error) {
	if !IsNull(raw) && raw[0] != '"' {
		return time.Time{}, Errorf(field, "want %s, got %s", want, Describe(raw))
	}
	s, ferr := String(field, raw)
	if ferr != nil || s == "" {
		return time.Time{}, ferr
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, Errorf(field, "want %s, got %s", want, Describe(raw))
}

// Reader reads fields one after another and keeps the first error: one bad
// field is enough for the user to find the record, and the mapping code
// stays a plain list of fields.
type Reader struct{ err *Error }

// Keep records e unless an earlier error is kept already; nil is ignored.
func (r *Reader) Keep(e *Error) {
	if e != nil && r.err == nil {
		r.err = e
	}
}

// Err is the first error kept, or nil.
func (r *Reader) Err() *Error { return r.err }

// String is String, keeping its error.
func (r *Reader) String(field string, raw json.RawMessage) string {
	s, e := String(field, raw)
	r.Keep(e)
	return s
}

// Code is Code, keeping its error.
func (r *Reader) Code(field string, raw json.RawMessage) string {
	s, e := Code(field, raw)
	r.Keep(e)
	return s
}

// Decimal is Decimal, keeping its error.
func (r *Reader) Decimal(field string, raw json.RawMessage) *app.Decimal {
	d, e := Decimal(field, raw)
	r.Keep(e)
	return d
}

// Time is Time, keeping its error.
func (r *Reader) Time(field string, raw json.RawMessage, want string, layouts ...string) time.Time {
	t, e := Time(field, raw, want, layouts...)
	r.Keep(e)
	return t
}

// ErrTruncated marks a body that ends mid-document: usually a connection
// cut without a Content-Length to notice it by, so it is worth another try.
var ErrTruncated = errors.New("response body cut off")

// Truncation tells a document that stops short from one that is wrong: for
// err from decoding body it returns ErrTruncated (wrapped with "empty body"
// when there is no body at all), or nil when body is wrong some other way.
func Truncation(body []byte, err error) error {
	var syn *json.SyntaxError
	switch {
	case len(strings.TrimSpace(string(body))) == 0:
		return fmt.Errorf("%w: empty body", ErrTruncated)
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
		return ErrTruncated
	}
	return nil
}
