package web

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/frontend/views"
)

// The tests run against a real store in a temporary SQLite file.

const (
	srcEnneo    = "stadtwerke-enneo"
	srcProsumer = "prosumer-main"
	srcOtark    = "otark-trading"
)

var berlinLoc = berlin()

func utcDay(y int, m time.Month, d int) time.Time {
	// Midnight in Berlin, as vendors mean a contract's first day.
	return time.Date(y, m, d, 0, 0, 0, 0, berlinLoc).UTC()
}

func dec(s string) *app.Decimal { return app.Ptr(app.MustDecimal(s)) }

// fetched is when every fixture was fetched.
var fetched = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// fixtures are the contracts most tests see, by source.
func fixtures() map[string][]app.Contract {
	return map[string][]app.Contract{
		srcEnneo: {
			{
				ExternalID: "746839", Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active",
				Customer:  app.Customer{ExternalID: "K-1001", Name: "Bäckerei Müller GmbH"},
				Name:      "Strom Business 24 – Bäckerei Müller",
				Product:   app.Product{Name: "Strom Business 24", Code: "SB24"},
				Parties:   app.Parties{Supplier: "Stadtwerke Musterstadt", SupplierCode: "9900000000001", GridOperator: "Netze Musterstadt", GridOperatorCode: "9900000000002"},
				ValidFrom: utcDay(2025, 1, 1), ValidTo: utcDay(2026, 12, 31),
				Prices:               app.Prices{Currency: "EUR", BasePerYear: dec("119.88"), WorkingPerKWh: dec("0.285"), VATRate: dec("0.19")},
				AnnualConsumptionKWh: dec("35000"),
				MeterID:              "DE0001234567890000000000000000001",
				Raw:                  []byte(`{"id":746839,"tariff":"SB24","workingPrice":"0.285"}`),
			},
			{
				ExternalID: "746840", Kind: app.KindRetail, Commodity: app.CommodityGas, Status: "ended",
				Customer:  app.Customer{ExternalID: "K-1002", Name: "Zahnarztpraxis Weber"},
				Name:      "Gas Klassik – Zahnarztpraxis Weber",
				Product:   app.Product{Name: "Gas Klassik"},
				ValidFrom: utcDay(2023, 1, 1), ValidTo: utcDay(2024, 12, 31),
				Prices:               app.Prices{Currency: "EUR", BasePerYear: dec("180"), WorkingPerKWh: dec("0.0999")},
				AnnualConsumptionKWh: dec("18000"),
				MeterID:              "G-778812",
				Raw:                  []byte(`{"id":746840}`),
			},
			{
				ExternalID: "746841", Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active",
				Customer:  app.Customer{ExternalID: "K-1003", Name: "Evil Corp"},
				Name:      "<script>alert(1)</script>",
				ValidFrom: utcDay(2025, 6, 1),
				Prices:    app.Prices{Currency: "EUR", WorkingPerKWh: dec("0.31")},
				Raw:       []byte(`{"name":"<script>alert(1)</script>","note":"</pre><img src=x onerror=alert(2)>"}`),
			},
		},
		srcProsumer: {
			{
				ExternalID: "P-17", Kind: app.KindEnergy, Commodity: app.CommodityElectricity, Status: "pending",
				Customer:  app.Customer{ExternalID: "C-9", Name: "Autohaus Schulz"},
				Name:      "Energievertrag Autohaus Schulz",
				ValidFrom: utcDay(2027, 1, 1),
				Prices:    app.Prices{Currency: "EUR", WorkingPerKWh: dec("0.2649"), BasePerYear: dec("1234.56")},
				Raw:       []byte(`{"contractId":"P-17"}`),
			},
			{
				ExternalID: "P-18", Kind: app.KindService, Commodity: app.CommodityHeat, Status: "failed",
				Customer:  app.Customer{ExternalID: "C-10", Name: "Hotel Adler"},
				Name:      "Wärmeservice Hotel Adler",
				ValidFrom: utcDay(2024, 3, 1),
				Raw:       []byte(`{"contractId":"P-18"}`),
			},
		},
		srcOtark: {
			{
				ExternalID: "PPA-2025-01", Kind: app.KindPPA, Commodity: app.CommodityElectricity, Status: "active",
				Name:      "Solarpark Nord PPA",
				Parties:   app.Parties{Supplier: "Solarpark Nord GmbH", Buyer: "Musterwerke AG"},
				ValidFrom: utcDay(2025, 1, 1), ValidTo: utcDay(2034, 12, 31),
				Prices: app.Prices{Currency: "EUR", WorkingPerKWh: dec("0.0612")},
				Raw:    []byte(`{"id":"PPA-2025-01"}`),
			},
		},
	}
}

