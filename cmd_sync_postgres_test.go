package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"wattfolio/db/block"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/simulate"
	"wattfolio/sync/vendors/enneo/enneosim"
)

// 'wattfolio sync --db postgres://…' syncs every source's contracts and
// epilot's time series into the team's book (exit 0); a second sync finds
// the book current: it removes nothing and rewrites no block.
func TestSyncIntoPostgresThroughTheCLI(t *testing.T) {
	f := newFixture(t, simulate.Options{})
	url := pgtest.URL(t)
	s, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var first []pgstore.Block
	for round := 1; round <= 2; round++ {
		code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", url)
		if code != 0 {
			t.Fatalf("round %d: exit code %d, want 0\nstdout:\n%s\nstderr:\n%s", round, code, stdout, stderr)
		}
		if !summaryHas(stdout, "demo-enneo", "ok", "300") || !summaryHas(stdout, "demo-otark", "ok", "30") || !summaryHas(stdout, "demo-epilot", "ok") {
			t.Errorf("round %d: summary lacks the sources synced:\n%s", round, stdout)
		}
		blocks, err := s.Blocks(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if round == 1 {
			first = blocks
			continue
		}
		if len(blocks) == 0 || !slices.EqualFunc(blocks, first, func(a, b pgstore.Block) bool {
			return a.Meter == b.Meter && a.SpanStart == b.SpanStart && a.Rev == b.Rev && bytes.Equal(a.Data, b.Data)
		}) {
			t.Errorf("the second, unchanged sync rewrote blocks (%d blocks, %d before)", len(blocks), len(first))
		}
	}
	cs, err := s.Contracts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bySource := map[string]int{}
	for _, c := range cs {
		if c.Removed {
			t.Errorf("contract %s/%s marked removed after two identical syncs", c.Source, c.ExternalID)
		}
		bySource[c.Source]++
	}
	if bySource["demo-enneo"] != 300 || bySource["demo-otark"] != 30 {
		t.Errorf("contracts in the book by source = %v, want 300 of enneo and 30 of otark among them", bySource)
	}
	streams, err := s.Streams(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range streams {
		if !st.Watermark.Valid {
			t.Errorf("stream %s/%s has no watermark after a complete sync", st.Meter, st.Measure)
		}
	}
	if n, err := s.CountReadings(context.Background()); err != nil || n == 0 || len(streams) == 0 {
		t.Errorf("%d readings in %d streams, %v; want epilot's series", n, len(streams), err)
	}
}

// A book that cannot be reached fails the command (exit 1), naming where
// without the password.
func TestSyncIntoUnreachablePostgres(t *testing.T) {
	f := newFixture(t, simulate.Options{})
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", "postgres://team:s3cret@127.0.0.1:1/book?connect_timeout=5")
	if code != exitFailed || !strings.Contains(stderr, "team@127.0.0.1:1/book") || strings.Contains(stdout+stderr, "s3cret") {
		t.Fatalf("exit code %d, want %d with where but not the password:\nstdout:\n%s\nstderr:\n%s", code, exitFailed, stdout, stderr)
	}
}

// A sync into the book killed mid-way (SIGKILL: no deferred code runs)
// leaves the book as it was plus whole pages, its advisory lock released
// with its connection; the next sync marks the cut-off run interrupted,
// resumes after its last page and completes.
func TestKilledSyncIntoPostgresResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	ctx := context.Background()
	f := newFixture(t, simulate.Options{Seed: 11, EnneoContracts: 300})
	url := pgtest.URL(t)
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", url); code != 0 {
		t.Fatalf("first sync: exit %d\n%s", code, stderr)
	}
	book, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	before, err := book.Contracts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	f.up.Enneo.SetFaults(enneosim.Faults{Delay: 40 * time.Millisecond})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WATTFOLIO_TEST_ARGS="+strings.Join([]string{"sync", "--config", f.config, "--db", url}, "\x1f"))
	var childErr bytes.Buffer
	cmd.Stderr = &childErr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once its enneo run has committed at least one page.
	killed := int64(0)
	for deadline := time.Now().Add(60 * time.Second); killed == 0; time.Sleep(20 * time.Millisecond) {
		runs, err := book.Runs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.SourceName == "demo-enneo" && r.Status == "running" && r.Fetched >= 50 {
				killed = r.ID
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("child never got going:\n%s", childErr.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	after, err := book.Contracts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("%d contracts after the kill, want the %d of the last complete sync", len(after), len(before))
	}

	f.up.Enneo.SetFaults(enneosim.Faults{})
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", url)
	if code != 0 || !summaryHas(stdout, "demo-enneo", "ok") || !strings.Contains(stdout, "resumed") {
		t.Fatalf("sync after the kill: exit %d\n%s\n%s", code, stdout, stderr)
	}
	runs, err := book.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.ID == killed && r.Status != "interrupted" {
			t.Errorf("the killed run %d is %q, want interrupted", r.ID, r.Status)
		}
	}
}

// A sync of time series into the book SIGKILLed mid-series, again and
// again, on the arrival of an epilot series window (the child may hold a
// write transaction, or have fetched answers no watermark covers yet):
// after each kill every reading the book holds is one an uninterrupted sync
// stores, and every reading before a stream's watermark is there; the sync
// after the last kill ends with the blocks, rollups and watermarks of one
// uninterrupted sync, and the killed runs are marked interrupted.
func TestKilledSeriesSyncIntoPostgresResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	ctx := context.Background()
	opts := simulate.Options{Seed: 5, EnneoContracts: 60, EpilotMeters: 4}
	opts.EpilotTo = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	opts.EpilotFrom = opts.EpilotTo.AddDate(0, 0, -90) // over the autumn DST change
	bin := buildWattfolio(t)

	// The reference: one uninterrupted sync, in a child like the others.
	refSwitch := &killSwitch{binary: bin}
	ref := newFixtureWith(t, opts, refSwitch.wrap)
	refURL := pgtest.URL(t)
	first := refSwitch.run(t, ref.config, refURL, 0, false, 0)
	refBook, err := pgstore.Open(ctx, refURL)
	if err != nil {
		t.Fatal(err)
	}
	defer refBook.Close()
	want, _ := postgresSuite{refBook}.seriesSnapshot(t)
	wantReadings := readingsBySeries(want)
	t.Logf("uninterrupted sync: %d series windows, %d blocks, %s", first.windows, len(want.Blocks), first.took.Round(time.Millisecond))

	k := &killSwitch{binary: bin}
	f := newFixtureWith(t, opts, k.wrap)
	url := pgtest.URL(t)
	book, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	kills := 0
	for i, at := range []int{first.windows / 5, first.windows / 4, first.windows / 3, 3} {
		res := k.run(t, f.config, url, max(at, 1), true, 0)
		if !res.killed {
			t.Logf("run %d finished before series window %d", i+1, at)
			break
		}
		kills++
		got, _ := postgresSuite{book}.seriesSnapshot(t)
		checkSeriesCovered(t, fmt.Sprintf("kill %d (series window %d)", kills, at), got, wantReadings)
	}
	if kills == 0 {
		t.Fatal("no run was killed mid-series")
	}
	if res := k.run(t, f.config, url, 0, false, 0); !strings.Contains(res.out, "resumed") && kills > 0 {
		t.Logf("the sync after the kills:\n%s", res.out)
	}
	got, _ := postgresSuite{book}.seriesSnapshot(t)
	if d := firstSeriesDiff(seriesStep{Series: got}, seriesStep{Series: want}); d != "" {
		t.Errorf("after %d kills the next sync ends with other series than an uninterrupted one: %s", kills, d)
	}
	runs, err := book.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	interrupted := 0
	for _, r := range runs {
		if r.SourceName == "demo-epilot" && r.Status == "interrupted" {
			interrupted++
		}
	}
	if interrupted != kills {
		t.Errorf("%d epilot runs marked interrupted after %d kills", interrupted, kills)
	}
	t.Logf("%d kills mid-series; the book then equals the uninterrupted sync's", kills)
}

