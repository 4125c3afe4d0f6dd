package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/cupwriter"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"wattfolio/sync/engine"
)

// progressView shows a running sync to the person who started it, on
// stderr: told of every change by the engine, closed when the sync ends
// (before the summary is printed).
type progressView interface {
	engine.Reporter
	// log is where log lines go while the view is open, so that they do
	// not tear the bars apart.
	log() io.Writer
	close()
}

// newProgressView returns bars on a terminal and plain lines otherwise (a
// file, a pipe, a CI log).
func newProgressView(w io.Writer, sources []engine.Source) progressView {
	inner := w
	if lw, ok := w.(*lockedWriter); ok {
		inner = lw.w
	}
	// A terminal that does not know its size (some CI consoles) gets
	// lines: bars need columns to fit in.
	if f, ok := inner.(*os.File); ok && hasSize(f) {
		// The bars go through w, which keeps writes whole, and take the
		// terminal's width from f.
		cw := cupwriter.New(w, true)
		cw.SetTermFd(int(f.Fd()))
		return newBarView(cw, sources)
	}
	return &lineView{w: w, every: 3 * time.Second, last: map[string]lineMark{}, lastWait: map[string]time.Time{}}
}

func hasSize(f *os.File) bool {
	w, h, err := term.GetSize(int(f.Fd()))
	return err == nil && w > 0 && h > 0
}

// showWait reports whether a wait is worth a line: one a person notices
// always, short backoffs (which come in bursts from parallel requests) once
// a second per source. last holds when each source's last wait was shown.
func showWait(w engine.Wait, last map[string]time.Time, now time.Time) bool {
	if w.For < time.Second && now.Sub(last[w.Source]) < time.Second {
		return false
	}
	last[w.Source] = now
	return true
}

// lineView writes plain lines: every wait, and a source's progress when its
// phase changes or every few seconds, never the final state (the summary
// table says it).
type lineView struct {
	mu       sync.Mutex
	w        io.Writer
	every    time.Duration
	last     map[string]lineMark
	lastWait map[string]time.Time
}

type lineMark struct {
	at    time.Time
	phase engine.Phase
}

func (l *lineView) Report(s engine.Status) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if s.Wait != nil {
		if showWait(*s.Wait, l.lastWait, now) {
			fmt.Fprintln(l.w, s.Wait)
		}
		return
	}
	m, seen := l.last[s.Source]
	switch {
	case s.Final():
		return
	case !seen && s.Pages == 0 && (s.Phase == engine.PhaseQueued || s.Phase == engine.PhaseContracts):
		return // nothing to say yet
	case seen && m.phase == s.Phase && now.Sub(m.at) < l.every:
		return
	}
	l.last[s.Source] = lineMark{at: now, phase: s.Phase}
	fmt.Fprintf(l.w, "%s: %s\n", s.Source, describeStatus(s, now))
}

func (l *lineView) log() io.Writer { return l.w }
func (l *lineView) close()         {}

// barView draws a bar per source with its phase and counts, redrawn a few
// times a second by mpb, which handles several bars at once and prints
// lines above them (waits, log lines) without tearing them. The bar fills
// as meters' readings complete; a source without meters fills when done.
type barView struct {
	p        *mpb.Progress
	mu       sync.Mutex
	status   map[string]engine.Status
	bars     map[string]*mpb.Bar
	lastWait map[string]time.Time
}

func newBarView(cw *cupwriter.Writer, sources []engine.Source) *barView {
	b := &barView{
		p:        mpb.New(mpb.WithConsoleWriter(cw), mpb.WithWidth(20), mpb.WithRefreshRate(200*time.Millisecond)),
		status:   map[string]engine.Status{},
		bars:     map[string]*mpb.Bar{},
		lastWait: map[string]time.Time{},
	}
	for _, src := range sources {
		name := src.Name
		b.status[name] = engine.Status{Source: name, Phase: engine.PhaseQueued}
		b.bars[name] = b.p.New(0, mpb.BarStyle(),
			mpb.PrependDecorators(decor.Name(name, decor.WCSyncSpaceR)),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
				b.mu.Lock()
				s := b.status[name]
				b.mu.Unlock()
				return describeStatus(s, time.Now())
			})))
	}
	return b
}

func (b *barView) Report(s engine.Status) {
	b.mu.Lock()
	bar, ok := b.bars[s.Source]
	b.status[s.Source] = s
	wait := s.Wait != nil && showWait(*s.Wait, b.lastWait, time.Now())
	b.mu.Unlock()
	if !ok {
		return
	}
	if wait {
		fmt.Fprintln(b.p, s.Wait)
	}
	switch {
	case s.Phase == engine.PhaseFailed:
		bar.Abort(false)
	case s.Phase == engine.PhaseDone:
		bar.SetTotal(max(int64(s.MetersOf), 1), true)
	case s.MetersOf > 0:
		bar.SetTotal(int64(s.MetersOf), false)
		bar.SetCurrent(int64(s.Meters))
	}
}

func (b *barView) log() io.Writer { return b.p }

// close ends the bars still running (a sync that stopped early) and waits
// for the last drawing.
func (b *barView) close() {
	for _, bar := range b.bars {
		bar.Abort(false)
	}
	b.p.Wait()
}

// describeStatus says where a source stands, e.g. "readings: 3 of 10
// meters, 45210 readings, 12 contracts" or "contracts: 120 stored (3
// pages); 429, waiting 12 s (attempt 2)".
func describeStatus(s engine.Status, now time.Time) string {
	var b strings.Builder
	switch s.Phase {
	case engine.PhaseQueued:
		b.WriteString("waiting for its turn")
	case engine.PhaseContracts:
		fmt.Fprintf(&b, "contracts: %d stored", s.Contracts)
		if s.Pages > 0 {
			fmt.Fprintf(&b, " (%s)", plural(s.Pages, "page", "pages"))
		}
	case engine.PhaseMeters:
		fmt.Fprintf(&b, "listing meters; %s stored", plural(s.Contracts, "contract", "contracts"))
	case engine.PhaseReadings:
		fmt.Fprintf(&b, "readings: %d of %d meters, %s, %s", s.Meters, s.MetersOf,
			plural(s.Readings, "reading", "readings"), plural(s.Contracts, "contract", "contracts"))
	case engine.PhaseDone:
		fmt.Fprintf(&b, "done: %s", plural(s.Contracts, "contract", "contracts"))
		if s.MetersOf > 0 {
			fmt.Fprintf(&b, ", %s of %s", plural(s.Readings, "reading", "readings"), plural(s.MetersOf, "meter", "meters"))
		}
	case engine.PhaseFailed:
		return "failed: " + strings.TrimPrefix(s.Err, s.Source+": ")
	}
	if s.Rejected > 0 {
		fmt.Fprintf(&b, ", %d rejected", s.Rejected)
	}
	if s.Missing > 0 {
		fmt.Fprintf(&b, ", %d not fetched", s.Missing)
	}
	if w, ok := s.Waiting(now); ok {
		b.WriteString("; " + strings.TrimPrefix(w.String(), w.Source+": "))
	}
	return b.String()
}

// withLogTo points the default logger at w while a progress view is open
// and returns what restores it.
func withLogTo(w io.Writer) (restore func()) {
	old := slog.Default()
	slog.SetDefault(newLogger(w))
	return func() { slog.SetDefault(old) }
}
