package otark

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/contractdiff"
	"wattfolio/sync/vendors/internal/rest"
)

func dec(s string) *app.Decimal { return app.Ptr(app.MustDecimal(s)) }

// The docs' sample response, served under a base path, maps field by field.
func TestSeedResponseMapsEveryField(t *testing.T) {
	seed := readSeed(t)
	v := newFakeVendor(t, 0, func(n int, _ *http.Request) *answer {
		if n == 1 {
			return &answer{body: seed}
		}
		// The sample says has_more without a next_cursor: the client goes
		// on after the last id, and this is the (empty) end.
		return &answer{body: []byte(`{"contracts":[],"pagination":{"limit":10,"has_more":false}}`)}
	})
	c, _ := newTestClient(t, v, Config{})
	pages, err := collect(t.Context(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || len(pages[0].Contracts) != 1 || len(pages[0].Failures) != 0 || pages[0].Cursor != "con_a1b2c3d4" {
		t.Fatalf("pages = %+v", pages)
	}
	if q := v.requests(); len(q) != 2 || q[0].Get("after") != "" || q[1].Get("after") != "con_a1b2c3d4" {
		t.Errorf("queries = %v", q)
	}
	want := app.Contract{
		Source:     "test",
		Vendor:     app.VendorOtark,
		ExternalID: "con_a1b2c3d4",
		Kind:       app.KindPPA,
		Commodity:  app.CommodityElectricity,
		Status:     "in_progress",
		Customer:   app.Customer{ExternalID: "11YGREENENERGY-Z", Name: "GreenCo Energy BV"},
		Name:       "PPA-2025-0042 · Zonnepark De Wilgen",
		Product:    app.Product{Name: "Q1-2026", Code: "PPA-2025-0042"},
		Parties: app.Parties{
			Supplier: "GreenCo Energy BV", SupplierCode: "11YGREENENERGY-Z",
			Buyer: "GreenCo Energy BV", BuyerCode: "11YGREENENERGY-Z",
		},
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		ValidTo:   time.Date(2026, 3, 31, 23, 45, 0, 0, time.UTC),
		PPA: &app.PPATerms{
			PPAType:         "indexed",
			Period:          "Q1-2026",
			DeliveryProfile: "ENWEX Solar 2026",
			SellerTSO:       "TenneT",
			BuyerTSO:        "TenneT",
			AssetID:         "ast_w1x2y3z4",
			AssetName:       "Zonnepark De Wilgen",
			Technology:      "solar",
			AssetTSO:        "TenneT",
			NominalPowerMW:  dec("25"),
			CreatedAt:       time.Date(2024, 11, 20, 10, 0, 0, 0, time.UTC),
			UpdatedAt:       time.Date(2025, 1, 5, 8, 30, 0, 0, time.UTC),
		},
		Raw:       seedContract(t),
		FetchedAt: time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC),
	}
	diffContract(t, pages[0].Contracts[0], want)
}

// diffContract compares every field, dereferencing pointers so that a
// mismatch reads as values rather than addresses.
func diffContract(t *testing.T, got, want app.Contract) {
	t.Helper()
	for _, d := range contractdiff.Diff(got, want) {
		t.Error(d)
	}
	if got.ValidFrom.Location() != time.UTC || got.ValidTo.Location() != time.UTC || got.FetchedAt.Location() != time.UTC {
		t.Errorf("times not in UTC: %v %v %v", got.ValidFrom, got.ValidTo, got.FetchedAt)
	}
}

// Trades carry no asset and no PPA type; the name is the external id alone
// and the product is named by the period, or else the delivery profile.
func TestTradeMapping(t *testing.T) {
	body := contractBody(t, "con_1")
	body = patch(t, body, "type", `"intraday"`)
	body = patch(t, body, "ppa_type", `null`)
	body = patch(t, body, "period", `null`)
	body = patch(t, body, "delivery_profile", `"QH57-QH60"`)
	i := strings.Index(string(body), `"asset"`)
	body = append(body[:i:i], []byte(`"asset": null}`)...)
	ct, id, ferr := toContract(body, "s", fixedNow)
	if ferr != nil || id != "con_1" {
		t.Fatalf("%v %v", id, ferr)
	}
	if ct.Kind != app.KindIntraday || ct.Name != "PPA-2025-0042" || ct.Product.Name != "QH57-QH60" ||
		ct.PPA.AssetID != "" || ct.PPA.NominalPowerMW != nil || ct.PPA.PPAType != "" {
		t.Errorf("mapped %+v %+v", ct, *ct.PPA)
	}
	for typ, kind := range map[string]app.Kind{"ppa": app.KindPPA, "day_ahead": app.KindDayAhead, "intraday": app.KindIntraday} {
		ct, _, ferr := toContract(patch(t, body, "type", `"`+typ+`"`), "s", fixedNow)
		if ferr != nil || ct.Kind != kind {
			t.Errorf("type %s: kind %s, %v", typ, ct.Kind, ferr)
		}
	}
}

// nominal_power keeps its exact literal; it never passes through float64.
func TestNominalPowerExact(t *testing.T) {
	for lit, want := range map[string]string{"25": "25", "48.6": "48.6", "0.1": "0.1", "119.999999": "119.999999", "1.2e1": "12"} {
		ct, _, ferr := toContract(patch(t, contractBody(t, "con_1"), "nominal_power", lit), "s", fixedNow)
		if ferr != nil || ct.PPA.NominalPowerMW.String() != want {
			t.Errorf("%s: %v %v", lit, ct.PPA.NominalPowerMW, ferr)
		}
	}
}

// Several pages with a 429 in the middle: every contract arrives exactly
// once, in order, and the Retry-After wait was honoured before the retry.
func TestPaginationWith429(t *testing.T) {
	for _, withCursor := range []bool{true, false} {
		t.Run(fmt.Sprintf("next_cursor=%v", withCursor), func(t *testing.T) {
			v := newFakeVendor(t, 10, func(n int, _ *http.Request) *answer {
				if n == 3 {
					return problemAnswer(http.StatusTooManyRequests, `{"type":"about:blank","title":"Too Many Requests","status":429}`).
						with("Retry-After", "7")
				}
				return nil
			})
			v.nextCursor = withCursor
			c, s := newTestClient(t, v, Config{Limit: 3})
			pages, err := collect(t.Context(), c, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := synced(pages); !slices.Equal(got, conIDs(1, 10)) {
				t.Errorf("synced %v", got)
			}
			var cursors []string
			for _, p := range pages {
				cursors = append(cursors, p.Cursor)
			}
			if want := []string{"con_3", "con_6", "con_9", "con_10"}; !slices.Equal(cursors, want) {
				t.Errorf("cursors %v, want %v", cursors, want)
			}
			var afters []string
			for _, q := range v.requests() {
				afters = append(afters, q.Get("after"))
				if q.Get("limit") != "3" {
					t.Errorf("limit = %q", q.Get("limit"))
				}
			}
			// Request 3 (after con_6) was refused and asked again.
			if want := []string{"", "con_3", "con_6", "con_6", "con_9"}; !slices.Equal(afters, want) {
				t.Errorf("after sent %q, want %q", afters, want)
			}
			if w := s.got(); !slices.Equal(w, []time.Duration{7 * time.Second}) {
				t.Errorf("waits %v, want the 7 s Retry-After", w)
			}
		})
	}
}

func (a *answer) with(k, v string) *answer {
	if a.header == nil {
		a.header = map[string]string{}
	}
	a.header[k] = v
	return a
}

// Retry-After as an HTTP date, or failing it the window reset when the
// budget is spent, or failing both a doubling backoff until MaxWait.
func TestTooManyRequestsWaits(t *testing.T) {
	tests := []struct {
		name      string
		header    map[string]string
		times     int // how many 429s before the page
		maxWait   time.Duration
		wantWaits []time.Duration
		wantErr   string
	}{
		{name: "HTTP date", header: map[string]string{"Retry-After": clockNow.Add(12 * time.Second).Format(http.TimeFormat)},
			times: 1, wantWaits: []time.Duration{12 * time.Second}},
		{name: "reset when spent", header: map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": "9"},
			times: 2, wantWaits: []time.Duration{9 * time.Second, 9 * time.Second}},
		{name: "reset ignored with budget left", header: map[string]string{"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "50"},
			times: 2, wantWaits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{name: "no hint backs off until MaxWait", times: 100, maxWait: time.Second,
			wantWaits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond},
			wantErr:   `otark source "test": GET /v1/contracts: 429 Too Many Requests: otark's rate limit asks for a longer wait than this source allows: it asks to wait 1.6s, longer than the 1s allowed`},
		{name: "too long a wait", header: map[string]string{"Retry-After": "3600"}, times: 1,
			wantErr: `429 Too Many Requests: otark's rate limit asks for a longer wait than this source allows: it asks to wait 1h0m0s, longer than the 1m0s allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newFakeVendor(t, 2, func(n int, _ *http.Request) *answer {
				if n <= tt.times {
					return &answer{status: http.StatusTooManyRequests, body: []byte(`{}`), header: tt.header}
				}
				return nil
			})
			c, s := newTestClient(t, v, Config{MaxWait: tt.maxWait})
			pages, err := collect(t.Context(), c, "")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrRateLimited) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else if err != nil || len(synced(pages)) != 2 {
				t.Fatalf("err %v, pages %v", err, pages)
			}
			if w := s.got(); !slices.Equal(w, tt.wantWaits) {
				t.Errorf("waits %v, want %v", w, tt.wantWaits)
			}
		})
	}
}

// Remaining 0 makes the next request wait until Reset, for either header
// family; Reset as a Unix time is understood too.
func TestRateLimitHeadersWaitForReset(t *testing.T) {
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"RateLimit", map[string]string{"RateLimit-Limit": "300", "RateLimit-Remaining": "0", "RateLimit-Reset": "5"}, 5 * time.Second},
		{"X-RateLimit", map[string]string{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "17"}, 17 * time.Second},
		{"X-RateLimit epoch", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": fmt.Sprint(clockNow.Unix() + 30)}, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newFakeVendor(t, 4, func(n int, _ *http.Request) *answer {
				if n == 1 {
					return &answer{header: tt.header}
				}
				return &answer{header: map[string]string{"RateLimit-Remaining": "250", "RateLimit-Reset": "40"}}
			})
			c, s := newTestClient(t, v, Config{Limit: 2})
			pages, err := collect(t.Context(), c, "")
			if err != nil || len(synced(pages)) != 4 {
				t.Fatalf("err %v, pages %v", err, pages)
			}
			if w := s.got(); !slices.Equal(w, []time.Duration{tt.want}) {
				t.Errorf("waits %v, want one of %v", w, tt.want)
			}
		})
	}
	t.Run("reset beyond MaxWait", func(t *testing.T) {
		v := newFakeVendor(t, 4, func(n int, _ *http.Request) *answer {
			return &answer{header: map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": "90"}}
		})
		c, s := newTestClient(t, v, Config{Limit: 2})
		pages, err := collect(t.Context(), c, "")
		if !errors.Is(err, ErrRateLimited) || !strings.Contains(err.Error(), "spent for 1m30s, longer than the 1m0s allowed") {
			t.Fatalf("err = %v", err)
		}
		if len(synced(pages)) != 2 || len(s.got()) != 0 {
			t.Errorf("pages %v, waits %v", pages, s.got())
		}
	})
}

func TestPaginationMustAdvance(t *testing.T) {
	tests := []struct {
		name    string
		page    func(n int) string
		wantErr string
	}{
		{"next_cursor repeats", func(n int) string {
			return `{"contracts":[` + string(contractBody(t, fmt.Sprint("con_", n))) + `],"pagination":{"limit":1,"has_more":true,"next_cursor":"cur_a"}}`
		}, `otark source "test": otark's pagination does not advance: the page after cursor "cur_a" leads to cursor "cur_a" again`},
		{"last id repeats", func(n int) string {
			return `{"contracts":[` + string(contractBody(t, "con_1")) + `],"pagination":{"limit":1,"has_more":true}}`
		}, `the page after cursor "con_1" leads to cursor "con_1" again`},
		{"has_more with an empty page", func(n int) string {
			return `{"contracts":[],"pagination":{"limit":1,"has_more":true,"next_cursor":"x"}}`
		}, `otark's pagination does not advance: the page after cursor "" is empty but has_more is true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newFakeVendor(t, 0, func(n int, _ *http.Request) *answer {
				if n > 5 {
					t.Fatal("endless loop")
				}
				return &answer{body: []byte(tt.page(n))}
			})
			c, _ := newTestClient(t, v, Config{})
			_, err := collect(t.Context(), c, "")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrPagination) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
	// A resume cursor the server ignores is a repeat too.
	v := newFakeVendor(t, 3, func(int, *http.Request) *answer {
		return &answer{body: pageBody([][]byte{contractBody(t, "con_2")}, true, true)}
	})
	c, _ := newTestClient(t, v, Config{})
	if _, err := collect(t.Context(), c, "con_2"); err == nil || !strings.Contains(err.Error(), `after cursor "con_2" leads to cursor "con_2" again`) {
		t.Fatalf("err = %v", err)
	}
}

// Answers that stop the whole source quote the problem document and are
// not retried.
func TestProblemStopsSource(t *testing.T) {
	tests := []struct {
		status  int
		body    string
		wantErr string
		wantIs  error
	}{
		{400, `{"type":"https://api.otark.energy/problems/validation-error","title":"Bad Request","status":400,"errors":[{"code":"invalid_enum_value","field":"status"}]}`,
			`otark source "test": GET /v1/contracts: 400 Bad Request: invalid_enum_value (status)`, nil},
		{400, `{"type":"about:blank","title":"Validation failed","status":400,"detail":"2 invalid parameters","errors":[{"code":"required","field":"eic","message":"must not be empty"},{"code":"out_of_range","field":"limit"}]}`,
			`otark source "test": GET /v1/contracts: 400 Bad Request: Validation failed: 2 invalid parameters: required (eic): must not be empty; out_of_range (limit)`, nil},
		{401, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"invalid API key"}`,
			`otark source "test": GET /v1/contracts: 401 Unauthorized: invalid API key: the API key was rejected (revoked or mistyped?)`, ErrUnauthorized},
		{403, `{"title":"Forbidden","status":403}`, `GET /v1/contracts: 403 Forbidden: the API key may not read contracts`, ErrForbidden},
		{404, `<html>not here</html>`, `GET /v1/contracts: 404 Not Found: the contracts endpoint was not found`, ErrNotFound},
		{409, `{"title":"Conflict","status":409,"detail":"cursor expired","errors":[{"code":"stale_cursor","field":"after"}]}`,
			`GET /v1/contracts: 409 Conflict: cursor expired: stale_cursor (after)`, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			v := newFakeVendor(t, 3, func(int, *http.Request) *answer { return problemAnswer(tt.status, tt.body) })
			c, s := newTestClient(t, v, Config{})
			pages, err := collect(t.Context(), c, "")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err %v is not %v", err, tt.wantIs)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.Status != tt.status {
				t.Errorf("err %v is no APIError of %d", err, tt.status)
			}
			if len(pages) != 0 || len(v.requests()) != 1 || len(s.got()) != 0 {
				t.Errorf("%d pages, %d requests, waits %v", len(pages), len(v.requests()), s.got())
			}
		})
	}
}

// 5xx, timeouts and cut bodies are retried with backoff; when they persist
// the source fails, since a list page cannot be skipped.
func TestTransientFailures(t *testing.T) {
	down := problemAnswer(503, `{"title":"Service Unavailable","status":503,"detail":"maintenance"}`)
	tests := []struct {
		name      string
		script    func(n int) *answer
		retries   int
		timeout   time.Duration
		wantErr   string
		wantWaits []time.Duration
		wantReqs  int
	}{
		{name: "500 then 503 then ok", script: func(n int) *answer {
			switch n {
			case 1:
				return &answer{status: 500, body: []byte("oops")}
			case 2:
				return down
			}
			return nil
		}, wantWaits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, wantReqs: 3},
		{name: "503 with Retry-After", script: func(n int) *answer {
			if n == 1 {
				return problemAnswer(503, `{}`).with("Retry-After", "3")
			}
			return nil
		}, wantWaits: []time.Duration{3 * time.Second}, wantReqs: 2},
		{name: "cut body then ok", script: func(n int) *answer {
			if n == 1 {
				return &answer{cut: true}
			}
			return nil
		}, wantWaits: []time.Duration{100 * time.Millisecond}, wantReqs: 2},
		{name: "truncated JSON then ok", script: func(n int) *answer {
			if n == 1 {
				return &answer{body: []byte(`{"contracts":[{"id":"con_1"`)}
			}
			return nil
		}, wantWaits: []time.Duration{100 * time.Millisecond}, wantReqs: 2},
		{name: "timeout then ok", timeout: 200 * time.Millisecond, script: func(n int) *answer {
			if n == 1 {
				return &answer{delay: 2 * time.Second}
			}
			return nil
		}, wantWaits: []time.Duration{100 * time.Millisecond}, wantReqs: 2},
		{name: "down for good", script: func(int) *answer { return down },
			wantErr:   `otark source "test": GET /v1/contracts: otark is unavailable: 503 Service Unavailable: maintenance (3 tries)`,
			wantWaits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, wantReqs: 3},
		{name: "no retries", retries: -1, script: func(int) *answer { return &answer{cut: true} },
			wantErr: `otark is unavailable: response body cut off (1 try)`, wantReqs: 1},
		{name: "timeouts for good", retries: 1, timeout: 100 * time.Millisecond, script: func(int) *answer { return &answer{delay: time.Second} },
			wantErr: `otark is unavailable: request timed out (2 tries)`, wantWaits: []time.Duration{100 * time.Millisecond}, wantReqs: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newFakeVendor(t, 2, func(n int, _ *http.Request) *answer { return tt.script(n) })
			cfg := Config{Retries: tt.retries}
			if tt.timeout > 0 {
				cfg.HTTPClient = &http.Client{Timeout: tt.timeout}
			}
			c, s := newTestClient(t, v, cfg)
			pages, err := collect(t.Context(), c, "")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrUnavailable) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else if err != nil || !slices.Equal(synced(pages), conIDs(1, 2)) {
				t.Fatalf("err %v, synced %v", err, synced(pages))
			}
			if w := s.got(); !slices.Equal(w, tt.wantWaits) {
				t.Errorf("waits %v, want %v", w, tt.wantWaits)
			}
			if n := len(v.requests()); n != tt.wantReqs {
				t.Errorf("%d requests, want %d", n, tt.wantReqs)
			}
		})
	}
}