// readingsBySeries is each series' readings by instant ("source/meter/
// measure/channel" → TS → reading).
func readingsBySeries(st seriesState) map[string]map[int64]block.Reading {
	out := map[string]map[int64]block.Reading{}
	for k, rs := range st.Blocks {
		s := k[:strings.LastIndex(k, "@")]
		if out[s] == nil {
			out[s] = map[int64]block.Reading{}
		}
		for _, r := range rs {
			out[s][r.TS] = r
		}
	}
	return out
}

// checkSeriesCovered holds a killed book to the reference: every reading
// it holds is the reference's, and it holds every reading of the
// reference before its stream's watermark.
func checkSeriesCovered(t *testing.T, when string, got seriesState, want map[string]map[int64]block.Reading) {
	t.Helper()
	have := readingsBySeries(got)
	for s, rs := range have {
		for ts, r := range rs {
			if w, ok := want[s][ts]; !ok || w != r {
				t.Fatalf("%s: series %s holds a reading at %d (%+v) an uninterrupted sync does not (%+v)", when, s, ts, r, w)
			}
		}
	}
	for s, rs := range want {
		stream := s[:strings.LastIndex(s, "/")]
		line, ok := got.Streams[stream]
		if !ok {
			continue // not reached before the kill
		}
		f := strings.Fields(line)
		if f[len(f)-1] == "-" {
			continue
		}
		mark, err := time.Parse(time.RFC3339, f[len(f)-1])
		if err != nil {
			t.Fatal(err)
		}
		for ts := range rs {
			if _, ok := have[s][ts]; !ok && ts < mark.Unix() {
				t.Fatalf("%s: series %s lacks the reading at %s, before its watermark %s", when, s, time.Unix(ts, 0).UTC(), mark)
			}
		}
	}
}
