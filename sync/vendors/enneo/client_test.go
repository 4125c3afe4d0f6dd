package enneo

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
)

func dec(s string) *app.Decimal { return app.Ptr(app.MustDecimal(s)) }

// The docs' sample payload, served under a base path, maps field by field.
func TestSeedPayloadMapsEveryField(t *testing.T) {
	seed := readSeed(t)
	v := newFakeVendor(t, func(string, int) answer { return answer{body: seed} })
	c := newTestClient(t, v, Config{ContractIDs: []string{"746839"}})
	pages, err := collect(t.Context(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || len(pages[0].Contracts) != 1 || len(pages[0].Failures) != 0 || pages[0].Cursor != "1" {
		t.Fatalf("pages = %+v", pages)
	}
	want := app.Contract{
		Source:     "test",
		Vendor:     app.VendorEnneo,
		ExternalID: "746839",
		Kind:       app.KindRetail,
		Commodity:  app.CommodityElectricity,
		Status:     "active",
		Customer:   app.Customer{ExternalID: "123", Name: "John Doe"},
		Name:       "Flex 24 · John Doe",
		Product:    app.Product{Name: "Flex 24", Code: "flx_24"},
		Parties: app.Parties{
			Buyer:            "John Doe",
			GridOperator:     "E.ON Bayern AG",
			GridOperatorCode: "1000000000000",
		},
		ValidFrom: time.Date(2022, 9, 1, 0, 0, 0, 0, time.UTC),
		SignedAt:  time.Date(2022, 8, 22, 0, 0, 0, 0, time.UTC),
		Prices: app.Prices{
			Currency:      "EUR",
			BasePerYear:   dec("0.09"),
			WorkingPerKWh: dec("0.09"),
			VATRate:       dec("0.09"),
		},
		AnnualConsumptionKWh: dec("3477"),
		MeterID:              "1ESY1160669167",
		Raw:                  bytes.TrimSpace(seed),
		FetchedAt:            time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC),
	}
	diffContract(t, pages[0].Contracts[0], want)
}

// diffContract compares every field, showing values rather than addresses.
func diffContract(t *testing.T, got, want app.Contract) {
	t.Helper()
	for _, d := range contractdiff.Diff(got, want) {
		t.Error(d)
	}
}

func TestContractsErrors(t *testing.T) {
	six := ids(1, 6)
	tests := []struct {
		name   string
		ids    []string
		cfg    Config
		answer func(t *testing.T, id string, try int) answer
		// wantErr are substrings of the source error; none means no error.
		wantErr    []string
		wantIs     error
		wantSynced []string
		wantGone   []string
		wantFailed map[string]string // id → substring of the record error
		wantHits   map[string]int
	}{
		{
			name: "401 stops the source",
			ids:  six,
			cfg:  Config{Concurrency: 1},
			answer: func(_ *testing.T, id string, _ int) answer {
				if id == "3" {
					return answer{status: http.StatusUnauthorized, body: []byte(`{"error":"unauthorized"}`)}
				}
				return answer{}
			},
			wantErr:  []string{`enneo source "test": contract 3: 401 Unauthorized: the API key was rejected (revoked or expired?)`},
			wantIs:   ErrUnauthorized,
			wantHits: map[string]int{"3": 1, "4": 0, "5": 0, "6": 0},
		},
		{
			name: "403 stops the source after the pages before",
			ids:  six,
			cfg:  Config{Concurrency: 1, PageSize: 2},
			answer: func(_ *testing.T, id string, _ int) answer {
				if id == "4" {
					return answer{status: http.StatusForbidden, body: []byte(`{}`)}
				}
				return answer{}
			},
			wantErr:    []string{`enneo source "test": contract 4: 403 Forbidden`},
			wantIs:     ErrForbidden,
			wantSynced: []string{"1", "2"},
			wantHits:   map[string]int{"4": 1, "5": 0, "6": 0},
		},
		{
			name: "404 is a contract gone",
			ids:  six,
			answer: func(_ *testing.T, id string, _ int) answer {
				if id == "3" {
					return answer{status: http.StatusNotFound, body: []byte(`{"error":"not found"}`)}
				}
				return answer{}
			},
			wantSynced: without(six, "3"),
			wantGone:   []string{"3"},
			wantHits:   map[string]int{"3": 1},
		},
		{
			// Likely a wrong base URL, not every contract deleted.
			name: "a page of nothing but 404s is record failures",
			ids:  []string{"1", "2"},
			answer: func(_ *testing.T, id string, _ int) answer {
				return answer{status: http.StatusNotFound, body: []byte(`{"error":"not found"}`)}
			},
			wantFailed: map[string]string{
				"1": "test: contract 1: 404 Not Found: contract not found at enneo",
				"2": "test: contract 2: 404 Not Found: contract not found at enneo",
			},
		},
		{
			name: "500 then success is retried",
			ids:  six,
			answer: func(_ *testing.T, id string, try int) answer {
				if id == "3" && try == 1 {
					return answer{status: http.StatusInternalServerError, body: []byte(`oops`)}
				}
				return answer{}
			},
			wantSynced: six,
			wantHits:   map[string]int{"3": 2, "2": 1},
		},
		{
			name: "429 and 503 are retried up to Retries",
			ids:  six,
			cfg:  Config{Retries: 2},
			answer: func(_ *testing.T, id string, try int) answer {
				if id == "3" && try < 3 {
					return answer{status: []int{429, 503}[try-1], body: []byte(`{}`)}
				}
				return answer{}
			},
			wantSynced: six,
			wantHits:   map[string]int{"3": 3},
		},
		{
			name: "persistent 500 for one is a record failure",
			ids:  six,
			answer: func(_ *testing.T, id string, _ int) answer {
				if id == "3" {
					return answer{status: http.StatusInternalServerError, body: []byte(`{}`)}
				}
				return answer{}
			},
			wantSynced: without(six, "3"),
			wantFailed: map[string]string{"3": "contract 3: enneo is unavailable: 500 Internal Server Error (3 tries)"},
			wantHits:   map[string]int{"3": 3},
		},
		{
			name: "persistent 500 for all is a source error",
			ids:  six,
			answer: func(*testing.T, string, int) answer {
				return answer{status: http.StatusBadGateway, body: []byte(`<html>bad gateway</html>`)}
			},
			wantErr:  []string{`enneo source "test": enneo is unavailable: all 6 contracts of the page failed`, "502 Bad Gateway"},
			wantIs:   ErrUnavailable,
			wantHits: map[string]int{"1": 3, "6": 3},
		},
		{
			name: "timeout is retried, then a record failure",
			ids:  six,
			cfg:  Config{HTTPClient: &http.Client{Timeout: 150 * time.Millisecond}, Retries: 1},
			answer: func(_ *testing.T, id string, _ int) answer {
				if id == "3" {
					return answer{delay: 10 * time.Second}
				}
				return answer{}
			},
			wantSynced: without(six, "3"),
			wantFailed: map[string]string{"3": "enneo is unavailable: request timed out (2 tries)"},
			wantHits:   map[string]int{"3": 2},
		},
		{
			name: "timeout then success",
			ids:  six,
			cfg:  Config{HTTPClient: &http.Client{Timeout: 150 * time.Millisecond}},
			answer: func(_ *testing.T, id string, try int) answer {
				if id == "3" && try == 1 {
					return answer{delay: 10 * time.Second}
				}
				return answer{}
			},
			wantSynced: six,
			wantHits:   map[string]int{"3": 2},
		},
		{
			name: "cut-off body then success",
			ids:  six,
			answer: func(_ *testing.T, id string, try int) answer {
				return answer{cut: id == "3" && try == 1}
			},
			wantSynced: six,
			wantHits:   map[string]int{"3": 2},
		},
		{
			name: "cut-off body every time",
			ids:  six,
			answer: func(_ *testing.T, id string, _ int) answer {
				return answer{cut: id == "3"}
			},
			wantSynced: without(six, "3"),
			wantFailed: map[string]string{"3": "enneo is unavailable: response body cut off (3 tries)"},
			wantHits:   map[string]int{"3": 3},
		},
		{
			name: "truncated JSON without a length is retried",
			ids:  six,
			answer: func(t *testing.T, id string, try int) answer {
				if id == "3" && try == 1 {
					b := seedFor(t, id)
					return answer{body: b[:len(b)/2]}
				}
				return answer{}
			},
			wantSynced: six,
			wantHits:   map[string]int{"3": 2},
		},
		{
			name: "wrong JSON type names the field",
			ids:  six,
			answer: func(t *testing.T, id string, _ int) answer {
				switch id {
				case "2":
					return answer{body: patch(t, id, "consumption", `"lots"`)}
				case "4":
					return answer{body: patch(t, id, "gridOperatorCode", `{"code":1}`)}
				case "5":
					return answer{body: patch(t, id, "startDate", `"yesterday"`)}
				case "6":
					return answer{body: patch(t, id, "lastname", `42`)}
				}
				return answer{}
			},
			wantSynced: []string{"1", "3"},
			wantFailed: map[string]string{
				"2": `test: contract 2: field consumption: want a number, got string "lots"`,
				"4": `contract 4: field gridOperatorCode: want a string or number, got an object`,
				"5": `contract 5: field startDate: want Unix seconds or a date, got string "yesterday"`,
				"6": `contract 6: field lastname: want a string, got number 42`,
			},
			wantHits: map[string]int{"2": 1},
		},
		{
			name: "malformed JSON is not retried",
			ids:  six,
			answer: func(_ *testing.T, id string, _ int) answer {
				if id == "3" {
					return answer{body: []byte(`{"id": 3 "status": "active"}`)}
				}
				return answer{}
			},
			wantSynced: without(six, "3"),
			wantFailed: map[string]string{"3": "contract 3: malformed JSON"},
			wantHits:   map[string]int{"3": 1},
		},
		{
			name: "a JSON array is not a contract",
			ids:  six,
			answer: func(_ *testing.T, id string, _ int) answer {
				if id == "3" {
					return answer{body: []byte(`[]`)}
				}
				return answer{}
			},
			wantSynced: without(six, "3"),
			wantFailed: map[string]string{"3": "contract 3: malformed JSON: want an object, got array"},
		},
		{
			name: "an answer for another contract is refused",
			ids:  six,
			answer: func(t *testing.T, id string, _ int) answer {
				if id == "3" {
					return answer{body: seedFor(t, "99")}
				}
				return answer{}
			},
			wantSynced: without(six, "3"),
			wantFailed: map[string]string{"3": "contract 3: field id: answer is for contract 99, asked for 3"},
		},
		{
			name: "other 4xx is a record failure without retry",
			ids:  six,
			answer: func(_ *testing.T, id string, _ int) answer {
				if id == "3" {
					return answer{status: http.StatusBadRequest, body: []byte(`{}`)}
				}
				return answer{}
			},
			wantSynced: without(six, "3"),
			wantFailed: map[string]string{"3": "contract 3: unexpected answer 400 Bad Request"},
			wantHits:   map[string]int{"3": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := newFakeVendor(t, func(id string, try int) answer { return tt.answer(t, id, try) })
			cfg := tt.cfg
			cfg.ContractIDs = tt.ids
			if cfg.PageSize == 0 {
				cfg.PageSize = 10
			}
			pages, err := collect(t.Context(), newTestClient(t, v, cfg), "")
			switch {
			case len(tt.wantErr) == 0 && err != nil:
				t.Fatalf("unexpected source error: %v", err)
			case len(tt.wantErr) > 0 && err == nil:
				t.Fatalf("no source error, want %q", tt.wantErr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Errorf("error %q shows the token", err)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			synced, failed := outcomeOf(pages)
			if !slices.Equal(synced, tt.wantSynced) {
				t.Errorf("synced %q, want %q", synced, tt.wantSynced)
			}
			var gone []string
			for _, p := range pages {
				gone = append(gone, p.Gone...)
			}
			if !slices.Equal(gone, tt.wantGone) {
				t.Errorf("gone %q, want %q", gone, tt.wantGone)
			}
			if len(failed) != len(tt.wantFailed) {
				t.Errorf("failures %q, want %q", failed, tt.wantFailed)
			}
			for id, want := range tt.wantFailed {
				if !strings.Contains(failed[id], want) {
					t.Errorf("failure of %s = %q, want it to contain %q", id, failed[id], want)
				}
			}
			for id, want := range tt.wantHits {
				if got := v.hitsFor(id); got != want {
					t.Errorf("contract %s asked %d times, want %d", id, got, want)
				}
			}
		})
	}
}

// A record failure is an *app.RecordError naming source, record and field.
func TestRecordErrorNamesField(t *testing.T) {
	v := newFakeVendor(t, func(id string, _ int) answer {
		return answer{body: patch(t, id, "consumption", `"lots"`)}
	})
	c := newTestClient(t, v, Config{ContractIDs: []string{"7", "8"}, Concurrency: 1})
	pages, err := collect(t.Context(), c, "")
	// Both fail on a type, not on availability: no source error.
	if err != nil {
		t.Fatal(err)
	}
	f := pages[0].Failures[0]
	want := app.RecordError{Source: "test", Record: "contract 7", Field: "consumption"}
	if f.Source != want.Source || f.Record != want.Record || f.Field != want.Field {
		t.Errorf("failure = %+v, want %+v", *f, want)
	}
	if got := f.Err.Error(); got != `want a number, got string "lots"` {
		t.Errorf("Err = %q", got)
	}
}

func TestNullFieldsEverywhere(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"id": 5`)
	for _, k := range seedKeys(t) {
		if k != "id" {
			fmt.Fprintf(&b, `, %q: null`, k)
		}
	}
	b.WriteString(`}`)
	allNull := []byte(b.String())
	v := newFakeVendor(t, func(id string, _ int) answer {
		switch id {
		case "5":
			return answer{body: allNull}
		case "6":
			return answer{body: []byte(`{}`)} // id missing too: the asked id stands
		}
		return answer{body: []byte(`{"id": 7, "firstname": "Ada", "lastname": null, "productName": null}`)}
	})
	c := newTestClient(t, v, Config{ContractIDs: []string{"5", "6", "7"}})
	pages, err := collect(t.Context(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages[0].Failures) > 0 {
		t.Fatalf("failures: %v", pages[0].Failures[0])
	}
	for i, want := range []app.Contract{
		{ExternalID: "5", Raw: allNull},
		{ExternalID: "6", Raw: []byte(`{}`)},
		{ExternalID: "7", Customer: app.Customer{Name: "Ada"}, Name: "Ada", Parties: app.Parties{Buyer: "Ada"},
			Raw: []byte(`{"id": 7, "firstname": "Ada", "lastname": null, "productName": null}`)},
	} {
		want.Source, want.Vendor, want.Kind, want.Prices.Currency = "test", app.VendorEnneo, app.KindRetail, "EUR"
		want.FetchedAt = fixedNow.UTC().Truncate(time.Second)
		diffContract(t, pages[0].Contracts[i], want)
	}
}

func seedKeys(t *testing.T) []string {
	var keys []string
	for _, line := range strings.Split(string(readSeed(t)), "\n") {
		// Top-level keys are the ones indented by exactly two spaces.
		if k, ok := strings.CutPrefix(line, `  "`); ok {
			keys = append(keys, k[:strings.Index(k, `"`)])
		}
	}
	if len(keys) != 40 {
		t.Fatalf("seed has %d top-level keys, want 40", len(keys))
	}
	return keys
}

