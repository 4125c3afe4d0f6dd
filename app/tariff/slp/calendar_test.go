package slp

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	for _, tc := range []struct {
		year int
		m    time.Month
		d    int
	}{
		{2024, time.March, 31},
		{2025, time.April, 20},
		{2026, time.April, 5},
		{2027, time.March, 28},
		{2038, time.April, 25}, // the latest possible date
		{2285, time.March, 22}, // the earliest
		{2000, time.April, 23},
	} {
		if m, d := easter(tc.year); m != tc.m || d != tc.d {
			t.Errorf("Easter %d: %d %s, want %d %s", tc.year, d, m, tc.d, tc.m)
		}
	}
}

func TestIsHoliday(t *testing.T) {
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2026-01-01", true},  // Neujahr
		{"2026-04-03", true},  // Karfreitag: Easter 5 April − 2
		{"2026-04-05", false}, // Easter Sunday: a Sunday, not a statutory holiday
		{"2026-04-06", true},  // Ostermontag
		{"2026-05-01", true},  // Tag der Arbeit
		{"2026-05-14", true},  // Christi Himmelfahrt: 5 April + 39
		{"2026-05-25", true},  // Pfingstmontag: 5 April + 50
		{"2026-10-03", true},  // Tag der Deutschen Einheit
		{"2026-12-25", true},
		{"2026-12-26", true},
		{"2026-01-06", false}, // Heilige Drei Könige: some states only
		{"2026-06-04", false}, // Fronleichnam: some states only
		{"2026-10-31", false}, // Reformationstag: some states only
		{"2026-12-24", false}, // a Saturday in the profiles, not a holiday
		{"2024-03-29", true},  // Karfreitag: 31 March − 2
		{"2024-04-01", true},  // Ostermontag
		{"2024-05-09", true},  // Himmelfahrt: 31 March + 39
		{"2024-05-20", true},  // Pfingstmontag: 31 March + 50
		{"2025-04-18", true},  // Karfreitag: 20 April − 2
		{"2025-05-29", true},  // Himmelfahrt: 20 April + 39
		{"2025-06-09", true},  // Pfingstmontag: 20 April + 50
		{"2027-03-26", true},  // Karfreitag: 28 March − 2
		{"2027-03-29", true},  // Ostermontag
		{"2027-05-06", true},  // Himmelfahrt: 28 March + 39
		{"2027-05-17", true},  // Pfingstmontag: 28 March + 50
		{"2027-05-16", false}, // Whit Sunday
	} {
		y, m, d := date(t, tc.date)
		if got := IsHoliday(y, m, d); got != tc.want {
			t.Errorf("IsHoliday(%s) = %v, want %v", tc.date, got, tc.want)
		}
	}
}

func TestDayType(t *testing.T) {
	for _, tc := range []struct{ date, want string }{
		{"2026-01-05", "WT"}, // Monday
		{"2026-01-03", "SA"},
		{"2026-01-04", "FT"}, // Sunday
		{"2026-05-25", "FT"}, // Pfingstmontag, a Monday
		{"2026-12-24", "SA"}, // Thursday
		{"2026-12-31", "SA"}, // Thursday
		{"2026-12-26", "FT"}, // Saturday, but 2. Weihnachtstag
		{"2022-12-24", "SA"}, // Saturday anyway
		{"2028-12-24", "FT"}, // Sunday stays Sunday
		{"2028-12-31", "FT"}, // Sunday
		{"2027-01-01", "FT"}, // Neujahr, a Friday
	} {
		y, m, d := date(t, tc.date)
		if got := DayType(y, m, d); got != tc.want {
			t.Errorf("DayType(%s) = %s, want %s", tc.date, got, tc.want)
		}
	}
}

func TestSeason(t *testing.T) {
	for _, tc := range []struct {
		date string
		want int
	}{
		{"2026-01-01", winter},
		{"2026-03-20", winter},
		{"2026-03-21", transition},
		{"2026-05-14", transition},
		{"2026-05-15", summer},
		{"2026-09-14", summer},
		{"2026-09-15", transition},
		{"2026-10-31", transition},
		{"2026-11-01", winter},
		{"2026-12-31", winter},
	} {
		_, m, d := date(t, tc.date)
		if got := season(m, d); got != tc.want {
			t.Errorf("season(%s) = %s, want %s", tc.date, seasonNames[got], seasonNames[tc.want])
		}
	}
}

func date(t *testing.T, s string) (int, time.Month, int) {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d.Date()
}
