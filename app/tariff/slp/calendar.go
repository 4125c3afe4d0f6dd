package slp

import "time"

// Day types as the profiles' columns name them.
const (
	wt = iota // Werktag: Monday to Friday
	sa        // Samstag
	ft        // Sonn- und Feiertag
)

var dayTypeNames = [...]string{wt: "WT", sa: "SA", ft: "FT"}

// easter returns Easter Sunday of the Gregorian year y (the anonymous
// Gregorian algorithm as Meeus gives it), so that no table runs out.
func easter(y int) (time.Month, int) {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Month(month), day
}

// The movable holidays as days after Easter Sunday.
var easterHolidays = [...]int{
	-2, // Karfreitag
	1,  // Ostermontag
	39, // Christi Himmelfahrt
	50, // Pfingstmontag
}

// IsHoliday reports whether the date is a public holiday throughout Germany:
// Neujahr, Karfreitag, Ostermontag, Tag der Arbeit, Christi Himmelfahrt,
// Pfingstmontag, Tag der Deutschen Einheit and both Weihnachtstage. State
// holidays (Heilige Drei Könige, Fronleichnam, Reformationstag, ...) are not
// counted: BDEW applies the nationwide ones unless a grid operator names a
// state, and a portfolio spans states. Nor are one-off nationwide holidays
// such as 31 October 2017. Easter Sunday and Whit Sunday are Sundays anyway.
func IsHoliday(y int, m time.Month, d int) bool {
	switch {
	case m == time.January && d == 1,
		m == time.May && d == 1,
		m == time.October && d == 3,
		m == time.December && (d == 25 || d == 26):
		return true
	}
	em, ed := easter(y)
	// Whole days between two dates at noon UTC: no zone, no DST.
	after := int(time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Sub(time.Date(y, em, ed, 12, 0, 0, 0, time.UTC)).Hours()) / 24
	for _, n := range easterHolidays {
		if after == n {
			return true
		}
	}
	return false
}

// DayType returns the profiles' day type of the date: "WT" Monday to
// Friday, "SA" Saturday, "FT" Sunday or public holiday (IsHoliday). BDEW
// counts 24 and 31 December as Saturdays unless they fall on a Sunday.
func DayType(y int, m time.Month, d int) string {
	return dayTypeNames[dayType(y, m, d, time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday())]
}

func dayType(y int, m time.Month, d int, wd time.Weekday) int {
	switch {
	case wd == time.Sunday || IsHoliday(y, m, d):
		return ft
	case wd == time.Saturday || m == time.December && (d == 24 || d == 31):
		return sa
	}
	return wt
}

// The 1999 profiles' seasons.
const (
	winter = iota
	summer
	transition
)

var seasonNames = [...]string{winter: "winter", summer: "summer", transition: "transition"}

// season: winter 1 November to 20 March, summer 15 May to 14 September,
// transition in between.
func season(m time.Month, d int) int {
	md := int(m)*100 + d
	switch {
	case md >= 1101 || md <= 320:
		return winter
	case md >= 515 && md <= 914:
		return summer
	}
	return transition
}
