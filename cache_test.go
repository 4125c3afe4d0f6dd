package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wattfolio/db"
	"wattfolio/sync/simulate"
)

// fileSum is the SHA-256 of a file's bytes.
func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// foreignDB writes a SQLite database of another application: a table, and
// optionally an application_id and the WAL journal mode.
func foreignDB(t *testing.T, path string, pragmas ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, s := range append(pragmas, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "INSERT INTO notes (body) VALUES ('mine')") {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

// everyCommand is each command that takes --db, with what it needs besides.
func everyCommand(f *fixture, offers, cache string) [][]string {
	return [][]string{
		{"sync", "--config", f.config, "--db", cache},
		{"export", "contracts", "--db", cache},
		{"export", "readings", "--db", cache, "--meter", "1"},
		{"serve", "--db", cache, "--addr", "127.0.0.1:0"},
		{"compare", "--db", cache, "--customer", "Anna Schneider"},
		{"edit", "--db", cache, "--source", "demo-podero", "--contract", "1", "--set", "supplier=x"},
		{"edit", "--db", cache, "--undo", "1"},
		{"outbox", "--db", cache},
		{"offers", "import", "--db", cache, offers},
		{"offers", "list", "--db", cache},
		{"meters", "list", "--db", cache},
		{"meters", "set-gas", "--db", cache, "--meter", "1", "--calorific-value", "11.2", "--state-number", "0.96"},
		{"check", "--db", cache},
		{"salvage", "--from", cache, "--db", cache + ".new"},
	}
}

func TestForeignFilesAreRefusedUntouched(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 2, EnneoContracts: 5})
	dir := t.TempDir()
	offers := filepath.Join(dir, "offers.toml")
	if err := os.WriteFile(offers, demoOffers, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		make func(path string)
		want string
	}{
		{"sqlite without application_id", func(p string) { foreignDB(t, p) }, "without Wattfolio's tables"},
		{"sqlite in WAL mode", func(p string) { foreignDB(t, p, "PRAGMA journal_mode=WAL") }, "without Wattfolio's tables"},
		{"another application's id", func(p string) { foreignDB(t, p, "PRAGMA application_id=1234") }, "another application"},
		{"not sqlite", func(p string) { os.WriteFile(p, []byte("name,iban\nAnna,DE00\n"), 0o600) }, "not a SQLite database"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "other.db")
			tt.make(path)
			before := fileSum(t, path)
			for _, args := range everyCommand(f, offers, path) {
				code, _, stderr := runCLI(t, args...)
				if code != exitFailed || !strings.Contains(stderr, "not a Wattfolio cache") || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, path) {
					t.Errorf("%s: exit %d, stderr %q; want %d, naming the file and why", args[0], code, stderr, exitFailed)
				}
				if fileSum(t, path) != before {
					t.Fatalf("%s changed the file", strings.Join(args, " "))
				}
			}
			if _, err := os.Stat(path + ".new"); err == nil {
				t.Error("salvage made a new cache from a foreign file")
			}
		})
	}
}

// Only sync, demo and offers import create a cache; every other command
// says the path holds no cache and leaves it so.
func TestMissingCacheIsAnErrorNotANewFile(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 2, EnneoContracts: 5})
	offers := filepath.Join(t.TempDir(), "offers.toml")
	os.WriteFile(offers, demoOffers, 0o600)
	for _, args := range everyCommand(f, offers, filepath.Join(t.TempDir(), "typo.db")) {
		if args[0] == "sync" || (args[0] == "offers" && args[1] == "import") {
			continue
		}
		path := args[slicesIndex(args, "--db")+1]
		if args[0] == "salvage" {
			path = args[2]
		}
		code, stdout, stderr := runCLI(t, args...)
		if code != exitFailed || !strings.Contains(stderr, "no cache at this path "+path) {
			t.Errorf("%s: exit %d, %q; want %d and no cache at %s", args[0], code, stderr, exitFailed, path)
		}
		if stdout != "" {
			t.Errorf("%s printed %q", args[0], stdout)
		}
		if _, err := os.Stat(path); err == nil {
			t.Fatalf("%s created %s", args[0], path)
		}
	}
	// A folder that does not exist is named as such, not as SQLite's
	// "unable to open database file (14)".
	code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", filepath.Join(t.TempDir(), "no", "such", "dir", "c.db"))
	if code != exitFailed || !strings.Contains(stderr, "does not exist: create it or choose another --db") || strings.Contains(stderr, "(14)") {
		t.Errorf("sync into a missing folder: exit %d, %q", code, stderr)
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// A cache this build created carries Wattfolio's application_id; one made
// before there was one (recognised by schema_migrations) gets it when a
// writing command opens it, and reading commands leave it as it is.
func TestApplicationID(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 2, EnneoContracts: 5})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: %s", stderr)
	}
	appID := func() int64 {
		raw, err := sql.Open("sqlite", "file:"+f.db+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var id int64
		if err := raw.QueryRow("PRAGMA application_id").Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	if got := appID(); got != db.ApplicationID {
		t.Fatalf("application_id = %#x, want %#x", got, db.ApplicationID)
	}
	// As an older Wattfolio left it.
	raw, err := sql.Open("sqlite", f.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA application_id = 0"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if code, _, stderr := runCLI(t, "export", "contracts", "--db", f.db, "-o", filepath.Join(t.TempDir(), "c.csv")); code != 0 {
		t.Fatalf("export of an older cache: exit %d: %s", code, stderr)
	}
	if got := appID(); got != 0 {
		t.Errorf("export wrote application_id %#x", got)
	}
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync of an older cache: exit %d: %s", code, stderr)
	}
	if got := appID(); got != db.ApplicationID {
		t.Errorf("after sync application_id = %#x, want %#x", got, db.ApplicationID)
	}
}

