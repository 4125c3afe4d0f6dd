package prosumersim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/internal/simfault"
)

func get(t *testing.T, h http.Handler, path, token string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDeterministic(t *testing.T) {
	a, b := New(Options{Seed: 3}), New(Options{Seed: 3})
	if len(a.CustomerIDs()) != 40 {
		t.Fatalf("%d customers, want the default 40", len(a.CustomerIDs()))
	}
	if !slices.Equal(a.CustomerIDs(), b.CustomerIDs()) || !slices.Equal(a.ContractIDs(), b.ContractIDs()) {
		t.Fatal("the same seed gave other ids")
	}
	for _, id := range a.CustomerIDs() {
		pa, _ := a.Payload(id)
		pb, _ := b.Payload(id)
		if !bytes.Equal(pa, pb) {
			t.Fatalf("customer %s: payloads differ for the same seed", id)
		}
	}
	if c := New(Options{Seed: 4}); slices.Equal(a.ContractIDs(), c.ContractIDs()) {
		t.Error("another seed gave the same contracts")
	}
}

// keys lists the member names of every object in a JSON array, in order.
func keys(t *testing.T, arr json.RawMessage) [][]string {
	t.Helper()
	var items []json.RawMessage
	if err := json.Unmarshal(arr, &items); err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, it := range items {
		dec := json.NewDecoder(bytes.NewReader(it))
		var ks []string
		depth := 0
		expectKey := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			switch v := tok.(type) {
			case json.Delim:
				if v == '{' || v == '[' {
					depth++
				} else {
					depth--
				}
				expectKey = v == '{' && depth == 1
				continue
			case string:
				if depth == 1 && expectKey {
					ks = append(ks, v)
					expectKey = false
					continue
				}
			}
			if depth == 1 {
				expectKey = true
			}
		}
		out = append(out, ks)
	}
	return out
}

type doc struct{ EnergyContracts, ServiceContracts, FlexibilityContracts json.RawMessage }

