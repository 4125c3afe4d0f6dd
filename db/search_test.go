package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
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
	// Of one and two characters too (0023 indexed the contracts it met).
	for q, want := range map[string]string{"Mueller": "c1", "muller": "c1", "BÄCKEREI": "c1", "zoe ozturk": "c2", "Zoë Öztürk": "c2", "oeztuerk": "c2",
		"ä": "c1", "ll": "c1", "1": "c1", "c2": "c2", "oe": "c2", "w": "c2"} {
		page, err := s.ListContracts(ctx, app.ContractFilter{Query: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Contracts) != 1 || page.Contracts[0].ExternalID != want {
			t.Errorf("search %q: %d contracts, want %s", q, len(page.Contracts), want)
		}
	}
}

// searchBefore is the contracts a search found before migration 0020: the
// portfolio's match query testing every contract's search text with
// instr(), in the portfolio's default order.
func searchBefore(t *testing.T, s *Store, query string) []string {
	t.Helper()
	return searchBeforeSorted(t, s, query, "", false)
}

// searchBeforeSorted is searchBefore in another order.
func searchBeforeSorted(t *testing.T, s *Store, query string, sort app.ContractSort, desc bool) []string {
	t.Helper()
	rows, err := s.rq.ContractMatches(context.Background(), dbq.ContractMatchesParams{Upstream: string(app.UpstreamCurrent), Query: app.FoldSearch(query),
		Sort: string(sort), Descending: map[bool]int64{false: 0, true: 1}[desc]})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		c, err := s.GetContract(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c.ExternalID)
	}
	return out
}

