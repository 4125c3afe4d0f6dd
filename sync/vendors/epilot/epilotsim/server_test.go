package epilotsim

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
)

// The simulator is what every time-series test and benchmark stands on, so
// it is held to the portal's wire shape (the OpenAPI examples in
// ../testdata), to its own promises (deterministic, costs are price times
// consumption, DST days of 92 and 100 quarter hours, negative prices) and
// to its refusals.

var (
	simFrom = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	simTo   = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
)

func newSim(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	s := New(Options{Seed: 7, Meters: 24, Token: "tok", From: simFrom, To: simTo})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func get(t *testing.T, srv *httptest.Server, token, path string, q url.Values) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path+"?"+q.Encode(), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func seriesQuery(meter int, from, to time.Time, interval string) url.Values {
	return url.Values{
		"extensionId":      {"ext"},
		"app_id":           {"app"},
		"context_entities": {`[{"entity_id":"` + meterID(meter) + `","entity_schema":"meter"}]`},
		"from":             {from.UTC().Format(time.RFC3339)},
		"to":               {to.UTC().Format(time.RFC3339)},
		"interval":         {interval},
	}
}

var keys = map[string]string{"consumption": "consumptions", "prices": "prices", "costs": "costs"}

// records fetches one window and decodes its records.
func records(t *testing.T, srv *httptest.Server, kind string, meter int, from, to time.Time, interval string) []map[string]any {
	t.Helper()
	status, body := get(t, srv, "tok", "/v2/portal/"+kind, seriesQuery(meter, from, to, interval))
	if status != http.StatusOK {
		t.Fatalf("%s of meter %d %s..%s %s: HTTP %d %s", kind, meter, from, to, interval, status, body)
	}
	var doc map[string][]map[string]any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber() // numbers stay exact literals
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
	return doc[keys[kind]]
}

func decimal(t *testing.T, v any) app.Decimal {
	t.Helper()
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		t.Fatalf("not a number: %#v", v)
	}
	d, err := app.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// findMeter is the first meter of a kind for this seed.
func findMeter(t *testing.T, s *Server, want func(profile) bool) int {
	t.Helper()
	for m := range s.o.Meters {
		if want(s.profile(m)) {
			return m
		}
	}
	t.Fatal("no meter of that kind in the simulation")
	return 0
}

func TestWireShapeMatchesThePortalExamples(t *testing.T) {
	_, srv := newSim(t)
	day := time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)
	for kind, file := range map[string]string{"consumption": "consumption.json", "prices": "prices.json", "costs": "costs.json"} {
		t.Run(kind, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			var seed map[string][]map[string]any
			if err := json.Unmarshal(raw, &seed); err != nil {
				t.Fatal(err)
			}
			allowed := map[string]bool{}
			for _, r := range seed[keys[kind]] {
				for k := range r {
					allowed[k] = true
				}
			}
			got := records(t, srv, kind, 0, day, day.Add(24*time.Hour), "PT15M")
			if len(got) == 0 {
				t.Fatal("no records")
			}
			for _, r := range got {
				for k := range r {
					if !allowed[k] {
						t.Fatalf("record has %q, which the portal's example does not: %v", k, r)
					}
				}
				if _, err := time.Parse(time.RFC3339, r["timestamp"].(string)); err != nil {
					t.Fatalf("timestamp: %v", err)
				}
			}
			if kind == "consumption" {
				return
			}
			// Money records carry exactly the example's fields (prices with
			// their components, costs without).
			want := slices.Sorted(maps.Keys(seed[keys[kind]][0]))
			for _, r := range got {
				if have := slices.Sorted(maps.Keys(r)); !slices.Equal(have, want) {
					t.Fatalf("keys %v, want %v", have, want)
				}
				if c, ok := r["components"].(map[string]any); ok {
					wantC := slices.Sorted(maps.Keys(seed[keys[kind]][0]["components"].(map[string]any)))
					if have := slices.Sorted(maps.Keys(c)); !slices.Equal(have, wantC) {
						t.Fatalf("component keys %v, want %v", have, wantC)
					}
				}
				// The integer cents are the decimal rounded.
				cents, dec := decimal(t, r["unit_amount"]), decimal(t, r["unit_amount_decimal"])
				ct, err := dec.MulInt(100)
				if err != nil {
					t.Fatal(err)
				}
				if diff := ct - cents; diff < -app.DecimalScale/2 || diff > app.DecimalScale/2 {
					t.Fatalf("unit_amount %v disagrees with unit_amount_decimal %v", r["unit_amount"], r["unit_amount_decimal"])
				}
			}
		})
	}
}

