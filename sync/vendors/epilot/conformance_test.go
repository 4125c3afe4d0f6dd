package epilot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"wattfolio/app/series"
	"wattfolio/internal/simfault"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
)

// The vendor's schema (testdata/openapi/README.md says where each part
// comes from). Formats are checked: a meter _id that is not a uuid or a
// timestamp that is not a date-time is a failure, not a string.
func loadSpec(t *testing.T, serverURL string) (*openapi3.T, routers.Router) {
	t.Helper()
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
	doc, err := openapi3.NewLoader().LoadFromFile("testdata/openapi/portal-api.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableSchemaFormatValidation()); err != nil {
		t.Fatalf("the spec itself: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: serverURL}}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, r
}

// conformer sits between the connector and the simulator and checks every
// request and every answer against the spec.
type conformer struct {
	t      *testing.T
	doc    *openapi3.T
	router routers.Router
	next   http.Handler
	base   *url.URL

	mu       sync.Mutex
	failures []string
	seen     map[string]int // "operationId status" → answers
}

// undocumented are answers the simulator gives that the spec names no
// status for; their bodies must still be the spec's ErrorResp. The spec
// says "not all intervals have to be supported" without saying how a
// refusal looks (the simulator answers 400, as a validation error), and
// API-NOTES records the platform's 429 with Retry-After.
var undocumented = map[int]bool{http.StatusBadRequest: true, http.StatusTooManyRequests: true}

func (c *conformer) fail(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.failures) < 40 {
		c.failures = append(c.failures, fmt.Sprintf(format, args...))
	}
}

func (c *conformer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rr := r.Clone(ctx)
	rr.URL.Scheme, rr.URL.Host = c.base.Scheme, c.base.Host
	rr.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := c.router.FindRoute(rr)
	if err != nil {
		c.fail("%s %s: no such operation in the spec: %v", r.Method, r.URL.Path, err)
		c.next.ServeHTTP(w, r)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: rr, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: bearerOnly, SchemaValidationOptions: brief}}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && !c.meantBad(r) {
		c.fail("request %s %s: %v", r.Method, r.URL.RequestURI(), err)
	}
	rec := httptest.NewRecorder()
	c.next.ServeHTTP(rec, r)
	res := rec.Result()
	resBody := rec.Body.Bytes()
	op := route.Operation.OperationID
	c.mu.Lock()
	c.seen[fmt.Sprintf("%s %d", op, res.StatusCode)]++
	c.mu.Unlock()
	switch {
	case undocumented[res.StatusCode]:
		c.checkErrorResp(op, res.StatusCode, resBody)
	default:
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
			Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, SchemaValidationOptions: brief}}
		out.SetBodyBytes(resBody)
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			c.fail("answer %d to %s %s: %v", res.StatusCode, r.Method, r.URL.RequestURI(), clipErr(err))
		}
	}
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	w.Write(resBody)
}

// meantBad is whether the test sent the request wrong on purpose (a
// missing token), to see the simulator's answer to it.
func (c *conformer) meantBad(r *http.Request) bool { return r.Header.Get("X-Test-Bad") != "" }

func (c *conformer) checkErrorResp(op string, status int, body []byte) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		c.fail("%s %d: not JSON: %.80q", op, status, body)
		return
	}
	if err := c.doc.Components.Schemas["ErrorResp"].Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.EnableFormatValidation()); err != nil {
		c.fail("%s %d: not an ErrorResp: %v", op, status, err)
	}
}

// brief keeps a failure to the error, without the schema it broke.
var brief = []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()}

func bearerOnly(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
		return fmt.Errorf("no bearer token")
	}
	return nil
}

func clipErr(err error) string {
	s := err.Error()
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}

func newConformer(t *testing.T, o epilotsim.Options) (*conformer, *epilotsim.Server, *httptest.Server) {
	t.Helper()
	o.Token = token
	sim := epilotsim.New(o)
	c := &conformer{t: t, next: sim, seen: map[string]int{}}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	c.base, _ = url.Parse(srv.URL)
	c.doc, c.router = loadSpec(t, srv.URL)
	return c, sim, srv
}

// Every endpoint the connector uses, and the simulator's error answers,
// hold to the vendor's published schema: requests as the connector sends
// them, answers as the simulator gives them.
//
// In both deployments the simulator offers: the current one and an older
// one without visualization metadata (whose 404 is in the spec, and whose
// intervals the connector probes).
func TestSimulatorConformsToVendorSchema(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(map[bool]string{false: "current", true: "older"}[legacy], func(t *testing.T) { conforms(t, legacy) })
	}
}

