package app

import (
	"testing"
	"time"
)

// The embedded zone must know Berlin's clock changes: 23- and 25-hour days.
func TestDefaultZoneHasBerlinDST(t *testing.T) {
	loc := DefaultZone()
	for _, tt := range []struct {
		day   string
		hours float64
	}{{"2026-03-29", 23}, {"2026-10-25", 25}, {"2026-06-01", 24}} {
		start, err := time.ParseInLocation("2006-01-02", tt.day, loc)
		if err != nil {
			t.Fatal(err)
		}
		if got := start.AddDate(0, 0, 1).Sub(start).Hours(); got != tt.hours {
			t.Errorf("%s has %v hours in %s, want %v", tt.day, got, loc, tt.hours)
		}
	}
}