func TestUnknownFieldsIgnoredAndKept(t *testing.T) {
	extra := bytes.Replace(seedFor(t, "9"), []byte(`"orderId"`),
		[]byte(`"brandNew": {"nested": [1, 2.5, "x"]}, "huge": 1e400, "orderId"`), 1)
	v := newFakeVendor(t, func(string, int) answer { return answer{body: extra} })
	pages, err := collect(t.Context(), newTestClient(t, v, Config{ContractIDs: []string{"9"}}), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages[0].Contracts) != 1 {
		t.Fatalf("failures: %v", pages[0].Failures)
	}
	got := pages[0].Contracts[0]
	if got.ExternalID != "9" || got.Product.Code != "flx_24" {
		t.Errorf("contract = %+v", got)
	}
	if !bytes.Equal(got.Raw, bytes.TrimSpace(extra)) {
		t.Errorf("Raw lost the unknown fields: %s", got.Raw)
	}
}

func TestPriceUnits(t *testing.T) {
	body := func(t *testing.T, id string) []byte {
		b := patch(t, id, "workingPrice", `28.53`)
		b = bytes.Replace(b, []byte(`"basePrice": 0.09`), []byte(`"basePrice": 12.49`), 1)
		return b
	}
	tests := []struct {
		working, base         string
		wantWorking, wantBase string
	}{
		{"", "", "28.53", "12.49"},
		{UnitEURPerKWh, UnitEURPerYear, "28.53", "12.49"},
		{UnitCtPerKWh, UnitEURPerMonth, "0.2853", "149.88"},
	}
	for _, tt := range tests {
		v := newFakeVendor(t, func(id string, _ int) answer { return answer{body: body(t, id)} })
		c := newTestClient(t, v, Config{ContractIDs: []string{"1"}, WorkingPriceUnit: tt.working, BasePriceUnit: tt.base})
		pages, err := collect(t.Context(), c, "")
		if err != nil {
			t.Fatal(err)
		}
		p := pages[0].Contracts[0].Prices
		if p.WorkingPerKWh.String() != tt.wantWorking || p.BasePerYear.String() != tt.wantBase {
			t.Errorf("units %q/%q: working %s base %s, want %s %s", tt.working, tt.base,
				p.WorkingPerKWh, p.BasePerYear, tt.wantWorking, tt.wantBase)
		}
	}
}

