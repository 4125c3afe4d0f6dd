package simfault

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestInterceptSelectsRequests(t *testing.T) {
	tests := []struct {
		name    string
		f       Faults
		ids     []string
		handled []bool
	}{
		{"healthy", Faults{}, []string{"a", "b"}, []bool{false, false}},
		{"every request", Faults{Status: 503}, []string{"a", "b"}, []bool{true, true}},
		{"every second", Faults{Status: 503, EveryNth: 2}, []string{"a", "b", "c", "d"}, []bool{false, true, false, true}},
		{"only some ids", Faults{Status: 404, IDs: []string{"b"}}, []string{"a", "b", ""}, []bool{false, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in Injector
			in.Set(tt.f)
			for i, id := range tt.ids {
				w := httptest.NewRecorder()
				_, handled := in.Intercept(w, httptest.NewRequest("GET", "/", nil), id, func(int) []byte { return []byte(`{}`) })
				if handled != tt.handled[i] {
					t.Errorf("request %d (%q): handled %v, want %v", i, id, handled, tt.handled[i])
				}
				if handled && w.Code != tt.f.Status {
					t.Errorf("request %d: status %d, want %d", i, w.Code, tt.f.Status)
				}
			}
		})
	}
}

func TestInterceptRetryAfter(t *testing.T) {
	var in Injector
	in.Set(Faults{Status: 429, RetryAfter: 2 * time.Second})
	w := httptest.NewRecorder()
	in.Intercept(w, httptest.NewRequest("GET", "/", nil), "", func(int) []byte { return nil })
	if got := w.Header().Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2", got)
	}
}

func TestAlter(t *testing.T) {
	body := []byte(`{"a":1,"items":[{"price":0.25},{"price":0.5,"x":{"price":3}}]}`)
	wrong := Alter(Faults{WrongTypes: true}, body, "price")
	if strings.Count(string(wrong), `"price":"not-what-you-expect"`) != 3 {
		t.Errorf("wrong types: %s", wrong)
	}
	if got := string(Alter(Faults{WrongTypes: true}, []byte(`{"name":"x"}`), "name")); got != `{"name":{"unexpected":"object"}}` {
		t.Errorf("a string field must change type: %s", got)
	}
	extra := Alter(Faults{Extra: true}, body, "price")
	var v map[string]any
	if err := json.Unmarshal(extra, &v); err != nil {
		t.Fatal(err)
	}
	if _, ok := v["x_simulated_extra"]; !ok || strings.Count(string(extra), "x_simulated_extra") != 4 {
		t.Errorf("extra fields: %s", extra)
	}
	if got := Alter(Faults{}, body, "price"); string(got) != string(body) {
		t.Errorf("no faults changed the body: %s", got)
	}
}

func TestFaultsOverHTTP(t *testing.T) {
	var in Injector
	srv := httptest.NewServer(&in)
	defer srv.Close()
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"status":429,"retryAfter":"3s","everyNth":2}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST: %s", resp.Status)
	}
	if f := in.Get(); f.Status != 429 || f.RetryAfter != 3*time.Second || f.EveryNth != 2 {
		t.Errorf("faults = %+v", f)
	}
	for _, bad := range []string{`{"status":7}`, `{"delay":"later"}`, `{"colour":"red"}`} {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST %s: %s, want 400", bad, resp.Status)
		}
	}
}

func TestWait(t *testing.T) {
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name     string
		ctx      context.Context
		d        time.Duration
		want     bool
		min, max time.Duration
	}{
		{"no delay", context.Background(), 0, true, 0, time.Second},
		{"delay", context.Background(), 20 * time.Millisecond, true, 20 * time.Millisecond, time.Second},
		{"no delay, client gone", gone, 0, true, 0, time.Second},
		{"client leaves during the delay", gone, time.Hour, false, 0, time.Second},
	} {
		start := time.Now()
		r := httptest.NewRequest("GET", "/", nil).WithContext(tt.ctx)
		if got := Wait(r, tt.d); got != tt.want {
			t.Errorf("%s: Wait = %v, want %v", tt.name, got, tt.want)
		}
		if took := time.Since(start); took < tt.min || took > tt.max {
			t.Errorf("%s: took %v", tt.name, took)
		}
	}
}

func TestWriteContentType(t *testing.T) {
	for _, tt := range []struct {
		contentType string
		wantHeader  []string
	}{
		{"application/json", []string{"application/json"}},
		{"text/json; charset=utf-8", []string{"text/json; charset=utf-8"}},
		{"", nil}, // none, and net/http must not sniff one
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			Write(w, http.StatusOK, tt.contentType, []byte(`{"a":1}`), false)
		}))
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if got := resp.Header.Values("Content-Type"); !slices.Equal(got, tt.wantHeader) || string(body) != `{"a":1}` {
			t.Errorf("Write(%q): Content-Type %q, body %s", tt.contentType, got, body)
		}
	}
}
