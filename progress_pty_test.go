//go:build !windows

package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/creack/pty"

	"wattfolio/sync/simulate"
)

// On a terminal, sync draws a bar per source, redrawn in place (the cursor
// moves up over the last frame), with waits printed above the bars; the
// last frame shows every source done, and the summary goes to stdout as
// without a terminal.
func TestSyncDrawsBarsOnATerminal(t *testing.T) {
	f := newFixtureWith(t, simulate.Options{Seed: 8, EnneoContracts: 60}, otarkLimitedOnce)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(tty, &pty.Winsize{Rows: 30, Cols: 140}); err != nil {
		t.Fatal(err)
	}
	var screen bytes.Buffer
	read := make(chan struct{})
	go func() {
		io.Copy(&screen, ptmx)
		close(read)
	}()
	var stdout bytes.Buffer
	code := run(context.Background(), []string{"sync", "--config", f.config, "--db", f.db}, &stdout, tty)
	tty.Close()
	<-read
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), screen.String())
	}
	out := screen.String()
	if !strings.Contains(out, "\x1b[5A\x1b[J") {
		t.Errorf("the bars of 5 sources are not redrawn in place:\n%q", out)
	}
	if !strings.Contains(out, "demo-otark: 429, waiting 1.0 s (attempt 2)") {
		t.Errorf("the wait is not printed above the bars:\n%q", out)
	}
	frames := strings.Split(out, "\x1b[5A\x1b[J")
	last := frames[len(frames)-1]
	done := map[string]bool{}
	for _, line := range strings.Split(last, "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		done[name] = strings.Contains(line, "] done: ")
	}
	for _, src := range []string{"demo-enneo", "demo-epilot", "demo-prosumer", "demo-otark", "demo-podero"} {
		if !done[src] {
			t.Errorf("the last frame does not show %s done:\n%s", src, last)
		}
	}
	if strings.Contains(out, "SOURCE") || !strings.HasPrefix(stdout.String(), "SOURCE") {
		t.Errorf("the summary is not on stdout alone:\n%s", stdout.String())
	}
}