// The search through the trigram index finds exactly the contracts the
// scan found: queries of one and two characters (too short for trigrams,
// so the narrow table is scanned), umlauts and accents in either spelling,
// ids, text across the fields' separator, GLOB's and FTS5's special
// characters taken literally, and the user's customer names.
func TestSearchFindsWhatTheScanFound(t *testing.T) {
	s, _ := openTest(t)
	mk := func(id, name, customer string) app.Contract {
		c := sample(id)
		c.Name, c.Customer = name, app.Customer{ExternalID: "K-" + id, Name: customer}
		c.Product, c.Parties, c.MeterID = app.Product{}, app.Parties{}, ""
		return c
	}
	seed(t, s, "acme",
		mk("c1", "Strom Bäckerei", "Bäckerei Müller"),
		mk("c2", "Gas Weber", "Weber & Söhne"),
		mk("c3", "Strom [Sonder]*tarif?", "Café Noël"),
		mk("c4", `Wärme "NEAR" AND NOT -x`, "Straße 5 GmbH"),
		mk("c5", "Ökostrom 100%_plus", "Zoë Öztürk"),
		mk("x42", "Strom", "Kunde 00042 GmbH"),
		mk("c6", "Fjord – Søren", "Łódź Sp."),
	)
	if err := s.ReplaceAccounts(context.Background(), []app.Account{{Name: "Übersee Handel", Links: []app.AccountLink{{Source: "acme", ExternalID: "K-c2"}}}}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		query string
		want  []string // in the default order, by contract name
	}{
		// Every search text holds the source, acme. lower() leaves "Ö",
		// which sorts after ASCII, and "[" sorts before letters.
		{"m", []string{"c6", "c2", "x42", "c3", "c1", "c4", "c5"}},
		// Folded to "ue" on both sides: Müller, Öztürk and the user's
		// customer Übersee Handel, linked to c2's customer.
		{"ü", []string{"c2", "c1", "c5"}},
		{"ä", []string{"c1", "c4"}},
		{"ö", []string{"c2", "c3", "c5"}}, // Söhne, Noël, Öko
		{"oe", []string{"c2", "c3", "c5"}},
		{"ß", []string{"c4"}},
		{"42", []string{"x42"}},
		{"c2", []string{"c2"}},
		{"X42", []string{"x42"}},
		{"k-c1", []string{"c1"}},
		{"Müller", []string{"c1"}},
		{"MUELLER", []string{"c1"}},
		{"muller", []string{"c1"}},
		{"backerei", []string{"c1"}},
		{"Söhne", []string{"c2"}},
		{"sohne", []string{"c2"}},
		{"cafe noel", []string{"c3"}},
		{"Café  Noël", []string{"c3"}},
		{"strasse", []string{"c4"}},
		{"Straße 5", []string{"c4"}},
		{"zoe ozturk", []string{"c5"}},
		{"oekostrom", []string{"c5"}},
		{"kunde 00042", []string{"x42"}},
		{"00042 gmbh", []string{"x42"}},
		{"[sonder]*", []string{"c3"}},
		{"*tarif?", []string{"c3"}},
		{"?", []string{"c3"}},
		{"[", []string{"c3"}},
		{"*", []string{"c3"}},
		{"100%_", []string{"c5"}},
		{"%_", []string{"c5"}},
		{`"near" and`, []string{"c4"}},
		{"not -x", []string{"c4"}},
		{`"`, []string{"c4"}},
		{"übersee", []string{"c2"}}, // the user's customer name, through the link
		{"uebersee handel", []string{"c2"}},
		{"zz", nil},
		{"nothing like it", nil},
		// One and two characters, read from the gram index: digits,
		// characters folding leaves beyond ASCII (two and three bytes of
		// UTF-8), pairs folded from a single letter, spaces trimmed.
		{"5", []string{"c4", "c5"}},
		{"0", []string{"x42", "c5"}},
		{"00", []string{"x42", "c5"}},
		{"4", []string{"x42", "c4"}},
		{"gm", []string{"x42", "c4"}},
		{" g ", []string{"c2", "x42", "c4"}},
		{"–", []string{"c6"}},
		{"ø", []string{"c6"}},
		{"Sø", []string{"c6"}},
		{"Ł", []string{"c6"}},
		{"ŁÓ", []string{"c6"}},
		{"dź", []string{"c6"}},
		{"ss", []string{"c4"}},
		{"é", []string{"c6", "c2", "x42", "c3", "c1", "c4", "c5"}},
		{"%", []string{"c5"}},
		{"ÿ", nil},
		{"42", []string{"x42"}},
		{"ae", []string{"c1", "c4"}},
	} {
		t.Run(tt.query, func(t *testing.T) {
			page, err := s.ListContracts(context.Background(), app.ContractFilter{Query: tt.query, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(page.Contracts)
			if !reflect.DeepEqual(got, tt.want) || page.Total != len(tt.want) {
				t.Errorf("search %q: %v (total %d), want %v", tt.query, got, page.Total, tt.want)
			}
			if before := searchBefore(t, s, tt.query); !reflect.DeepEqual(got, before) {
				t.Errorf("search %q: %v, the scan found %v", tt.query, got, before)
			}
			// In the orders that read more than the contract, as the scan
			// sorted them.
			for _, sort := range []app.ContractSort{app.SortCustomer, app.SortSource} {
				for _, desc := range []bool{false, true} {
					page, err := s.ListContracts(context.Background(), app.ContractFilter{Query: tt.query, Limit: 50, Sort: sort, Desc: desc})
					if err != nil {
						t.Fatal(err)
					}
					if before := searchBeforeSorted(t, s, tt.query, sort, desc); !reflect.DeepEqual(ids(page.Contracts), before) {
						t.Errorf("search %q by %s (desc %v): %v, the scan found %v", tt.query, sort, desc, ids(page.Contracts), before)
					}
				}
			}
			facets, err := s.ContractFacets(context.Background(), app.ContractFilter{Query: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, f := range facets.Status {
				n += f.Count
			}
			if n != len(tt.want) {
				t.Errorf("search %q: facets count %d, want %d", tt.query, n, len(tt.want))
			}
		})
	}
}

// The gram index follows the contracts whatever writes them: a contract
// written twice in one transaction, a re-sync that renames one, a contract
// deleted (as a pull drops a customer's), a text changed outside the
// store's transactions (read from contract_grams_pending until the next one)
// and a search text that is not UTF-8, which every short search reads and
// instr() decides on, as the scan did.
func TestShortSearchFollowsTheContracts(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	mk := func(id, name string) app.Contract {
		c := sample(id)
		c.Name, c.Customer = name, app.Customer{ExternalID: "K-" + id, Name: "Kunde"}
		c.Product, c.Parties, c.MeterID = app.Product{}, app.Parties{}, ""
		return c
	}
	a, b := mk("a1", "Alpha"), mk("b1", "Beta")
	seed(t, s, "acme", mk("a1", "Alphorn"), b, a)
	// indexed is the contracts the gram index lists for query, and
	// searched those the portfolio's search finds.
	indexed := func(query string) []int64 {
		t.Helper()
		rows, err := s.r.QueryContext(ctx, "SELECT rowid FROM contract_grams WHERE contract_grams MATCH ? ORDER BY rowid", gramQuery(query))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	searched := func(query string) []string {
		t.Helper()
		page, err := s.ListContracts(ctx, app.ContractFilter{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		if before := searchBefore(t, s, query); !reflect.DeepEqual(ids(page.Contracts), before) {
			t.Errorf("search %q: %v, the scan found %v", query, ids(page.Contracts), before)
		}
		return ids(page.Contracts)
	}
	idOf := func(ext string) int64 {
		t.Helper()
		var id int64
		if err := s.r.QueryRowContext(ctx, "SELECT id FROM contracts WHERE external_id = ?", ext).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	aID, bID := idOf("a1"), idOf("b1")
	if got := indexed("ph"); !reflect.DeepEqual(got, []int64{aID}) {
		t.Errorf("as synced, ph indexed for %v, want a1 (%d)", got, aID)
	}
	if got := indexed("rn"); got != nil {
		t.Errorf("Alphorn renamed Alpha in the same page, rn still indexed for %v", got)
	}
	a.Name = "Gamma"
	seed(t, s, "acme", a)
	if got := indexed("ph"); got != nil {
		t.Errorf("renamed Gamma, ph still indexed for %v", got)
	}
	if got := searched("mm"); !reflect.DeepEqual(got, []string{"a1"}) {
		t.Errorf("renamed Gamma, mm finds %v", got)
	}
	if err := s.wq.DeleteContract(ctx, bID); err != nil {
		t.Fatal(err)
	}
	if got := indexed("et"); got != nil {
		t.Errorf("b1 deleted, et still indexed for %v", got)
	}
	if _, err := s.w.ExecContext(ctx, "UPDATE contracts SET search_text = CAST(X'6131ff3432' AS TEXT) WHERE id = ?", aID); err != nil {
		t.Fatal(err)
	}
	for _, step := range []string{"pending", "indexed"} {
		var pending int
		if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM contract_grams_pending").Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"pending": 1, "indexed": 0}[step]; pending != want {
			t.Errorf("%s: %d contracts pending, want %d", step, pending, want)
		}
		for q, want := range map[string][]string{"42": {"a1"}, "4": {"a1"}, "1": {"a1"}, "mm": nil, "k": nil} {
			if got := searched(q); !reflect.DeepEqual(got, want) {
				t.Errorf("%s, a text not UTF-8: %q finds %v, want %v", step, q, got, want)
			}
		}
		// Any write of the store's indexes what is pending.
		if err := s.ReplaceAccounts(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	var notUTF8ID int64
	if err := s.r.QueryRowContext(ctx, "SELECT rowid FROM contract_grams WHERE contract_grams MATCH ?", `"`+notUTF8+`"`).Scan(&notUTF8ID); err != nil || notUTF8ID != aID {
		t.Errorf("the text not UTF-8 indexed for %d, want a1 (%d) (%v)", notUTF8ID, aID, err)
	}
}

// The sort by customer follows what changes a contract's customer name:
// the user's accounts (a linked customer sorts under the account's name),
// a customer renamed upstream and a contract moved to another customer,
// and agrees with the order the portfolio's match query computes.
func TestSortByCustomerFollowsAccountsAndRenames(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	mk := func(id, custID, custName string) app.Contract {
		c := sample(id)
		c.Customer = app.Customer{ExternalID: custID, Name: custName}
		return c
	}
	a, b, c, none := mk("a", "K1", "Zander"), mk("b", "K2", "adler"), mk("c", "K3", "Meyer"), mk("none", "", "")
	seed(t, s, "acme", a, b, c, none)
	link := func(accounts ...app.Account) {
		t.Helper()
		if err := s.ReplaceAccounts(ctx, accounts); err != nil {
			t.Fatal(err)
		}
	}
	// Descending, contracts of one key keep ids ascending (a, b, c, none
	// were stored in that order).
	for _, step := range []struct {
		name      string
		change    func()
		asc, desc []string
	}{
		{"as synced", func() {}, []string{"b", "c", "a", "none"}, []string{"none", "a", "c", "b"}},
		{"K1 linked to Aaron AG", func() {
			link(app.Account{Name: "Aaron AG", Links: []app.AccountLink{{Source: "acme", ExternalID: "K1"}}})
		}, []string{"a", "b", "c", "none"}, []string{"none", "c", "b", "a"}},
		{"the same accounts again", func() {
			link(app.Account{Name: "Aaron AG", Links: []app.AccountLink{{Source: "acme", ExternalID: "K1"}}})
		}, []string{"a", "b", "c", "none"}, []string{"none", "c", "b", "a"}},
		{"K2 renamed upstream", func() { b.Customer.Name = "Zeppelin"; seed(t, s, "acme", b) },
			[]string{"a", "c", "b", "none"}, []string{"none", "b", "c", "a"}},
		{"the account renamed and K3 linked too", func() {
			link(app.Account{Name: "Nord GmbH", Links: []app.AccountLink{{Source: "acme", ExternalID: "K1"}, {Source: "acme", ExternalID: "K3"}}})
		}, []string{"a", "c", "b", "none"}, []string{"none", "b", "a", "c"}},
		{"c moved to K2", func() { c.Customer = b.Customer; seed(t, s, "acme", c) },
			[]string{"a", "b", "c", "none"}, []string{"none", "b", "c", "a"}},
		{"no accounts", func() { link() }, []string{"a", "b", "c", "none"}, []string{"none", "b", "c", "a"}},
		{"a without a customer", func() { a.Customer = app.Customer{}; seed(t, s, "acme", a) },
			[]string{"b", "c", "a", "none"}, []string{"a", "none", "b", "c"}},
	} {
		step.change()
		for _, desc := range []bool{false, true} {
			page, err := s.ListContracts(ctx, app.ContractFilter{Sort: app.SortCustomer, Desc: desc})
			if err != nil {
				t.Fatal(err)
			}
			got, want := ids(page.Contracts), step.asc
			if desc {
				want = step.desc
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, desc=%v: %v, want %v", step.name, desc, got, want)
			}
			rows, err := s.rq.ContractMatches(ctx, dbq.ContractMatchesParams{Sort: string(app.SortCustomer), Descending: map[bool]int64{false: 0, true: 1}[desc], Upstream: string(app.UpstreamCurrent)})
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range rows {
				if i >= len(page.Contracts) || page.Contracts[i].ID != r.ID {
					t.Errorf("%s, desc=%v: the page's order %v differs from the match query's at %d", step.name, desc, got, i)
					break
				}
			}
		}
	}
}
