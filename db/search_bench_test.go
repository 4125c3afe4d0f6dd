package db

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/internal/cputime"
)

// BenchmarkMigrateSearch times migration 0020 on a cache of 50,000
// contracts made before it (a customer per 24 contracts, an account of the
// user's per 10 customers): the backfill of the trigram index and the
// customer sort keys, as an existing cache meets it at its first Open.
// Each sample undoes 0020 untimed, then times Open.
func BenchmarkMigrateSearch(b *testing.B) {
	benchMigration(b, undoSearch)
}

// BenchmarkMigrateGrams times migration 0023 on the same cache: the
// backfill of the gram index of one- and two-character searches. Each
// sample undoes 0023 untimed, then times Open.
func BenchmarkMigrateGrams(b *testing.B) {
	benchMigration(b, undoGrams)
}

// benchMigration times Open of a cache of 50,000 contracts after undo has
// taken it back before a migration of the search, and checks a search
// afterwards.
func benchMigration(b *testing.B, undo func(*testing.B, string)) {
	ctx := context.Background()
	const n = 50_000
	s, path := openTest(b)
	cs := make([]app.Contract, n)
	for i := range cs {
		c := sample(fmt.Sprintf("B%06d", i))
		c.Customer = app.Customer{ExternalID: fmt.Sprintf("K%05d", i/24), Name: fmt.Sprintf("Kunde %05d GmbH", i/24)}
		c.Name = fmt.Sprintf("Strom Business %d – Kunde %05d", i%24, i/24)
		cs[i] = c
	}
	seed(b, s, "acme", cs...)
	var accts []app.Account
	for k := 0; k*24 < n; k += 10 {
		a := app.Account{Name: fmt.Sprintf("Konto %05d", k)}
		for j := k; j < k+10 && j*24 < n; j++ {
			a.Links = append(a.Links, app.AccountLink{Source: "acme", ExternalID: fmt.Sprintf("K%05d", j)})
		}
		accts = append(accts, a)
	}
	// ReplaceAccounts re-keys the contracts of linked customers: every
	// one the first time, none when the accounts come again unchanged (as
	// before every sync).
	for _, name := range []string{"link-all", "unchanged"} {
		start, cpu := time.Now(), cputime.Process()
		if err := s.ReplaceAccounts(ctx, accts); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "accounts-"+name+"-ms")
		b.ReportMetric(float64((cputime.Process()-cpu).Microseconds())/1000, "accounts-"+name+"-cpu-ms")
	}
	s.Close()
	var total, cpu time.Duration
	for range b.N {
		undo(b, path)
		start, cpu0 := time.Now(), cputime.Process()
		s, err := Open(ctx, path)
		total, cpu = total+time.Since(start), cpu+cputime.Process()-cpu0
		if err != nil {
			b.Fatal(err)
		}
		page, err := s.ListContracts(ctx, app.ContractFilter{Query: "kunde 00042", Sort: app.SortCustomer})
		if err != nil || page.Total != 24 {
			b.Fatalf("after the migration a search finds %d contracts, want 24 (%v)", page.Total, err)
		}
		page, err = s.ListContracts(ctx, app.ContractFilter{Query: "42"})
		s.Close()
		if err != nil || page.Total == 0 {
			b.Fatalf("after the migration a search of two characters finds %d contracts (%v)", page.Total, err)
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "migrate-s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "migrate-cpu-s")
	b.ReportMetric(0, "ns/op")
}

// undoSearch takes the cache at path back to before migration 0020.
var undoSearch = undoing("DROP TABLE contract_search", "DROP TABLE contract_customers", "DROP TRIGGER contract_search_insert",
	"DROP TRIGGER contract_search_update", "DROP TRIGGER contract_customers_update",
	"DROP TRIGGER contract_search_delete", "DROP TRIGGER customer_name_update",
	"DROP VIEW customer_keys", "DELETE FROM schema_migrations WHERE version = 20")

// undoGrams takes the cache at path back to before migration 0023.
var undoGrams = undoing("DROP TABLE contract_grams", "DROP TABLE contract_grams_pending", "DROP TRIGGER contract_grams_insert",
	"DROP TRIGGER contract_grams_update", "DROP TRIGGER contract_grams_delete", "DELETE FROM schema_migrations WHERE version = 23")

// undoing is a function that runs stmts on the cache at path.
func undoing(stmts ...string) func(b *testing.B, path string) {
	return func(b *testing.B, path string) {
		b.Helper()
		raw, err := sql.Open("sqlite", dsn(path, "immediate"))
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		for _, q := range stmts {
			if _, err := raw.Exec(q); err != nil {
				b.Fatalf("%s: %v", q, err)
			}
		}
	}
}
