package web

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// refusedField checks what a user (and a screen reader) finds at a field
// whose value the page refused: the field marked invalid and described by
// the message, the typed value kept (when value is not ""), and the message
// beside it, after the field and before the next field.
func refusedField(t *testing.T, page, body, id, value, msg string) {
	t.Helper()
	field := regexp.MustCompile(`<(?:input|select|textarea) id="` + regexp.QuoteMeta(id) + `"[^>]*>`)
	loc := field.FindStringIndex(body)
	if loc == nil {
		t.Errorf("%s: no field %s", page, id)
		return
	}
	tag := body[loc[0]:loc[1]]
	for _, want := range []string{`aria-invalid="true"`, `aria-describedby="` + id + `-msg"`} {
		if !strings.Contains(tag, want) {
			t.Errorf("%s: field %s lacks %s: %s", page, id, want, tag)
		}
	}
	if value != "" && !strings.Contains(tag, `value="`+html.EscapeString(value)+`"`) {
		t.Errorf("%s: field %s does not keep %q: %s", page, id, value, tag)
	}
	m := regexp.MustCompile(`<p class="field-msg" id="` + regexp.QuoteMeta(id) + `-msg">([^<]*)</p>`).FindStringSubmatchIndex(body)
	if m == nil {
		t.Errorf("%s: no message beside %s", page, id)
		return
	}
	if got := html.UnescapeString(body[m[2]:m[3]]); got != msg {
		t.Errorf("%s: beside %s: %q, want %q", page, id, got, msg)
	}
	// Beside: no other field between the field and its message.
	if between := body[loc[1]:m[0]]; strings.Contains(between, "<input") || strings.Contains(between, "<label") {
		t.Errorf("%s: the message of %s is not beside it", page, id)
	}
}

// A refused portfolio filter answers 400 with the portfolio itself: the
// other filters applied and kept in their fields, the bad field marked with
// the reason beside it in the page's language, the typed value kept to
// correct. The JSON twin keeps its JSON error.
func TestPortfolioRefusedFilterOnThePage(t *testing.T) {
	h := New(testOptions(seeded(t)))
	for _, tc := range []struct {
		lang, msg, summary, lede string
	}{
		{"de", `"31.02.2026" ist kein Tag des Kalenders: Feb. 2026 hat 28 Tage`, "Einige Werte der Adresse sind nicht verwendbar.", "3 Verträge entsprechen den Filtern"},
		{"en", `"31.02.2026" is not a day of the calendar: Feb 2026 has 28 days`, "Some values in the address cannot be used.", "3 contracts match the filters"},
	} {
		page := "/contracts?lang=" + tc.lang + "&kind=retail&sort=name&active_on=31.02.2026"
		res, body := get(t, h, page)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", page, res.StatusCode)
		}
		refusedField(t, page, body, "f-active", "31.02.2026", tc.msg)
		txt := text(body)
		for _, want := range []string{tc.summary, tc.lede} {
			if !strings.Contains(txt, want) {
				t.Errorf("%s: page does not say %q:\n%s", page, want, txt)
			}
		}
		// The valid filters are applied and kept: retail only, by name.
		if names := rowNames(body); len(names) != 3 || !strings.Contains(body, `<option value="retail" selected>`) ||
			!strings.Contains(body, `<input type="hidden" name="sort" value="name">`) {
			t.Errorf("%s: other filters lost: %q", page, names)
		}
		if strings.Contains(body, `id="f-kind" name="kind" aria-invalid`) {
			t.Errorf("%s: a valid field is marked", page)
		}
	}

	// Several refusals at once, each at its field; one without a field
	// (sort is a column header) is said in the summary above the form.
	page := "/contracts?lang=en&vendor=acme&q=" + strings.Repeat("x", 201) + "&sort=colour&page=two&commodity=electricity"
	res, body := get(t, h, page)
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("%s: %d, want 400", page, res.StatusCode)
	}
	refusedField(t, page, body, "f-vendor", "", `"acme" is not a known vendor`)
	refusedField(t, page, body, "f-q", strings.Repeat("x", 60)+"…", `"`+strings.Repeat("x", 60)+`…" is longer than 200 characters`)
	summary := regexp.MustCompile(`(?s)<div class="notice notice-bad" role="alert" id="refused">(.*?)</div>`).FindStringSubmatch(body)
	if summary == nil || !strings.Contains(text(summary[1]), `"colour" is not a sortable column`) || !strings.Contains(text(summary[1]), `"two" is not a page number`) {
		t.Errorf("%s: the summary lacks the sort and page refusals: %v", page, summary)
	}
	if !strings.Contains(body, `<option value="electricity" selected>`) || len(rowNames(body)) != 4 {
		t.Errorf("%s: the commodity filter is not applied: %q", page, rowNames(body))
	}

	// The JSON twin: a JSON 400, as before.
	for _, tc := range []struct{ lang, want string }{
		{"de", `Der Parameter "active_on" hat den Wert "31.02.2026"; er ist kein Tag des Kalenders`},
		{"en", `The parameter "active_on" has the value "31.02.2026", which is not a day of the calendar`},
	} {
		res, body := get(t, h, "/contracts.json?kind=retail&active_on=31.02.2026&lang="+tc.lang)
		var doc errorDoc
		if err := json.Unmarshal([]byte(body), &doc); err != nil || res.StatusCode != http.StatusBadRequest || doc.Status != 400 || !strings.Contains(doc.Message, tc.want) {
			t.Errorf("JSON twin (%s): %d %s", tc.lang, res.StatusCode, body)
		}
	}
}