// Reading commands open the cache read-only: the file's bytes stay the same.
func TestReadingCommandsDoNotWrite(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 2, EnneoContracts: 5})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: %s", stderr)
	}
	before := fileSum(t, f.db)
	for _, args := range [][]string{
		{"export", "contracts", "--db", f.db},
		{"outbox", "--db", f.db},
		{"offers", "list", "--db", f.db},
		{"meters", "list", "--db", f.db},
		{"check", "--db", f.db},
	} {
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Errorf("%s: exit %d: %s", args[0], code, stderr)
		}
		if fileSum(t, f.db) != before {
			t.Fatalf("%s changed the cache", strings.Join(args, " "))
		}
	}
}

// damage flips bits in a copy of the cache at src until SQLite's checks
// find the damage: quick (quick_check fails) or index-only (only
// integrity_check fails). The seeds are fixed, so the copy is the same
// every run for the same cache.
func damage(t *testing.T, src, dst string, quick bool) bool {
	t.Helper()
	return damageUntil(t, src, dst, func(quickOK, fullOK bool) bool { return quick && !quickOK || !quick && quickOK && !fullOK })
}

// damageUntil flips 8 bits of a copy of src at dst, seed after seed, until
// want holds for what quick_check and integrity_check say of it.
func damageUntil(t *testing.T, src, dst string, want func(quickOK, fullOK bool) bool) bool {
	t.Helper()
	orig, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	check := func(p string) bool {
		raw, err := sql.Open("sqlite", "file:"+dst+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var s string
		err = raw.QueryRow("PRAGMA " + p).Scan(&s)
		return err == nil && s == "ok"
	}
	for seed := range uint64(200) {
		b := append([]byte(nil), orig...)
		r := rand.New(rand.NewPCG(seed, 13))
		for range 8 {
			b[100+r.IntN(len(b)-100)] ^= 1 << r.IntN(8)
		}
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if want(check("quick_check"), check("integrity_check")) {
			return true
		}
	}
	return false
}

// A cache with flipped bits is refused by sync and export, with the way to
// recover, and is left as it is.
func TestDamagedCacheIsRefused(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 4, EnneoContracts: 60})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: %s", stderr)
	}
	for _, tt := range []struct {
		name  string
		quick bool
		args  [][]string // refused
	}{
		{"quick_check finds it", true, [][]string{{"sync", "--config", f.config}, {"export", "contracts"}, {"check"}}},
		{"only integrity_check finds it", false, [][]string{{"sync", "--config", f.config}, {"check"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "damaged.db")
			if !damage(t, f.db, bad, tt.quick) {
				t.Skip("no seed damages the cache this way")
			}
			before := fileSum(t, bad)
			for _, args := range tt.args {
				code, _, stderr := runCLI(t, append(args, "--db", bad)...)
				if code != exitFailed || !strings.Contains(stderr, "the cache is damaged") || !strings.Contains(stderr, "wattfolio salvage --from "+bad) {
					t.Errorf("%s: exit %d, %q; want %d naming the damage and salvage", args[0], code, stderr, exitFailed)
				}
				if fileSum(t, bad) != before {
					t.Errorf("%s changed the damaged cache", args[0])
				}
			}
		})
	}
}