// Every value is a function of meter and instant: the same request gives the
// same bytes, and overlapping windows agree on their common quarter hours.
func TestDeterministicAcrossWindows(t *testing.T) {
	_, srv := newSim(t)
	d := time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
	for _, kind := range []string{"consumption", "prices", "costs"} {
		_, a := get(t, srv, "tok", "/v2/portal/"+kind, seriesQuery(5, d, d.Add(48*time.Hour), "PT15M"))
		_, b := get(t, srv, "tok", "/v2/portal/"+kind, seriesQuery(5, d, d.Add(48*time.Hour), "PT15M"))
		if string(a) != string(b) {
			t.Fatalf("%s: two equal requests gave different bodies", kind)
		}
		first := records(t, srv, kind, 5, d, d.Add(48*time.Hour), "PT15M")
		second := records(t, srv, kind, 5, d.Add(24*time.Hour), d.Add(72*time.Hour), "PT15M")
		byKey := func(rs []map[string]any) map[string]string {
			m := map[string]string{}
			for _, r := range rs {
				b, _ := json.Marshal(r)
				typ, _ := r["type"].(string)
				m[r["timestamp"].(string)+"/"+typ] = string(b)
			}
			return m
		}
		fa, sb := byKey(first), byKey(second)
		common := 0
		for k, v := range sb {
			if w, ok := fa[k]; ok {
				common++
				if v != w {
					t.Fatalf("%s at %s: %s in one window, %s in the other", kind, k, w, v)
				}
			}
		}
		if common < 96 {
			t.Fatalf("%s: only %d records in the common day", kind, common)
		}
	}
}

// The cost of a quarter hour is its price times what the meter drew from
// the grid (feed-in is not bought), exact to the sixth place.
func TestCostsArePriceTimesConsumption(t *testing.T) {
	s, srv := newSim(t)
	from := time.Date(2026, 7, 4, 0, 0, 0, 0, time.UTC) // a summer weekend: PV feed-in at midday
	to := from.Add(48 * time.Hour)
	meters := []int{
		findMeter(t, s, func(p profile) bool { return p.pv && p.quarter && !p.lies }),
		findMeter(t, s, func(p profile) bool { return p.ntht && p.quarter && !p.lies }),
		findMeter(t, s, func(p profile) bool { return p.business && p.quarter && !p.lies }),
	}
	for _, m := range meters {
		use := map[string]app.Decimal{}
		feedIns := 0
		for _, r := range records(t, srv, "consumption", m, from, to, "PT15M") {
			if r["type"] == "feed-in" {
				feedIns++
				continue
			}
			use[r["timestamp"].(string)] += decimal(t, r["value"])
		}
		if s.profile(m).pv && feedIns == 0 {
			t.Errorf("meter %d has solar panels but fed nothing in on a July weekend", m)
		}
		price := map[string]app.Decimal{}
		for _, r := range records(t, srv, "prices", m, from, to, "PT15M") {
			price[r["timestamp"].(string)] = decimal(t, r["unit_amount_decimal"])
		}
		costs := records(t, srv, "costs", m, from, to, "PT15M")
		if len(costs) != 192 {
			t.Fatalf("meter %d: %d costs in two days, want 192", m, len(costs))
		}
		for _, r := range costs {
			ts := r["timestamp"].(string)
			want, err := use[ts].Mul(price[ts])
			if err != nil {
				t.Fatal(err)
			}
			if got := decimal(t, r["unit_amount_decimal"]); got != want {
				t.Fatalf("meter %d at %s: cost %s, want %s × %s = %s", m, ts, got, use[ts], price[ts], want)
			}
		}
	}
}

