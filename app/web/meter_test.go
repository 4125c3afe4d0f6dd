package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/web"
	"wattfolio/db"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
)

// The meter page and its CSV over a real cache filled by a real sync from
// the simulated epilot, served under a non-empty base path.
func TestMeterPageAndCSV(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal("no tz database")
	}
	from := time.Date(2026, 3, 27, 0, 0, 0, 0, loc)
	to := time.Date(2026, 4, 2, 0, 0, 0, 0, loc)
	sim := epilotsim.New(epilotsim.Options{Seed: 9, Meters: 1, Token: "tok", From: from, To: to})
	up := httptest.NewServer(http.StripPrefix("/ep", sim))
	defer up.Close()
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	c, _ := epilot.New(epilot.Config{Source: "ep", BaseURL: up.URL + "/ep", Token: "tok", Now: func() time.Time { return to }})
	if r := (&engine.Engine{Store: store}).Sync(ctx, engine.Source{Name: "ep", Vendor: app.VendorEpilot, Connector: c}); r.Err != nil {
		t.Fatal(r.Err)
	}
	h := web.New(web.Options{Contracts: store, Sources: store, Meters: store, Token: "launch"})
	mux := http.NewServeMux()
	mux.Handle("/app/", http.StripPrefix("/app", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) (int, string, http.Header) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/app"+path, nil)
		req.AddCookie(&http.Cookie{Name: "wattfolio_token_" + req.URL.Port(), Value: "launch"})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		// German by default (web.Options.Lang unset): labels, months and
		// the chart's day axis; English when asked for.
		{"/meters/1?from=2026-03-28&to=2026-03-31&res=day", 200, []string{`<html lang="de">`, "<svg", "Nach Monat", "März 2026", "CSV exportieren", "readings.csv", ">28.03.<", "Summen 28.03.2026 – 30.03.2026",
			// The twelve months up to the range's end in quarter hours.
			"12 Monate in Viertelstunden (CSV)", "readings.csv?from=2025-03-31&amp;res=native&amp;to=2026-03-31"}},
		{"/meters/1?from=2026-03-28&to=2026-03-31&res=day&lang=en", 200, []string{`<html lang="en">`, "By month", "Mar 2026", "Export CSV", ">28 Mar<", "Totals 28 Mar 2026 – 30 Mar 2026"}},
		// The range fields show days as the page writes them and read
		// either language; the CSV link carries ISO days.
		{"/meters/1?from=28.03.2026&to=31.3.2026&res=day", 200, []string{`name="from" value="28.03.2026"`, `name="to" value="31.03.2026"`, "Summen 28.03.2026 – 30.03.2026", "readings.csv?from=2026-03-28&amp;res=day&amp;to=2026-03-31"}},
		{"/meters/1?from=28+Mar+2026&to=2026-03-31&res=day&lang=en", 200, []string{`name="from" value="28 Mar 2026"`, `name="to" value="31 Mar 2026"`, "Totals 28 Mar 2026 – 30 Mar 2026"}},
		{"/meters/1?from=30.02.2026&res=day", 400, []string{"kein Tag des Kalenders: Feb. 2026 hat 28 Tage"}},
		// A refused day answers 400 with the meter page itself: the field
		// marked, the typed value kept, the reason beside it; the range 31
		// days before the valid "to", the resolution as chosen.
		{"/meters/1?from=30.02.2026&to=31.03.2026&res=hour", 400, []string{`name="from" value="30.02.2026"`, `aria-invalid="true" aria-describedby="m-from-msg"`,
			`<p class="field-msg" id="m-from-msg">&#34;30.02.2026&#34; ist kein Tag des Kalenders: Feb. 2026 hat 28 Tage</p>`,
			`name="to" value="31.03.2026"`, `<option value="hour" selected>`, "Summen 28.02.2026 – 30.03.2026", `id="refused"`}},
		{"/meters/1?from=2026-03-28&to=20+Mar+2026&res=day&lang=en", 400, []string{`name="to" value="20 Mar 2026"`, `aria-describedby="m-to-msg"`,
			`<p class="field-msg" id="m-to-msg">&#34;20 Mar 2026&#34; is not after from</p>`, `name="from" value="28 Mar 2026"`, "Totals 28 Mar 2026 – 27 Apr 2026"}},
		{"/meters/1.json?from=30.02.2026&lang=en", 400, []string{`"status": 400`, `The parameter \"from\" has the value \"30.02.2026\"`}},
		{"/meters/1?res=hour", 200, []string{"<svg"}},
		{"/contracts/1", 200, []string{"/meters/1"}},
		{"/meters/99", 404, nil},
		{"/meters/1?res=weekly", 400, []string{"res"}},
		{"/meters/1?from=2020-01-01&to=2026-01-01&res=native", 400, nil},
	} {
		status, body, _ := get(tc.path)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, status, tc.status)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %q in the page", tc.path, w)
			}
		}
	}
	// The DST day as CSV: 92 quarter hours of prices.
	status, body, hd := get("/meters/1/readings.csv?from=2026-03-29&to=2026-03-30&res=native")
	if status != 200 || !strings.HasPrefix(hd.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", status, hd.Get("Content-Type"))
	}
	if n := strings.Count(body, ",price,"); n != 92 {
		t.Errorf("CSV of 2026-03-29 has %d price rows, want 92", n)
	}
	// A year of quarter hours downloads (the chart stops at 31 days); the
	// meter has six days of them: 4 × 96 on normal days, 92 on 29 March,
	// each a price row.
	for _, tc := range []struct {
		path   string
		status int
		prices int
	}{
		{"/meters/1/readings.csv?from=2025-04-02&to=2026-04-02&res=native", 200, 5*96 + 92},
		{"/meters/1/readings.csv?from=2025-03-31&to=2026-04-02&res=native", 400, 0},
	} {
		status, body, _ := get(tc.path)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, status, tc.status)
		}
		if n := strings.Count(body, ",price,"); status == 200 && n != tc.prices {
			t.Errorf("%s: %d price rows, want %d", tc.path, n, tc.prices)
		}
	}
}
