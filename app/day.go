package app

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Days as people type them. A date field shows its day in the page's
// language (02.11.2026 in German, "2 Nov 2026" in English) and reads either
// language's way of writing it, and always ISO 8601 (2026-11-02), which
// scripts, the JSON twins and old bookmarks send. Day-first is the only
// order with numbers alone: 02/11/2026 is refused, because an American reads
// it as February.
var (
	isoDay    = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	dottedDay = regexp.MustCompile(`^(\d{1,2})[.,](\d{1,2})[.,](\d{4}|\d{2})$`)
	// 2 Nov 2026, 2. Nov. 2026, 2 November 2026, 02-Nov-2026
	namedDay = regexp.MustCompile(`^(\d{1,2})\.?[ -]([\p{L}]+)\.?[ -](\d{4})$`)
	// Nov 2, 2026 and November 2 2026, as Americans write it.
	namedFirst = regexp.MustCompile(`^([\p{L}]+)\.? (\d{1,2}),? (\d{4})$`)
)

// Years a day may have (the message says them): a typo such as 0226 is
// caught rather than filtering for a day no contract has. Two-digit years
// are this century's.
const (
	MinDayYear = 1900
	MaxDayYear = 2199
)

// monthNames are the English and German names and abbreviations, lower
// case: Jan, January, Januar, Mär, Mrz, März, Okt, Dez.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	german := [12][]string{{"januar", "jän", "jänner"}, {"februar"}, {"märz", "mär", "mrz", "maerz"}, {"april"}, {"mai"}, {"juni"},
		{"juli"}, {"august"}, {"september", "sept"}, {"oktober", "okt"}, {"november"}, {"dezember", "dez"}}
	for i := time.January; i <= time.December; i++ {
		en := strings.ToLower(i.String())
		m[en], m[en[:3]] = i, i
		for _, g := range german[i-1] {
			m[g] = i
		}
	}
	return m
}()

// DayError is a typed day that is not a date: Reason completes "… is …"
// ("not a day of the calendar: Feb 2026 has 28 days"), so that a page can
// put it after the field's name or the value.
type DayError struct {
	Input  string
	Reason Msg
}

func (e *DayError) Error() string { return fmt.Sprintf("%q is %s", e.Input, e.Reason) }

// Msg is the whole sentence: "31.02.2026" is not a day of the calendar ….
func (e *DayError) Msg() Msg { return Msgf("%q is %s", e.Input, e.Reason) }

// DayFormats stands in a message for the ways to write a day: the English
// text writes 2026-11-02, a page its own format and ISO.
type DayFormats struct{}

func (DayFormats) String() string { return "2026-11-02" }

// ParseDay reads a calendar day as ParseDayIn does, as midnight UTC.
func ParseDay(s string) (time.Time, error) { return ParseDayIn(s, time.UTC) }

// ParseDayIn reads a calendar day typed in either language (02.11.2026,
// 2.11.26, 2 Nov 2026, 2. November 2026, Nov 2, 2026) or as ISO
// (2026-11-02), and returns the midnight starting it in loc. Spaces around
// and between the parts do not matter, nor does case. The error is a
// *DayError that says what is wrong: the shape, a month beyond 12, a day
// the month does not have (31.02.2026), a year out of range.
func ParseDayIn(s string, loc *time.Location) (time.Time, error) {
	in := strings.Join(strings.Fields(s), " ")
	norm := strings.ToLower(in)
	var ys, ms, ds string
	var month time.Month
	if m := isoDay.FindStringSubmatch(norm); m != nil {
		ys, ms, ds = m[1], m[2], m[3]
	} else if m := dottedDay.FindStringSubmatch(norm); m != nil {
		ds, ms, ys = m[1], m[2], m[3]
	} else if m := namedDay.FindStringSubmatch(norm); m != nil && monthNames[m[2]] != 0 {
		ds, month, ys = m[1], monthNames[m[2]], m[3]
	} else if m := namedFirst.FindStringSubmatch(norm); m != nil && monthNames[m[1]] != 0 {
		month, ds, ys = monthNames[m[1]], m[2], m[3]
	} else {
		return time.Time{}, &DayError{in, Msgf("not a date; write it like %s", DayFormats{})}
	}
	year, _ := strconv.Atoi(ys)
	if len(ys) == 2 {
		year += 2000
	}
	if month == 0 {
		n, _ := strconv.Atoi(ms)
		if n < 1 || n > 12 {
			return time.Time{}, &DayError{in, Msgf("not a date: there is no month %d", n)}
		}
		month = time.Month(n)
	}
	if year < MinDayYear || year > MaxDayYear {
		return time.Time{}, &DayError{in, Msgf("not a date Wattfolio can use: the year must be from 1900 to 2199")}
	}
	day, _ := strconv.Atoi(ds)
	first := time.Date(year, month, 1, 0, 0, 0, 0, loc)
	if last := first.AddDate(0, 1, -1).Day(); day < 1 || day > last {
		return time.Time{}, &DayError{in, Msgf("not a day of the calendar: %s has %d days", Month(first), last)}
	}
	return time.Date(year, month, day, 0, 0, 0, 0, loc), nil
}

var (
	isoMonth     = regexp.MustCompile(`^(\d{4})-(\d{1,2})$`)
	numericMonth = regexp.MustCompile(`^(\d{1,2})[./](\d{4})$`)  // 11.2026, 11/2026
	namedMonth   = regexp.MustCompile(`^([\p{L}]+)\.? (\d{4})$`) // Nov 2026, Nov. 2026, November 2026
)

// MonthFormats stands in a message for the ways to write a month: the
// English text writes 2026-11, a page its own format and ISO.
type MonthFormats struct{}

func (MonthFormats) String() string { return "2026-11" }

// ParseMonthIn reads a calendar month typed in either language (11.2026,
// Nov. 2026, November 2026, Nov 2026) or as ISO (2026-11), and returns the
// midnight starting it in loc; the error is a *DayError.
func ParseMonthIn(s string, loc *time.Location) (time.Time, error) {
	in := strings.Join(strings.Fields(s), " ")
	norm := strings.ToLower(in)
	var ys string
	var month time.Month
	if m := isoMonth.FindStringSubmatch(norm); m != nil {
		ys, month = m[1], monthNumber(m[2])
	} else if m := numericMonth.FindStringSubmatch(norm); m != nil {
		ys, month = m[2], monthNumber(m[1])
	} else if m := namedMonth.FindStringSubmatch(norm); m != nil && monthNames[m[1]] != 0 {
		ys, month = m[2], monthNames[m[1]]
	} else {
		return time.Time{}, &DayError{in, Msgf("not a month; write it like %s", MonthFormats{})}
	}
	if month == 0 {
		return time.Time{}, &DayError{in, Msgf("not a month; write it like %s", MonthFormats{})}
	}
	year, _ := strconv.Atoi(ys)
	if year < MinDayYear || year > MaxDayYear {
		return time.Time{}, &DayError{in, Msgf("not a date Wattfolio can use: the year must be from 1900 to 2199")}
	}
	return time.Date(year, month, 1, 0, 0, 0, 0, loc), nil
}

// monthNumber is the month numbered s, 0 when there is none.
func monthNumber(s string) time.Month {
	if n, _ := strconv.Atoi(s); n >= 1 && n <= 12 {
		return time.Month(n)
	}
	return 0
}