// Local days in Europe/Berlin: the spring change has 92 quarter hours, the
// autumn one 100, and a P1D record is the sum of its day's quarter hours.
func TestDSTDays(t *testing.T) {
	s, srv := newSim(t)
	m := findMeter(t, s, func(p profile) bool { return p.quarter && !p.lies && !p.pv })
	loc := app.DefaultZone()
	for _, tc := range []struct {
		day  time.Time
		want int
	}{
		{time.Date(2026, 3, 29, 0, 0, 0, 0, loc), 92},
		{time.Date(2026, 10, 25, 0, 0, 0, 0, loc), 100},
		{time.Date(2026, 6, 1, 0, 0, 0, 0, loc), 96},
	} {
		from, to := tc.day, tc.day.AddDate(0, 0, 1)
		quarters := map[string]bool{}
		var sum app.Decimal
		for _, r := range records(t, srv, "consumption", m, from, to, "PT15M") {
			quarters[r["timestamp"].(string)] = true
			sum += decimal(t, r["value"])
		}
		if len(quarters) != tc.want {
			t.Errorf("%s: %d quarter hours, want %d", tc.day.Format(time.DateOnly), len(quarters), tc.want)
		}
		days := records(t, srv, "consumption", m, from, to, "P1D")
		var daySum app.Decimal
		for _, r := range days {
			if ts, _ := time.Parse(time.RFC3339, r["timestamp"].(string)); !ts.Equal(from) {
				t.Errorf("%s: a P1D record at %s, want local midnight %s", tc.day.Format(time.DateOnly), ts, from.UTC())
			}
			daySum += decimal(t, r["value"])
		}
		if daySum != sum {
			t.Errorf("%s: P1D total %s, sum of quarter hours %s", tc.day.Format(time.DateOnly), daySum, sum)
		}
	}
}

// Spot-like prices: the auction component goes negative on sunny spring and
// summer middays, and a business draws more on a weekday afternoon than at
// night.
func TestPricesAndLoadCurves(t *testing.T) {
	s, srv := newSim(t)
	from := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 31)
	negative := 0
	for _, r := range records(t, srv, "prices", 0, from, to, "PT15M") {
		if decimal(t, r["components"].(map[string]any)["auction_price_amount_decimal"]) < 0 {
			negative++
		}
	}
	if negative == 0 {
		t.Error("no negative auction price in May")
	}
	b := findMeter(t, s, func(p profile) bool { return p.business && p.quarter && !p.lies })
	var day, night app.Decimal
	for _, r := range records(t, srv, "consumption", b, from, to, "PT1H") {
		ts, _ := time.Parse(time.RFC3339, r["timestamp"].(string))
		l := ts.In(app.DefaultZone())
		if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
			continue
		}
		switch l.Hour() {
		case 14:
			day += decimal(t, r["value"])
		case 3:
			night += decimal(t, r["value"])
		}
	}
	if night3, err := night.MulInt(3); err != nil || day < night3 {
		t.Errorf("business meter %d: weekday 14:00 drew %s, 03:00 %s; want an office's curve", b, day, night)
	}
}

func TestRefusals(t *testing.T) {
	s, srv := newSim(t)
	d := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	old := findMeter(t, s, func(p profile) bool { return !p.quarter })
	liar := findMeter(t, s, func(p profile) bool { return p.lies })
	for _, tc := range []struct {
		name, token string
		q           url.Values
		status      int
		reason      string
	}{
		{"no token", "", seriesQuery(0, d, d.Add(time.Hour), "PT15M"), 401, "Unauthorized"},
		{"wrong token", "nope", seriesQuery(0, d, d.Add(time.Hour), "PT15M"), 401, "Unauthorized"},
		{"old meter at PT15M", "tok", seriesQuery(old, d, d.Add(time.Hour), "PT15M"), 400, "IntervalNotSupported"},
		{"meter whose metadata offers PT15M", "tok", seriesQuery(liar, d, d.Add(time.Hour), "PT15M"), 400, "IntervalNotSupported"},
		{"P1M", "tok", seriesQuery(0, d, d.AddDate(0, 2, 0), "P1M"), 400, "IntervalNotSupported"},
		{"window too long", "tok", seriesQuery(0, d, d.AddDate(0, 0, 32), "PT15M"), 400, "BadRequest"},
		{"unknown meter", "tok", seriesQuery(999, d, d.Add(time.Hour), "PT15M"), 404, "NotFound"},
	} {
		status, body := get(t, srv, tc.token, "/v2/portal/consumption", tc.q)
		if status != tc.status || !strings.Contains(string(body), tc.reason) {
			t.Errorf("%s: HTTP %d %s, want %d %s", tc.name, status, body, tc.status, tc.reason)
		}
	}
	// An old meter still serves hours.
	if rs := records(t, srv, "consumption", old, d, d.Add(24*time.Hour), "PT1H"); len(rs) < 24 {
		t.Errorf("old meter: %d hourly records in a day", len(rs))
	}
	// A revoked token is refused from then on.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v2/portal/token/revoke", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if status, _ := get(t, srv, "tok", "/v2/portal/consumption", seriesQuery(0, d, d.Add(time.Hour), "PT15M")); status != 401 {
		t.Errorf("after revoke: HTTP %d, want 401", status)
	}
}