// Every payload has the help page's shape: the same keys in the same order,
// .NET timestamps, and the JSON types of the sample.
func TestWireShapeMatchesSeed(t *testing.T) {
	seedBytes, err := os.ReadFile("../testdata/portfolio_seed.json")
	if err != nil {
		t.Fatal(err)
	}
	var seed doc
	if err := json.Unmarshal(seedBytes, &seed); err != nil {
		t.Fatal(err)
	}
	partnerKeys := keys(t, seed.EnergyContracts)[0]
	flexKeys := keys(t, seed.FlexibilityContracts)[0]
	if len(partnerKeys) != 12 || len(flexKeys) != 26 {
		t.Fatalf("seed keys: %d and %d", len(partnerKeys), len(flexKeys))
	}
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+0[01]:00$`)
	guid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	s := New(Options{Seed: 11})
	nulls := map[string]int{}
	set := map[string]int{}
	for _, id := range s.CustomerIDs() {
		if !guid.MatchString(id) {
			t.Errorf("customer id %q is not a GUID", id)
		}
		p, _ := s.Payload(id)
		if !bytes.HasPrefix(p, []byte(`{"EnergyContracts":[`)) || !bytes.Contains(p, []byte(`],"ServiceContracts":[`)) || !bytes.Contains(p, []byte(`],"FlexibilityContracts":[`)) {
			t.Fatalf("customer %s: top level %.80s", id, p)
		}
		var d doc
		if err := json.Unmarshal(p, &d); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			arr  json.RawMessage
			want []string
			max  int
		}{{d.EnergyContracts, partnerKeys, 3}, {d.ServiceContracts, partnerKeys, 2}, {d.FlexibilityContracts, flexKeys, 2}} {
			ks := keys(t, c.arr)
			if len(ks) > c.max {
				t.Errorf("customer %s: %d contracts in one collection, want at most %d", id, len(ks), c.max)
			}
			for _, k := range ks {
				if !slices.Equal(k, c.want) {
					t.Fatalf("customer %s: keys %v, want %v", id, k, c.want)
				}
			}
			var objs []map[string]any
			_ = json.Unmarshal(c.arr, &objs)
			for _, o := range objs {
				for k, v := range o {
					if k == "Id" || k == "ContractId" || k == "OwnerContractId" {
						if !guid.MatchString(v.(string)) {
							t.Errorf("%s %q is not a GUID", k, v)
						}
					}
					isTime := k == "Created" || k == "ValidFrom" || k == "ValidTo" || k == "SignedTime" || k == "CancelTime" || k == "Signed"
					switch {
					case v == nil:
						nulls[k]++
					case isTime:
						set[k]++
						if !stamp.MatchString(v.(string)) {
							t.Errorf("%s %q is not a .NET timestamp", k, v)
						}
					}
				}
			}
		}
	}
	for _, k := range []string{"CancelTime", "ValidTo", "SignedTime", "MinNormalTemperature"} {
		if nulls[k] == 0 {
			t.Errorf("%s is never null", k)
		}
	}
	for _, k := range []string{"CancelTime", "ValidTo", "SignedTime", "Signed", "Created"} {
		if set[k] == 0 {
			t.Errorf("%s is never set", k)
		}
	}
	for _, k := range []string{"Created", "ValidFrom", "Signed"} {
		if nulls[k] > 0 {
			t.Errorf("%s is null %d times", k, nulls[k])
		}
	}
}

// The values are plausible for a prosumer book.
func TestRealistic(t *testing.T) {
	s := New(Options{Seed: 5, Customers: 80})
	d := func(v json.Number) app.Decimal { return app.MustDecimal(string(v)) }
	between := func(name string, v json.Number, lo, hi string) {
		if x := d(v); x < app.MustDecimal(lo) || x > app.MustDecimal(hi) {
			t.Errorf("%s = %s, want %s to %s", name, v, lo, hi)
		}
	}
	kinds := map[string]int{}
	names := map[string]bool{}
	thermal := 0
	for _, id := range s.CustomerIDs() {
		p, _ := s.Payload(id)
		var w wirePortfolio
		dec := json.NewDecoder(bytes.NewReader(p))
		dec.UseNumber()
		if err := dec.Decode(&w); err != nil {
			t.Fatal(err)
		}
		kinds["energy"] += len(w.EnergyContracts)
		kinds["service"] += len(w.ServiceContracts)
		kinds["flex"] += len(w.FlexibilityContracts)
		for _, c := range slices.Concat(w.EnergyContracts, w.ServiceContracts) {
			names[c.Name] = true
			if c.ValidTo != nil && !tm(*c.ValidTo).After(tm(c.ValidFrom)) {
				t.Errorf("contract %s ends before it starts", c.ID)
			}
			if c.CancelTime != nil && !tm(*c.CancelTime).After(tm(c.ValidFrom)) {
				t.Errorf("contract %s cancelled before it starts", c.ID)
			}
			if tm(c.Created).After(today) || c.SignedTime != nil && tm(*c.SignedTime).After(today) {
				t.Errorf("contract %s signed in the future", c.ID)
			}
		}
		for _, f := range w.FlexibilityContracts {
			names[f.Name] = true
			between("ReservationFee", f.ReservationFee, "5", "60")
			between("ActivationFeeWorkdays", f.ActivationFeeWorkdays, "0.5", "15")
			between("ActivationFeeNonWorkdays", f.ActivationFeeNonWorkdays, "0.5", "15")
			between("MaxPowerPrActivation", f.MaxPowerPrActivation, "2", "250")
			between("Tolerance", f.Tolerance, "2", "10")
			if d(f.ActivationFeeNonWorkdays) < d(f.ActivationFeeWorkdays) {
				t.Errorf("%s: non-workday fee below the workday fee", f.ID)
			}
			if f.MaxAllowedActivationTime <= 0 || f.MininumTimeBetweenActivation <= 0 || f.MaxNumOfActivationPrTimeInterval < 1 {
				t.Errorf("%s: limits %+v", f.ID, f)
			}
			if f.MinNormalTemperature != nil {
				thermal++
				between("MinNormalTemperature", *f.MinNormalTemperature, "18", "24")
				between("MaxNormalTemperature", *f.MaxNormalTemperature, "18", "24")
				if d(*f.MinNormalTemperature) >= d(*f.MaxNormalTemperature) ||
					d(*f.MaxRampUpTemperature) <= d(*f.MaxNormalTemperature) ||
					d(*f.MinRamDownTemperature) >= d(*f.MinNormalTemperature) {
					t.Errorf("%s: temperatures out of order", f.ID)
				}
			}
		}
	}
	if kinds["energy"] == 0 || kinds["service"] == 0 || kinds["flex"] == 0 || thermal == 0 {
		t.Errorf("kinds %v, %d heat pump contracts", kinds, thermal)
	}
	for _, n := range []string{"PV-Einspeisung Dach Nord", "Wärmepumpe Flex", "Batteriespeicher Regelenergie", "Wartungsvertrag PV"} {
		if !names[n] {
			t.Errorf("no contract named %q", n)
		}
	}
}

func tm(n netTime) time.Time { return time.Time(n) }

func TestServe(t *testing.T) {
	s := New(Options{Seed: 1, Customers: 6, Token: "tok"})
	ids := s.CustomerIDs()
	for i, id := range ids {
		r := get(t, s, "/api/customers/"+id+"/prosumercontracts", "tok")
		want, _ := s.Payload(id)
		if r.StatusCode != 200 || !bytes.Equal(body(t, r), want) {
			t.Fatalf("customer %s: %d", id, r.StatusCode)
		}
		wantCT := "application/json; charset=utf-8"
		if i%3 == 2 {
			wantCT = "text/json; charset=utf-8"
		}
		if ct := r.Header.Get("Content-Type"); ct != wantCT {
			t.Errorf("customer #%d: Content-Type %q, want %q", i, ct, wantCT)
		}
	}
	for _, tt := range []struct {
		path, token string
		status      int
		message     string
	}{
		{"/api/customers/" + ids[0] + "/prosumercontracts", "", 401, "Authorization has been denied for this request."},
		{"/api/customers/" + ids[0] + "/prosumercontracts", "wrong", 401, "Authorization has been denied for this request."},
		{"/api/customers/nobody/prosumercontracts", "tok", 404, "No customer found with id 'nobody'."},
	} {
		r := get(t, s, tt.path, tt.token)
		var m struct{ Message string }
		if err := json.Unmarshal(body(t, r), &m); err != nil || r.StatusCode != tt.status || m.Message != tt.message {
			t.Errorf("%s (token %q): %d %q, want %d %q", tt.path, tt.token, r.StatusCode, m.Message, tt.status, tt.message)
		}
	}
	if r := get(t, New(Options{Seed: 1, Customers: 1}), "/api/customers/"+New(Options{Seed: 1, Customers: 1}).CustomerIDs()[0]+"/prosumercontracts", ""); r.StatusCode != 200 {
		t.Errorf("no token configured: %d, want 200 without auth", r.StatusCode)
	}
	if n := s.Requests(); n != 9 {
		t.Errorf("Requests() = %d, want 9", n)
	}
	if _, ok := s.Payload("nobody"); ok {
		t.Error("Payload of an unknown customer")
	}
}

func TestFaults(t *testing.T) {
	s := New(Options{Seed: 1, Customers: 6})
	id := s.CustomerIDs()[0]
	path := "/api/customers/" + id + "/prosumercontracts"

	s.SetFaults(simfault.Faults{Status: 503, RetryAfter: 2_000_000_000, IDs: []string{id}})
	r := get(t, s, path, "")
	if r.StatusCode != 503 || r.Header.Get("Retry-After") != "2" || !strings.Contains(string(body(t, r)), `"Message"`) {
		t.Errorf("status fault: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r := get(t, s, "/api/customers/"+s.CustomerIDs()[1]+"/prosumercontracts", ""); r.StatusCode != 200 {
		t.Errorf("fault for another customer applied: %d", r.StatusCode)
	}

	// Find a customer with a flexibility contract for the wrong type.
	var flexID string
	for _, c := range s.CustomerIDs() {
		if p, _ := s.Payload(c); bytes.Contains(p, []byte(`"ReservationFee":`)) {
			flexID = c
			break
		}
	}
	s.SetFaults(simfault.Faults{WrongTypes: true, Extra: true})
	b := body(t, get(t, s, "/api/customers/"+flexID+"/prosumercontracts", ""))
	if !bytes.Contains(b, []byte(`"ReservationFee":"not-what-you-expect"`)) || !bytes.Contains(b, []byte(`"x_simulated_extra"`)) {
		t.Errorf("payload faults not applied: %.200s", b)
	}

	// The faults endpoint steers them from outside.
	req := httptest.NewRequest(http.MethodPost, "/_sim/faults", strings.NewReader(`{"status":500,"everyNth":2}`))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("POST /_sim/faults: %d %s", rec.Code, rec.Body)
	}
	codes := []int{get(t, s, path, "").StatusCode, get(t, s, path, "").StatusCode}
	if !slices.Equal(codes, []int{200, 500}) {
		t.Errorf("every 2nd request: %v", codes)
	}
}
