package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"wattfolio/db"
)

// startServe runs `wattfolio serve` on addr until the test ends and returns
// the address it printed.
func startServe(t *testing.T, addr string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cache.db")
	store, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", path, "--addr", addr}, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d", code)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v", err)
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`serving on (http://\S+/\?token=[A-Za-z0-9]{20,})`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("serve printed %q, want an address with a token", line)
	}
	return m[1]
}

// serve prints an address with a new token per launch; the address opens the
// app, the bare one answers 401; other loopback addresses work the same.
func TestServePrintsTokenisedAddress(t *testing.T) {
	first := startServe(t, "127.0.0.1:0")
	for _, addr := range []string{"127.0.0.1:0", "127.0.0.2:0"} {
		printed := startServe(t, addr)
		if tok := printed[strings.Index(printed, "token="):]; strings.HasSuffix(first, tok) {
			t.Errorf("two launches printed the same token")
		}
		bare := printed[:strings.Index(printed, "?")]
		res, err := http.Get(bare)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d, want 401", bare, res.StatusCode)
		}
		jar, _ := cookiejar.New(nil)
		res, err = (&http.Client{Jar: jar}).Get(printed)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Request.URL.String() != bare || !strings.Contains(string(b), "<h1>Portfolio</h1>") {
			t.Errorf("the printed address %s: %d at %s, want the portfolio at %s", addr, res.StatusCode, res.Request.URL, bare)
		}
	}
}
