package app

import (
	"testing"
	"time"
)

// In force at any moment of the local day, as the store's ActiveOn filter:
// 25 October 2026 in Berlin is 25 hours long.
func TestActiveOnDay(t *testing.T) {
	loc := DefaultZone()
	day := time.Date(2026, 10, 25, 0, 0, 0, 0, loc)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour).UTC() }
	for _, tc := range []struct {
		name     string
		from, to time.Time
		want     bool
	}{
		{"open-ended", time.Time{}, time.Time{}, true},
		{"starts in the day's 25th hour", at(24), time.Time{}, true},
		{"starts at the next midnight", at(25), time.Time{}, false},
		{"ended at the day's start", time.Time{}, at(0), true},
		{"ended the second before", time.Time{}, at(0).Add(-time.Second), false},
	} {
		if got := (Contract{ValidFrom: tc.from, ValidTo: tc.to}).ActiveOnDay(day); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
