package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/tariff"
)

// BenchmarkPortfolioPage times GET /contracts (the default first page of 50)
// through the whole handler against a real store holding 5,000 contracts,
// and reports the per-request median and 95th percentile of at least 200
// requests.
func BenchmarkPortfolioPage(b *testing.B) {
	s := openStore(b)
	cs := make([]app.Contract, 5000)
	kinds := app.Kinds
	for i := range cs {
		cs[i] = app.Contract{
			ExternalID: fmt.Sprintf("B%05d", i),
			Kind:       kinds[i%len(kinds)],
			Commodity:  app.Commodities[i%len(app.Commodities)],
			Status:     []string{"active", "ended", "pending"}[i%3],
			Customer:   app.Customer{ExternalID: fmt.Sprintf("K%04d", i%1200), Name: fmt.Sprintf("Kunde %04d GmbH", i%1200)},
			Name:       fmt.Sprintf("Strom Business %d – Kunde %04d", i%24, i%1200),
			Product:    app.Product{Name: fmt.Sprintf("Strom Business %d", i%24), Code: "SB"},
			ValidFrom:  utcDay(2024, time.Month(1+i%12), 1),
			ValidTo:    utcDay(2027, time.Month(1+i%12), 1),
			Prices: app.Prices{Currency: "EUR", BasePerYear: app.Ptr(app.DecimalFromInt(int64(60 + i%200))),
				WorkingPerKWh: app.Ptr(app.Decimal(200_000 + int64(i%150)*1000))},
			AnnualConsumptionKWh: app.Ptr(app.DecimalFromInt(int64(1500 + i*7%90000))),
			MeterID:              fmt.Sprintf("DE00012345678900000000000%08d", i),
			Raw:                  []byte(fmt.Sprintf(`{"id":"B%05d","tariff":"SB","price":"0.2%03d"}`, i, i%1000)),
		}
	}
	syncSource(b, s, srcEnneo, cs, nil, app.RunOK, "")
	h := New(testOptions(s))

	pageLatencies(b, h, "/contracts", nil)
}

// BenchmarkComparePage times GET /customers/{id}/compare with six options
// (two contracts, one of them priced by its meter's spot prices, and four
// offers of four models) on a metered year of quarter hours read from a
// real cache: the page's target is 50 ms.
func BenchmarkComparePage(b *testing.B) {
	s, ids, accts := bakeryShop(b, utcDay(2025, 6, 1), 365)
	o := testOptions(s)
	ch := tariff.Charges{GridPerKWh: decv("0.08"), LeviesPerKWh: decv("0.012"), ElectricityTaxPerKWh: decv("0.0205"), ConcessionPerKWh: decv("0.0166")}
	o.Accounts, o.Meters, o.Compare = s, s, s
	o.Offers = append(slices.Clone(testOffers),
		compare.Alternative{ID: 9, Name: "Dynamisch Plus", Tariff: tariff.Tariff{Model: tariff.Dynamic, VATRate: decv("0.19"), WorkingPerKWh: decv("0.02"), Charges: ch}},
		compare.Alternative{ID: 10, Name: "HT/NT", Tariff: tariff.Tariff{Model: tariff.TimeOfUse, VATRate: decv("0.19"), WorkingPerKWh: decv("0.31"),
			Zones: []tariff.Zone{{Name: "NT", From: 22 * 60, To: 6 * 60, PerKWh: decv("0.24")}}}})
	h := newHandler(o)
	hh := h.chain()
	target := "/customers/" + strconv.FormatInt(accts["Bäckerei Schmidt GmbH"].ID, 10) + "/compare?o=" + key("c", ids["Gewerbe Fix"]) +
		"&o=" + key("c", ids["Strom Dynamisch <b>"]) + "&o=o7&o=o8&o=o9&o=o10&from=2025-06&to=2026-05"
	if body := mustGet(b, hh, target); !strings.Contains(body, "Dynamisch Plus") || strings.Contains(body, "Not priced") {
		b.Fatalf("the page does not price all six options:\n%s", text(body))
	}
	// warm: the series read by the previous request (the user changing
	// options or the curve); cold: read from SQLite every time.
	for _, cold := range []bool{false, true} {
		b.Run(map[bool]string{false: "warm", true: "cold"}[cold], func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if cold {
					h.series = seriesCache{}
				}
				r := httptest.NewRequest(http.MethodGet, target, nil)
				r.Host = "127.0.0.1:34115"
				withToken(r)
				w := httptest.NewRecorder()
				hh.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
