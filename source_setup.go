package main

// The Sources page's side of the sources file: it reads the file, writes
// it (atomically, 0600, keeping the user's other tables), keeps the
// credentials typed into the app in the OS keyring and tests a source
// with one request through its connector.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/sync/engine"
	"wattfolio/sync/sources"
)

// sourceSetup edits the sources file at path.
type sourceSetup struct {
	path string
	mu   sync.Mutex // one edit of the file at a time
}

func (s *sourceSetup) read() ([]byte, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return data, err
}

// SourceConfig reads the file; a missing one has no sources yet.
func (s *sourceSetup) SourceConfig(context.Context) (sources.Setup, error) {
	out := sources.Setup{Path: s.path, Keyring: keyringUsable()}
	data, err := s.read()
	if err != nil || len(data) == 0 {
		return out, err
	}
	f, err := sources.ParseFile(s.path, data)
	if err != nil {
		return out, err
	}
	for _, src := range f.Sources {
		out.Sources = append(out.Sources, sources.EntryOf(src))
	}
	out.Customers = f.Customers
	return out, nil
}

// keyringUsable probes the keyring: a missing entry is the answer of one
// that works.
func keyringUsable() bool {
	_, err := keyring.Get(sources.KeyringService, "wattfolio-probe")
	return err == nil || errors.Is(err, keyring.ErrNotFound)
}

// withCredential points e at the keyring entries the typed credential will
// be stored in, and lists them (entry -> secret).
func withCredential(e sources.Entry, c sources.Credential) (sources.Entry, map[string]string) {
	put := map[string]string{}
	if c.Token != "" {
		e.TokenEnv, e.TokenKeyring = "", e.Name+"/token"
		put[e.TokenKeyring] = c.Token
	}
	if c.ClientID != "" {
		e.ClientIDEnv, e.ClientIDKeyring = "", e.Name+"/client_id"
		put[e.ClientIDKeyring] = c.ClientID
	}
	if c.ClientSecret != "" {
		e.ClientSecretEnv, e.ClientSecretKeyring = "", e.Name+"/client_secret"
		put[e.ClientSecretKeyring] = c.ClientSecret
	}
	return e, put
}

