package otarksim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/internal/loopback"
)

const (
	prefix = "/otark"
	key    = "sim-key"
)

func serve(t *testing.T, s *Server) string {
	t.Helper()
	return loopback.Serve(t, prefix, s)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, url, apiKey string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if apiKey != "" {
		req.Header.Set("X-Api-Key", apiKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, body}
}

type listPage struct {
	Contracts  []json.RawMessage
	Pagination struct {
		Limit      int     `json:"limit"`
		HasMore    bool    `json:"has_more"`
		NextCursor *string `json:"next_cursor"`
	}
}

func decodePage(t *testing.T, r response) listPage {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var p listPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSameSeedSameBytes(t *testing.T) {
	a, b, c := New(Options{Seed: 7}), New(Options{Seed: 7}), New(Options{Seed: 8})
	if !slices.Equal(a.IDs(), b.IDs()) || len(a.IDs()) != 250 {
		t.Fatal("ids differ")
	}
	for _, id := range a.IDs() {
		pa, _ := a.Contract(id)
		pb, _ := b.Contract(id)
		if !bytes.Equal(pa, pb) {
			t.Fatalf("%s differs", id)
		}
	}
	if slices.Equal(a.IDs(), c.IDs()) {
		t.Error("another seed gives the same ids")
	}
	if !slices.IsSorted(a.IDs()) {
		t.Error("list order is not id order")
	}
}

// Paging with limit and after yields every id once, in list order, with
// next_cursor only while has_more.
func TestPagination(t *testing.T) {
	s := New(Options{Seed: 1, Contracts: 23, APIKey: key})
	base := serve(t, s)
	var ids []string
	after := ""
	for range 10 {
		p := decodePage(t, get(t, base+"/v1/contracts?limit=5&after="+after, key))
		if p.Pagination.Limit != 5 {
			t.Errorf("limit %d", p.Pagination.Limit)
		}
		for _, raw := range p.Contracts {
			var c struct{ ID string }
			_ = json.Unmarshal(raw, &c)
			ids = append(ids, c.ID)
			want, _ := s.Contract(c.ID)
			if !bytes.Equal(raw, want) {
				t.Errorf("%s: bytes differ from Contract", c.ID)
			}
		}
		if !p.Pagination.HasMore {
			if p.Pagination.NextCursor != nil {
				t.Error("next_cursor on the last page")
			}
			break
		}
		if p.Pagination.NextCursor == nil || *p.Pagination.NextCursor != ids[len(ids)-1] {
			t.Fatalf("next_cursor %v, want the last id %s", p.Pagination.NextCursor, ids[len(ids)-1])
		}
		after = *p.Pagination.NextCursor
	}
	if !slices.Equal(ids, s.IDs()) {
		t.Errorf("paged %v, want %v", ids, s.IDs())
	}
	// The documented default page size is 10.
	if p := decodePage(t, get(t, base+"/v1/contracts", key)); len(p.Contracts) != 10 || p.Pagination.Limit != 10 {
		t.Errorf("default page: %d contracts, limit %d", len(p.Contracts), p.Pagination.Limit)
	}
}

type problemDoc struct {
	Type, Title, Detail string
	Status              int
	Errors              []itemError
}

func TestErrorsAreProblems(t *testing.T) {
	s := New(Options{Seed: 1, Contracts: 5, APIKey: key})
	base := serve(t, s)
	tests := []struct {
		name, query, key string
		status           int
		want             []itemError
	}{
		{"no key", "", "", 401, nil},
		{"wrong key", "", "nope", 401, nil},
		{"bad enum", "?status=active&type=ppa", key, 400, []itemError{{"invalid_enum_value", "status", "must be one of pending, in_progress, completed"}}},
		{"several", "?type=futures&limit=0&eic=abc&delivery_start=2026-01-01&active_on=15.01.2026&status=&after=", key, 400, []itemError{
			{"required", "status", "must not be empty when given"},
			{"invalid_enum_value", "type", "must be one of ppa, day_ahead, intraday"},
			{"invalid_format", "eic", "must be a 16-character EIC code"},
			{"invalid_format", "delivery_start", "must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z"},
			{"invalid_format", "active_on", "must be a date such as 2026-01-15"},
			{"out_of_range", "limit", "must be between 1 and 100"},
		}},
		{"limit not a number", "?limit=ten", key, 400, []itemError{{"invalid_type", "limit", "must be an integer"}}},
		{"unknown path", "/v2/things", key, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := base + "/v1/contracts" + tt.query
			if strings.HasPrefix(tt.query, "/") { // another path altogether
				url = base + tt.query
			}
			r := get(t, url, tt.key)
			if r.status != tt.status || r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d, type %q: %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			var p problemDoc
			if err := json.Unmarshal(r.body, &p); err != nil || p.Status != tt.status || p.Title != http.StatusText(tt.status) || p.Type == "" {
				t.Fatalf("problem %s (%v)", r.body, err)
			}
			if !slices.Equal(p.Errors, tt.want) {
				t.Errorf("errors %+v, want %+v", p.Errors, tt.want)
			}
		})
	}
}

// Every response announces the budget; past it comes a 429 with
// Retry-After until the window resets.
func TestRateLimit(t *testing.T) {
	s := New(Options{Seed: 1, Contracts: 5, APIKey: key, RateLimit: 3, Window: time.Minute})
	clock := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	s.clock = func() time.Time { return clock }
	base := serve(t, s)
	for i, want := range []struct {
		status    int
		remaining string
		reset     string
	}{{200, "2", "60"}, {401, "1", "60"}, {200, "0", "60"}, {429, "0", "60"}, {429, "0", "30"}, {200, "2", "60"}} {
		k := key
		switch i {
		case 1:
			k = "wrong" // refused requests count too
		case 4:
			clock = clock.Add(30 * time.Second)
		case 5:
			clock = clock.Add(30 * time.Second)
		}
		r := get(t, base+"/v1/contracts", k)
		for _, p := range []string{"RateLimit-", "X-RateLimit-"} {
			if r.status != want.status || r.header.Get(p+"Limit") != "3" || r.header.Get(p+"Remaining") != want.remaining || r.header.Get(p+"Reset") != want.reset {
				t.Errorf("request %d: %d %s %v", i+1, r.status, p, r.header)
			}
		}
		if want.status == 429 {
			var p problemDoc
			_ = json.Unmarshal(r.body, &p)
			if r.header.Get("Retry-After") != want.reset || p.Status != 429 || len(p.Errors) != 1 || p.Errors[0].Code != "rate_limited" {
				t.Errorf("request %d: Retry-After %q, %s", i+1, r.header.Get("Retry-After"), r.body)
			}
		}
	}
	if s.Requests() != 6 {
		t.Errorf("requests %d", s.Requests())
	}
}

// The faults endpoint steers the list like every simulator's.
func TestFaults(t *testing.T) {
	s := New(Options{Seed: 1, Contracts: 30, APIKey: key})
	base := serve(t, s)
	req, _ := http.NewRequest(http.MethodPost, base+"/_sim/faults", strings.NewReader(`{"status":503,"everyNth":2}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
	if r := get(t, base+"/v1/contracts", key); r.status != 200 {
		t.Errorf("first: %d", r.status)
	}
	if r := get(t, base+"/v1/contracts", key); r.status != 503 || r.header.Get("RateLimit-Remaining") == "" {
		t.Errorf("second: %d %v", r.status, r.header)
	}
	s.SetFaults(Faults{WrongTypes: true})
	r := get(t, base+"/v1/contracts?type=ppa", key)
	if !bytes.Contains(r.body, []byte(`"nominal_power":"not-what-you-expect"`)) {
		t.Errorf("wrong types: %s", r.body)
	}
}

func TestSourceTOML(t *testing.T) {
	got := New(Options{Contracts: 1}).SourceTOML(`otark "demo"`, "http://127.0.0.1:8080/otark", "WATTFOLIO_OTARK_KEY")
	want := "[[source]]\nname = \"otark \\\"demo\\\"\"\nkind = \"otark\"\nbase_url = \"http://127.0.0.1:8080/otark\"\ntoken_env = \"WATTFOLIO_OTARK_KEY\"\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// keyOrder lists an object's keys in the order they appear.
func keyOrder(t *testing.T, raw []byte) []string {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(raw))
	if tok, _ := d.Token(); tok != json.Delim('{') {
		t.Fatal("not an object")
	}
	var keys []string
	for d.More() {
		k, _ := d.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		_ = d.Decode(&skip)
	}
	return keys
}

// Contracts have the docs' sample's keys in its order.
func TestSeedShape(t *testing.T) {
	seed, err := os.ReadFile("../testdata/contracts_seed.json")
	if err != nil {
		t.Fatal(err)
	}
	var sample struct{ Contracts []json.RawMessage }
	if err := json.Unmarshal(seed, &sample); err != nil {
		t.Fatal(err)
	}
	want := keyOrder(t, sample.Contracts[0])
	var wantAsset struct{ Asset json.RawMessage }
	_ = json.Unmarshal(sample.Contracts[0], &wantAsset)
	s := New(Options{Seed: 2})
	for _, id := range s.IDs() {
		b, _ := s.Contract(id)
		if got := keyOrder(t, b); !slices.Equal(got, want) {
			t.Fatalf("%s keys %v, want %v", id, got, want)
		}
		var c struct{ Asset json.RawMessage }
		_ = json.Unmarshal(b, &c)
		if string(c.Asset) != "null" && !slices.Equal(keyOrder(t, c.Asset), keyOrder(t, wantAsset.Asset)) {
			t.Fatalf("%s asset keys %v", id, keyOrder(t, c.Asset))
		}
	}
}

type decoded struct {
	ID, ExternalID, Type, Status string
	DeliveryStart, DeliveryEnd   string
	CreatedAt, UpdatedAt         string
	Seller, Buyer                struct{ Name, EIC, TSO string }
	PPAType                      *string
	Period, DeliveryProfile      string
	Asset                        *struct {
		ID, Name, Technology, TSO string
		NominalPower              json.Number
	}
}

func decodeAll(t *testing.T, s *Server) []decoded {
	t.Helper()
	var out []decoded
	for _, id := range s.IDs() {
		b, _ := s.Contract(id)
		var d decoded
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		// encoding/json matches snake_case keys only by tag; read them again.
		var m map[string]json.RawMessage
		_ = json.Unmarshal(b, &m)
		for k, dst := range map[string]*string{"external_id": &d.ExternalID, "delivery_start": &d.DeliveryStart, "delivery_end": &d.DeliveryEnd,
			"created_at": &d.CreatedAt, "updated_at": &d.UpdatedAt, "delivery_profile": &d.DeliveryProfile} {
			_ = json.Unmarshal(m[k], dst)
		}
		_ = json.Unmarshal(m["ppa_type"], &d.PPAType)
		if d.Asset != nil {
			var a struct {
				NominalPower json.Number `json:"nominal_power"`
			}
			_ = json.Unmarshal(m["asset"], &a)
			d.Asset.NominalPower = a.NominalPower
		}
		out = append(out, d)
	}
	return out
}

var (
	eicFmt    = regexp.MustCompile(`^11Y[0-9A-Z-]{12}[0-9A-Z]$`)
	idFmt     = regexp.MustCompile(`^con_[a-z0-9]{8}$`)
	periodFmt = regexp.MustCompile(`^(Q[1-4]-20\d\d|CAL-20\d\d)$`)
	tsos      = []string{"TenneT", "Amprion", "50Hertz", "TransnetBW"}
)

// The book looks like a Dutch and German trading desk's.
func TestDataIsRealistic(t *testing.T) {
	s := New(Options{Seed: 99})
	all := decodeAll(t, s)
	kinds, statuses, techs, ppaTypes := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	buyers := map[string]string{}
	extIDs := map[string]bool{}
	for _, d := range all {
		kinds[d.Type]++
		statuses[d.Status]++
		buyers[d.Buyer.EIC] = d.Buyer.Name
		if !idFmt.MatchString(d.ID) || extIDs[d.ExternalID] {
			t.Errorf("%s: id or duplicate external id %s", d.ID, d.ExternalID)
		}
		extIDs[d.ExternalID] = true
		times := map[string]time.Time{}
		for name, v := range map[string]string{"delivery_start": d.DeliveryStart, "delivery_end": d.DeliveryEnd, "created_at": d.CreatedAt, "updated_at": d.UpdatedAt} {
			tm, err := time.Parse(time.RFC3339, v)
			if err != nil || !strings.HasSuffix(v, "Z") {
				t.Fatalf("%s: %s %q is no UTC RFC 3339 time", d.ID, name, v)
			}
			times[name] = tm
		}
		start, end := times["delivery_start"], times["delivery_end"]
		if start.Minute()%15 != 0 || end.Minute()%15 != 0 || start.Second() != 0 || end.Second() != 0 || end.Before(start) {
			t.Errorf("%s: delivery %s – %s", d.ID, start, end)
		}
		if c, u := times["created_at"], times["updated_at"]; u.Before(c) || u.After(now) || c.After(start) && d.Type != "ppa" {
			t.Errorf("%s: created %s updated %s delivery %s", d.ID, c, u, start)
		}
		if want := status(start, end); d.Status != want {
			t.Errorf("%s: status %s, delivery says %s", d.ID, d.Status, want)
		}
		for _, p := range []struct{ Name, EIC, TSO string }{d.Seller, d.Buyer} {
			if !eicFmt.MatchString(p.EIC) || checkChar(p.EIC) != p.EIC[15] || !slices.Contains(tsos, p.TSO) || p.Name == "" {
				t.Errorf("%s: party %+v", d.ID, p)
			}
		}
		switch d.Type {
		case "ppa":
			if d.Asset == nil || d.PPAType == nil || !periodFmt.MatchString(d.Period) || !strings.HasSuffix(d.DeliveryProfile, start.Format("2006")) {
				t.Fatalf("%s: PPA %+v", d.ID, d)
			}
			ppaTypes[*d.PPAType]++
			techs[d.Asset.Technology]++
			mw, _ := d.Asset.NominalPower.Float64() // test-only: a range check
			if mw < 5 || mw > 120 || !slices.Contains(tsos, d.Asset.TSO) || !strings.HasPrefix(d.Asset.ID, "ast_") {
				t.Errorf("%s: asset %+v", d.ID, d.Asset)
			}
		case "day_ahead", "intraday":
			if d.Asset != nil || d.PPAType != nil || end.Sub(start) >= 24*time.Hour {
				t.Errorf("%s: trade %+v", d.ID, d)
			}
		default:
			t.Errorf("%s: type %q", d.ID, d.Type)
		}
	}
	for name, m := range map[string]map[string]int{"kinds": kinds, "statuses": statuses, "technologies": techs, "PPA types": ppaTypes} {
		if len(m) != 3 {
			t.Errorf("%s: %v", name, m)
		}
	}
	if n := len(buyers); n < 20 || n > 30 {
		t.Errorf("%d distinct buyers", n)
	}
	got := s.Buyers()
	if len(got) != len(buyers) || !slices.IsSortedFunc(got, func(a, b struct{ EIC, Name string }) int { return strings.Compare(a.Name, b.Name) }) {
		t.Errorf("Buyers() = %v", got)
	}
	for _, b := range got {
		if buyers[b.EIC] != b.Name {
			t.Errorf("buyer %+v", b)
		}
	}
}

// Every company gets its own valid EIC.
func TestEICs(t *testing.T) {
	for _, known := range []string{"10YNL----------L", "10YDE-RWENET---I", "10YCB-GERMANY--8", "10Y1001A1001A82H"} {
		if checkChar(known) != known[15] {
			t.Errorf("check character of %s: %c", known, checkChar(known))
		}
	}
	seen := map[string]string{}
	var names []string
	for _, c := range append(slices.Clone(buyers), traders...) {
		names = append(names, c.name)
	}
	for _, p := range parks {
		names = append(names, p.owner)
	}
	for _, n := range names {
		e := eic(n)
		if other, dup := seen[e]; dup && other != n {
			t.Errorf("%s and %s share EIC %s", n, other, e)
		}
		seen[e] = n
		if !eicFmt.MatchString(e) {
			t.Errorf("%s: EIC %s", n, e)
		}
	}
}
