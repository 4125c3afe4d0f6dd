package loopback

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestServe(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Path)
	})
	for _, tt := range []struct {
		prefix, path string
		wantStatus   int
		wantBody     string
	}{
		{"/api/mind", "/api/mind/contract/7", 200, "/contract/7"},
		{"api/mind/", "/api/mind/contract/7", 200, "/contract/7"}, // slashes normalised
		{"/otark", "/otark/v1/contracts", 200, "/v1/contracts"},
		{"/api/mind", "/contract/7", 404, ""}, // the base path dropped
	} {
		base := Serve(t, tt.prefix, h)
		if !strings.HasSuffix(base, "/"+strings.Trim(tt.prefix, "/")) || !strings.HasPrefix(base, "http://127.0.0.1:") {
			t.Errorf("Serve(%q) = %s", tt.prefix, base)
		}
		host := strings.TrimSuffix(base, "/"+strings.Trim(tt.prefix, "/"))
		resp, err := http.Get(host + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus || tt.wantStatus == 200 && string(body) != tt.wantBody {
			t.Errorf("GET %s under %q: %d %q, want %d %q", tt.path, tt.prefix, resp.StatusCode, body, tt.wantStatus, tt.wantBody)
		}
	}
}
