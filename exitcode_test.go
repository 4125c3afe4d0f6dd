package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"wattfolio/app/web"
	"wattfolio/db"
	"wattfolio/internal/simfault"
	"wattfolio/sync/simulate"
	"wattfolio/sync/vendors/enneo/enneosim"
)

// A vendor asking to wait is told on stderr as it happens, not 1 s (or 90)
// of silence: the simulated otark answers its first request 429 with
// Retry-After, and the sync waits it out and completes.
func TestSyncTellsWaits(t *testing.T) {
	f := newFixtureWith(t, simulate.Options{Seed: 8, EnneoContracts: 5}, otarkLimitedOnce)
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db)
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, stdout, stderr)
	}
	const line = "demo-otark: 429, waiting 1.0 s (attempt 2)\n"
	if !strings.Contains(stderr, line) {
		t.Errorf("stderr lacks %q:\n%s", line, stderr)
	}
}

// otarkLimitedOnce answers the first otark request 429 with Retry-After: 1.
func otarkLimitedOnce(h http.Handler) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limited := false
		if strings.HasPrefix(r.URL.Path, simulate.OtarkPrefix+"/") {
			once.Do(func() { limited = true })
		}
		if limited {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Each way a sync can end has its exit code and says so in the summary.
func TestSyncExitCodes(t *testing.T) {
	probe := simulate.New(simulate.Options{Seed: 8, EnneoContracts: 30})
	ids := probe.Enneo.IDs()
	for _, tt := range []struct {
		name   string
		opts   simulate.Options
		setup  func(t *testing.T, f *fixture)
		args   func(f *fixture) []string
		code   int
		stdout []string
		stderr []string
		after  func(t *testing.T, f *fixture)
	}{
		{name: "all synced", code: 0, stdout: []string{"demo-enneo     ok"}},
		{
			name: "bad records", opts: simulate.Options{EnneoBroken: []string{ids[3]}}, code: exitRejected,
			stdout: []string{"partial"},
			stderr: []string{"demo-enneo sent records with bad data, which were rejected"},
		},
		{
			name: "an outage leaves data missing",
			setup: func(t *testing.T, f *fixture) {
				// Synced once before: what an outage keeps back is not
				// taken for contracts the vendor no longer has.
				if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
					t.Fatalf("first sync: %s", stderr)
				}
				f.up.Enneo.SetFaults(enneosim.Faults{Status: 503, IDs: ids[5:8]})
			},
			code: exitMissing,
			stdout: []string{
				"Not fetched (the vendor did not answer after retries; the next sync asks again):",
				"demo-enneo: 3 contracts (contract " + ids[5] + ", contract " + ids[6] + ", contract " + ids[7] + ")",
			},
			stderr: []string{
				"data is missing from demo-enneo: requests failed after retries",
				"demo-enneo: 503, waiting 0.2 s (attempt 2 of 3)", // the waits are told as they happen
			},
			after: func(t *testing.T, f *fixture) {
				store, err := db.OpenMode(context.Background(), f.db, db.Read)
				if err != nil {
					t.Fatal(err)
				}
				defer store.Close()
				req := httptest.NewRequest(http.MethodGet, "/sync", nil)
				req.Host = "127.0.0.1:8080"
				rec := httptest.NewRecorder()
				web.Window(handler(context.Background(), store, sourcesFile{}, testToken)).ServeHTTP(rec, req)
				if got := findContract(t, store, ids[6]); !got.RemovedAt.IsZero() {
					t.Errorf("contract %s, not fetched in an outage, was marked removed", ids[6])
				}
				page := strings.Join(strings.Fields(rec.Body.String()), " ")
				if !strings.Contains(page, "<dt>Not fetched</dt>") || !strings.Contains(page, "3 not fetched (the vendor did not answer)") {
					t.Errorf("the sync page does not show the 3 contracts not fetched:\n%s", page)
				}
			},
		},
		{
			name: "an outage leaves readings missing",
			opts: simulate.Options{EpilotMeters: 2},
			setup: func(t *testing.T, f *fixture) {
				f.up.Epilot.SetFaults(simfault.Faults{Status: 503, IDs: f.up.Epilot.MeterIDs()[1:]})
			},
			code:   exitMissing,
			stdout: []string{"demo-epilot: 1 meter's readings (meter %METER%)"},
			stderr: []string{"data is missing from demo-epilot"},
		},
		{
			name:  "a source failed",
			setup: func(t *testing.T, f *fixture) { t.Setenv(simulate.TokenEnv, "revoked-token") },
			args: func(f *fixture) []string {
				return []string{"sync", "--config", f.config, "--db", f.db, "--source", "demo-enneo"}
			},
			code:   exitSourceFailed,
			stdout: []string{"Failed:\n  demo-enneo: stopped before storing anything; the rest keeps the data of its last good sync"},
			stderr: []string{"no source synced (demo-enneo)", "401"},
		},
		{
			name:   "usage error",
			args:   func(f *fixture) []string { return []string{"sync", "--config", f.config} },
			code:   exitUsage,
			stderr: []string{"sync needs --config and --db", "5  data is missing"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.Seed, o.EnneoContracts = 8, 30
			f := newFixture(t, o)
			if tt.setup != nil {
				tt.setup(t, f)
			}
			args := []string{"sync", "--config", f.config, "--db", f.db}
			if tt.args != nil {
				args = tt.args(f)
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				s = strings.ReplaceAll(s, "%METER%", f.up.Epilot.MeterIDs()[f.up.Epilot.Meters()-1])
				if !strings.Contains(stdout, s) {
					t.Errorf("summary lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if tt.after != nil {
				tt.after(t, f)
			}
		})
	}
}

func TestHelpDocumentsExitCodes(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"sync", "--help"}} {
		_, stdout, stderr := runCLI(t, args...)
		for _, want := range []string{"2  usage error", "3  offline edits need attention", "4  records were rejected", "5  data is missing", "6  a source failed"} {
			if !strings.Contains(stdout+stderr, want) {
				t.Errorf("wattfolio %s lacks %q", strings.Join(args, " "), want)
			}
		}
	}
}