// A monthly base price whose yearly price does not fit is a failure of the
// record naming the field, not a wrapped price.
func TestMonthlyBasePriceOutOfRange(t *testing.T) {
	v := newFakeVendor(t, func(id string, _ int) answer {
		return answer{body: patch(t, id, "basePrice", `900000000000`)}
	})
	c := newTestClient(t, v, Config{ContractIDs: []string{"1"}, BasePriceUnit: UnitEURPerMonth})
	pages, err := collect(t.Context(), c, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages[0].Contracts) != 0 || len(pages[0].Failures) != 1 {
		t.Fatalf("contracts %v, failures %v; want one failure", pages[0].Contracts, pages[0].Failures)
	}
	f := pages[0].Failures[0]
	if f.Field != "basePrice" || !errors.Is(f.Err, app.ErrDecimalRange) {
		t.Errorf("failure %+v, want basePrice out of range", *f)
	}
}

func TestCursorResume(t *testing.T) {
	all := ids(1, 10)
	tests := []struct {
		cursor      string
		wantSynced  []string
		wantCursors []string
		wantErr     bool
	}{
		{"", all, []string{"3", "6", "9", "10"}, false},
		{"0", all, []string{"3", "6", "9", "10"}, false},
		{"4", all[4:], []string{"7", "10"}, false},
		{"9", all[9:], []string{"10"}, false},
		{"10", nil, nil, false},
		{"99", nil, nil, false}, // the list shrank since: nothing left
		{"x", nil, nil, true},
		{"-1", nil, nil, true},
	}
	for _, tt := range tests {
		t.Run("cursor="+tt.cursor, func(t *testing.T) {
			v := newFakeVendor(t, nil)
			pages, err := collect(t.Context(), newTestClient(t, v, Config{ContractIDs: all, PageSize: 3}), tt.cursor)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			synced, _ := outcomeOf(pages)
			var cursors []string
			for _, p := range pages {
				cursors = append(cursors, p.Cursor)
			}
			if !slices.Equal(synced, tt.wantSynced) || !slices.Equal(cursors, tt.wantCursors) {
				t.Errorf("synced %q cursors %q, want %q %q", synced, cursors, tt.wantSynced, tt.wantCursors)
			}
			if v.totalHits() != len(tt.wantSynced) {
				t.Errorf("%d requests, want %d: earlier ids must not be fetched", v.totalHits(), len(tt.wantSynced))
			}
		})
	}
}

