package otark

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/sync/vendors/internal/rest"
)

// A spent budget learnt by one process holds back every process syncing
// with the same key through the cache or the team's book, and only those:
// two stores opened on one file or database stand for two processes. The
// cache keeps a hash, never the key.
func TestBudgetIsSharedPerKeyThroughTheCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	testBudgetShared(t, func() Budget {
		s, err := db.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(testKey)) {
			t.Errorf("%s holds the API key", f)
		}
	}
}

// The same through a book on PostgreSQL, where a team's server sync and an
// analyst's sync share one key.
func TestBudgetIsSharedPerKeyThroughTheBook(t *testing.T) {
	url := pgtest.URL(t)
	testBudgetShared(t, func() Budget {
		s, err := pgstore.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	})
}

func testBudgetShared(t *testing.T, open func() Budget) {
	t.Helper()
	spent := func(n int, _ *http.Request) *answer {
		if n == 1 {
			return &answer{header: map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": "30"}}
		}
		return nil
	}
	first, _ := newTestClient(t, newFakeVendor(t, 3, spent), Config{Limit: 10})
	first.ShareBudget(open())
	if _, err := collect(context.Background(), first, ""); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name string
		key  string
		want []time.Duration
	}{
		{"same key", testKey, []time.Duration{30 * time.Second}},
		{"another key", "another-key", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			second, waits := newTestClient(t, newFakeVendor(t, 3, nil), Config{Limit: 10})
			second.api.Budget = rest.NewBudget(vendor, tt.key)
			second.ShareBudget(open())
			if _, err := collect(context.Background(), second, ""); err != nil {
				t.Fatal(err)
			}
			if got := waits.got(); !slices.Equal(got, tt.want) {
				t.Errorf("waits before the first request = %v, want %v", got, tt.want)
			}
		})
	}
	first.ShareBudget(nil)
}
