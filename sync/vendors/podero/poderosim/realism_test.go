package poderosim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"wattfolio/app"
	"wattfolio/internal/simcust"
)

type decodedPrice struct {
	Price     json.Number
	Timestamp string
}

type decoded struct {
	Type     *string        `json:"energy_contract_type"`
	Prices   []decodedPrice `json:"energy_prices"`
	ID       string         `json:"id"`
	Building *string        `json:"building"`
	MeterID  *string        `json:"meter_id"`
	Supplier *string        `json:"supplier"`
	Currency *string        `json:"currency_energy_price"`
	Includes *bool          `json:"energy_price_includes_external_components"`
}

// The organisation looks like a partner's: 1–3 contracts per user, fixed
// yearly and monthly prices of 22–38 ct, day-ahead spot prices hour by
// hour with negative hours, German suppliers and meter ids, some nulls.
func TestDataIsRealistic(t *testing.T) {
	s := New(Options{Seed: 99, Users: 60})
	types := map[string]int{}
	var negative, nullBuilding, nullMeter, nullCurrency, includes, excludes, nullIncludes int
	suppliers := map[string]bool{}
	perUser := map[int]int{}
	for _, u := range s.UserIDs() {
		b, _ := s.Contracts(u)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var cs []decoded
		if err := dec.Decode(&cs); err != nil {
			t.Fatalf("user %s: %v", u, err)
		}
		perUser[len(cs)]++
		for _, c := range cs {
			typ := "null"
			if c.Type != nil {
				typ = *c.Type
			}
			types[typ]++
			if c.Building == nil {
				nullBuilding++
			}
			if c.MeterID == nil {
				nullMeter++
			} else if m := *c.MeterID; len(m) > 19 || !strings.HasPrefix(m, "1") || len(m) < 14 {
				t.Errorf("contract %s: meter id %q", c.ID, m)
			}
			if c.Supplier != nil {
				suppliers[*c.Supplier] = true
				if utf8.RuneCountInString(*c.Supplier) > 100 {
					t.Errorf("contract %s: supplier too long", c.ID)
				}
			}
			switch {
			case c.Includes == nil:
				nullIncludes++
			case *c.Includes:
				includes++
			default:
				excludes++
			}
			if c.Currency == nil {
				nullCurrency++
			} else if *c.Currency != "EUR" {
				t.Errorf("contract %s: currency %s", c.ID, *c.Currency)
			}
			var prev time.Time
			for i, p := range c.Prices {
				d, err := app.ParseDecimal(p.Price.String())
				if err != nil {
					t.Fatalf("contract %s: price %s: %v", c.ID, p.Price, err)
				}
				if _, frac, _ := strings.Cut(p.Price.String(), "."); frac == "" || len(frac) > 5 || strings.ContainsAny(p.Price.String(), "eE") {
					t.Errorf("contract %s: price literal %s", c.ID, p.Price)
				}
				ts, err := time.Parse(time.RFC3339, p.Timestamp)
				if err != nil {
					t.Fatalf("contract %s: timestamp %q", c.ID, p.Timestamp)
				}
				if i > 0 && ts.Sub(prev) != time.Hour {
					t.Errorf("contract %s: prices %v apart", c.ID, ts.Sub(prev))
				}
				prev = ts
				if d < 0 {
					negative++
				}
				if typ == "spot_hourly" {
					if d < app.MustDecimal("-0.05") || d > app.MustDecimal("0.45") {
						t.Errorf("contract %s: spot price %s", c.ID, d)
					}
				} else if d < app.MustDecimal("0.22") || d > app.MustDecimal("0.38") {
					t.Errorf("contract %s: constant price %s", c.ID, d)
				}
			}
			switch {
			case typ == "spot_hourly":
				if len(c.Prices) < 24 || len(c.Prices) > 48 || c.Currency == nil {
					t.Errorf("contract %s: %d spot prices, currency %v", c.ID, len(c.Prices), c.Currency)
				}
				// Day-ahead prices start at midnight in Germany (winter: 23:00 UTC).
				if !strings.HasSuffix(c.Prices[0].Timestamp, "T23:00:00Z") {
					t.Errorf("contract %s: first spot hour %s", c.ID, c.Prices[0].Timestamp)
				}
			case len(c.Prices) != 1:
				t.Errorf("contract %s (%s): %d prices, want one constant", c.ID, typ, len(c.Prices))
			}
		}
	}
	for _, n := range []int{1, 2, 3} {
		if perUser[n] == 0 {
			t.Errorf("no user with %d contracts: %v", n, perUser)
		}
	}
	if len(perUser) != 3 {
		t.Errorf("contracts per user %v", perUser)
	}
	for _, typ := range []string{"spot_hourly", "yearly", "monthly", "null"} {
		if types[typ] == 0 {
			t.Errorf("no %s contract: %v", typ, types)
		}
	}
	for name, n := range map[string]int{"negative prices": negative, "null buildings": nullBuilding, "null meter ids": nullMeter,
		"null currencies": nullCurrency, "inclusive prices": includes, "bare prices": excludes, "null includes": nullIncludes} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
	for _, want := range []string{"Tibber", "Stadtwerke München", "EWE", "E.ON Energie Deutschland"} {
		if !suppliers[want] {
			t.Errorf("supplier %s never appears", want)
		}
	}
}

func TestPyFloat(t *testing.T) {
	for _, tt := range []struct {
		n      int64
		places int
		want   string
	}{
		{12345, 5, "0.12345"}, {-1234, 5, "-0.01234"}, {0, 5, "0.0"}, {20000, 5, "0.2"},
		{-5000, 5, "-0.05"}, {287300, 6, "0.2873"}, {100000, 5, "1.0"},
	} {
		if got := pyFloat(tt.n, tt.places); got != tt.want {
			t.Errorf("pyFloat(%d, %d) = %s, want %s", tt.n, tt.places, got, tt.want)
		}
	}
}

// The demo's customers are the first users, each on a yearly price in
// force that suits them: net 22–27 ct for a business or a farm, gross
// 29–36 ct for a household.
func TestDemoCustomersArePriced(t *testing.T) {
	s := New(Options{Seed: 1, Users: 20, Customers: simcust.Demo})
	for k, u := range s.UserIDs()[:len(simcust.Demo)] {
		c := simcust.Demo[k]
		b, _ := s.Contracts(u)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var cs []decoded
		if err := dec.Decode(&cs); err != nil || len(cs) != 1 {
			t.Fatalf("%s: %d contracts, %v", c.Name, len(cs), err)
		}
		lo, hi := "0.29", "0.36"
		if c.Segment.Net() {
			lo, hi = "0.22", "0.27"
		}
		w := cs[0]
		if w.Type == nil || *w.Type != "yearly" || len(w.Prices) != 1 || w.Includes == nil || !*w.Includes {
			t.Fatalf("%s: %+v", c.Name, w)
		}
		p := app.MustDecimal(w.Prices[0].Price.String())
		from, err := time.Parse(time.RFC3339, w.Prices[0].Timestamp)
		if p < app.MustDecimal(lo) || p > app.MustDecimal(hi) || err != nil || !from.Before(today) {
			t.Errorf("%s (%s): %s EUR/kWh from %s", c.Name, c.Segment, p, w.Prices[0].Timestamp)
		}
	}
}
