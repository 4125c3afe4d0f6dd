package views

import (
	"time"

	"wattfolio/app"
)

// Date fields are text inputs, not <input type="date">: the browser draws a
// date input in its own UI language (mm/dd/yyyy in Chromium under LANG=C,
// another format again in the desktop window's WebKitGTK), whatever language
// the page is in. A text field shows the day as the page writes its days,
// 02.11.2026 in German and "2 Nov 2026" in English, the format of the
// English tables beside it (and unambiguous where 11/02 is not), and the
// server reads either language and ISO (app.ParseDayIn).

// dayExample is the day the fields' hints and messages show.
var dayExample = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// DayValue is a date field's value as the page shows it: a day the server
// reads (an ISO day from a link, a day as typed) in the page's format, and
// anything else as typed, so that a refused value stays there to correct.
func (f Fmt) DayValue(s string) string {
	if s == "" {
		return ""
	}
	d, err := app.ParseDay(s)
	if err != nil {
		return s
	}
	return f.Day(d)
}

// DayPlaceholder is the empty field's hint: TT.MM.JJJJ or D MMM YYYY.
func (f Fmt) DayPlaceholder() string { return f.T("D MMM YYYY") }

// DayHint says how to write a day: "for example 2 Nov 2026 or 2026-11-02".
func (f Fmt) DayHint() string {
	return f.Tf("for example %s or %s", f.Day(dayExample), dayExample.Format(time.DateOnly))
}

// dayInputMode asks a touch keyboard for digits and a separator in German;
// English days have a month name.
func (f Fmt) dayInputMode() string {
	if f.en() {
		return "text"
	}
	return "decimal"
}

// dayFormats writes app.DayFormats in a message: the page's format and ISO.
func (f Fmt) dayFormats() string {
	return f.Day(dayExample) + " " + f.T("or") + " " + dayExample.Format(time.DateOnly)
}

// MonthValue is a month field's value as the page shows it: "Nov. 2026" or
// "Nov 2026" for a month the server reads, anything else as typed.
func (f Fmt) MonthValue(s string) string {
	if s == "" {
		return ""
	}
	m, err := app.ParseMonthIn(s, time.UTC)
	if err != nil {
		return s
	}
	return f.Month(m)
}

// monthFormats writes app.MonthFormats in a message: the page's format and ISO.
func (f Fmt) monthFormats() string {
	return f.Month(dayExample) + " " + f.T("or") + " " + dayExample.Format("2006-01")
}