func conforms(t *testing.T, legacy bool) {
	loc := berlin(t)
	from, to := day(loc, "2026-03-27"), day(loc, "2026-03-31") // across the spring DST change
	c, sim, srv := newConformer(t, epilotsim.Options{Seed: 7, Meters: 10, From: from, To: to, Legacy: legacy})
	ctx := context.Background()
	client, err := epilot.New(epilot.Config{Source: "ep", BaseURL: srv.URL, Token: token, Retries: -1, PageSize: 3,
		Now: func() time.Time { return to.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}

	// The connector's own path: token, contract pages, contract details,
	// metadata, then every measure of every meter at the finest interval
	// and again from a stored P1D series.
	var listed []series.Meter
	if err := client.Contracts(ctx, "", func(p engine.Page) error { listed = append(listed, p.Meters...); return nil }); err != nil {
		t.Fatal(err)
	}
	meters, fails, err := client.Meters(ctx, listed)
	if err != nil || len(fails) > 0 || len(meters) != 10 {
		t.Fatalf("meters: %d, failures %v, err %v", len(meters), fails, err)
	}
	for _, m := range meters {
		for _, measure := range []series.Measure{series.Consumption, series.Price, series.Cost} {
			for _, st := range []series.State{{}, {Interval: series.P1D}} {
				if err := client.Readings(ctx, m, measure, st, func(series.Batch) error { return nil }); err != nil {
					t.Fatalf("%s %s from %v: %v", m.ExternalID, measure, st, err)
				}
			}
		}
	}

	// The error answers the connector meets, asked for directly.
	meter := sim.MeterIDs()[0]
	ce := `[{"entity_id":"` + meter + `","entity_schema":"meter"}]`
	unknown := `[{"entity_id":"00000000-0000-4000-8000-000000000000","entity_schema":"meter"}]`
	series := func(ent, iv string) string {
		return "extensionId=x&app_id=y&interval=" + iv + "&from=" + url.QueryEscape(from.UTC().Format(time.RFC3339)) +
			"&to=" + url.QueryEscape(from.UTC().Add(24*time.Hour).Format(time.RFC3339)) + "&context_entities=" + url.QueryEscape(ent) +
			"&meter_id=" + strings.Split(ent, `"`)[3]
	}
	get := func(method, path, query string, bad bool) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path+"?"+query, nil)
		if bad {
			req.Header.Set("X-Test-Bad", "1")
			req.Header.Set("Authorization", "Bearer wrong")
		} else {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	for _, p := range []string{"/v2/portal/consumption", "/v2/portal/prices", "/v2/portal/costs"} {
		get("GET", p, series(ce, "PT1H"), true)       // 401
		get("GET", p, series(unknown, "PT1H"), false) // 404
		get("GET", p, series(ce, "P1M"), false)       // 400: interval not served
	}
	get("GET", "/v2/portal/visualization/metadata", "app_id=y&extensionId=x&context_entities="+url.QueryEscape(unknown), false)
	get("GET", "/v2/portal/visualization/metadata", "app_id=y&extensionId=x&context_entities="+url.QueryEscape(ce), true)
	get("GET", "/v2/portal/contract/00000000-0000-4000-8000-000000000000", "", false)
	get("GET", "/v2/portal/contract", "", true)
	get("GET", "/v2/portal/contract", "", false) // the default page size
	get("POST", "/v2/portal/token/validate", "", true)
	sim.SetFaults(simfault.Faults{Status: http.StatusInternalServerError})
	get("GET", "/v2/portal/contract", "from=0&size=3", false)
	get("GET", "/v2/portal/consumption", series(ce, "PT1H"), false)
	get("POST", "/v2/portal/token/validate", "", false)
	sim.SetFaults(simfault.Faults{Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	get("GET", "/v2/portal/prices", series(ce, "PT1H"), false)
	sim.SetFaults(simfault.Faults{})

	c.mu.Lock()
	defer c.mu.Unlock()
	metadata := []string{"getVisualizationMetadata 200", "getVisualizationMetadata 401", "getVisualizationMetadata 404"}
	if legacy {
		metadata = []string{"getVisualizationMetadata 404"}
		if n := c.seen["getVisualizationMetadata 200"] + c.seen["getVisualizationMetadata 401"]; n != 0 {
			t.Errorf("an older deployment answered metadata %d times", n)
		}
	}
	for _, want := range append(metadata,
		"validateToken 204", "validateToken 401", "validateToken 500",
		"getAllContracts 200", "getAllContracts 401", "getAllContracts 500",
		"getContract 200", "getContract 404",
		"getConsumption 200", "getConsumption 400", "getConsumption 401", "getConsumption 404", "getConsumption 500",
		"getPrices 200", "getPrices 400", "getPrices 401", "getPrices 404", "getPrices 429",
		"getCosts 200", "getCosts 400", "getCosts 401", "getCosts 404",
	) {
		if c.seen[want] == 0 {
			t.Errorf("never checked: %s", want)
		}
	}
	t.Logf("answers checked: %v", c.seen)
	for _, f := range c.failures {
		t.Error(f)
	}
}

// The golden payloads the mapping is tested on are answers the vendor
// could give: each validates as its operation's 200.
func TestGoldenPayloadsConformToVendorSchema(t *testing.T) {
	_, router := loadSpec(t, "http://portal.test")
	for _, tc := range []struct{ file, target string }{
		{"contract.json", "/v2/portal/contract/c0a1e500-7e57-4d1c-9a00-000000000000"},
		{"consumption.json", "/v2/portal/consumption"},
		{"prices.json", "/v2/portal/prices"},
		{"costs.json", "/v2/portal/costs"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "http://portal.test"+tc.target, nil)
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatal(err)
			}
			out := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
				Status:                 http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
				Options: &openapi3filter.Options{MultiError: true, SchemaValidationOptions: brief},
			}
			out.SetBodyBytes(body)
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Error(clipErr(err))
			}
		})
	}
}
