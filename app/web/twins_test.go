package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/tariff"
	"wattfolio/db"
	"wattfolio/frontend/views"
)

// twinShop is the bakery of the compare tests (a metered June 2026) with
// enneo's sample record holding personal data, a contract the second sync
// changed, a stored offer and a note: something on every page.
type twinShop struct {
	*browser
	store   *db.Store
	ids     map[string]int64 // contracts by name
	account int64            // Bäckerei Schmidt GmbH
	meter   int64
	offer   int64
	seed    int64 // the contract with personal data
}

func newTwinShop(t *testing.T) *twinShop {
	t.Helper()
	ctx := context.Background()
	s, ids, accts := bakeryShop(t, utcDay(2026, 6, 1), 30)
	seed := app.Contract{ExternalID: "746839", Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active",
		Customer: app.Customer{ExternalID: "123", Name: "John Doe"}, Name: "Flex 24 · John Doe",
		Prices: app.Prices{Currency: "EUR", WorkingPerKWh: dec("0.285")}, Raw: enneoSeed(t)}
	syncSource(t, s, srcEnneo, []app.Contract{seed}, nil, app.RunOK, "")
	seed.Prices.WorkingPerKWh = dec("0.2999")
	syncSource(t, s, srcEnneo, []app.Contract{seed}, nil, app.RunOK, "")
	o, err := s.SaveOffer(ctx, offer.Offer{Name: "Gewerbe Spar 2027", Supplier: "Stadtwerk", Commodity: app.CommodityElectricity,
		Tariff: tariff.Tariff{Model: tariff.Fixed, Currency: "EUR", VATRate: decv("0.19"), WorkingPerKWh: decv("0.1899"), BasePerYear: decv("119.88")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetContractNotes(ctx, srcEnneo, "746839", app.ContractNotes{Text: "Call after the audit", Tags: []string{"VIP"}}); err != nil {
		t.Fatal(err)
	}
	ts := &twinShop{store: s, ids: ids, account: accts["Bäckerei Schmidt GmbH"].ID, offer: o.ID, seed: contractID(t, s, "746839")}
	ms, err := s.MetersOfAccount(ctx, ts.account)
	if err != nil || len(ms) != 1 {
		t.Fatalf("meters of the bakery: %v %v", ms, err)
	}
	ts.meter = ms[0].ID
	ts.browser = newBrowser(t, s, func(o *Options) {
		o.Meters, o.Compare, o.Offers, o.Edits = s, s, testOffers, s
	})
	return ts
}

// twin fetches path's JSON twin, by address or by Accept header, and
// decodes it into v; it returns the status.
func (b *browser) twin(path string, byAccept bool, v any) int {
	b.t.Helper()
	hdr := map[string]string(nil)
	if byAccept {
		hdr = map[string]string{"Accept": "application/json"}
	} else {
		p, q, ok := strings.Cut(path, "?")
		path = p + ".json"
		if ok {
			path += "?" + q
		}
	}
	req, _ := http.NewRequest(http.MethodGet, b.srv.URL+path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	serverToken(req)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		b.t.Fatalf("GET %s (Accept: %v): Content-Type %q, status %d", path, byAccept, ct, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode
}

// Every GET route that shows a page answers its twin, by ".json" and by
// Accept, with the page's own status: a new page without a twin fails here.
func TestEveryPageHasAJSONTwin(t *testing.T) {
	ts := newTwinShop(t)
	ids := map[string]int64{"contracts": ts.seed, "customers": ts.account, "meters": ts.meter, "offers": ts.offer}
	var pages int
	for _, route := range ts.hd.routes {
		method, path, _ := strings.Cut(route, " ")
		if method != http.MethodGet || strings.HasSuffix(path, ".csv") || strings.HasSuffix(path, ".json") {
			continue // downloads, and the twins that have a route of their own
		}
		path = strings.TrimSuffix(path, "{$}")
		if i := strings.Index(path, "{id}"); i >= 0 {
			kind := strings.Split(path, "/")[1]
			id, ok := ids[kind]
			if !ok {
				t.Fatalf("%s: no %s in the test cache; add one", route, kind)
			}
			path = path[:i] + strconv.FormatInt(id, 10) + path[i+len("{id}"):]
		}
		if strings.Contains(path, "/compare") {
			path += "?from=2026-06&to=2026-06"
		}
		pages++
		status, _ := ts.send(http.MethodGet, path, nil, nil)
		for _, byAccept := range []bool{false, true} {
			var doc map[string]any
			if got := ts.twin(path, byAccept, &doc); got != status {
				t.Errorf("%s (Accept: %v): twin status %d, page %d", path, byAccept, got, status)
			}
			if len(doc) == 0 {
				t.Errorf("%s (Accept: %v): empty twin", path, byAccept)
			}
		}
	}
	if pages < 11 {
		t.Errorf("walked %d pages; the routes are %q", pages, ts.hd.routes)
	}
}

func TestPortfolioTwin(t *testing.T) {
	ts := newTwinShop(t)
	var doc struct {
		Filters struct {
			Vendor string `json:"vendor"`
			Sort   string `json:"sort"`
		} `json:"filters"`
		Page, Pages, Per, Total int
		Next                    string `json:"next"`
		Contracts               []struct {
			ID            int64   `json:"id"`
			URL           string  `json:"url"`
			Name          string  `json:"name"`
			Vendor        string  `json:"vendor"`
			WorkingPerKWh *string `json:"working_per_kwh"`
			BasePerYear   *string `json:"base_per_year"`
			ValidFrom     string  `json:"valid_from"`
			ValidTo       *string `json:"valid_to"`
			Customer      struct {
				Linked      bool   `json:"linked"`
				AccountName string `json:"account_name"`
				ExternalID  string `json:"external_id"`
			} `json:"customer"`
		} `json:"contracts"`
	}
	for _, byAccept := range []bool{false, true} {
		if code := ts.twin("/contracts?vendor=enneo&sort=working_price", byAccept, &doc); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		if doc.Filters.Vendor != "enneo" || doc.Filters.Sort != "working_price" || doc.Total != 3 || doc.Page != 1 || doc.Pages != 1 || doc.Per != 50 || len(doc.Contracts) != 3 {
			t.Fatalf("%+v", doc)
		}
		c := doc.Contracts[0]
		if c.Name != "Gewerbe Fix" || *c.WorkingPerKWh != "0.2" || *c.BasePerYear != "240" || c.ValidFrom != "2024-12-31T23:00:00Z" || c.ValidTo != nil ||
			!c.Customer.Linked || c.Customer.AccountName != "Bäckerei Schmidt GmbH" || c.URL != "/contracts/"+strconv.FormatInt(c.ID, 10) {
			t.Errorf("first row %+v", c)
		}
		if last := doc.Contracts[2]; *last.WorkingPerKWh != "0.2999" || last.Customer.Linked || last.Customer.ExternalID != "123" {
			t.Errorf("last row %+v", last)
		}
	}
	// Paging: the next page's twin is named.
	if ts.twin("/contracts?per=25", false, &doc); doc.Total != 4 || doc.Next != "" {
		t.Errorf("one page of 4: total %d, next %q", doc.Total, doc.Next)
	}
	if ts.twin("/.json", true, &doc); doc.Total != 4 {
		t.Errorf("the start page's twin: total %d", doc.Total)
	}
}

func TestContractTwinHistoryEditsAndPersonalData(t *testing.T) {
	ts := newTwinShop(t)
	type contractTwin struct {
		ExternalID     string          `json:"external_id"`
		WorkingPerKWh  string          `json:"working_per_kwh"`
		FetchedAt      string          `json:"fetched_at"`
		VendorJSON     json.RawMessage `json:"vendor_json"`
		PersonalMasked bool            `json:"personal_data_masked"`
		History        []struct {
			Field, Old, New string
			RunID           int64  `json:"run_id"`
			At              string `json:"at"`
		} `json:"history"`
		Edits struct {
			Editable bool `json:"editable"`
			Notes    struct {
				Text string   `json:"text"`
				Tags []string `json:"tags"`
			} `json:"notes"`
		} `json:"edits"`
	}
	path := "/contracts/" + strconv.FormatInt(ts.seed, 10)
	for _, tc := range []struct {
		query      string
		masked     bool
		personalIn bool
	}{
		{"", true, false},
		{"?include_personal_data=1", false, true},
		{"?personal=show", false, true},
		{"?include_personal_data=0", true, false},
	} {
		var doc contractTwin
		if code := ts.twin(path+tc.query, false, &doc); code != http.StatusOK {
			t.Fatalf("%s: %d", tc.query, code)
		}
		if got := shows(string(doc.VendorJSON)); (len(got) > 0) != tc.personalIn || doc.PersonalMasked != tc.masked {
			t.Errorf("%s: masked %v, shows %q", tc.query, doc.PersonalMasked, got)
		}
		if doc.ExternalID != "746839" || doc.WorkingPerKWh != "0.2999" || doc.FetchedAt != "2026-11-23T09:00:00Z" || doc.Edits.Editable ||
			doc.Edits.Notes.Text != "Call after the audit" || len(doc.Edits.Notes.Tags) != 1 {
			t.Errorf("%s: %+v", tc.query, doc)
		}
		if h := doc.History; len(h) != 1 || h[0].Field != "Prices.WorkingPerKWh" || h[0].Old != "0.285" || h[0].New != "0.2999" ||
			h[0].RunID == 0 || h[0].At != "2026-11-23T09:00:00Z" {
			t.Errorf("%s: history without the working price's change: %+v", tc.query, doc.History)
		}
	}
}

func TestCustomerAndMeterTwins(t *testing.T) {
	ts := newTwinShop(t)
	var list struct {
		Customers []struct {
			ID        int64          `json:"id"`
			Name      string         `json:"name"`
			Contracts int            `json:"contracts"`
			ByVendor  map[string]int `json:"contracts_by_vendor"`
		} `json:"customers"`
	}
	ts.twin("/customers", false, &list)
	if len(list.Customers) != 2 || list.Customers[1].Name != "Bäckerei Schmidt GmbH" || list.Customers[1].Contracts != 2 ||
		list.Customers[1].ByVendor["epilot"] != 1 {
		t.Errorf("customers %+v", list)
	}

	var one struct {
		Name      string `json:"name"`
		Contracts []struct {
			Name string `json:"name"`
		} `json:"contract_list"`
		Meters []struct {
			URL    string `json:"url"`
			Number string `json:"number"`
		} `json:"meters"`
		Links []struct {
			Vendor string `json:"vendor"`
		} `json:"links"`
	}
	ts.twin("/customers/"+views.ID(ts.account), true, &one)
	if one.Name != "Bäckerei Schmidt GmbH" || len(one.Contracts) != 2 || len(one.Meters) != 1 || one.Meters[0].Number != "1EMH0004711000" ||
		len(one.Links) != 2 || one.Links[0].Vendor == "" {
		t.Errorf("customer %+v", one)
	}

	var m struct {
		Number     string `json:"number"`
		Resolution string `json:"resolution"`
		From, To   string
		Total      struct {
			ConsumptionKWh string `json:"consumption_kwh"`
		} `json:"total"`
		Buckets []struct {
			Start          string  `json:"start"`
			End            string  `json:"end"`
			ConsumptionKWh string  `json:"consumption_kwh"`
			FeedInKWh      *string `json:"feed_in_kwh"`
			PriceMean      string  `json:"price_mean"`
			Readings       int     `json:"readings"`
		} `json:"buckets"`
		Months []struct {
			ConsumptionKWh string `json:"consumption_kwh"`
		} `json:"months"`
	}
	ts.twin("/meters/"+views.ID(ts.meter)+"?from=2026-06-01&to=2026-06-03&res=day", false, &m)
	if m.Number != "1EMH0004711000" || m.Resolution != "day" || m.From != "2026-06-01" || len(m.Buckets) != 2 || m.Total.ConsumptionKWh != "96" {
		t.Fatalf("meter %+v", m)
	}
	if b := m.Buckets[0]; b.Start != "2026-05-31T22:00:00Z" || b.End != "2026-06-01T22:00:00Z" || b.ConsumptionKWh != "48" ||
		b.FeedInKWh != nil || b.PriceMean != "0.18" || b.Readings != 96 {
		t.Errorf("first day %+v", b)
	}
	if len(m.Months) != 12 && len(m.Months) != 1 {
		t.Errorf("months %+v", m.Months)
	}
}

func TestOffersAndSyncTwins(t *testing.T) {
	ts := newTwinShop(t)
	var offers struct {
		Offers []struct {
			ID            int64  `json:"id"`
			Name          string `json:"name"`
			Model         string `json:"model"`
			WorkingPerKWh string `json:"working_per_kwh"`
			BasePerYear   string `json:"base_per_year"`
			VATRate       string `json:"vat_rate"`
			State         string `json:"state"`
		} `json:"offers"`
	}
	ts.twin("/offers", false, &offers)
	if len(offers.Offers) != 1 || offers.Offers[0].ID != ts.offer || offers.Offers[0].WorkingPerKWh != "0.1899" ||
		offers.Offers[0].BasePerYear != "119.88" || offers.Offers[0].VATRate != "0.19" || offers.Offers[0].Model != "fixed" {
		t.Errorf("offers %+v", offers)
	}
	var sync struct {
		Running bool `json:"running"`
		Sources []struct {
			Name      string `json:"name"`
			Vendor    string `json:"vendor"`
			Contracts int    `json:"contracts"`
			Stale     bool   `json:"stale"`
			LastRun   struct {
				Status   string `json:"status"`
				Stored   int    `json:"stored"`
				Rejected int    `json:"rejected"`
			} `json:"last_run"`
		} `json:"sources"`
	}
	ts.twin("/sync", true, &sync)
	got := map[string]int{}
	for _, s := range sync.Sources {
		got[s.Name] = s.Contracts
		if s.LastRun.Status != "ok" {
			t.Errorf("source %+v", s)
		}
	}
	if len(sync.Sources) != 3 || got[srcEnneo] != 1 || got["stadtwerk"] != 2 || got["portal"] != 1 {
		t.Errorf("sync %+v", sync)
	}
}

// Errors answer as JSON with the HTML page's status and words.
func TestTwinErrors(t *testing.T) {
	ts := newTwinShop(t)
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/contracts/999999", 404, "There is no contract at this address"},
		{"/meters/999", 404, "There is no meter at this address"},
		{"/customers/999", 404, "There is no customer at this address"},
		{"/contracts?status=active&per=7", 400, `"per" has the value "7", which is not 25, 50, 100 or 200`},
		{"/meters/" + views.ID(ts.meter) + "?res=weekly", 400, `"res"`},
		{"/nothing-here", 404, "There is nothing at this address"},
	} {
		for _, byAccept := range []bool{false, true} {
			var doc errorDoc
			if code := ts.twin(tc.path, byAccept, &doc); code != tc.status || doc.Status != tc.status || doc.Error == "" || !strings.Contains(doc.Message, tc.want) {
				t.Errorf("%s (Accept: %v): %d %+v, want %d with %q", tc.path, byAccept, code, doc, tc.status, tc.want)
			}
		}
	}
	// Without the launch key the twin says so in JSON too.
	res, err := http.Get(ts.srv.URL + "/contracts.json")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("no key: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// A pending offline edit shows in the contract's twin and the Changes twin,
// a Podero contract's partner terms with their prices as decimal strings.
func TestChangesTwin(t *testing.T) {
	p := newPodShop(t)
	path, ext, vendor := p.contract(t, 0)
	if code, _ := p.post(path+"/edit", url.Values{"supplier": {"Stadtwerke Neu"}, "meter_id": {vendor["meter_id"]}}); code != http.StatusOK {
		t.Fatalf("edit: %d", code)
	}
	type change struct {
		State      string            `json:"state"`
		ContractID string            `json:"contract_external_id"`
		Fields     []string          `json:"fields"`
		Base       map[string]string `json:"base"`
		New        map[string]string `json:"new"`
		CreatedAt  string            `json:"created_at"`
	}
	var ct struct {
		Vendor  string `json:"vendor"`
		Partner struct {
			UserID string `json:"user_id"`
			Prices []struct {
				From   string `json:"from"`
				PerKWh string `json:"per_kwh"`
			} `json:"prices"`
		} `json:"partner"`
		Edits struct {
			Editable bool    `json:"editable"`
			Change   *change `json:"change"`
		} `json:"edits"`
	}
	p.twin(path, false, &ct)
	if ct.Vendor != "podero" || ct.Partner.UserID == "" || !ct.Edits.Editable || ct.Edits.Change == nil ||
		ct.Edits.Change.State != "pending" || ct.Edits.Change.New["supplier"] != "Stadtwerke Neu" || ct.Edits.Change.Base["supplier"] != vendor["supplier"] {
		t.Fatalf("contract twin %+v", ct)
	}
	for _, pp := range ct.Partner.Prices {
		if _, err := app.ParseDecimal(pp.PerKWh); err != nil || !strings.HasSuffix(pp.From, "Z") {
			t.Errorf("price point %+v", pp)
		}
	}
	var doc struct {
		Pending   []change `json:"pending"`
		Attention []change `json:"attention"`
		Sent      []change `json:"sent"`
	}
	p.twin("/changes", true, &doc)
	if len(doc.Pending) != 1 || len(doc.Attention) != 0 || len(doc.Sent) != 0 {
		t.Fatalf("changes %+v", doc)
	}
	if c := doc.Pending[0]; c.ContractID != ext || len(c.Fields) != 1 || c.Fields[0] != "supplier" || !strings.HasSuffix(c.CreatedAt, "Z") {
		t.Errorf("pending %+v", c)
	}
}
