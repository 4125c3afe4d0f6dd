package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"testing"
	"time"
)

// TestMeterPageStaysTheSame renders the meter page's views and CSV download
// of a meter synced from the simulated epilot, as BenchmarkMeterPage times
// them, and compares their SHA-256 with the text they had before the read
// path was made faster: the speed-ups must not change a byte.
// WATTFOLIO_GOLDEN_OUT=dir writes the bodies, to diff a change against.
func TestMeterPageStaysTheSame(t *testing.T) {
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	h := syncedMeter(t, to.AddDate(0, -4, 0), to)
	for _, c := range []struct{ name, url string }{
		{"hour-93-days", "/meters/1?from=2026-07-01&to=2026-10-02&res=hour"},
		{"native-31-days", "/meters/1?from=2026-10-02&to=2026-11-01&res=native"},
		{"day-dst", "/meters/1?from=2026-07-01&to=2026-11-01&res=day"},
		{"month", "/meters/1?from=2026-01-01&to=2026-11-01&res=month"},
		{"csv-native", "/meters/1/readings.csv?from=2026-07-01&to=2026-11-01&res=native"},
		{"csv-hour", "/meters/1/readings.csv?from=2026-07-01&to=2026-11-01&res=hour"},
	} {
		resp, body := do(t, h, http.MethodGet, c.url)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", c.url, resp.StatusCode)
		}
		if dir := os.Getenv("WATTFOLIO_GOLDEN_OUT"); dir != "" {
			if err := os.WriteFile(dir+"/"+c.name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		sum := sha256.Sum256([]byte(body))
		if got := hex.EncodeToString(sum[:]); got != goldenPages[c.name] {
			t.Errorf("%s changed: sha256 %s, want %s", c.url, got, goldenPages[c.name])
		}
	}
}

// goldenPages are the bodies' SHA-256 before the read path's speed-ups.
var goldenPages = map[string]string{
	"hour-93-days":   "d91f6046b20acc0cf3f669037cfdcba917614a17b2dd5af4d800fb34c0ede0c5",
	"native-31-days": "87c101014be05e4bb0f3959bbcbdf67209c98ac7c3150423522851dc830329a5",
	"day-dst":        "5f1b36ee436e7fd29924aed364ef24c91420fae9b63c19b05eb9efdb485f555f",
	"month":          "ec7738fe7308d9741ce3d9a846cc1e4ebeeac62004be04be15c8d5ca4337988b",
	"csv-native":     "fe3903e9f86fce7765b668e084e58ec953a25b3dccdbb3844045b5726c78cfaf",
	"csv-hour":       "ed7db45fa6303494c5319dd8d0278cb601b51b994630dde90cd93a0ce2f02947",
}
