//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"wattfolio/db"
)

// withUmask runs the test under umask 022, the usual default, under which a
// file created without care is readable by every user.
func withUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != want {
		t.Errorf("%s: mode %04o, want %04o", path, m, want)
	}
}

func newCache(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cache.db")
	s, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

// Exports, the cache and the window state are their owner's only.
func TestFilesAreOwnerOnly(t *testing.T) {
	withUmask(t)
	cache := newCache(t)
	wantMode(t, cache, 0o600)

	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"contracts.csv", []string{"export", "contracts", "--db", cache}},
		{"readings.csv", []string{"export", "readings", "--db", cache}},
		{"offers.csv", []string{"offers", "list", "--db", cache}},
	} {
		out := filepath.Join(dir, tc.name)
		os.WriteFile(out, []byte("an older report\n"), 0o644) // replaced, not kept at 0644
		if code, _, stderr := runCLI(t, append(tc.args, "-o", out)...); code != 0 {
			t.Fatalf("%s: exit %d\n%s", tc.name, code, stderr)
		}
		wantMode(t, out, 0o600)
	}

	state := filepath.Join(t.TempDir(), "config", "wattfolio", "window.json")
	if err := saveWindowState(state, windowState{Width: 1100, Height: 700}); err != nil {
		t.Fatal(err)
	}
	wantMode(t, state, 0o600)
	if fi, _ := os.Stat(filepath.Dir(state)); fi.Mode().Perm() != 0o700 {
		t.Errorf("window state folder: mode %04o, want 0700", fi.Mode().Perm())
	}
}

// A cache others can read is reported once on stderr, and still works.
func TestSharedCacheReportedOnStderr(t *testing.T) {
	cache := newCache(t)
	if err := os.Chmod(cache, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "export", "contracts", "--db", cache)
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	if n := strings.Count(stderr, "other users of this computer can read the cache"); n != 1 || !strings.Contains(stderr, "chmod 600") {
		t.Errorf("stderr reports the shared cache %d times, want once with the fix:\n%s", n, stderr)
	}
	if err := os.Chmod(cache, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, stderr := runCLI(t, "export", "contracts", "--db", cache); strings.Contains(stderr, "other users") {
		t.Errorf("a private cache was reported:\n%s", stderr)
	}
}

// The desktop's save dialog writes the export for its owner only.
func TestDesktopExportIsOwnerOnly(t *testing.T) {
	withUmask(t)
	d := newDesktopShell(t)
	target := filepath.Join(t.TempDir(), "contracts.csv")
	d.answers = []string{target}
	if res, code := d.export(t, ""); code != 200 || res.Saved != target {
		t.Fatalf("export: %d %+v", code, res)
	}
	wantMode(t, target, 0o600)
}