// Later ids answer sooner, yet pages come in id-list order.
func TestPageOrderWithConcurrency(t *testing.T) {
	all := ids(1, 20)
	v := newFakeVendor(t, func(id string, _ int) answer {
		n := slices.Index(all, id)
		return answer{delay: time.Duration(20-n) * 3 * time.Millisecond}
	})
	pages, err := collect(t.Context(), newTestClient(t, v, Config{ContractIDs: all, PageSize: 7, Concurrency: 5}), "")
	if err != nil {
		t.Fatal(err)
	}
	synced, _ := outcomeOf(pages)
	if !slices.Equal(synced, all) {
		t.Errorf("synced %q, want %q", synced, all)
	}
	var cursors []string
	for _, p := range pages {
		cursors = append(cursors, p.Cursor)
	}
	if !slices.Equal(cursors, []string{"7", "14", "20"}) {
		t.Errorf("cursors %q", cursors)
	}
	if v.maxInflight < 2 || v.maxInflight > 5 {
		t.Errorf("at most %d requests in flight, want 2..5", v.maxInflight)
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	v := newFakeVendor(t, func(string, int) answer { return answer{delay: 10 * time.Second} })
	c := newTestClient(t, v, Config{ContractIDs: ids(1, 100)})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	pages, err := collect(ctx, c, "")
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %v after cancel", took)
	}
	if !errors.Is(err, context.Canceled) || len(pages) != 0 {
		t.Errorf("err = %v, %d pages; want context.Canceled and none", err, len(pages))
	}
	if n := v.totalHits(); n > 4 {
		t.Errorf("%d requests started, want at most Concurrency (4)", n)
	}
}

