package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	"wattfolio/app/web"
	"wattfolio/db"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve --db FILE [--addr 127.0.0.1:PORT] [--config FILE]", stderr)
	dbPath := fs.String("db", "", "the cache file; must exist; opened read-only when it or its folder is not writable")
	addr := fs.String("addr", "127.0.0.1:8080", "loopback address to listen on (port 0 picks a free one)")
	config := fs.String("config", "", "sources file; with it the Sync page can sync now")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		fmt.Fprintln(stderr, "serve needs --db")
		fs.Usage()
		return errUsage
	}
	store, err := db.OpenMode(ctx, *dbPath, db.Auto)
	if err != nil {
		return err
	}
	defer store.Close()
	srcs, err := loadSourcesIf(*config)
	if err != nil {
		return err
	}
	ln, err := listenApp(*addr, flagSet(fs, "addr"), stderr)
	if err != nil {
		return err
	}
	token := rand.Text()
	return serve(ctx, ln, handler(ctx, store, srcs, token), stdout, token)
}

// loadSourcesIf loads a sources file when one is named.
func loadSourcesIf(path string) (sourcesFile, error) {
	if path == "" {
		return sourcesFile{}, nil
	}
	return loadSourcesFile(path, "")
}

// handler builds the one http.Handler that the browser and the desktop
// window both use. With no sources, or a read-only cache, there is no
// "Sync now". token is the launch's secret every request over TCP must
// carry (see web.Options.Token); the desktop window's requests need none.
func handler(ctx context.Context, store *db.Store, f sourcesFile, token string) http.Handler {
	return appHandler(ctx, store, f, token, appSetup{})
}

// appSetup is what the Sources page and the first launch need: the sources
// file the app writes, and the demo it may open instead of the cache.
type appSetup struct {
	config string // "": the sources file is not the app's to edit
	demo   web.DemoOpener
}

// appHandler is handler with the Sources page when a.config is set: then
// "Sync now" reads that file at each sync, as the page may have changed it.
func appHandler(ctx context.Context, store *db.Store, f sourcesFile, token string, a appSetup) http.Handler {
	o := web.Options{Contracts: store, Sources: store, Slice: store, Meters: store, Accounts: store, Compare: store,
		Offers: storeOffers{store}, OfferStore: store, Savings: store, Edits: store, SyncContext: ctx, Token: token,
		Lang: systemLang()}
	// A read-only cache can be browsed, not synced.
	switch {
	case store.ReadOnly():
	case a.config != "":
		s := fileSyncer{store: store, path: a.config}
		o.Syncer, o.Sender = s, s
		o.Setup = &sourceSetup{path: a.config}
		if a.demo != nil {
			o.Demo = a.demo
		}
	case len(f.sources) > 0:
		s := syncer{store: store, file: f}
		o.Syncer, o.Sender = s, s
	}
	return web.New(o)
}

// listenApp listens where serve and demo were asked to. When the default
// port is busy (another Wattfolio, say) it takes a free one and says so; a
// port the user chose is theirs, so its being busy is an error.
func listenApp(addr string, chosen bool, stderr io.Writer) (net.Listener, error) {
	ln, err := listenLoopback(addr)
	if err == nil || chosen {
		return ln, err
	}
	ln, err2 := listenLoopback("127.0.0.1:0")
	if err2 != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "%s is busy (another program listens there); using a free port instead\n", addr)
	return ln, nil
}

// flagSet reports whether the command line set the flag name.
func flagSet(fs *flag.FlagSet, name string) (set bool) {
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// listenLoopback refuses anything but a loopback address: the cache holds
// customers' personal data, and the launch token only keeps out the other
// users of this machine.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("address %s is not a loopback address: Wattfolio serves this machine only (use 127.0.0.1)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("cannot listen on %s: another program (perhaps another Wattfolio) uses it; choose another --addr, or port 0 for a free one", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// serve runs an HTTP server on ln until ctx ends, then shuts it down. It
// prints the address to open, with the launch token when there is one: a
// new random one per launch, which only the user who started it sees.
func serve(ctx context.Context, ln net.Listener, h http.Handler, stdout io.Writer, token string) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	u := "http://" + ln.Addr().String() + "/"
	if token != "" {
		u += "?token=" + url.QueryEscape(token)
	}
	fmt.Fprintf(stdout, "Wattfolio is serving on %s (Ctrl-C stops it)\n", u)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		slog.Warn("shutdown", "err", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
