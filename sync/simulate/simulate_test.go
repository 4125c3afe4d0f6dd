package simulate

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/internal/simcust"
	"wattfolio/sync/sources"
)

// enneoContract is what the coherence rules read of an enneo payload.
type enneoContract struct {
	CustomerID   string       `json:"customerId"`
	Status       string       `json:"status"`
	Energy       string       `json:"energy"`
	Firstname    string       `json:"firstname"`
	Lastname     string       `json:"lastname"`
	EndDate      *int64       `json:"endDate"`
	Consumption  *int         `json:"consumption"`
	Business     *bool        `json:"business"`
	BasePrice    *json.Number `json:"basePrice"`
	WorkingPrice *json.Number `json:"workingPrice"`
	VATRate      *json.Number `json:"vatRate"`
}

func (u *Upstream) enneoContracts(t *testing.T) map[string][]enneoContract {
	t.Helper()
	out := map[string][]enneoContract{}
	for _, id := range u.Enneo.IDs() {
		body, _ := u.Enneo.Payload(id)
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		var c enneoContract
		if err := dec.Decode(&c); err != nil {
			t.Fatalf("enneo %s: %v", id, err)
		}
		out[c.CustomerID] = append(out[c.CustomerID], c)
	}
	return out
}

func between(n *json.Number, lo, hi string) bool {
	d, err := app.ParseDecimal(n.String())
	return err == nil && d >= app.MustDecimal(lo) && d <= app.MustDecimal(hi)
}

// Every linked demo customer is one customer at every vendor: the same
// name, a segment its contracts, consumption, prices, meters and profile
// agree with, and at least one priced contract in force to compare.
func TestLinkedCustomersAreCoherent(t *testing.T) {
	u := New(Options{Seed: 1})
	f, err := sources.ParseFile("sources.toml", []byte(u.SourcesTOML("http://127.0.0.1:1")))
	if err != nil {
		t.Fatal(err)
	}
	profiles := map[string]string{}
	for _, c := range f.Customers {
		profiles[c.Name] = c.Profile
	}
	enneo := u.enneoContracts(t)
	buyers := map[string]string{}
	for _, b := range u.Otark.Buyers() {
		buyers[b.EIC] = b.Name
	}
	custs := u.Customers()
	if len(custs) != len(simcust.Demo) || len(f.Customers) != len(custs) {
		t.Fatalf("%d customers, %d in the sources file, want %d", len(custs), len(f.Customers), len(simcust.Demo))
	}
	unmetered := 0
	for _, c := range custs {
		if want := c.Segment.Profile(); profiles[c.Name] != want {
			t.Errorf("%s (%s): profile %q, want %q", c.Name, c.Segment, profiles[c.Name], want)
		}
		if eic, ok := c.IDs["demo-otark"]; ok && buyers[eic] != c.Name {
			t.Errorf("%s trades at otark as %q", c.Name, buyers[eic])
		}
		if id, ok := c.IDs["demo-prosumer"]; ok && u.Prosumer.Business(id) != c.Segment.Net() {
			t.Errorf("%s (%s) is linked to a prosumer customer of the other kind", c.Name, c.Segment)
		}
		if _, ok := c.IDs["demo-podero"]; !ok {
			t.Errorf("%s has no Podero user", c.Name)
		}
		if _, ok := c.IDs["demo-epilot"]; ok != c.Metered {
			t.Errorf("%s: epilot link %v, metered %v", c.Name, ok, c.Metered)
		} else if !ok {
			unmetered++
		}
		contracts := enneo[c.IDs["demo-enneo"]]
		priced := false
		for _, e := range contracts {
			if name := strings.TrimSpace(e.Firstname + " " + e.Lastname); name != c.Name {
				t.Errorf("%s: enneo contract holder %q", c.Name, name)
			}
			if e.Business == nil || *e.Business != c.Segment.Net() {
				t.Errorf("%s (%s): enneo business flag %v", c.Name, c.Segment, e.Business)
			}
			if e.VATRate == nil || e.VATRate.String() != "0.19" {
				t.Errorf("%s: %s VAT %v", c.Name, e.Energy, e.VATRate)
			}
			if e.Energy != "electricity" || e.Consumption == nil {
				continue
			}
			if kwh := *e.Consumption; c.Segment.Net() && kwh < 10_000 || !c.Segment.Net() && (kwh < 1_500 || kwh > 6_000) {
				t.Errorf("%s (%s): %d kWh a year", c.Name, c.Segment, kwh)
			}
			if e.Status != "active" || e.EndDate != nil || e.BasePrice == nil || e.WorkingPrice == nil {
				continue
			}
			priced = true
			switch {
			case c.Segment.Net() && (!between(e.WorkingPrice, "0.15", "0.30") || !between(e.BasePrice, "200", "2000")):
				t.Errorf("%s: net business prices %s €/kWh, %s €/year", c.Name, e.WorkingPrice, e.BasePrice)
			case !c.Segment.Net() && (!between(e.WorkingPrice, "0.27", "0.40") || !between(e.BasePrice, "100", "200")):
				t.Errorf("%s: gross household prices %s €/kWh, %s €/year", c.Name, e.WorkingPrice, e.BasePrice)
			}
		}
		if !priced {
			t.Errorf("%s has no active, priced electricity contract at enneo: %+v", c.Name, contracts)
		}
	}
	if unmetered < 3 {
		t.Errorf("only %d linked customers without meter data", unmetered)
	}

	// The metered customer is a business: every epilot contract is one.
	srv := httptest.NewServer(u)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+EpilotPrefix+"/v2/portal/contract?size=100", nil)
	req.Header.Set("Authorization", "Bearer "+u.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Data []struct {
			Name string `json:"contract_name"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Data) == 0 {
		t.Fatalf("epilot contracts: %v", err)
	}
	for _, c := range list.Data {
		if c.Name != "Gewerbestrom Spot" {
			t.Errorf("the metered business has an epilot contract %q", c.Name)
		}
	}
}
