package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"wattfolio/db"
)

// TestSystemLocaleChoosesTheLanguage serves an empty cache as serve and
// the desktop window do, under a German and an English locale: the app
// opens in the locale's language until the user picks one.
func TestSystemLocaleChoosesTheLanguage(t *testing.T) {
	store, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	for _, tt := range []struct {
		lang, html, label string
	}{
		{"de_DE.UTF-8", `<html lang="de">`, "Noch keine Verträge"},
		{"C", `<html lang="en">`, "No contracts yet"},
		{"en_US.UTF-8", `<html lang="en">`, "No contracts yet"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			t.Setenv("LANG", tt.lang)
			srv := httptest.NewServer(handler(context.Background(), store, sourcesFile{}, "launch"))
			defer srv.Close()
			jar, _ := cookiejar.New(nil) // the launch token's cookie, as a browser keeps it
			res, err := (&http.Client{Jar: jar}).Get(srv.URL + "/contracts?token=launch")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if body := string(b); !strings.Contains(body, tt.html) || !strings.Contains(body, tt.label) {
				t.Errorf("LANG=%s: want %s and %q, got %d\n%s", tt.lang, tt.html, tt.label, res.StatusCode, body)
			}
		})
	}
}
