package prosumer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/rest"
)

// seedArrays is the seed sample's three collections, element by element,
// byte for byte.
func seedArrays(t *testing.T) (energy, service, flex []json.RawMessage) {
	t.Helper()
	var doc struct{ EnergyContracts, ServiceContracts, FlexibilityContracts []json.RawMessage }
	if err := json.Unmarshal(readSeed(t), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.EnergyContracts, doc.ServiceContracts, doc.FlexibilityContracts
}

var seedTime = time.Date(2026, 2, 27, 0, 50, 37, 528254800, time.UTC)

// A customer id that must be path-escaped.
const oddCustomer = "K 42/7"

// The help page's sample, served under a base path, maps field by field. The
// sample repeats its placeholder ids: the identical second energy and
// flexibility objects are dropped, and the service contracts, which reuse
// the energy contract's Id, are rejected rather than overwrite it.
func TestSeedPortfolioMapsEveryField(t *testing.T) {
	seed := readSeed(t)
	v := newFakeVendor(t, func(string, int) answer { return answer{body: seed} })
	c := newTestClient(t, v, Config{CustomerIDs: []string{oddCustomer}})
	pages, err := collect(t.Context(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || pages[0].Cursor != "1" {
		t.Fatalf("pages = %+v", pages)
	}
	p := pages[0]
	if len(p.Contracts) != 2 {
		t.Fatalf("%d contracts, want 2 (energy, flexibility)", len(p.Contracts))
	}
	energy, _, flex := seedArrays(t)
	fetched := time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC)
	diffContract(t, p.Contracts[0], app.Contract{
		Source:      "test",
		Vendor:      app.VendorProsumer,
		ExternalID:  "e23523ca-f3ca-4a02-9a8b-31705a6b67bf",
		Kind:        app.KindEnergy,
		Commodity:   app.CommodityElectricity,
		Status:      StatusCancelled,
		Customer:    app.Customer{ExternalID: oddCustomer},
		Name:        "sample string 4",
		Product:     app.Product{Name: "sample string 2"},
		ValidFrom:   seedTime,
		ValidTo:     seedTime,
		SignedAt:    seedTime,
		CancelledAt: seedTime,
		Prices:      app.Prices{Currency: "EUR"},
		Raw:         energy[0],
		FetchedAt:   fetched,
	})
	diffContract(t, p.Contracts[1], app.Contract{
		Source:      "test",
		Vendor:      app.VendorProsumer,
		ExternalID:  "8239a5a0-5cdb-481a-b434-8e2031868f72",
		Kind:        app.KindFlexibility,
		Commodity:   app.CommodityElectricity,
		Status:      StatusCancelled,
		Customer:    app.Customer{ExternalID: oddCustomer},
		Name:        "sample string 17",
		ValidFrom:   seedTime,
		ValidTo:     seedTime,
		SignedAt:    seedTime,
		CancelledAt: seedTime,
		Prices:      app.Prices{Currency: "EUR"},
		Flexibility: &app.FlexibilityTerms{
			AssetID:                   "13",
			AssetName:                 "sample string 14",
			ParticipantID:             "20",
			ReservationFee:            dec("5.1"),
			ActivationFeeWorkdays:     dec("6.1"),
			ActivationFeeNonWorkdays:  dec("7.1"),
			MaxPowerPerActivation:     dec("1.1"),
			MaxActivationsPerInterval: i64(1),
			MaxActivationMinutes:      i64(1),
			MinMinutesBetween:         i64(3),
			DaysAllowedForActivation:  i64(0),
			PermittedIntervals:        "sample string 2",
			Tolerance:                 dec("4.1"),
			Renewal:                   i64(0),
			NonConformanceClause:      "sample string 8",
			MinNormalTemperature:      dec("9.1"),
			MaxNormalTemperature:      dec("10.1"),
			MaxRampUpTemperature:      dec("11.1"),
			MinRampDownTemperature:    dec("12.1"),
		},
		Raw:       flex[0],
		FetchedAt: fetched,
	})
	if len(p.Failures) != 1 {
		t.Fatalf("failures = %v, want the one service contract reusing the energy Id", p.Failures)
	}
	f := p.Failures[0]
	if f.Source != "test" || f.Record != "customer K 42/7 contract e23523ca-f3ca-4a02-9a8b-31705a6b67bf" || f.Field != "Id" ||
		!strings.Contains(f.Error(), "came before as a energy contract of customer K 42/7") {
		t.Errorf("failure = %+v (%v)", f, f)
	}
}

// The sample's service contract, on its own, maps field by field.
func TestSeedServiceContractMapsEveryField(t *testing.T) {
	_, service, _ := seedArrays(t)
	body := fmt.Appendf(nil, `{"EnergyContracts":[],"ServiceContracts":[%s],"FlexibilityContracts":[]}`, service[0])
	v := newFakeVendor(t, func(string, int) answer { return answer{body: body, contentType: "text/json"} })
	c := newTestClient(t, v, Config{CustomerIDs: []string{"c1"}, Now: func() time.Time { return seedTime.Add(-time.Hour) }})
	pages, err := collect(t.Context(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || len(pages[0].Contracts) != 1 || len(pages[0].Failures) != 0 {
		t.Fatalf("pages = %+v", pages)
	}
	diffContract(t, pages[0].Contracts[0], app.Contract{
		Source:      "test",
		Vendor:      app.VendorProsumer,
		ExternalID:  "e23523ca-f3ca-4a02-9a8b-31705a6b67bf",
		Kind:        app.KindService,
		Commodity:   app.CommodityElectricity,
		Status:      StatusPending, // an hour before it starts (and before its cancellation takes effect)
		Customer:    app.Customer{ExternalID: "c1"},
		Name:        "sample string 4",
		Product:     app.Product{Name: "sample string 2"},
		ValidFrom:   seedTime,
		ValidTo:     seedTime,
		SignedAt:    seedTime,
		CancelledAt: seedTime,
		Prices:      app.Prices{Currency: "EUR"},
		Raw:         service[0],
		FetchedAt:   seedTime.Add(-time.Hour).Truncate(time.Second),
	})
}

func TestStatus(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Hour), now.Add(time.Hour)
	tests := []struct {
		name             string
		from, to, cancel time.Time
		want             string
	}{
		{"running, open-ended", before, time.Time{}, time.Time{}, StatusActive},
		{"running, ends later", before, after, time.Time{}, StatusActive},
		{"nothing known", time.Time{}, time.Time{}, time.Time{}, StatusActive},
		{"starts later", after, time.Time{}, time.Time{}, StatusPending},
		{"ran out", before.Add(-time.Hour), before, time.Time{}, StatusEnded},
		{"ends exactly now", before, now, time.Time{}, StatusActive},
		{"cancellation took effect", before, time.Time{}, before, StatusCancelled},
		{"cancelled exactly now", before, time.Time{}, now, StatusCancelled},
		{"cancelled before it started", after, time.Time{}, before, StatusCancelled},
		{"notice given, still running", before, after, after, StatusActive},
		{"cancellation beats running out", before.Add(-time.Hour), before, before, StatusCancelled},
	}
	for _, tt := range tests {
		got := status(app.Contract{ValidFrom: tt.from, ValidTo: tt.to, CancelledAt: tt.cancel}, now)
		if got != tt.want {
			t.Errorf("%s: status %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestContractsErrors(t *testing.T) {
	five := []string{"c1", "c2", "c3", "c4", "c5"}
	flexBad := `{"Id":"f-bad","Name":"Wärmepumpe Flex","ReservationFee":"12,50","ValidFrom":null}`
	flexOK := `{"Id":"f-ok","Name":"Batteriespeicher","ReservationFee":12.5,"Renewal":1}`
	tests := []struct {
		name   string
		answer func(customer string, try int) answer
		// wantErr is a substring of the source error; "" means no error.
		wantErr    string
		wantIs     error
		wantSynced []string
		// wantFailed maps a record to a substring of its error and its field.
		wantFailed map[string][2]string
		wantHits   map[string]int
		retries    int
	}{
		{
			name: "401 stops the source",
			answer: func(c string, _ int) answer {
				if c == "c3" {
					return answer{status: http.StatusUnauthorized, body: []byte(`{"Message":"Authorization has been denied for this request."}`)}
				}
				return answer{}
			},
			wantErr:    `prosumer source "test": customer c3: the API refused the request (401)`,
			wantIs:     ErrUnauthorized,
			wantSynced: []string{"c1-e", "c2-e"},
			wantHits:   map[string]int{"c3": 1, "c4": 0, "c5": 0},
		},
		{
			name: "403 stops the source",
			answer: func(c string, _ int) answer {
				if c == "c1" {
					return answer{status: http.StatusForbidden}
				}
				return answer{}
			},
			wantIs:   ErrForbidden,
			wantHits: map[string]int{"c1": 1, "c2": 0},
		},
		{
			name: "404 is one customer's failure",
			answer: func(c string, _ int) answer {
				if c == "c2" {
					return answer{status: http.StatusNotFound, body: []byte(`{"Message":"No customer found with id 'c2'."}`)}
				}
				return answer{}
			},
			wantSynced: []string{"c1-e", "c3-e", "c4-e", "c5-e"},
			wantFailed: map[string][2]string{"customer c2": {"test: customer c2: 404 Not Found: customer not found", ""}},
			wantHits:   map[string]int{"c2": 1},
		},
		{
			name: "404 everywhere is a failure per customer",
			answer: func(string, int) answer {
				return answer{status: http.StatusNotFound}
			},
			wantFailed: map[string][2]string{
				"customer c1": {"404", ""}, "customer c2": {"404", ""}, "customer c3": {"404", ""},
				"customer c4": {"404", ""}, "customer c5": {"404", ""},
			},
		},
		{
			name: "500 then success is retried",
			answer: func(c string, try int) answer {
				if c == "c2" && try == 1 {
					return answer{status: http.StatusInternalServerError}
				}
				return answer{}
			},
			wantSynced: []string{"c1-e", "c2-e", "c3-e", "c4-e", "c5-e"},
			wantHits:   map[string]int{"c1": 1, "c2": 2},
		},
		{
			name: "cut body then success is retried",
			answer: func(c string, try int) answer {
				return answer{cut: c == "c4" && try < 3}
			},
			wantSynced: []string{"c1-e", "c2-e", "c3-e", "c4-e", "c5-e"},
			wantHits:   map[string]int{"c4": 3},
		},
		{
			name: "a body without Content-Length that ends early is retried",
			answer: func(c string, try int) answer {
				if c == "c1" && try == 1 {
					return answer{body: portfolioFor(c)[:40]}
				}
				return answer{}
			},
			wantSynced: []string{"c1-e", "c2-e", "c3-e", "c4-e", "c5-e"},
			wantHits:   map[string]int{"c1": 2},
		},
		{
			name: "one customer down is its failure",
			answer: func(c string, _ int) answer {
				if c == "c3" {
					return answer{status: http.StatusBadGateway}
				}
				return answer{}
			},
			wantSynced: []string{"c1-e", "c2-e", "c4-e", "c5-e"},
			wantFailed: map[string][2]string{"customer c3": {"the prosumer API is unavailable: 502 Bad Gateway (3 tries)", ""}},
			wantHits:   map[string]int{"c3": 3},
		},
		{
			name: "the first customers down, then served",
			answer: func(c string, _ int) answer {
				if c == "c1" || c == "c2" {
					return answer{status: http.StatusServiceUnavailable}
				}
				return answer{}
			},
			wantSynced: []string{"c3-e", "c4-e", "c5-e"},
			wantFailed: map[string][2]string{"customer c1": {"503", ""}, "customer c2": {"503", ""}},
		},
		{
			name: "every customer down is a source error",
			answer: func(string, int) answer {
				return answer{status: http.StatusServiceUnavailable}
			},
			wantErr:  `prosumer source "test": the prosumer API is unavailable: 3 customers in a row failed (last: customer c3: the prosumer API is unavailable: 503 Service Unavailable (3 tries))`,
			wantIs:   ErrUnavailable,
			wantHits: map[string]int{"c1": 3, "c3": 3, "c4": 0},
		},
		{
			name: "three in a row down mid-run stops the source after the pages before",
			answer: func(c string, _ int) answer {
				if c != "c1" {
					return answer{status: http.StatusInternalServerError}
				}
				return answer{}
			},
			wantErr:    "3 customers in a row failed",
			wantIs:     ErrUnavailable,
			wantSynced: []string{"c1-e"},
			wantHits:   map[string]int{"c5": 0},
		},
		{
			name:    "no retries when told so",
			retries: -1,
			answer: func(c string, _ int) answer {
				if c == "c1" {
					return answer{status: http.StatusTooManyRequests}
				}
				return answer{}
			},
			wantSynced: []string{"c2-e", "c3-e", "c4-e", "c5-e"},
			wantFailed: map[string][2]string{"customer c1": {"429 Too Many Requests (1 try)", ""}},
			wantHits:   map[string]int{"c1": 1},
		},
		{
			name: "400 is the customer's failure, not retried",
			answer: func(c string, _ int) answer {
				if c == "c5" {
					return answer{status: http.StatusBadRequest}
				}
				return answer{}
			},
			wantSynced: []string{"c1-e", "c2-e", "c3-e", "c4-e"},
			wantFailed: map[string][2]string{"customer c5": {"unexpected answer 400 Bad Request", ""}},
			wantHits:   map[string]int{"c5": 1},
		},
		{
			name: "a wrong type in one contract names it and its field; the rest are kept",
			answer: func(c string, _ int) answer {
				if c == "c2" {
					return answer{body: []byte(`{"EnergyContracts":[` + energyJSON("c2-e") + `],"ServiceContracts":null,"FlexibilityContracts":[` + flexBad + `,` + flexOK + `]}`)}
				}
				return answer{}
			},
			wantSynced: []string{"c1-e", "c2-e", "f-ok", "c3-e", "c4-e", "c5-e"},
			wantFailed: map[string][2]string{"customer c2 contract f-bad": {`test: customer c2 contract f-bad: field ReservationFee: want a number, got string "12,50"`, "ReservationFee"}},
		},
		{
			name: "an unreadable Id names the contract by its place",
			answer: func(c string, _ int) answer {
				if c == "c1" {
					return answer{body: []byte(`{"EnergyContracts":[{"Id":7}],"ServiceContracts":[{"Name":"x"}],"FlexibilityContracts":[42]}`)}
				}
				return answer{}
			},
			wantSynced: []string{"c2-e", "c3-e", "c4-e", "c5-e"},
			wantFailed: map[string][2]string{
				"customer c1 EnergyContracts[0]":      {"want a string, got number 7", "Id"},
				"customer c1 ServiceContracts[0]":     {"missing", "Id"},
				"customer c1 FlexibilityContracts[0]": {"want a contract object, got number 42", ""},
			},
		},
		{
			name: "a collection of the wrong type is named; the others are kept",
			answer: func(c string, _ int) answer {
				if c == "c1" {
					return answer{body: []byte(`{"EnergyContracts":[` + energyJSON("c1-e") + `],"ServiceContracts":{"0":{}},"FlexibilityContracts":[]}`)}
				}
				return answer{}
			},
			wantSynced: []string{"c1-e", "c2-e", "c3-e", "c4-e", "c5-e"},
			wantFailed: map[string][2]string{"customer c1": {"field ServiceContracts: want an array, got an object", "ServiceContracts"}},
		},
		{
			name: "an answer that is not a portfolio",
			answer: func(c string, _ int) answer {
				switch c {
				case "c1":
					return answer{body: []byte(`{"Message":"An error has occurred."}`)}
				case "c2":
					return answer{body: []byte(`[1,2]`)}
				case "c3":
					return answer{body: []byte(`{"EnergyContracts":[}`)}
				}
				return answer{}
			},
			wantSynced: []string{"c4-e", "c5-e"},
			wantFailed: map[string][2]string{
				"customer c1": {"answer has none of EnergyContracts", ""},
				"customer c2": {"want a JSON object, got an array", ""},
				"customer c3": {"malformed JSON", ""},
			},
		},
		{
			name: "the same Id under two customers is kept once",
			answer: func(c string, _ int) answer {
				if c == "c2" {
					return answer{body: portfolioFor("c1")}
				}
				return answer{}
			},
			wantSynced: []string{"c1-e", "c3-e", "c4-e", "c5-e"},
			wantFailed: map[string][2]string{"customer c2 contract c1-e": {"came before as a energy contract of customer c1", "Id"}},
		},
		{
			name: "extra fields are ignored",
			answer: func(c string, _ int) answer {
				return answer{body: []byte(`{"Total":1,"EnergyContracts":[` + strings.Replace(energyJSON(c+"-e"), `{`, `{"Future":{"a":[1]},`, 1) + `],"ServiceContracts":[],"FlexibilityContracts":[]}`)}
			},
			wantSynced: []string{"c1-e", "c2-e", "c3-e", "c4-e", "c5-e"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newFakeVendor(t, tt.answer)
			c := newTestClient(t, v, Config{CustomerIDs: five, Retries: tt.retries})
			pages, err := collect(t.Context(), c, "")
			switch {
			case tt.wantErr == "" && tt.wantIs == nil && err != nil:
				t.Fatalf("err = %v", err)
			case (tt.wantErr != "" || tt.wantIs != nil) && err == nil:
				t.Fatalf("no error, want %q", tt.wantErr)
			case err != nil && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("err = %v\nwant it to contain %q", err, tt.wantErr)
			case tt.wantIs != nil && !errors.Is(err, tt.wantIs):
				t.Errorf("err = %v, want errors.Is %v", err, tt.wantIs)
			}
			synced, failed := outcomeOf(pages)
			if !slices.Equal(synced, tt.wantSynced) {
				t.Errorf("synced %q, want %q", synced, tt.wantSynced)
			}
			for rec, want := range tt.wantFailed {
				f := failed[rec]
				switch {
				case f == nil:
					t.Errorf("no failure for %q; failures %v", rec, failed)
				case !strings.Contains(f.Error(), want[0]) || f.Field != want[1] || f.Source != "test":
					t.Errorf("failure %q = %q (field %q), want it to contain %q (field %q)", rec, f, f.Field, want[0], want[1])
				}
			}
			if len(failed) != len(tt.wantFailed) {
				t.Errorf("failures %v, want %d", failed, len(tt.wantFailed))
			}
			for id, n := range tt.wantHits {
				if got := v.hitsFor(id); got != n {
					t.Errorf("customer %s asked %d times, want %d", id, got, n)
				}
			}
			// Cursors count customers, one page each, in order.
			for i := 1; i < len(pages); i++ {
				if pages[i].Cursor <= pages[i-1].Cursor && len(pages[i].Cursor) == len(pages[i-1].Cursor) {
					t.Errorf("cursors out of order: %q after %q", pages[i].Cursor, pages[i-1].Cursor)
				}
			}
		})
	}
}

// A Retry-After is honoured, within the cap.
func TestRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   time.Duration
	}{{"1", time.Second}, {"3600", 5 * time.Second}} {
		v := newFakeVendor(t, func(_ string, try int) answer {
			if try == 1 {
				return answer{status: http.StatusTooManyRequests, retryAfter: tt.header}
			}
			return answer{}
		})
		c := newTestClient(t, v, Config{CustomerIDs: []string{"c1"}})
		clock := rest.NewFakeClock(time.Now())
		c.api.Clock = clock
		pages, err := collect(t.Context(), c, "")
		if err != nil || len(pages) != 1 || len(pages[0].Contracts) != 1 {
			t.Fatalf("Retry-After %s: err %v, pages %+v", tt.header, err, pages)
		}
		if w := clock.Waits(); len(w) != 1 || w[0] != tt.want {
			t.Errorf("Retry-After %s: waited %v, want [%v]", tt.header, w, tt.want)
		}
	}
}

func TestCursor(t *testing.T) {
	ids := []string{"c1", "c2", "c3", "c4"}
	tests := []struct {
		cursor      string
		wantSynced  []string
		wantCursors []string
		wantErr     string
	}{
		{"", []string{"c1-e", "c2-e", "c3-e", "c4-e"}, []string{"1", "2", "3", "4"}, ""},
		{"2", []string{"c3-e", "c4-e"}, []string{"3", "4"}, ""},
		{"4", nil, nil, ""},
		{"9", nil, nil, ""}, // the list shrank since
		{"x", nil, nil, `bad cursor "x"`},
		{"-1", nil, nil, `bad cursor "-1"`},
	}
	for _, tt := range tests {
		v := newFakeVendor(t, nil)
		pages, err := collect(t.Context(), newTestClient(t, v, Config{CustomerIDs: ids}), tt.cursor)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("cursor %q: err %v, want %q", tt.cursor, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cursor %q: %v", tt.cursor, err)
		}
		synced, _ := outcomeOf(pages)
		var cursors []string
		for _, p := range pages {
			cursors = append(cursors, p.Cursor)
		}
		if !slices.Equal(synced, tt.wantSynced) || !slices.Equal(cursors, tt.wantCursors) {
			t.Errorf("cursor %q: synced %q cursors %q, want %q %q", tt.cursor, synced, cursors, tt.wantSynced, tt.wantCursors)
		}
		if tt.cursor == "2" && v.hitsFor("c1")+v.hitsFor("c2") != 0 {
			t.Errorf("cursor 2 asked again for the customers before it")
		}
	}
}

// A customer with no contracts is still a page, so the cursor moves on.
func TestEmptyPortfolioIsAPage(t *testing.T) {
	v := newFakeVendor(t, func(string, int) answer {
		return answer{body: []byte(`{"EnergyContracts":[],"ServiceContracts":null,"FlexibilityContracts":[]}`)}
	})
	pages, err := collect(t.Context(), newTestClient(t, v, Config{CustomerIDs: []string{"a", "b"}}), "")
	if err != nil || len(pages) != 2 || pages[1].Cursor != "2" || len(pages[0].Contracts)+len(pages[0].Failures) != 0 {
		t.Fatalf("err %v, pages %+v", err, pages)
	}
}

func TestContextCancel(t *testing.T) {
	v := newFakeVendor(t, func(c string, _ int) answer {
		if c == "c2" {
			return answer{delay: 10 * time.Second}
		}
		return answer{}
	})
	c := newTestClient(t, v, Config{CustomerIDs: []string{"c1", "c2", "c3"}})
	ctx, cancel := context.WithCancel(t.Context())
	var pages []engine.Page
	start := time.Now()
	go func() {
		time.Sleep(200 * time.Millisecond)
		cancel()
	}()
	err := c.Contracts(ctx, "", func(p engine.Page) error {
		pages = append(pages, p)
		return nil
	})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), `prosumer source "test": customer c2`) {
		t.Errorf("err = %v, want a source error wrapping context.Canceled", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
	if len(pages) != 1 || pages[0].Cursor != "1" || v.hitsFor("c3") != 0 {
		t.Errorf("pages %+v, c3 hits %d; want only c1's page", pages, v.hitsFor("c3"))
	}
}

// Cancelling while waiting to retry ends the wait.
func TestContextCancelDuringBackoff(t *testing.T) {
	v := newFakeVendor(t, func(string, int) answer {
		return answer{status: http.StatusServiceUnavailable, retryAfter: "5"}
	})
	c := newTestClient(t, v, Config{CustomerIDs: []string{"c1"}})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := collect(ctx, c, "")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("err = %v after %v", err, time.Since(start))
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	v := newFakeVendor(t, func(_ string, try int) answer {
		if try == 1 {
			return answer{delay: time.Second}
		}
		return answer{}
	})
	c := newTestClient(t, v, Config{CustomerIDs: []string{"c1"}, HTTPClient: &http.Client{Timeout: 200 * time.Millisecond}})
	pages, err := collect(t.Context(), c, "")
	if err != nil || len(pages) != 1 || len(pages[0].Contracts) != 1 || v.hitsFor("c1") != 2 {
		t.Fatalf("err %v, pages %+v, hits %d", err, pages, v.hitsFor("c1"))
	}
}

// An error from page stops the sync and is returned as is.
func TestPageErrorStops(t *testing.T) {
	v := newFakeVendor(t, nil)
	c := newTestClient(t, v, Config{CustomerIDs: []string{"c1", "c2"}})
	stop := errors.New("disk full")
	err := c.Contracts(t.Context(), "", func(engine.Page) error { return stop })
	if err != stop || v.hitsFor("c2") != 0 {
		t.Errorf("err = %v, c2 hits %d", err, v.hitsFor("c2"))
	}
}

func TestContentTypes(t *testing.T) {
	tests := []struct {
		contentType string
		body        string // default a healthy portfolio
		wantErr     string // "" = accepted
	}{
		{contentType: "application/json"},
		{contentType: "application/json; charset=utf-8"},
		{contentType: "text/json"},
		{contentType: "text/json; charset=UTF-8"},
		{contentType: "text/html"},                                                     // the help page's JSON labelled text/html
		{contentType: "-"},                                                             // none at all, JSON body
		{contentType: "application/problem+json"},                                      // some +json
		{contentType: "application/json", body: "\ufeff" + string(portfolioFor("c1"))}, // a byte order mark
		{contentType: "text/html; charset=utf-8", body: "<!DOCTYPE html><html>Sign in</html>", wantErr: "the answer is not JSON: got text/html that is not a JSON document"},
		{contentType: "-", body: "<html></html>", wantErr: "got no content type that is not a JSON document"},
		{contentType: "text/plain", wantErr: "got content type text/plain, want application/json or text/json"},
		{contentType: "application/xml", body: "<ProsumerContractPortfolioResponse/>", wantErr: "got content type application/xml"},
		{contentType: "application/json; charset=utf-16", wantErr: "charset utf-16 is not supported"},
		{contentType: "application/json; =bad", wantErr: "unreadable content type"},
	}
	for _, tt := range tests {
		v := newFakeVendor(t, func(c string, _ int) answer {
			a := answer{contentType: tt.contentType}
			if tt.body != "" {
				a.body = []byte(tt.body)
			}
			return a
		})
		pages, err := collect(t.Context(), newTestClient(t, v, Config{CustomerIDs: []string{"c1"}}), "")
		synced, failed := outcomeOf(pages)
		if tt.wantErr == "" {
			if err != nil || len(synced) != 1 {
				t.Errorf("%q: err %v, synced %q, failed %v", tt.contentType, err, synced, failed)
			}
			continue
		}
		// The only customer answered nothing usable: the source fails, naming why.
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q: err = %v, want %q", tt.contentType, err, tt.wantErr)
		}
		if v.hitsFor("c1") != 1 {
			t.Errorf("%q: asked %d times; a wrong content type is not retried", tt.contentType, v.hitsFor("c1"))
		}
	}
}

// A customer answering HTML among customers answering JSON is that
// customer's failure.
func TestContentTypeIsPerCustomer(t *testing.T) {
	v := newFakeVendor(t, func(c string, _ int) answer {
		if c == "c2" {
			return answer{contentType: "text/plain", body: []byte("maintenance")}
		}
		return answer{}
	})
	pages, err := collect(t.Context(), newTestClient(t, v, Config{CustomerIDs: []string{"c1", "c2", "c3"}}), "")
	synced, failed := outcomeOf(pages)
	if err != nil || !slices.Equal(synced, []string{"c1-e", "c3-e"}) || !errors.Is(failed["customer c2"], ErrContentType) {
		t.Errorf("err %v, synced %q, failed %v", err, synced, failed)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"ok", Config{BaseURL: "https://prosumer.example.com/", CustomerIDs: []string{"a"}}, ""},
		{"no customers is fine", Config{BaseURL: "http://127.0.0.1:1"}, ""},
		{"relative URL", Config{BaseURL: "prosumer.example.com"}, "want an absolute http(s) URL"},
		{"ftp", Config{BaseURL: "ftp://prosumer.example.com"}, "want an absolute http(s) URL"},
		{"query", Config{BaseURL: "https://p.example.com/?x=1"}, "query or fragment"},
		{"credentials", Config{BaseURL: "https://u:p@p.example.com"}, "must not carry credentials"},
		{"empty customer", Config{BaseURL: "https://p.example.com", CustomerIDs: []string{"a", " "}}, "customer id #2 is empty"},
		{"duplicate customer", Config{BaseURL: "https://p.example.com", CustomerIDs: []string{"a", "a "}}, `customer id "a" is listed twice`},
		{"token with space", Config{BaseURL: "https://p.example.com", Token: "a b"}, "white space"},
	}
	for _, tt := range tests {
		tt.cfg.Source = "s"
		_, err := New(tt.cfg)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), `prosumer source "s"`)):
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}

// The API documents no auth: without a token no Authorization is sent; with
// one (a pasted "Bearer …" header value too) it is.
func TestToken(t *testing.T) {
	for _, tt := range []struct{ token, header string }{
		{"", ""},
		{"abc", "Bearer abc"},
		{" Bearer abc\n", "Bearer abc"},
	} {
		v := newFakeVendor(t, nil)
		v.token = tt.header
		pages, err := collect(t.Context(), newTestClient(t, v, Config{CustomerIDs: []string{"c1"}, Token: tt.token}), "")
		if err != nil || len(pages) != 1 {
			t.Errorf("token %q: err %v", tt.token, err)
		}
	}
}