// After an unclean shutdown, which a WAL file left beside the cache
// betrays, any command runs quick_check first, even one that otherwise
// reads without checking.
func TestQuickCheckAfterUncleanShutdown(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 4, EnneoContracts: 60})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: %s", stderr)
	}
	bad := filepath.Join(t.TempDir(), "damaged.db")
	found := damageUntil(t, f.db, bad, func(quickOK, _ bool) bool {
		if quickOK {
			return false
		}
		code, _, _ := runCLI(t, "outbox", "--db", bad)
		return code == 0
	})
	if !found {
		t.Skip("no seed damages the cache so that outbox alone does not notice")
	}
	if err := os.WriteFile(bad+"-wal", []byte("left by a crash"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "outbox", "--db", bad)
	if code != exitFailed || !strings.Contains(stderr, "the cache is damaged (quick_check:") || !strings.Contains(stderr, "salvage") {
		t.Errorf("outbox after an unclean shutdown: exit %d, %q", code, stderr)
	}
}

// salvage carries the offers and the unsent offline edits of a damaged
// cache into a new one, leaves the old one as it is, and a sync of the new
// one brings the rest back and sends the edits.
func TestSalvage(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 6, EnneoContracts: 20, PoderoUsers: 3})
	offers := filepath.Join(t.TempDir(), "offers.toml")
	os.WriteFile(offers, demoOffers, 0o600)
	contract := f.up.Podero.ContractIDs()[0]
	for _, args := range [][]string{
		{"sync", "--config", f.config, "--db", f.db},
		{"offers", "import", "--db", f.db, offers},
		{"edit", "--db", f.db, "--source", "demo-podero", "--contract", contract, "--set", "supplier=Salvaged Stadtwerk"},
		{"edit", "--db", f.db, "--source", "demo-podero", "--contract", contract, "--set", "notes=Call after the audit"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", args[0], code, stderr)
		}
	}
	// Damage the contracts table's root page, as a bad sector would.
	raw, err := sql.Open("sqlite", f.db)
	if err != nil {
		t.Fatal(err)
	}
	var root, pageSize int64
	if err := raw.QueryRow("SELECT rootpage FROM sqlite_master WHERE name = 'contracts'").Scan(&root); err != nil {
		t.Fatal(err)
	}
	raw.QueryRow("PRAGMA page_size").Scan(&pageSize)
	raw.Close()
	b, _ := os.ReadFile(f.db)
	b[(root-1)*pageSize] = 0x42 // not a b-tree page type
	os.WriteFile(f.db, b, 0o600)
	if code, _, stderr := runCLI(t, "export", "contracts", "--db", f.db); code != exitFailed || !strings.Contains(stderr, "damaged") {
		t.Fatalf("export of the damaged cache: exit %d: %s", code, stderr)
	}
	before := fileSum(t, f.db)

	fresh := filepath.Join(t.TempDir(), "new.db")
	code, stdout, stderr := runCLI(t, "salvage", "--from", f.db, "--db", fresh)
	if code != 0 || !strings.Contains(stdout, "offers carried over: 10") || !strings.Contains(stdout, "accepted by the vendor, carried over: 1\n") ||
		!strings.Contains(stdout, "notes carried over: 1\n") {
		t.Fatalf("salvage: exit %d\n%s%s", code, stdout, stderr)
	}
	if fileSum(t, f.db) != before {
		t.Error("salvage changed the damaged cache")
	}
	if code, _, _ := runCLI(t, "salvage", "--from", f.db, "--db", fresh); code != exitFailed {
		t.Errorf("salvage onto an existing file: exit %d, want %d", code, exitFailed)
	}
	_, stdout, _ = runCLI(t, "outbox", "--db", fresh)
	if !strings.Contains(stdout, `supplier="Salvaged Stadtwerk"`) || !strings.Contains(stdout, "pending") {
		t.Errorf("outbox of the new cache:\n%s", stdout)
	}
	// The first sync brings the contracts back, the second sends the edit.
	for i := range 2 {
		if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", fresh); code != 0 {
			t.Fatalf("sync %d of the new cache: exit %d: %s", i+1, code, stderr)
		}
	}
	_, stdout, _ = runCLI(t, "outbox", "--db", fresh)
	if !strings.Contains(stdout, "sent") {
		t.Errorf("the salvaged edit was not sent:\n%s", stdout)
	}
	store, err := db.OpenMode(context.Background(), fresh, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if c := findContract(t, store, contract); c.Parties.Supplier != "Salvaged Stadtwerk" {
		t.Errorf("supplier after the salvaged edit went out: %q", c.Parties.Supplier)
	}
	if n, err := store.ContractNotes(context.Background(), "demo-podero", contract); err != nil || n.Text != "Call after the audit" {
		t.Errorf("notes in the new cache: %+v, %v", n, err)
	}
	if code, stdout, _ := runCLI(t, "check", "--db", fresh); code != 0 || !strings.Contains(stdout, "ok") {
		t.Errorf("check of the new cache: exit %d %s", code, stdout)
	}
}
