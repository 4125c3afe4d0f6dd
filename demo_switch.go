package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"wattfolio/sync/simulate"
)

// demoSwitch is the handler the window (or browser) talks to: the cache's
// own until the user opens the demo from the first launch, then the
// demo's, with the simulated vendors running in this process. A field
// manager has no terminal to run `wattfolio demo` from.
type demoSwitch struct {
	ctx   context.Context
	dir   string // where the demo cache and its sources file go
	token string
	sim   simulate.Options // the demo's simulated vendors
	cur   atomic.Pointer[http.Handler]

	mu      sync.Mutex
	running bool
	ready   bool
	err     error
}

// newDemoSwitch serves build(the switch) until the demo is opened.
func newDemoSwitch(ctx context.Context, token string, build func(*demoSwitch) http.Handler) *demoSwitch {
	d := &demoSwitch{ctx: ctx, token: token, sim: simulate.Options{Seed: 1}}
	if base, err := dataDir(); err == nil {
		d.dir = filepath.Join(base, "demo")
	}
	h := build(d)
	d.cur.Store(&h)
	return d
}

func (d *demoSwitch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*d.cur.Load()).ServeHTTP(w, r)
}

// OpenDemo starts preparing the demo, unless it is under way or done.
func (d *demoSwitch) OpenDemo() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.running || d.ready {
		return
	}
	d.running, d.err = true, nil
	go d.prepare()
}

func (d *demoSwitch) DemoState() (running, ready bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.running, d.ready, d.err
}

func (d *demoSwitch) prepare() {
	err := os.MkdirAll(d.dir, 0o700)
	if err == nil {
		// The sync's progress lines are for a terminal; the page follows
		// the state instead.
		store, srcs, config, stop, perr := prepareDemo(d.ctx, d.dir, d.sim, io.Discard, io.Discard)
		if err = perr; err == nil {
			h := appHandler(d.ctx, store, srcs, d.token, appSetup{config: config, demo: d})
			d.cur.Store(&h)
			go func() {
				<-d.ctx.Done()
				stop()
				store.Close()
			}()
		}
	}
	if err != nil {
		slog.Error("demo", "err", err)
	}
	d.mu.Lock()
	d.running, d.ready, d.err = false, err == nil, err
	d.mu.Unlock()
}
