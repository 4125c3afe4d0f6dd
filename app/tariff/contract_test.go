package tariff

import (
	"errors"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

func TestFromContract(t *testing.T) {
	yes, no := true, false
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	podero := func(incl *bool, prices ...string) app.Contract {
		c := app.Contract{Vendor: app.VendorPodero, Kind: app.KindPartner, Source: "pod", Name: "p",
			Prices: app.Prices{Currency: "EUR"}, Partner: &app.PartnerTerms{ContractType: "spot_hourly", IncludesExternalComponents: incl}}
		for i, p := range prices {
			c.Partner.Prices = append(c.Partner.Prices, app.PricePoint{From: t0.Add(time.Duration(i) * time.Hour), PerKWh: d(p)})
		}
		return c
	}
	for _, tc := range []struct {
		name       string
		c          app.Contract
		model      Model
		working    string
		incomplete string
		why        string
	}{
		{"enneo", app.Contract{Vendor: app.VendorEnneo, Prices: app.Prices{WorkingPerKWh: app.Ptr(d("0.285")),
			BasePerYear: app.Ptr(d("149.88")), VATRate: app.Ptr(d("0.07"))}}, Fixed, "0.285", "", ""},
		{"enneo without a price", app.Contract{Vendor: app.VendorEnneo}, "", "", "", "no working price at the vendor"},
		{"podero constant, all in", podero(&yes, "0.31"), Fixed, "0.31", "", ""},
		{"podero series, all in", podero(&yes, "0.10", "0.12"), Dynamic, "0", "", ""},
		{"podero wholesale", podero(&no, "0.10", "0.12"), Dynamic, "0", "not in Podero's price", ""},
		{"podero unknown", podero(nil, "0.10"), Fixed, "0.10", "does not say", ""},
		{"podero without prices", podero(&yes), "", "", "", "no energy price"},
		{"epilot", app.Contract{Vendor: app.VendorEpilot}, "", "", "", "price series"},
		{"otark untyped", app.Contract{Vendor: app.VendorOtark, Kind: app.KindPPA}, "", "", "", "otark sends no price for its ppa contracts"},
		{"otark fixed", app.Contract{Vendor: app.VendorOtark, Kind: app.KindPPA, PPA: &app.PPATerms{PPAType: "fixed"}}, "", "", "", "no price for a fixed PPA"},
		{"otark indexed", app.Contract{Vendor: app.VendorOtark, Kind: app.KindPPA, PPA: &app.PPATerms{PPAType: "indexed"}}, PPA, "0", "no discount", ""},
		{"otark trade", app.Contract{Vendor: app.VendorOtark, Kind: app.KindDayAhead, PPA: &app.PPATerms{}}, "", "", "", "day_ahead"},
		{"prosumer energy", app.Contract{Vendor: app.VendorProsumer, Kind: app.KindEnergy}, "", "", "", "carries no prices"},
		{"prosumer flexibility", app.Contract{Vendor: app.VendorProsumer, Kind: app.KindFlexibility,
			Flexibility: &app.FlexibilityTerms{ReservationFee: app.Ptr(d("120")), MaxActivationsPerInterval: app.Ptr(int64(8))}}, Flexibility, "0", "", ""},
	} {
		tf, err := FromContract(tc.c)
		if tc.why != "" {
			if !errors.Is(err, ErrNotPriceable) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("%s: %v, want ErrNotPriceable with %q", tc.name, err, tc.why)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tf.Model != tc.model || tf.WorkingPerKWh != d(tc.working) || !strings.Contains(tf.Incomplete, tc.incomplete) ||
			(tc.incomplete == "") != (tf.Incomplete == "") {
			t.Errorf("%s: %+v", tc.name, tf)
		}
	}
	if tf, _ := FromContract(app.Contract{Vendor: app.VendorEnneo, Prices: app.Prices{WorkingPerKWh: app.Ptr(d("0.3")), VATRate: app.Ptr(d("0.07"))}}); tf.VATRate != d("0.07") {
		t.Errorf("enneo VAT %s, want the contract's 0.07", tf.VATRate)
	}
	if tf, _ := FromContract(app.Contract{Vendor: app.VendorProsumer, Kind: app.KindFlexibility,
		Flexibility: &app.FlexibilityTerms{ReservationFee: app.Ptr(d("120")), MaxActivationsPerInterval: app.Ptr(int64(8))}}); tf.Flex.ReservationPerMonth != d("120") || tf.Flex.MaxActivations != 8 {
		t.Errorf("flex terms %+v", tf.Flex)
	}
}

// A Podero price series is priced slot by slot: each price holds until the
// next, the last until the end of the period.
func TestPoderoSeriesPricedAsSpot(t *testing.T) {
	yes := true
	start := local(2026, 5, 10, 0)
	c := app.Contract{Vendor: app.VendorPodero, Source: "pod", Name: "Podero spot", Prices: app.Prices{Currency: "EUR"},
		Partner: &app.PartnerTerms{ContractType: "spot_hourly", IncludesExternalComponents: &yes, Prices: []app.PricePoint{
			{From: start, PerKWh: d("0.30")}, {From: start.Add(2 * time.Hour), PerKWh: d("0.20")}}}}
	tf, err := FromContract(c)
	if err != nil {
		t.Fatal(err)
	}
	curve := hourly(start, "1", "1", "1", "1")
	r, err := Price(curve, &tf, SpotOfContract(c, curve.End()))
	if err != nil {
		t.Fatal(err)
	}
	// 2 × 0.30 + 2 × 0.20 = 1.00 net, 19 % VAT by default.
	check(t, "podero", r.Year1, want{energy: "1", net: "1", vat: "0.19", gross: "1.19"})
}

func TestFromEpilotPrices(t *testing.T) {
	latest := series.Reading{Tax: series.Tax{Set: true, Rate: 19},
		Parts: &series.Parts{Auction: app.Ptr(d("0.08")), SourceFee: app.Ptr(d("0.005")), Margin: app.Ptr(d("0.018")),
			GridFee: app.Ptr(d("0.072")), TaxesLevies: app.Ptr(d("0.0481"))}}
	tf, err := FromEpilotPrices(app.Contract{Name: "Gewerbestrom Spot"}, latest)
	if err != nil {
		t.Fatal(err)
	}
	if tf.Model != Dynamic || tf.Gross || tf.WorkingPerKWh != d("0.023") || tf.Charges.GridPerKWh != d("0.072") ||
		tf.Charges.LeviesPerKWh != d("0.0481") || tf.VATRate != d("0.19") {
		t.Errorf("%+v", tf)
	}
	if _, err := FromEpilotPrices(app.Contract{}, series.Reading{}); !errors.Is(err, ErrNotPriceable) {
		t.Errorf("no components: %v", err)
	}
}
