package app

import (
	"errors"
	"testing"
	"time"
)

// A date field reads the day as a German or an English user types it, and
// ISO as scripts and old bookmarks send it; what it refuses, it says why.
func TestParseDayIn(t *testing.T) {
	berlin := DefaultZone()
	nov2 := time.Date(2026, 11, 2, 0, 0, 0, 0, berlin)
	checkParse(t, ParseDayIn, []parseCase{
		// ISO, as links, scripts and the JSON twins send it.
		{"2026-11-02", nov2, ""},
		{"2026-11-2", nov2, ""},
		{" 2026-11-02 ", nov2, ""},
		// German.
		{"02.11.2026", nov2, ""},
		{"2.11.2026", nov2, ""},
		{"02.11.26", nov2, ""},  // two-digit years are this century's
		{"2,11,2026", nov2, ""}, // a German number pad has a comma
		{"2. Nov. 2026", nov2, ""},
		{"2. November 2026", nov2, ""},
		{"2. März 2026", time.Date(2026, 3, 2, 0, 0, 0, 0, berlin), ""},
		{"2 Mrz 2026", time.Date(2026, 3, 2, 0, 0, 0, 0, berlin), ""},
		{"24. Dez. 2026", time.Date(2026, 12, 24, 0, 0, 0, 0, berlin), ""},
		{"3 Okt 2026", time.Date(2026, 10, 3, 0, 0, 0, 0, berlin), ""},
		// English, as the English pages write days.
		{"2 Nov 2026", nov2, ""},
		{"2 nov 2026", nov2, ""},
		{"02  November   2026", nov2, ""},
		{"02-Nov-2026", nov2, ""},
		{"Nov 2, 2026", nov2, ""},
		{"November 2 2026", nov2, ""},
		// Leap days.
		{"29.02.2028", time.Date(2028, 2, 29, 0, 0, 0, 0, berlin), ""},
		{"29.02.2026", time.Time{}, `"29.02.2026" is not a day of the calendar: 2026-02 has 28 days`},
		// Days the calendar does not have.
		{"31.02.2026", time.Time{}, `"31.02.2026" is not a day of the calendar: 2026-02 has 28 days`},
		{"2026-04-31", time.Time{}, `"2026-04-31" is not a day of the calendar: 2026-04 has 30 days`},
		{"31 Apr 2026", time.Time{}, `"31 Apr 2026" is not a day of the calendar: 2026-04 has 30 days`},
		{"00.11.2026", time.Time{}, `"00.11.2026" is not a day of the calendar: 2026-11 has 30 days`},
		{"02.13.2026", time.Time{}, `"02.13.2026" is not a date: there is no month 13`},
		{"2026-00-10", time.Time{}, `"2026-00-10" is not a date: there is no month 0`},
		// Typos in the year.
		{"02.11.0226", time.Time{}, `"02.11.0226" is not a date Wattfolio can use: the year must be from 1900 to 2199`},
		{"20026-11-02", time.Time{}, `"20026-11-02" is not a date; write it like 2026-11-02`},
		// Not dates, or not unambiguous ones.
		{"11/02/2026", time.Time{}, `"11/02/2026" is not a date; write it like 2026-11-02`},
		{"02.11.", time.Time{}, `"02.11." is not a date; write it like 2026-11-02`},
		{"2 Noe 2026", time.Time{}, `"2 Noe 2026" is not a date; write it like 2026-11-02`},
		{"2026-11-02T10:00:00Z", time.Time{}, `"2026-11-02T10:00:00Z" is not a date; write it like 2026-11-02`},
		{"tomorrow", time.Time{}, `"tomorrow" is not a date; write it like 2026-11-02`},
	})
}

// parseCase is a typed day or month and what it reads as.
type parseCase struct {
	in   string
	want time.Time // zero: refused
	msg  string    // the refusal's English sentence
}

func checkParse(t *testing.T, parse func(string, *time.Location) (time.Time, error), cases []parseCase) {
	t.Helper()
	berlin := DefaultZone()
	for _, tc := range cases {
		got, err := parse(tc.in, berlin)
		if tc.want.IsZero() {
			var de *DayError
			if !errors.As(err, &de) || de.Msg().String() != tc.msg {
				t.Errorf("%q: error %v, want %s", tc.in, err, tc.msg)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) || got.Location() != berlin {
			t.Errorf("%q: %v %v, want %v", tc.in, got, err, tc.want)
		}
	}
}

// The next contact of a note is a day in either language; a day the
// calendar lacks is reported on its field, the others are kept.
func TestNotesNextContact(t *testing.T) {
	n, errs := ParseContractNotes("call", "VIP", "02.11.2026")
	if len(errs) != 0 || !n.NextContact.Equal(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("%v %v", n.NextContact, errs)
	}
	_, errs = ParseContractNotes("call", "VIP", "31.02.2027")
	if len(errs) != 1 || errs[0].Field != NoteNextContact || errs[0].Msg.String() != `"31.02.2027" is not a day of the calendar: 2027-02 has 28 days` {
		t.Fatalf("%v", errs)
	}
}

// The compare page's months, typed in either language or as ISO.
func TestParseMonthIn(t *testing.T) {
	berlin := DefaultZone()
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, berlin)
	checkParse(t, ParseMonthIn, []parseCase{
		{"2026-11", nov, ""},
		{"11.2026", nov, ""},
		{"11/2026", nov, ""},
		{"Nov. 2026", nov, ""},
		{"Nov 2026", nov, ""},
		{"november 2026", nov, ""},
		{"März 2026", time.Date(2026, 3, 1, 0, 0, 0, 0, berlin), ""},
		{"13.2026", time.Time{}, `"13.2026" is not a month; write it like 2026-11`},
		{"2026-11-02", time.Time{}, `"2026-11-02" is not a month; write it like 2026-11`},
		{"Nov 26", time.Time{}, `"Nov 26" is not a month; write it like 2026-11`},
		{"11.0226", time.Time{}, `"11.0226" is not a date Wattfolio can use: the year must be from 1900 to 2199`},
	})
}
