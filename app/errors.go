package app

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrNotFound is returned when a requested record is not in the cache.
var ErrNotFound = errors.New("not found")

// RecordError says what was wrong with one vendor record, so that a user can
// find it: the source, the record's id at the vendor, and the field.
type RecordError struct {
	Source string // configured source name
	Record string // e.g. "contract 746839"
	Field  string // the vendor's field name; empty when the whole record failed
	Err    error
}

func (e *RecordError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: %s: %v", e.Source, e.Record, e.Err)
	}
	return fmt.Sprintf("%s: %s: field %s: %v", e.Source, e.Record, e.Field, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Clip cuts s, a vendor's value quoted in a message, to at most n bytes
// and marks the cut with "…". It cuts between characters: a message cut
// inside one is no longer valid UTF-8, and shows up garbled.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ErrNotFetched marks data that is missing because the vendor did not
// answer after every retry (an outage, timeouts, rate limits): the record
// is not bad, it was not fetched, and the next sync asks for it again. A
// sync counts such records as missing, never as rejected.
var ErrNotFetched = errors.New("not fetched: the vendor did not answer after retries")

// ErrUnauthorized marks a vendor that refused the credentials (401) or the
// access (403): what the user fixes in the source's settings, not by
// waiting. Every connector's refusal matches it with errors.Is, whatever the
// vendor's own words, so the app can tell the user which it is.
var ErrUnauthorized = errors.New("unauthorized")

// Unavailable makes a vendor's "unavailable" error: its message is msg,
// and errors.Is(err, ErrNotFetched) holds for it and every error wrapping it.
func Unavailable(msg string) error { return &unavailable{msg} }

type unavailable struct{ msg string }

func (u *unavailable) Error() string { return u.msg }
func (u *unavailable) Unwrap() error { return ErrNotFetched }
