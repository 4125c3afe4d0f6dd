package enneosim

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"wattfolio/internal/simcust"
)

type decoded struct {
	ID               int64
	CustomerID       string
	Status           string
	Energy           string
	Firstname        string
	Lastname         string
	StartDate        *int64
	EndDate          *int64
	SignupDate       int64
	Consumption      *int
	ProductName      *string
	Business         *bool
	VATRate          *json.Number
	BasePrice        *json.Number
	WorkingPrice     *json.Number
	Phone            *json.Number
	IBAN             *string
	GridOperatorCode *json.Number
	CounterNumber    *string
	BillingAddress   *string
}

func decodeAll(t *testing.T, s *Server) []decoded {
	t.Helper()
	var out []decoded
	for _, id := range s.IDs() {
		p, _ := s.Payload(id)
		var d decoded
		dec := json.NewDecoder(strings.NewReader(string(p)))
		dec.UseNumber()
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("contract %s: %v", id, err)
		}
		out = append(out, d)
	}
	return out
}

func float(n *json.Number) float64 {
	f, _ := n.Float64() // test-only: ranges, not money
	return f
}

// The book looks like a German utility's: mostly electricity, plausible
// prices, every status, some gaps.
func TestDataIsRealistic(t *testing.T) {
	all := decodeAll(t, New(Options{Seed: 99}))
	var power, withNulls, umlauts int
	statuses := map[string]int{}
	products := map[string]bool{}
	customers := map[string]int{}
	for _, d := range all {
		statuses[d.Status]++
		customers[d.CustomerID]++
		if d.ProductName != nil {
			products[*d.ProductName] = true
		}
		if strings.ContainsAny(d.Firstname+d.Lastname, "äöüß") {
			umlauts++
		}
		if d.BasePrice == nil || d.WorkingPrice == nil || d.Consumption == nil || d.CounterNumber == nil ||
			d.Phone == nil || d.IBAN == nil || d.GridOperatorCode == nil || d.VATRate == nil {
			withNulls++
		}
		gas := d.Energy == "gas"
		if !gas {
			power++
			if d.Energy != "electricity" {
				t.Errorf("%d: energy %q", d.ID, d.Energy)
			}
		}
		business := d.ProductName != nil && strings.HasPrefix(*d.ProductName, "Business")
		if w := d.WorkingPrice; w != nil {
			lo, hi := 0.24, 0.42
			if gas {
				lo, hi = 0.08, 0.15
			}
			if f := float(w); f < lo || f > hi || len(w.String()) > 6 {
				t.Errorf("%d: %s working price %s", d.ID, d.Energy, w)
			}
		}
		if b := d.BasePrice; b != nil && (float(b) < 90 || float(b) > 220) {
			t.Errorf("%d: base price %s", d.ID, b)
		}
		// Gas was billed at 7 % only from October 2022 to March 2024.
		reduced := gas && d.EndDate != nil && *d.EndDate >= gasVATCut.Unix() && *d.EndDate < gasVATBack.Unix()
		if v := d.VATRate; v != nil && !(v.String() == "0.19" || reduced && v.String() == "0.07") {
			t.Errorf("%d: %s VAT %s", d.ID, d.Energy, v)
		}
		if c := d.Consumption; c != nil {
			hi := 12000
			if business {
				hi = 80000
			}
			if *c < 1500 || *c > hi {
				t.Errorf("%d: consumption %d", d.ID, *c)
			}
		}
		if g := d.GridOperatorCode; g != nil {
			if _, err := strconv.ParseUint(g.String(), 10, 64); err != nil || len(g.String()) != 13 {
				t.Errorf("%d: grid operator code %s", d.ID, g)
			}
		}
		ended := d.Status == "terminated" || d.Status == "cancelled"
		if ended != (d.EndDate != nil) {
			t.Errorf("%d: status %s with endDate %v", d.ID, d.Status, d.EndDate)
		}
		if d.StartDate != nil && d.EndDate != nil && *d.EndDate < *d.StartDate {
			t.Errorf("%d: ends before it starts", d.ID)
		}
		if d.StartDate != nil && d.SignupDate > *d.StartDate {
			t.Errorf("%d: signed after it started", d.ID)
		}
		if d.IBAN != nil && !validIBAN(*d.IBAN) {
			t.Errorf("%d: IBAN check digits wrong", d.ID)
		}
	}
	n := len(all)
	if share := power * 100 / n; share < 60 || share > 80 {
		t.Errorf("electricity share %d%%, want about 70%%", share)
	}
	if share := withNulls * 100 / n; share < 4 || share > 20 {
		t.Errorf("%d%% of contracts have gaps, want about 10%%", share)
	}
	for _, s := range []string{"active", "terminated", "pending", "cancelled"} {
		if statuses[s] == 0 {
			t.Errorf("no %s contract", s)
		}
	}
	if len(products) < 8 {
		t.Errorf("only %d products", len(products))
	}
	if umlauts == 0 {
		t.Error("no German names")
	}
	shared := 0
	for _, c := range customers {
		if c > 1 {
			shared++
		}
	}
	if shared == 0 {
		t.Error("no customer has two contracts")
	}
}