var vendors = map[string]app.Vendor{srcEnneo: app.VendorEnneo, srcProsumer: app.VendorProsumer, srcOtark: app.VendorOtark}

func openStore(t testing.TB) *db.Store {
	t.Helper()
	ctx := context.Background()
	s, err := db.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sync stores contracts as one finished run of source.
func syncSource(t testing.TB, s *db.Store, source string, contracts []app.Contract, failures []*app.RecordError, status app.RunStatus, errMsg string) {
	t.Helper()
	ctx := context.Background()
	if err := s.EnsureSource(ctx, source, vendors[source], "https://api."+source+".example/v1"); err != nil {
		t.Fatal(err)
	}
	run, err := s.BeginRun(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	for i := range contracts {
		contracts[i].Source = source
		contracts[i].Vendor = vendors[source]
		if contracts[i].FetchedAt.IsZero() {
			contracts[i].FetchedAt = fetched
		}
	}
	for i := 0; i < len(contracts) || i == 0; i += 500 {
		end := min(i+500, len(contracts))
		var fs []*app.RecordError
		if i == 0 {
			fs = failures
		}
		if err := s.SavePage(ctx, run, source, "contracts", contracts[i:end], fs, fmt.Sprint(end)); err != nil {
			t.Fatal(err)
		}
	}
	if status != app.RunRunning {
		if err := s.FinishRun(ctx, run, status, errMsg); err != nil {
			t.Fatal(err)
		}
	}
}

// seeded is a store holding fixtures(), every source synced ok.
func seeded(t testing.TB) *db.Store {
	s := openStore(t)
	for src, cs := range fixtures() {
		syncSource(t, s, src, cs, nil, app.RunOK, "")
	}
	return s
}

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func testOptions(s *db.Store) Options {
	return Options{
		Contracts: s,
		Sources:   s,
		Location:  berlinLoc,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:       func() time.Time { return now },
		Token:     testToken,
		// The assertions quote the English labels; German has its own tests.
		Lang: views.LangEN,
	}
}

// testToken is the launch token of the handlers under test.
const testToken = "test-launch-token"

// withToken adds the launch token's cookie to r, as the browser sends it
// once the printed address has been opened.
func withToken(r *http.Request) {
	r.AddCookie(&http.Cookie{Name: tokenCookie(r), Value: testToken})
}

// serverToken adds the token's cookie to a client request for an
// httptest.Server, named for the server's port as the handler names it.
func serverToken(req *http.Request) {
	req.AddCookie(&http.Cookie{Name: "wattfolio_token_" + req.URL.Port(), Value: testToken})
}

// do sends a request from the loopback browser that opened the printed
// address (it has the token's cookie) and returns the response with its body.
func do(t testing.TB, h http.Handler, method, target string, mod ...func(*http.Request)) (*http.Response, string) {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	r.Host = "127.0.0.1:34115"
	for _, m := range mod {
		m(r)
	}
	withToken(r)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func get(t testing.TB, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	return do(t, h, http.MethodGet, target)
}

// mustGet fetches target and fails unless it answered 200.
func mustGet(t testing.TB, h http.Handler, target string) string {
	t.Helper()
	res, body := get(t, h, target)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", target, res.StatusCode, body)
	}
	return body
}

var rowLink = regexp.MustCompile(`<a class="row-link" href="([^"]*)" title="[^"]*">([^<]*)</a>`)

// rowNames are the contract names in the table, top to bottom, unescaped.
func rowNames(body string) []string {
	var out []string
	for _, m := range rowLink.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[2]))
	}
	return out
}

// text is body with tags removed and entities decoded, whitespace collapsed,
// for asserting on what a reader sees.
func text(body string) string {
	s := regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(body, " ")
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = strings.ReplaceAll(s, "\u00ad", "") // a soft hyphen shows only where a word breaks
	return strings.Join(strings.Fields(s), " ")
}

// german makes a handler's default language German, as on a German
// system: labels, numbers and dates in German.
func german(o *Options) { o.Lang = views.LangDE }