// The contract list pages as the spec says: size defaults to 100 and has
// no maximum, so a client asking for everything at once gets everything.
func TestContractListSize(t *testing.T) {
	s := New(Options{Seed: 1, Meters: 150, Token: "tok", From: simFrom, To: simFrom.AddDate(0, 0, 1)})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	all := len(s.ContractIDs()) // 120: four contracts in five have one meter, the rest two
	for _, tc := range []struct {
		q      url.Values
		status int
		n      int
	}{
		{url.Values{}, 200, 100},
		{url.Values{"from": {"100"}}, 200, all - 100},
		{url.Values{"size": {"250"}}, 200, all},
		{url.Values{"size": {"9223372036854775807"}}, 200, all},
		{url.Values{"from": {"3"}, "size": {"2"}}, 200, 2},
		{url.Values{"size": {"0"}}, 400, 0},
		{url.Values{"from": {"-1"}}, 400, 0},
	} {
		status, body := get(t, srv, "tok", "/v2/portal/contract", tc.q)
		var list struct{ Data []map[string]any }
		json.Unmarshal(body, &list)
		if status != tc.status || len(list.Data) != tc.n {
			t.Errorf("%v: HTTP %d with %d contracts, want %d with %d", tc.q, status, len(list.Data), tc.status, tc.n)
		}
	}
}

// An older deployment has no visualization metadata and reads the meter
// of a time series from meter_id alone.
func TestLegacyDeployment(t *testing.T) {
	s := New(Options{Seed: 1, Meters: 2, Token: "tok", From: simFrom, To: simFrom.AddDate(0, 0, 1), Legacy: true})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	q := seriesQuery(0, simFrom, simFrom.Add(2*time.Hour), "PT1H")
	if status, body := get(t, srv, "tok", "/v2/portal/visualization/metadata", q); status != 404 {
		t.Errorf("metadata: HTTP %d %s, want 404", status, body)
	}
	if status, _ := get(t, srv, "tok", "/v2/portal/consumption", q); status != 404 {
		t.Errorf("context_entities alone: HTTP %d, want 404 (meter not found)", status)
	}
	q.Set("meter_id", s.MeterIDs()[0])
	if status, body := get(t, srv, "tok", "/v2/portal/consumption", q); status != 200 || !strings.Contains(string(body), `"timestamp"`) {
		t.Errorf("with meter_id: HTTP %d %s", status, body)
	}
}

// Blank answers windows overlapping its span with no records and counts them.
func TestBlank(t *testing.T) {
	s, srv := newSim(t)
	d := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	s.Blank(d.Add(time.Hour), d.Add(2*time.Hour))
	if rs := records(t, srv, "prices", 0, d, d.Add(3*time.Hour), "PT1H"); len(rs) != 0 {
		t.Errorf("%d records in a blank window", len(rs))
	}
	if rs := records(t, srv, "prices", 0, d, d.Add(time.Hour), "PT1H"); len(rs) != 1 {
		t.Errorf("%d records beside the blank span, want 1", len(rs))
	}
	if n := s.Blank(time.Time{}, time.Time{}); n != 1 {
		t.Errorf("%d blank answers counted, want 1", n)
	}
}