// A contract with a wrong type fails alone; the rest of its page is stored.
func TestBadContractIsARecordError(t *testing.T) {
	bad := map[int]struct {
		body        func() []byte
		record      string
		field, want string
	}{
		2: {func() []byte { return patch(t, contractBody(t, "con_2"), "nominal_power", `"25 MW"`) },
			"contract con_2", "asset.nominal_power", `want a number, got string "25 MW"`},
		3: {func() []byte { return patch(t, contractBody(t, "con_3"), "delivery_start", `"01.01.2026"`) },
			"contract con_3", "delivery_start", `want an RFC 3339 date-time, got string "01.01.2026"`},
		4: {func() []byte { return patch(t, contractBody(t, "con_4"), "type", `"futures"`) },
			"contract con_4", "type", `unknown contract type "futures"`},
		5: {func() []byte {
			b := contractBody(t, "con_5")
			i := bytes.Index(b, []byte(`"seller": {`))
			j := i + bytes.IndexByte(b[i:], '}')
			return append(b[:i:i], append([]byte(`"seller": "GreenCo"`), b[j+1:]...)...)
		}, "contract con_5", "seller", `want an object, got string "GreenCo"`},
		9: {func() []byte { return patch(t, contractBody(t, "con_9"), "tso", `7`) },
			"contract con_9", "seller.tso", `want a string, got number 7`},
		6: {func() []byte { return []byte(`42`) }, "contract #6 of the page", "", `want a contract object, got number 42`},
		7: {func() []byte { return patch(t, contractBody(t, "con_7"), "status", `3`) },
			"contract con_7", "status", `want a string, got number 3`},
	}
	v := newFakeVendor(t, 10, nil)
	for n, b := range bad {
		v.contracts[n-1] = b.body()
	}
	c, _ := newTestClient(t, v, Config{})
	pages, err := collect(t.Context(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := synced(pages); !slices.Equal(got, []string{"con_1", "con_8", "con_10"}) {
		t.Errorf("synced %v", got)
	}
	if len(pages) != 1 || len(pages[0].Failures) != len(bad) || pages[0].Cursor != "con_10" {
		t.Fatalf("pages %+v", pages)
	}
	for i, f := range pages[0].Failures {
		b := bad[[]int{2, 3, 4, 5, 6, 7, 9}[i]]
		if f.Source != "test" || f.Record != b.record || f.Field != b.field || !strings.Contains(f.Err.Error(), b.want) {
			t.Errorf("failure %d = %#v (%v), want %s field %q: %s", i, f, f.Err, b.record, b.field, b.want)
		}
	}
}

// A non-empty cursor is sent as after, and the sync resumes from there.
func TestResumeFromCursor(t *testing.T) {
	v := newFakeVendor(t, 7, nil)
	c, _ := newTestClient(t, v, Config{Limit: 2})
	pages, err := collect(t.Context(), c, "con_4")
	if err != nil {
		t.Fatal(err)
	}
	if got := synced(pages); !slices.Equal(got, conIDs(5, 7)) {
		t.Errorf("synced %v", got)
	}
	if q := v.requests(); q[0].Get("after") != "con_4" {
		t.Errorf("first after = %q", q[0].Get("after"))
	}
}

// The configured filters go out as query parameters on every page.
func TestFiltersSentAsQuery(t *testing.T) {
	v := newFakeVendor(t, 3, nil)
	c, _ := newTestClient(t, v, Config{
		Status: "in_progress", Type: "ppa", EIC: "11YGREENENERGY-Z",
		DeliveryStart: time.Date(2026, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)),
		DeliveryEnd:   time.Date(2026, 3, 31, 23, 45, 0, 0, time.UTC),
		ActiveOn:      time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC),
		Limit:         2,
	})
	if _, err := collect(t.Context(), c, ""); err != nil {
		t.Fatal(err)
	}
	reqs := v.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	want := map[string]string{
		"status": "in_progress", "type": "ppa", "eic": "11YGREENENERGY-Z",
		"delivery_start": "2026-01-01T00:00:00Z", "delivery_end": "2026-03-31T23:45:00Z",
		"active_on": "2026-01-15", "limit": "2",
	}
	for i, q := range reqs {
		for k, w := range want {
			if q.Get(k) != w {
				t.Errorf("request %d: %s = %q, want %q", i+1, k, q.Get(k), w)
			}
		}
		if len(q) != len(want)+i { // the second also has after
			t.Errorf("request %d: query %v", i+1, q)
		}
	}
	// Without filters only limit is sent.
	v2 := newFakeVendor(t, 1, nil)
	c2, _ := newTestClient(t, v2, Config{})
	if _, err := collect(t.Context(), c2, ""); err != nil {
		t.Fatal(err)
	}
	if q := v2.requests()[0]; len(q) != 1 || q.Get("limit") != "100" {
		t.Errorf("unfiltered query %v", q)
	}
}