// The demo's customers open the book: their contracts come first, under
// their names, active and fully priced at 19 % VAT, net for a business or a
// farm, gross for a household.
func TestDemoCustomersOpenTheBook(t *testing.T) {
	all := decodeAll(t, New(Options{Seed: 99, Customers: simcust.Demo}))
	i := 0
	for _, c := range simcust.Demo {
		n := 1
		if c.GasKWh > 0 {
			n = 2
		}
		for _, d := range all[i : i+n] {
			if name := strings.TrimSpace(d.Firstname + " " + d.Lastname); name != c.Name || d.CustomerID != all[i].CustomerID {
				t.Errorf("%d: holder %q (%s), want %s", d.ID, name, d.CustomerID, c.Name)
			}
			if d.Status != "active" || d.EndDate != nil || d.BasePrice == nil || d.WorkingPrice == nil || d.Consumption == nil {
				t.Fatalf("%d (%s): not an active, priced contract", d.ID, c.Name)
			}
			if d.VATRate.String() != "0.19" || *d.Business != c.Segment.Net() || *d.StartDate >= today.Unix() {
				t.Errorf("%d (%s): VAT %s, business %v, start %d", d.ID, c.Name, d.VATRate, *d.Business, *d.StartDate)
			}
			w, b := float(d.WorkingPrice), float(d.BasePrice)
			switch {
			case d.Energy == "gas" && c.Segment.Net():
				if *d.Consumption != c.GasKWh || w < 0.05 || w > 0.10 || b < 200 || b > 1000 {
					t.Errorf("%d (%s): business gas %d kWh at %s, base %s", d.ID, c.Name, *d.Consumption, d.WorkingPrice, d.BasePrice)
				}
			case d.Energy == "gas":
				if *d.Consumption != c.GasKWh || w < 0.08 || w > 0.15 || b < 100 || b > 200 {
					t.Errorf("%d (%s): household gas %d kWh at %s, base %s", d.ID, c.Name, *d.Consumption, d.WorkingPrice, d.BasePrice)
				}
			case c.Segment.Net():
				if *d.Consumption < 10_000 || w < 0.15 || w > 0.30 || b < 200 || b > 2000 {
					t.Errorf("%d (%s): business %d kWh at %s, base %s", d.ID, c.Name, *d.Consumption, d.WorkingPrice, d.BasePrice)
				}
			default:
				if *d.Consumption > 6_000 || w < 0.27 || w > 0.40 || b < 100 || b > 200 {
					t.Errorf("%d (%s): household %d kWh at %s, base %s", d.ID, c.Name, *d.Consumption, d.WorkingPrice, d.BasePrice)
				}
			}
		}
		i += n
	}
	if len(all) != 300 {
		t.Errorf("%d contracts, want 300 with the demo's among them", len(all))
	}
}

func validIBAN(s string) bool {
	if len(s) != 22 || s[:2] != "DE" {
		return false
	}
	digits := s[4:] + "1314" + s[2:4]
	rem := 0
	for _, c := range digits {
		rem = (rem*10 + int(c-'0')) % 97
	}
	return rem == 1
}

func TestScaled(t *testing.T) {
	for _, tt := range []struct {
		v      int64
		places int
		want   string
	}{{2853, 4, "0.2853"}, {1498800, 4, "149.88"}, {1200000, 4, "120"}, {19, 2, "0.19"}, {7, 2, "0.07"}, {0, 2, "0"}, {5, 0, "5"}} {
		if got := scaled(tt.v, tt.places); got != tt.want {
			t.Errorf("scaled(%d, %d) = %s, want %s", tt.v, tt.places, got, tt.want)
		}
	}
}
