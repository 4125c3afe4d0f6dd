package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/db"
	"wattfolio/sync/simulate"
)

// Without a terminal, sync tells each source's progress in plain lines on
// stderr as the phases go by, and the summary on stdout stays the table.
func TestSyncPrintsProgressLines(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 8, EnneoContracts: 120, EpilotMeters: 3})
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db)
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, stdout, stderr)
	}
	for _, re := range []string{
		`(?m)^demo-enneo: contracts: \d+ stored \(\d+ pages?\)$`,
		`(?m)^demo-epilot: listing meters; \d+ contracts? stored$`,
		`(?m)^demo-epilot: readings: \d+ of 3 meters, \d+ readings?, \d+ contracts?$`,
	} {
		if !regexp.MustCompile(re).MatchString(stderr) {
			t.Errorf("stderr lacks a line matching %s:\n%s", re, stderr)
		}
	}
	// A few lines per source, not one per page: at most one a phase plus
	// one every 3 s, and this sync takes seconds.
	for _, src := range []string{"demo-enneo", "demo-epilot", "demo-prosumer", "demo-otark", "demo-podero"} {
		if n := strings.Count(stderr, "\n"+src+": "); n > 8 {
			t.Errorf("%d progress lines for %s, want a few:\n%s", n, src, stderr)
		}
	}
	if !strings.HasPrefix(stdout, "SOURCE") {
		t.Errorf("stdout does not start with the summary table:\n%s", stdout)
	}
}

// A sync with no vendor to reach fails at once: each source in one line
// naming its address and why, no retries, the exit code of a failed source.
func TestOfflineSyncFailsFast(t *testing.T) {
	// A port that was just free refuses connections.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	for _, tc := range []struct{ name, base, cause string }{
		{"connection refused", refused, "connection refused"},
		{"no such host", "http://wattfolio-offline.invalid", "no such host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, simulate.Options{Seed: 8, EnneoContracts: 60})
			cfg, err := os.ReadFile(f.config)
			if err != nil {
				t.Fatal(err)
			}
			offline := strings.ReplaceAll(string(cfg), f.srv.URL, tc.base)
			if err := os.WriteFile(f.config, []byte(offline), 0o600); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db)
			if code != exitSourceFailed {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, exitSourceFailed, stdout, stderr)
			}
			for _, p := range []string{"/enneo/api/mind", "/epilot/portal-api", "/prosumer", "/otark", "/podero"} {
				src := "demo-" + strings.Split(p, "/")[1]
				line := fmt.Sprintf("\n%s: could not reach %s%s: %s\n", src, tc.base, p, tc.cause)
				if !strings.Contains(stderr, line) {
					t.Errorf("stderr lacks %q:\n%s", line[1:], stderr)
				}
			}
			if strings.Contains(stderr, "waiting") {
				t.Errorf("an offline sync retried:\n%s", stderr)
			}
		})
	}
}

// While the app syncs, the Sync page's progress endpoint tells each source's
// phase and counts, the other pages load, and the button is disabled. otark
// is held until the test has looked, so the sync is surely mid-run.
func TestServeShowsSyncProgress(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	f := newFixtureWith(t, simulate.Options{Seed: 8, EnneoContracts: 120}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, simulate.OtarkPrefix+"/") {
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
			}
			h.ServeHTTP(w, r)
		})
	})
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	store, err := db.Open(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	base, client := startServeWith(t, "serve", "--db", f.db, "--config", f.config, "--addr", "127.0.0.1:0")

	post, _ := http.NewRequest(http.MethodPost, base+"/sync", nil)
	post.Header.Set("Origin", base)
	post.Header.Set("Sec-Fetch-Site", "same-origin")
	if res, err := client.Do(post); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("POST /sync: %v %v", res, err)
	}

	// Mid-run: enneo moves, otark waits for its first answer.
	var doc progressDoc
	deadline := time.Now().Add(2 * time.Minute)
	for {
		doc = getProgress(t, client, base)
		enneo, otark := doc.source("demo-enneo"), doc.source("demo-otark")
		if doc.Running && enneo.Contracts > 0 && otark.Phase == "contracts" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress mid-run: %+v", doc)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if o := doc.source("demo-otark"); o.Contracts != 0 {
		t.Errorf("otark stored %d contracts while held", o.Contracts)
	}
	for path, want := range map[string]string{"/contracts": "demo-enneo", "/sync": `id="sync-progress"`, "/sync/progress": "demo-enneo", "/sync/progress.json": `"running": true`} {
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
			t.Errorf("GET %s during the sync: %d, lacks %q", path, res.StatusCode, want)
		}
		if path == "/sync" && !regexp.MustCompile(`(?s)<button[^>]*disabled`).Match(b) {
			t.Error("the sync button is not disabled during the sync")
		}
	}

	once.Do(func() { close(release) })
	for doc = getProgress(t, client, base); doc.Running; doc = getProgress(t, client, base) {
		if time.Now().After(deadline) {
			t.Fatalf("the sync did not end: %+v", doc)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, s := range doc.Sources {
		if s.Phase != "done" || s.Contracts == 0 {
			t.Errorf("after the sync %s is %s with %d contracts, want done with some", s.Source, s.Phase, s.Contracts)
		}
	}
	if len(doc.Sources) != 5 {
		t.Errorf("%d sources in the progress, want 5", len(doc.Sources))
	}
}

type progressDoc struct {
	Running bool `json:"running"`
	Sources []struct {
		Source    string `json:"source"`
		Phase     string `json:"phase"`
		Contracts int    `json:"contracts"`
	} `json:"sources"`
}

func (d progressDoc) source(name string) (s struct {
	Source    string `json:"source"`
	Phase     string `json:"phase"`
	Contracts int    `json:"contracts"`
}) {
	for _, s := range d.Sources {
		if s.Source == name {
			return s
		}
	}
	return s
}

func getProgress(t *testing.T, c *http.Client, base string) progressDoc {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/sync/progress", nil)
	req.Header.Set("Accept", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var d progressDoc
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
		t.Fatalf("GET /sync/progress: %d: %v", res.StatusCode, err)
	}
	return d
}

// startServeWith runs `wattfolio <args>` (serve) until the test ends and
// returns its base address and a client holding the launch cookie.
func startServeWith(t *testing.T, args ...string) (string, *http.Client) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- run(ctx, args, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v", err)
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`serving on ((http://[^/\s]+)/\?token=\S+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("serve printed %q", line)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return m[2], c
}
