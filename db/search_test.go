package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"wattfolio/app"
)

// A cache made before the search folded umlauts finds "Müller" for
// "Mueller" and "Muller" once migration 0016 has run, in contracts and in
// the user's customer names.
func TestSearchFoldMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version >= 16 {
			break
		}
		if _, err := raw.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := raw.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", m.version); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO sources (id, name, vendor, base_url, created_at) VALUES (1, 'src', 'enneo', 'http://x', 0)`,
		`INSERT INTO contracts (source_id, external_id, kind, name, search_text, raw_json, fetched_at) VALUES (1, 'c1', 'retail', 'Strom', 'c1` + "\x1f" + `bäckerei müller', '{}', 0)`,
		`INSERT INTO contracts (source_id, external_id, kind, name, search_text, raw_json, fetched_at) VALUES (1, 'c2', 'retail', 'Gas', 'c2` + "\x1f" + `weber', '{}', 0)`,
		`INSERT INTO accounts (id, name, profile) VALUES (1, 'Zoë Öztürk', '')`,
		`INSERT INTO customers (id, source_id, external_id, name) VALUES (1, 1, 'K2', '')`,
		`UPDATE contracts SET customer_id = 1 WHERE external_id = 'c2'`,
		`INSERT INTO account_links (account_id, source_name, external_id) VALUES (1, 'src', 'K2')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for q, want := range map[string]string{"Mueller": "c1", "muller": "c1", "BÄCKEREI": "c1", "zoe ozturk": "c2", "Zoë Öztürk": "c2", "oeztuerk": "c2"} {
		page, err := s.ListContracts(ctx, app.ContractFilter{Query: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Contracts) != 1 || page.Contracts[0].ExternalID != want {
			t.Errorf("search %q: %d contracts, want %s", q, len(page.Contracts), want)
		}
	}
}