// SaveSource adds or replaces a source. The file is checked first, then
// the credential goes to the keyring, then the file is written: without
// a keyring nothing is written at all.
func (s *sourceSetup) SaveSource(_ context.Context, old string, e sources.Entry, c sources.Credential) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := s.read()
	if err != nil {
		return err
	}
	e, put := withCredential(e, c)
	out, err := sources.SaveSource(s.path, data, old, e)
	if err != nil {
		return err
	}
	for entry, secret := range put {
		if err := keyringSet(entry, secret); err != nil {
			slog.Warn("keyring", "source", e.Name, "err", err)
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	if err := writeBytes(s.path, out); err != nil {
		return err
	}
	slog.Info("sources file saved", "source", e.Name)
	// A credential now read from a variable leaves its keyring entry unused.
	if old != "" {
		if f, err := sources.ParseFile(s.path, data); err == nil {
			for _, src := range f.Sources {
				if src.Name == old {
					dropUnused(keyringEntries(sources.EntryOf(src)), keyringEntries(e))
				}
			}
		}
	}
	return nil
}

func keyringEntries(e sources.Entry) []string {
	return []string{e.TokenKeyring, e.ClientIDKeyring, e.ClientSecretKeyring}
}

// dropUnused deletes the keyring entries of was that now does not name.
func dropUnused(was, now []string) {
	for _, entry := range was {
		if entry != "" && !slices.Contains(now, entry) {
			if err := keyringDelete(entry); err != nil {
				slog.Debug("keyring delete", "err", err)
			}
		}
	}
}

// RemoveSource removes a source from the file, its ids from the customers
// and its credentials from the keyring. The last source takes the file
// with it: a sources file lists at least one.
func (s *sourceSetup) RemoveSource(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := s.read()
	if err != nil {
		return err
	}
	out, err := sources.RemoveSource(s.path, data, name)
	switch {
	case errors.Is(err, sources.ErrNoSourceLeft):
		err = os.Remove(s.path)
	case err == nil:
		err = writeBytes(s.path, out)
	}
	if err != nil {
		return err
	}
	for _, kind := range []string{"token", "client_id", "client_secret"} {
		if err := keyringDelete(name + "/" + kind); err != nil {
			slog.Debug("keyring delete", "source", name, "err", err)
		}
	}
	return nil
}

// SaveCustomer adds or replaces a customer's links.
func (s *sourceSetup) SaveCustomer(_ context.Context, old string, c sources.Customer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := s.read()
	if err != nil {
		return err
	}
	out, err := sources.SaveCustomer(s.path, data, old, c)
	if err != nil {
		return err
	}
	return writeBytes(s.path, out)
}

// errFirstPage stops a test after the first page.
var errFirstPage = errors.New("first page")

// testTimeout bounds a connection test, retries included.
const testTimeout = 20 * time.Second

// TestSource makes one request through the source's connector with the
// typed credential (or, when none was typed, the one the file names) and
// says what came of it.
func (s *sourceSetup) TestSource(ctx context.Context, e sources.Entry, c sources.Credential) app.ConnectionTest {
	// The typed secrets are offered to the connector as if from the
	// environment, under names no real variable has.
	typed := map[string]string{}
	if c.Token != "" {
		e.TokenEnv, e.TokenKeyring = "WATTFOLIO_TYPED_TOKEN", ""
		typed[e.TokenEnv] = c.Token
	}
	if c.ClientID != "" {
		e.ClientIDEnv, e.ClientIDKeyring = "WATTFOLIO_TYPED_CLIENT_ID", ""
		typed[e.ClientIDEnv] = c.ClientID
	}
	if c.ClientSecret != "" {
		e.ClientSecretEnv, e.ClientSecretKeyring = "WATTFOLIO_TYPED_CLIENT_SECRET", ""
		typed[e.ClientSecretEnv] = c.ClientSecret
	}
	text, err := sources.SaveSource("the form", nil, "", e)
	if err != nil {
		return app.ConnectionTest{Outcome: app.ConnectionBadConfig, Detail: err.Error()}
	}
	srcs, err := sources.Parse("the form", text)
	if err != nil {
		return app.ConnectionTest{Outcome: app.ConnectionBadConfig, Detail: err.Error()}
	}
	look := secretLookup()
	look.Getenv = func(k string) string {
		if v, ok := typed[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	conn, err := connector(srcs[0], look)
	if err != nil {
		return app.ConnectionTest{Outcome: app.ConnectionBadConfig, Detail: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	var first *engine.Page
	err = conn.Streams().Contracts.Contracts(ctx, "", func(p engine.Page) error {
		first = &p
		return errFirstPage
	})
	if err != nil && !errors.Is(err, errFirstPage) {
		return connectionFailure(err)
	}
	if first == nil {
		return app.ConnectionTest{Outcome: app.ConnectionOK}
	}
	if len(first.Contracts) == 0 && len(first.Failures) > 0 {
		// enneo fetches contract by contract: a refused or unanswered
		// request shows as the page's failures.
		return connectionFailure(first.Failures[0])
	}
	return app.ConnectionTest{Outcome: app.ConnectionOK, Contracts: len(first.Contracts)}
}

// connectionFailure classifies a connector's error by what the user can do
// about it.
func connectionFailure(err error) app.ConnectionTest {
	msg := err.Error()
	lower := strings.ToLower(msg)
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, app.ErrUnauthorized):
		return app.ConnectionTest{Outcome: app.ConnectionUnauthorised, Detail: msg}
	case errors.As(err, &oe), errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded),
		strings.Contains(lower, "connection refused"), strings.Contains(lower, "no such host"),
		strings.Contains(lower, "timed out"), strings.Contains(lower, "network is unreachable"):
		return app.ConnectionTest{Outcome: app.ConnectionUnreachable, Detail: msg}
	}
	return app.ConnectionTest{Outcome: app.ConnectionFailed, Detail: msg}
}

// fileSyncer syncs the sources file as it is at the time of the sync: the
// Sources page may have changed it since the launch.
type fileSyncer struct {
	store *db.Store
	path  string
}

func (s fileSyncer) load() (syncer, error) {
	if !fileExists(s.path) {
		return syncer{}, fmt.Errorf("no sources yet: add one on the Sources page (%s)", s.path)
	}
	f, err := loadSourcesFile(s.path, "")
	return syncer{store: s.store, file: f}, err
}

func (s fileSyncer) RunningElsewhere() (string, bool) { return s.store.SyncRunning() }

func (s fileSyncer) SyncAll(ctx context.Context) error {
	sy, err := s.load()
	if err != nil {
		return err
	}
	return sy.SyncAll(ctx)
}

func (s fileSyncer) SendEdits(ctx context.Context) error {
	sy, err := s.load()
	if err != nil {
		return err
	}
	return sy.SendEdits(ctx)
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