// The compare page keeps the comparison when a curve value is refused: the
// refused month is left out (the curve spans a year from the other one),
// marked in its field, typed value kept; the other fields keep theirs.
func TestCompareRefusedCurveOnThePage(t *testing.T) {
	h, ids, accts := june(t)
	p := "/customers/" + strconv.FormatInt(accts["Bäckerei Schmidt GmbH"].ID, 10) + "/compare?o=" + key("c", ids["Gewerbe Fix"]) + "&o=o7"
	for _, tc := range []struct {
		lang, month, monthMsg, from, scaleMsg string
	}{
		{"de", "13.2026", `"13.2026" ist kein Monat; schreiben Sie ihn wie Nov. 2026 oder 2026-11`, "Juni 2026",
			`"500" ist kein ganzzahliger Prozentwert von -50 bis +100`},
		{"en", "Jum 2026", `"Jum 2026" is not a month; write it like Nov 2026 or 2026-11`, "Jun 2026",
			`"500" is not a whole percentage from -50 to +100`},
	} {
		page := p + "&lang=" + tc.lang + "&from=2026-06&to=" + strings.ReplaceAll(tc.month, " ", "+") + "&scale=500&kwh=4000"
		res, body := get(t, h, page)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400\n%s", page, res.StatusCode, text(body))
		}
		refusedField(t, page, body, "c-to", tc.month, tc.monthMsg)
		refusedField(t, page, body, "c-scale", "500", tc.scaleMsg)
		for _, want := range []string{`id="c-from" type="text" name="from" value="` + tc.from + `"`, `name="kwh" value="4000"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the valid fields are not kept: no %s", page, want)
			}
		}
		if !strings.Contains(text(body), "Gewerbe Fix") || !strings.Contains(body, `id="refused"`) {
			t.Errorf("%s: no comparison or no summary:\n%s", page, text(body))
		}
	}
	// The JSON and CSV twins answer the first refusal as before.
	for _, twin := range []string{".json", ".csv"} {
		u := strings.Replace(p, "/compare?", "/compare"+twin+"?", 1) + "&to=13.2026"
		if res, _ := get(t, h, u); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", u, res.StatusCode)
		}
	}
}