func TestPageCallbackErrorStops(t *testing.T) {
	v := newFakeVendor(t, nil)
	c := newTestClient(t, v, Config{ContractIDs: ids(1, 10), PageSize: 5})
	stop := errors.New("disk full")
	err := c.Contracts(t.Context(), "", func(engine.Page) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("err = %v, want the callback's", err)
	}
	if v.totalHits() != 5 {
		t.Errorf("%d requests, want only the first page's 5", v.totalHits())
	}
}

func TestNewValidates(t *testing.T) {
	ok := Config{Source: "s", BaseURL: "https://demo.enneo.ai/api/mind", Token: "t"}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
	}{
		{"valid", func(*Config) {}, ""},
		{"trailing slash", func(c *Config) { c.BaseURL += "/" }, ""},
		{"pasted header value", func(c *Config) { c.Token = "Bearer abc" }, ""},
		{"relative URL", func(c *Config) { c.BaseURL = "/api/mind" }, "absolute http(s) URL"},
		{"no scheme", func(c *Config) { c.BaseURL = "demo.enneo.ai/api/mind" }, "absolute http(s) URL"},
		{"ftp", func(c *Config) { c.BaseURL = "ftp://demo.enneo.ai" }, "absolute http(s) URL"},
		{"query", func(c *Config) { c.BaseURL += "?x=1" }, "query"},
		{"credentials in URL", func(c *Config) { c.BaseURL = "https://u:p@demo.enneo.ai" }, "credentials"},
		{"no token", func(c *Config) { c.Token = " " }, "no API token"},
		{"token with space", func(c *Config) { c.Token = "a b" }, "white space"},
		{"working unit", func(c *Config) { c.WorkingPriceUnit = "eur" }, `working price unit "eur"`},
		{"base unit", func(c *Config) { c.BasePriceUnit = "eur_per_day" }, `base price unit "eur_per_day"`},
		{"empty id", func(c *Config) { c.ContractIDs = []string{"1", " "} }, "contract id #2 is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			c, err := New(cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.cfg.PageSize != 50 || c.cfg.Concurrency != 4 || c.api.Policy.Retries != 2 || c.api.HTTP == nil {
					t.Errorf("defaults not applied: %+v", c.cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), `enneo source "s"`) {
				t.Errorf("err = %v, want it to name the source and contain %q", err, tt.wantErr)
			}
		})
	}
}
