package views

import (
	"testing"
	"time"

	"wattfolio/app"
)

func TestFmtNumbers(t *testing.T) {
	de := Fmt{Lang: LangDE}
	en := Fmt{Lang: LangEN}
	d := func(s string) *app.Decimal { return app.Ptr(app.MustDecimal(s)) }
	tests := []struct{ got, want string }{
		{de.Money(d("1234.56"), "EUR"), "1.234,56\u00a0€"},
		{en.Money(d("1234.56"), "EUR"), "€1,234.56"},
		{de.Money(d("-1234567.5"), ""), "-1.234.567,50\u00a0€"},
		{en.Money(d("-3"), "EUR"), "-€3.00"},
		{en.Money(d("12"), "CHF"), "CHF\u00a012.00"},
		{de.Money(d("0.004"), "EUR"), "0,00\u00a0€"},
		{de.Money(nil, "EUR"), "—"},
		{de.WorkingPrice(d("0.285"), "EUR"), "28,50\u00a0ct/kWh"},
		{de.WorkingPrice(d("0.28537"), "EUR"), "28,537\u00a0ct/kWh"},
		{en.WorkingPrice(d("0.0999"), ""), "9.99\u00a0ct/kWh"},
		{de.WorkingPrice(d("0.1"), "CHF"), "0,1000\u00a0CHF/kWh"},
		{de.KWh(d("35000")), "35.000\u00a0kWh"},
		{en.KWh(d("1234.5")), "1,234.5\u00a0kWh"},
		{de.Percent(d("0.19")), "19\u00a0%"},
		{en.Percent(d("0.07")), "7%"},
		{de.Int(1234567), "1.234.567"},
		{de.Int(999), "999"},
		// beyond the Decimal range in cents or percent, still exact
		{en.WorkingPrice(d("9223372036854.775807"), "EUR"), "922,337,203,685,477.5807\u00a0ct/kWh"},
		{de.CellWorking(d("-9223372036854.775808"), "EUR"), "-922.337.203.685.477,58"},
		// One precision per table column: 24,63 above 31,68 and 36,90.
		{de.CellWorking(d("0.24626"), "EUR"), "24,63"},
		{de.CellWorking(d("0.3168"), "EUR"), "31,68"},
		{de.CellWorking(d("0.369"), "EUR"), "36,90"},
		{en.CellKWh(d("1234.5")), "1,235"},
		{en.Percent(d("-92233720368.547758")), "-9,223,372,036,854.78%"},
		{de.WorkingPrice(d("-0.0000004"), "EUR"), "0,00\u00a0ct/kWh"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// hundredfold reads as Decimal of d × 100 wherever that product fits.
func TestHundredfoldMatchesMulInt(t *testing.T) {
	for _, f := range []Fmt{{Lang: LangDE}, {Lang: LangEN}} {
		for v := int64(-3_000_017); v <= 3_000_017; v += 7_919 {
			for _, d := range []app.Decimal{app.Decimal(v), app.Decimal(v * 1_000_003), app.Decimal(v * 30_000_000_007)} {
				ct, err := d.MulInt(100)
				if err != nil {
					t.Fatal(err)
				}
				for _, places := range [][2]int{{2, 4}, {0, 2}, {0, 0}} {
					if got, want := f.hundredfold(d, places[0], places[1]), f.Decimal(ct, places[0], places[1]); got != want {
						t.Fatalf("hundredfold(%s, %d, %d) = %q, want %q", d, places[0], places[1], got, want)
					}
				}
			}
		}
	}
}

func TestFmtTimes(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal("no tz database")
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f := Fmt{Lang: LangDE, Loc: loc, Now: now}
	// 23:30 UTC on 31 December is already 1 January in Berlin.
	if got := f.Date(time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)); got != "01.01.2026" {
		t.Errorf("Date = %q", got)
	}
	if got := f.Date(time.Time{}); got != "—" {
		t.Errorf("Date(zero) = %q", got)
	}
	en := Fmt{Lang: LangEN, Loc: loc, Now: now}
	for _, tt := range []struct {
		f    Fmt
		got  time.Time
		want string
	}{
		{en, time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), "1 Jan 2026"},
		{f, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), "02.11.2026"},
		{en, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), "2 Nov 2026"},
	} {
		if got := tt.f.Date(tt.got); got != tt.want {
			t.Errorf("%s Date(%v) = %q, want %q", tt.f.Lang, tt.got, got, tt.want)
		}
	}
	for _, tt := range []struct {
		f    Fmt
		t    time.Time
		want string
	}{
		{f, time.Date(2026, 1, 15, 0, 0, 0, 0, loc), "Jan. 2026"},
		{f, time.Date(2026, 3, 15, 0, 0, 0, 0, loc), "März 2026"},
		{en, time.Date(2026, 3, 15, 0, 0, 0, 0, loc), "Mar 2026"},
	} {
		if got := tt.f.Month(tt.t); got != tt.want {
			t.Errorf("%s Month = %q, want %q", tt.f.Lang, got, tt.want)
		}
	}
	for _, tt := range []struct {
		f    Fmt
		d    time.Duration
		want string
	}{
		{en, 10 * time.Second, "just now"},
		{en, time.Minute, "1 minute ago"},
		{en, 3 * time.Hour, "3 hours ago"},
		{en, 30 * time.Hour, "30 hours ago"},
		{en, 50 * time.Hour, "2 days ago"},
		{f, 10 * time.Second, "gerade eben"},
		{f, time.Minute, "vor 1 Minute"},
		{f, 3 * time.Hour, "vor 3 Stunden"},
		{f, 50 * time.Hour, "vor 2 Tagen"},
		{f, -50 * time.Hour, "in 2 Tagen"},
	} {
		if got := tt.f.Ago(now.Add(-tt.d)); got != tt.want {
			t.Errorf("%s Ago(-%v) = %q, want %q", tt.f.Lang, tt.d, got, tt.want)
		}
	}
	if got := f.Age(50 * time.Hour); got != "2 Tage alt" {
		t.Errorf("Age = %q", got)
	}
	for _, tt := range []struct {
		f    Fmt
		d    time.Duration
		want string
	}{
		{en, 0, "under 1 s"},
		{en, 850 * time.Millisecond, "under 1 s"},
		{f, 850 * time.Millisecond, "unter 1 s"},
		{en, 12 * time.Second, "12 s"},
		{en, 125 * time.Second, "2 min 5 s"},
		{en, 2*time.Hour + 3*time.Minute, "2 h 3 min"},
	} {
		if got := tt.f.Duration(tt.d); got != tt.want {
			t.Errorf("%s Duration(%v) = %q, want %q", tt.f.Lang, tt.d, got, tt.want)
		}
	}
}

// The status words vendors share read in the user's language, in the
// portfolio's badges and its status facet alike; others are shown as sent.
func TestStatusLabelInBothLanguages(t *testing.T) {
	for _, tc := range []struct{ status, en, de string }{
		{"in_progress", "In progress", "In Bearbeitung"},
		{"COMPLETED", "Completed", "Abgeschlossen"},
		{"terminated", "Terminated", "Gekündigt"},
		{"pending", "Pending", "Ausstehend"},
	} {
		if got := (Fmt{Lang: "en"}).StatusLabel(tc.status); got != tc.en {
			t.Errorf("en %q: got %q, want %q", tc.status, got, tc.en)
		}
		if got := (Fmt{Lang: "de"}).StatusLabel(tc.status); got != tc.de {
			t.Errorf("de %q: got %q, want %q", tc.status, got, tc.de)
		}
	}
}
