//go:build unix

package db

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// withUmask runs the test under umask 022, the usual default, under which
// a file created without care is world-readable.
func withUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
}

// captureLog sends the default logger to a buffer for the test.
func captureLog(t *testing.T) *bytes.Buffer {
	var b bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&b, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &b
}

func TestNewCacheIsOwnerOnly(t *testing.T) {
	withUmask(t)
	log := captureLog(t)
	path := filepath.Join(t.TempDir(), "cache.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Offers(context.Background()); err != nil { // a reader too
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %04o, want 0600", filepath.Base(p), m)
		}
	}
	if log.Len() > 0 {
		t.Errorf("a new private cache was reported: %s", log)
	}
}

func TestSharedCacheReportedOnce(t *testing.T) {
	withUmask(t)
	path := filepath.Join(t.TempDir(), "cache.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(path, 0o644); err != nil { // as an older Wattfolio left it
		t.Fatal(err)
	}
	log := captureLog(t)
	s, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if n := strings.Count(log.String(), "level=WARN"); n != 1 || !strings.Contains(log.String(), "chmod 600") || !strings.Contains(log.String(), "mode=0644") {
		t.Errorf("want one warning naming the mode and the fix, got %d:\n%s", n, log)
	}
	// Reported, not changed: the user may share it on purpose.
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("the cache's mode was changed to %04o", fi.Mode().Perm())
	}
}
