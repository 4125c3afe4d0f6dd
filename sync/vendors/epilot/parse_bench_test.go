package epilot

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"wattfolio/app/series"
	"wattfolio/sync/vendors/epilot/epilotsim"
)

// BenchmarkParse is the connector's own share of a sync, without HTTP or
// the cache: a 31-day window of quarter hours of each measure, as the
// simulator renders it for a household meter with a PV feed-in channel
// and a business meter, read into a batch. It reports ns per reading.
func BenchmarkParse(b *testing.B) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 31)
	sim := epilotsim.New(epilotsim.Options{Seed: 5, Meters: 8, Token: "t", From: from, To: to})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := New(Config{Source: "ep", BaseURL: "http://portal.invalid", Token: "t"})
	if err != nil {
		b.Fatal(err)
	}
	type window struct {
		measure series.Measure
		body    []byte
	}
	var windows []window
	for _, m := range []int{0, 1} {
		for _, ep := range []struct {
			path    string
			measure series.Measure
		}{{"/v2/portal/consumption", series.Consumption}, {"/v2/portal/prices", series.Price}, {"/v2/portal/costs", series.Cost}} {
			ce, _ := json.Marshal([]map[string]string{{"entity_id": epilotsimMeterID(m), "entity_schema": "meter"}})
			q := url.Values{"extensionId": {"x"}, "app_id": {"a"}, "context_entities": {string(ce)}, "interval": {"PT15M"},
				"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}
			req, _ := http.NewRequest(http.MethodGet, srv.URL+ep.path+"?"+q.Encode(), nil)
			req.Header.Set("Authorization", "Bearer t")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			windows = append(windows, window{ep.measure, body})
		}
	}
	readings := 0
	for b.Loop() {
		readings = 0
		for _, w := range windows {
			var bt series.Batch
			if err := c.parse("m", w.measure, w.body, &bt); err != nil || len(bt.Failures) > 0 {
				b.Fatal(err, bt.Failures)
			}
			readings += len(bt.Readings)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*readings), "ns/reading")
}
