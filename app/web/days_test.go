package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wattfolio/app"
)

// A date field shows its day as the page writes days (02.11.2026 in German,
// "2 Nov 2026" in English), whatever language the browser's own date picker
// would use, and the server reads either language and ISO, which links,
// scripts and old bookmarks carry.
func TestDayFieldsFollowThePageLanguage(t *testing.T) {
	h := New(testOptions(seeded(t)))
	iso := rowNames(mustGet(t, h, "/contracts?active_on=2026-01-15"))
	if len(iso) == 0 {
		t.Fatal("no contract active on 2026-01-15: the fixtures changed")
	}
	for _, lang := range []struct {
		name, shown, placeholder, inputmode string
	}{
		{"de", "15.01.2026", "TT.MM.JJJJ", "decimal"},
		{"en", "15 Jan 2026", "D MMM YYYY", "text"},
	} {
		for _, typed := range []string{"2026-01-15", "15.01.2026", "15.1.26", "15 Jan 2026", "15. Januar 2026", "Jan 15, 2026"} {
			path := "/contracts?lang=" + lang.name + "&active_on=" + strings.ReplaceAll(typed, " ", "+")
			body := mustGet(t, h, path)
			if got := rowNames(body); !slices.Equal(got, iso) {
				t.Errorf("%s: rows %q, want those of the ISO day %q", path, got, iso)
			}
			for _, want := range []string{
				`<input id="f-active" type="text" name="active_on" value="` + lang.shown + `" class="day-input" inputmode="` + lang.inputmode +
					`" placeholder="` + lang.placeholder + `"`,
				// Links (export, sorting, paging) carry the ISO day, which
				// every language reads.
				`href="/contracts.csv?active_on=2026-01-15&amp;`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: page lacks %s", path, want)
				}
			}
			if strings.Contains(body, `type="date"`) {
				t.Errorf("%s: a browser date input is left", path)
			}
		}
	}
	// The JSON twin reads the typed day and answers with ISO.
	res, body := get(t, h, "/contracts.json?active_on=15.01.2026")
	var doc struct {
		Filters struct {
			ActiveOn string `json:"active_on"`
		} `json:"filters"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &doc) != nil || doc.Filters.ActiveOn != "2026-01-15" {
		t.Errorf("JSON twin: %d %s", res.StatusCode, body)
	}
}

// A day the server cannot read answers 400 saying why, in the page's
// language: beside the field on the page, in the JSON twin's message.
func TestDayRefusedInTheUsersLanguage(t *testing.T) {
	h := New(testOptions(seeded(t)))
	for _, tc := range []struct{ path, want string }{
		{"/contracts?lang=de&active_on=31.02.2026", `Gültig am "31.02.2026" ist kein Tag des Kalenders: Feb. 2026 hat 28 Tage`},
		{"/contracts?lang=en&active_on=31.02.2026", `Active on "31.02.2026" is not a day of the calendar: Feb 2026 has 28 days`},
		{"/contracts?lang=de&active_on=11/02/2026", `kein Datum; schreiben Sie es wie 02.11.2026 oder 2026-11-02`},
		{"/contracts?lang=en&active_on=11/02/2026", `not a date; write it like 2 Nov 2026 or 2026-11-02`},
		{"/contracts?lang=de&active_on=02.13.2026", `kein Datum: es gibt keinen Monat 13`},
		{"/contracts?lang=en&active_on=02.11.0226", `not a date Wattfolio can use: the year must be from 1900 to 2199`},
		{"/contracts.json?lang=de&active_on=31.02.2026", `Der Parameter "active_on" hat den Wert "31.02.2026"; er ist kein Tag des Kalenders: Feb. 2026 hat 28 Tage.`},
		{"/contracts.json?lang=en&active_on=31.02.2026", `The parameter "active_on" has the value "31.02.2026", which is not a day of the calendar: Feb 2026 has 28 days.`},
	} {
		res, body := get(t, h, tc.path)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", tc.path, res.StatusCode)
			continue
		}
		if strings.Contains(tc.path, ".json") {
			var doc errorDoc
			if err := json.Unmarshal([]byte(body), &doc); err != nil || !strings.Contains(doc.Message, tc.want) {
				t.Errorf("%s: %v %s, want %s", tc.path, err, body, tc.want)
			}
		} else if !strings.Contains(text(body), tc.want) {
			t.Errorf("%s: page does not say %s:\n%s", tc.path, tc.want, text(body))
		}
	}
}

// The offer form's validity and the notes' next contact read typed days in
// either language; a refused day stays in its field as typed, with the
// reason beside it, and a stored day comes back in the page's format.
func TestDayFormFields(t *testing.T) {
	s := seeded(t)
	b := newBrowser(t, s, german, func(o *Options) { o.Edits = s })
	f := householdForm()
	f.Set("valid_from", "1.11.2026")
	f.Set("valid_to", "31.06.2027")
	code, body := b.post("/offers", f)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("POST /offers to 31.06.2027: %d, want 422", code)
	}
	if msg := fieldMessage(body, "valid_to"); msg != `"31.06.2027" ist kein Tag des Kalenders: Juni 2027 hat 30 Tage` {
		t.Errorf("valid_to message %q", msg)
	}
	if v := inputValue(t, body, "valid_to"); v != "31.06.2027" {
		t.Errorf("the refused day was not kept as typed: %q", v)
	}
	if v := inputValue(t, body, "valid_from"); v != "01.11.2026" {
		t.Errorf("the day read is not shown in German: %q", v)
	}
	f.Set("valid_to", "30 June 2027")
	if code, body = b.post("/offers", f); code != http.StatusOK {
		t.Fatalf("POST /offers: %d\n%s", code, text(body))
	}
	o, err := s.OfferByName(context.Background(), "Öko Fix 12")
	if err != nil || !o.ValidFrom.Equal(utcDay(2026, 11, 1)) || !o.ValidTo.Equal(utcDay(2027, 7, 1)) {
		t.Fatalf("stored %v – %v, %v", o.ValidFrom, o.ValidTo, err)
	}
	edit := "/offers/" + strconv.FormatInt(o.ID, 10) + "/edit"
	for lang, want := range map[string][2]string{"de": {"01.11.2026", "30.06.2027"}, "en": {"1 Nov 2026", "30 Jun 2027"}} {
		body := b.get(edit + "?lang=" + lang)
		if from, to := inputValue(t, body, "valid_from"), inputValue(t, body, "valid_to"); from != want[0] || to != want[1] {
			t.Errorf("%s edit form: %q – %q, want %q", lang, from, to, want)
		}
	}

	var path string
	s.EachContract(context.Background(), app.ContractFilter{Source: srcEnneo}, func(c app.Contract) error {
		if path == "" {
			path = "/contracts/" + strconv.FormatInt(c.ID, 10)
		}
		return nil
	})
	if code, body := b.post(path+"/notes?lang=en", map[string][]string{"next_contact": {"Jan 15, 2027"}}); code != http.StatusOK {
		t.Fatalf("notes: %d %s", code, text(body))
	}
	for lang, want := range map[string]string{"de": "15.01.2027", "en": "15 Jan 2027"} {
		if v := inputValue(t, b.get(path+"?lang="+lang), "next_contact"); v != want {
			t.Errorf("%s next contact %q, want %q", lang, v, want)
		}
	}
}

// The compare page's curve months show as the page writes months and read
// either language or ISO; the links keep ISO.
func TestCompareMonthFields(t *testing.T) {
	h, _, accts := june(t)
	p := "/customers/" + strconv.FormatInt(accts["Bäckerei Schmidt GmbH"].ID, 10) + "/compare"
	for _, tc := range []struct{ query, from, to string }{
		{"?lang=de&from=2026-06&to=2026-06", "Juni 2026", "Juni 2026"},
		{"?lang=de&from=06.2026&to=Juni+2026", "Juni 2026", "Juni 2026"},
		{"?lang=en&from=Jun+2026&to=6/2026", "Jun 2026", "Jun 2026"},
	} {
		body := mustGet(t, h, p+tc.query)
		for _, want := range []string{`id="c-from" type="text" name="from" value="` + tc.from + `"`, `id="c-to" type="text" name="to" value="` + tc.to + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %s", tc.query, want)
			}
		}
		if strings.Contains(body, `type="month"`) {
			t.Errorf("%s: a browser month input is left", tc.query)
		}
	}
	for _, tc := range []struct{ query, want string }{
		{"?lang=de&from=13.2026", "kein Monat; schreiben Sie ihn wie Nov. 2026 oder 2026-11"},
		{"?lang=en&from=Jum+2026", "not a month; write it like Nov 2026 or 2026-11"},
		{"?lang=en&from=1999-12", "not a month from 2000 to 2100"},
	} {
		res, body := get(t, h, p+tc.query)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(text(body), tc.want) {
			t.Errorf("%s: %d, want 400 saying %s:\n%s", tc.query, res.StatusCode, tc.want, text(body))
		}
	}
}