// A second sync of a cache waits for the first instead of taking its live
// run for a crashed one; the app's "Sync now" in another process says that
// a sync is running. Every run ends labelled as it went. The first sync is
// held on one enneo contract until the second has said that it waits.
func TestTwoSyncsOnOneCache(t *testing.T) {
	probe := simulate.New(simulate.Options{Seed: 9, EnneoContracts: 40})
	held := "/contract/" + probe.Enneo.IDs()[20]
	arrived, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f := newFixtureWith(t, simulate.Options{Seed: 9, EnneoContracts: 40}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, held) {
				once.Do(func() { close(arrived) })
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
			}
			h.ServeHTTP(w, r)
		})
	})
	var wg sync.WaitGroup
	var first, second struct {
		code           int
		stdout, stderr bytes.Buffer
	}
	wg.Go(func() {
		first.code = run(context.Background(), []string{"sync", "--config", f.config, "--db", f.db}, &first.stdout, &first.stderr)
	})
	<-arrived // the first sync holds the lock and waits on the held contract

	// "Sync now" of a window on the same cache.
	app, err := db.OpenMode(context.Background(), f.db, db.Auto)
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := loadSourcesFile(f.config, "")
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/sync", nil)
	req.Host = "127.0.0.1:8080"
	rec := httptest.NewRecorder()
	web.Window(handler(context.Background(), app, srcs, testToken)).ServeHTTP(rec, req)
	if body := rec.Body.String(); !strings.Contains(body, "Another Wattfolio is syncing this cache (pid ") {
		t.Errorf("Sync now during a sync in another process: %d\n%s", rec.Code, body)
	}
	// Had it started all the same, it says so too.
	err = syncer{store: app, file: srcs}.SyncAll(context.Background())
	app.Close()
	if !errors.Is(err, db.ErrSyncRunning) || !strings.Contains(err.Error(), "pid") {
		t.Errorf("Sync now during a sync: %v, want %v naming the process", err, db.ErrSyncRunning)
	}

	waiting := &signalWriter{want: "waiting for the sync of " + f.db + " that is running (pid", seen: make(chan struct{})}
	secondDone := make(chan struct{})
	wg.Go(func() {
		defer close(secondDone)
		second.code = run(context.Background(), []string{"sync", "--config", f.config, "--db", f.db}, &second.stdout, waiting)
	})
	select {
	case <-waiting.seen:
	case <-secondDone:
		t.Errorf("the second sync ran beside the first instead of waiting for it:\n%s", waiting.String())
	}
	close(release)
	wg.Wait()
	for i, o := range []struct {
		code   int
		stdout string
	}{{first.code, first.stdout.String()}, {second.code, second.stdout.String()}} {
		if o.code != 0 || strings.Contains(o.stdout, "resumed") {
			t.Errorf("sync %d: exit %d\n%s", i+1, o.code, o.stdout)
		}
	}

	raw, err := sql.Open("sqlite", "file:"+f.db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT s.name, r.status, count(*) FROM sync_runs r JOIN sources s ON s.id = r.source_id GROUP BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var source, status string
		var n int
		if err := rows.Scan(&source, &status, &n); err != nil {
			t.Fatal(err)
		}
		if status != "ok" || n != 2 {
			t.Errorf("%s: %d runs %s, want 2 ok", source, n, status)
		}
	}
}

// signalWriter closes seen once what was written holds want.
type signalWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	done bool
}

func (s *signalWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func (s *signalWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	if !s.done && strings.Contains(s.buf.String(), s.want) {
		s.done = true
		close(s.seen)
	}
	return len(p), nil
}
