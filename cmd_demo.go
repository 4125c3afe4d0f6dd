package main

import (
	"context"
	"crypto/rand"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"wattfolio/app/offerfile"
	"wattfolio/db"
	"wattfolio/sync/simulate"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "demo [--data-dir DIR] [--addr 127.0.0.1:8080] [--sync-only]", stderr)
	dir := fs.String("data-dir", "", "where the demo cache and sources file go (default: the user's data directory)")
	addr := fs.String("addr", "127.0.0.1:8080", "loopback address for the app in serve mode (port 0 picks a free one)")
	syncOnly := fs.Bool("sync-only", false, "sync the demo cache and exit instead of opening the app")
	seed := fs.Uint64("seed", 1, "seed of the simulated vendors' data")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := dataDir()
		if err != nil {
			return err
		}
		*dir = filepath.Join(d, "demo")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}

	store, srcs, config, stop, err := prepareDemo(ctx, *dir, simulate.Options{Seed: *seed}, stdout, stderr)
	if err != nil {
		return err
	}
	defer stop()
	defer store.Close()
	fmt.Fprintf(stdout, "demo cache: %s\nsources file: %s\n", store.Path(), config)
	if *syncOnly {
		return nil
	}
	token := rand.Text()
	h := handler(ctx, store, srcs, token)
	if err := runDesktop(ctx, h, store.Path()); !errors.Is(err, errNoDesktop) {
		return err
	}
	ln, err := listenApp(*addr, flagSet(fs, "addr"), stderr)
	if err != nil {
		return err
	}
	return serve(ctx, ln, h, stdout, token)
}

// prepareDemo starts the simulated vendors in this process, for as long as
// ctx lasts or until stop, so that "Sync now" in the app has something to
// talk to; writes their sources file into dir, syncs them into dir's demo
// cache and imports the example offers.
func prepareDemo(ctx context.Context, dir string, o simulate.Options, stdout, stderr io.Writer) (store *db.Store, srcs sourcesFile, config string, stop func(), err error) {
	up := simulate.New(o)
	simLn, err := simulate.Listen("")
	if err != nil {
		return nil, sourcesFile{}, "", nil, err
	}
	simSrv := &http.Server{Handler: up}
	go simSrv.Serve(simLn)
	stop = func() { simSrv.Close() }
	defer func() {
		if err != nil {
			stop()
			if store != nil {
				store.Close()
			}
		}
	}()

	config = filepath.Join(dir, "sources.toml")
	if err := os.WriteFile(config, []byte(up.SourcesTOML("http://"+simLn.Addr().String())), 0o600); err != nil {
		return nil, sourcesFile{}, "", nil, err
	}
	// The demo token is not a secret; real sources read theirs from the
	// user's environment or the keyring.
	for k, v := range up.Env() {
		os.Setenv(k, v)
	}
	if srcs, err = loadSourcesFile(config, ""); err != nil {
		return nil, sourcesFile{}, "", nil, err
	}
	if store, err = db.Open(ctx, filepath.Join(dir, "demo.db")); err != nil {
		return nil, sourcesFile{}, "", nil, err
	}
	if _, err := syncAndReport(ctx, store, srcs, stdout, stderr); err != nil {
		// Rejected or missing records still leave a demo to look at.
		var ee *exitError
		if !errors.As(err, &ee) || ee.code == exitSourceFailed {
			return store, srcs, config, stop, err
		}
		fmt.Fprintf(stderr, "demo: %v\n", err)
	}
	if err := importDemoOffers(ctx, store, stdout); err != nil {
		return store, srcs, config, stop, err
	}
	return store, srcs, config, stop, nil
}

// dataDir is where the cache and the demo go (see platformDirs).
func dataDir() (string, error) {
	d, err := currentUserDirs()
	return d.Data, err
}

func cacheSchema() int64 { return db.SchemaVersion() }

// demoOffers is the commented example offers file: the demo imports it so
// that every customer has offers to compare with.
//
//go:embed offers.example.toml
var demoOffers []byte

// importDemoOffers stores the example offers (an update where the user has
// changed them in the demo cache: the file's version wins).
func importDemoOffers(ctx context.Context, store *db.Store, stdout io.Writer) error {
	offers, err := offerfile.Parse("offers.example.toml", demoOffers)
	if err != nil {
		return fmt.Errorf("the demo's offers: %w", err)
	}
	created, updated, err := store.SaveOffers(ctx, offers)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo offers: %d (%d new, %d updated)\n", len(offers), created, updated)
	return nil
}