// Cancelling the context ends a rate-limit wait at once.
func TestCancelDuringWait(t *testing.T) {
	for _, tt := range []struct {
		name   string
		answer *answer
	}{
		{"429", problemAnswer(429, `{}`).with("Retry-After", "30")},
		{"budget spent", &answer{header: map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": "30"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := newFakeVendor(t, 4, func(int, *http.Request) *answer { return tt.answer })
			c, _ := newTestClient(t, v, Config{Limit: 2})
			c.api.Clock = frozen{rest.RealClock{}.Sleep} // the real sleep
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			_, err := collect(ctx, c, "")
			if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), `otark source "test": GET /v1/contracts: waiting`) {
				t.Fatalf("err = %v", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// A failing page callback stops the sync with its error.
func TestPageErrorStops(t *testing.T) {
	v := newFakeVendor(t, 6, nil)
	c, _ := newTestClient(t, v, Config{Limit: 2})
	boom := errors.New("disk full")
	err := c.Contracts(t.Context(), "", func(engine.Page) error { return boom })
	if !errors.Is(err, boom) || len(v.requests()) != 1 {
		t.Fatalf("err %v after %d requests", err, len(v.requests()))
	}
}

func TestNewChecksConfig(t *testing.T) {
	ok := Config{Source: "s", BaseURL: "https://api.otark.energy/", APIKey: "k"}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
	}{
		{"relative URL", func(c *Config) { c.BaseURL = "api.otark.energy" }, `otark source "s": base URL "api.otark.energy": want an absolute http(s) URL`},
		{"query in URL", func(c *Config) { c.BaseURL = "https://x.example/?a=1" }, "must not carry a query"},
		{"credentials in URL", func(c *Config) { c.BaseURL = "https://u:p@x.example" }, "must not carry credentials"},
		{"no key", func(c *Config) { c.APIKey = " " }, "no API key configured"},
		{"key with space", func(c *Config) { c.APIKey = "a b" }, "white space"},
		{"status", func(c *Config) { c.Status = "active" }, `status "active": want pending, in_progress or completed`},
		{"type", func(c *Config) { c.Type = "futures" }, `type "futures"`},
		{"eic", func(c *Config) { c.EIC = "11ygreen" }, `EIC "11ygreen"`},
		{"limit", func(c *Config) { c.Limit = 101 }, "limit 101: want 1..100"},
		{"delivery", func(c *Config) {
			c.DeliveryStart = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
			c.DeliveryEnd = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		}, "is before delivery start"},
		{"max wait", func(c *Config) { c.MaxWait = -time.Second }, "max wait"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
	c, err := New(ok)
	if err != nil {
		t.Fatal(err)
	}
	if c.api.Base.String() != "https://api.otark.energy" || c.cfg.Limit != 100 || c.api.Policy.Retries != 2 || c.api.Policy.MaxWait != time.Minute || c.api.HTTP == nil {
		t.Errorf("defaults: %s %+v", c.api.Base, c.cfg)
	}
}
