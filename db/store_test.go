package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"wattfolio/app"
)

func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cache.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func sample(id string) app.Contract {
	return app.Contract{
		Source: "acme", Vendor: app.VendorEnneo, ExternalID: id, Kind: app.KindRetail,
		Commodity: app.CommodityElectricity, Status: "active",
		Customer:  app.Customer{ExternalID: "C" + id, Name: "Erika Mustermann"},
		Name:      "Flex 24 · Erika Mustermann",
		Product:   app.Product{Name: "Flex 24", Code: "flx_24"},
		Parties:   app.Parties{Supplier: "Stadtwerke", Buyer: "Erika Mustermann", GridOperator: "E.ON Bayern AG", GridOperatorCode: "1000000000000"},
		ValidFrom: day("2022-09-01"), SignedAt: day("2022-08-22"),
		Prices: app.Prices{
			Currency: "EUR", BasePerYear: app.Ptr(app.MustDecimal("149.88")),
			WorkingPerKWh: app.Ptr(app.MustDecimal("0.285")), VATRate: app.Ptr(app.MustDecimal("0.19")),
		},
		AnnualConsumptionKWh: app.Ptr(app.MustDecimal("3477")),
		MeterID:              "1ESY1160669167",
		Raw:                  []byte(`{"id":` + id + `}`),
		FetchedAt:            time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
	}
}

func seed(t testing.TB, s *Store, source string, cs ...app.Contract) int64 {
	t.Helper()
	ctx := context.Background()
	if err := s.EnsureSource(ctx, source, app.VendorEnneo, "http://127.0.0.1/api/mind"); err != nil {
		t.Fatal(err)
	}
	run, err := s.BeginRun(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SavePage(ctx, run, source, "contracts", cs, nil, "done"); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, run, app.RunOK, ""); err != nil {
		t.Fatal(err)
	}
	return run
}

func TestContractRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	want := sample("746839")
	seed(t, s, "acme", want)
	page, err := s.ListContracts(context.Background(), app.ContractFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || len(page.Contracts) != 1 {
		t.Fatalf("got %d of %d contracts, want 1", len(page.Contracts), page.Total)
	}
	got := page.Contracts[0]
	if got.ID == 0 {
		t.Error("stored contract has no cache id")
	}
	want.ID = got.ID
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	one, err := s.GetContract(context.Background(), got.ID)
	if err != nil || !reflect.DeepEqual(one, want) {
		t.Errorf("GetContract = %+v, %v", one, err)
	}
	if _, err := s.GetContract(context.Background(), 999); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("GetContract(999) error = %v, want ErrNotFound", err)
	}
}

func TestUpsertReplacesAndKeepsOneRow(t *testing.T) {
	s, _ := openTest(t)
	c := sample("1")
	seed(t, s, "acme", c)
	c.Status = "terminated"
	c.ValidTo = day("2025-12-31")
	c.Prices.BasePerYear = nil
	seed(t, s, "acme", c)
	page, err := s.ListContracts(context.Background(), app.ContractFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 {
		t.Fatalf("total = %d after re-sync, want 1", page.Total)
	}
	got := page.Contracts[0]
	if got.Status != "terminated" || !got.ValidTo.Equal(day("2025-12-31")) || got.Prices.BasePerYear != nil {
		t.Errorf("update not applied: %+v", got)
	}
}

func TestListFiltersSortAndPaging(t *testing.T) {
	s, _ := openTest(t)
	var cs []app.Contract
	for i := range 30 {
		c := sample(fmt.Sprintf("%03d", i))
		c.Name = fmt.Sprintf("Contract %02d", 29-i)
		c.Prices.WorkingPerKWh = app.Ptr(app.DecimalFromInt(int64(i)))
		if i%3 == 0 {
			c.Commodity = app.CommodityGas
		}
		if i%5 == 0 {
			c.Status = "terminated"
			c.ValidTo = day("2024-01-31")
		}
		if i == 7 {
			c.Customer.Name = "Jürgen Größer"
			c.MeterID = "GAS-7777"
		}
		cs = append(cs, c)
	}
	seed(t, s, "acme", cs...)
	seed(t, s, "other", sample("X1"))

	tests := []struct {
		name   string
		f      app.ContractFilter
		total  int
		firsts []string // external ids of the first rows, in order
	}{
		{"all", app.ContractFilter{}, 31, nil},
		{"source", app.ContractFilter{Source: "other"}, 1, []string{"X1"}},
		{"commodity", app.ContractFilter{Commodity: app.CommodityGas}, 10, nil},
		{"status", app.ContractFilter{Status: "terminated"}, 6, nil},
		{"kind none", app.ContractFilter{Kind: app.KindPPA}, 0, nil},
		{"query meter", app.ContractFilter{Query: "gas-7777"}, 1, []string{"007"}},
		{"query umlaut case", app.ContractFilter{Query: "GRÖSSER"}, 1, []string{"007"}},
		{"query umlaut spelled", app.ContractFilter{Query: "groesser"}, 1, []string{"007"}},
		{"query umlaut dropped", app.ContractFilter{Query: "Grosser"}, 1, []string{"007"}},
		{"query umlaut", app.ContractFilter{Query: "GRÖßER"}, 1, []string{"007"}},
		{"active on", app.ContractFilter{ActiveOn: day("2024-06-01")}, 25, nil},
		{"ended before", app.ContractFilter{ActiveOn: day("2024-01-31")}, 31, nil},
		{"sort name", app.ContractFilter{Source: "acme", Sort: app.SortName, Limit: 2}, 30, []string{"029", "028"}},
		{"sort working desc", app.ContractFilter{Source: "acme", Sort: app.SortWorking, Desc: true, Limit: 3}, 30, []string{"029", "028", "027"}},
		{"paging", app.ContractFilter{Source: "acme", Sort: app.SortExternalID, Limit: 10, Offset: 20}, 30, []string{"020", "021"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.ListContracts(context.Background(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != tt.total {
				t.Errorf("total = %d, want %d", page.Total, tt.total)
			}
			for i, id := range tt.firsts {
				if i >= len(page.Contracts) || page.Contracts[i].ExternalID != id {
					t.Errorf("row %d = %v, want %s", i, ids(page.Contracts), id)
					break
				}
			}
		})
	}
}

// On the day clocks go forward, midnight to midnight in Berlin is 23 hours:
// a contract starting at 00:30 the next day must not count as active.
func TestActiveOnHonoursDSTDay(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := openTest(t)
	next := sample("next-day")
	next.ValidFrom = time.Date(2026, 3, 30, 0, 30, 0, 0, berlin).UTC()
	same := sample("same-day")
	same.ValidFrom = time.Date(2026, 3, 29, 23, 30, 0, 0, berlin).UTC()
	seed(t, s, "acme", next, same)
	page, err := s.ListContracts(context.Background(), app.ContractFilter{ActiveOn: time.Date(2026, 3, 29, 0, 0, 0, 0, berlin)})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(page.Contracts); !reflect.DeepEqual(got, []string{"same-day"}) {
		t.Errorf("active on 2026-03-29 = %v, want [same-day]", got)
	}
}

func TestEachContractStreamsEveryRowOnce(t *testing.T) {
	s, _ := openTest(t)
	var cs []app.Contract
	for i := range exportBatch*2 + 17 {
		cs = append(cs, sample(fmt.Sprintf("%05d", i)))
	}
	seed(t, s, "acme", cs...)
	seen := map[string]bool{}
	prev := ""
	err := s.EachContract(context.Background(), app.ContractFilter{Sort: app.SortExternalID}, func(c app.Contract) error {
		if seen[c.ExternalID] {
			t.Fatalf("contract %s twice", c.ExternalID)
		}
		if c.ExternalID < prev {
			t.Fatalf("out of order: %s after %s", c.ExternalID, prev)
		}
		seen[c.ExternalID], prev = true, c.ExternalID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(cs) {
		t.Fatalf("streamed %d contracts, want %d", len(seen), len(cs))
	}
}

// A page that fails half-way leaves neither its rows nor its checkpoint.
func TestSavePageIsAllOrNothing(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	seed(t, s, "acme", sample("1"))
	run, err := s.BeginRun(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SavePage(ctx, run, "acme", "contracts", []app.Contract{sample("2")}, nil, "page-1"); err != nil {
		t.Fatal(err)
	}
	// Run 9999 does not exist: the customer row is written inside the
	// transaction, then the contract's run_id fails its foreign key.
	err = s.SavePage(ctx, 9999, "acme", "contracts", []app.Contract{sample("3"), sample("4")}, nil, "page-2")
	if err == nil {
		t.Fatal("SavePage with a missing run succeeded")
	}
	page, _ := s.ListContracts(ctx, app.ContractFilter{Sort: app.SortExternalID})
	if got := ids(page.Contracts); !reflect.DeepEqual(got, []string{"1", "2"}) {
		t.Errorf("contracts after failed page = %v, want [1 2]", got)
	}
	if cur, _ := s.Checkpoint(ctx, "acme", "contracts"); cur != "page-1" {
		t.Errorf("checkpoint = %q, want page-1", cur)
	}
}

func TestRunsAndSourceStatus(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	seed(t, s, "acme", sample("1"), sample("2"))
	cut, err := s.BeginRun(ctx, "acme") // never finished: a killed process
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.BeginRun(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	bad := &app.RecordError{Source: "acme", Record: "contract 3", Field: "consumption", Err: errors.New(`want a number, got string "lots"`)}
	if err := s.SavePage(ctx, run, "acme", "contracts", []app.Contract{sample("1")}, []*app.RecordError{bad}, "x"); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, run, app.RunPartial, "1 contract failed"); err != nil {
		t.Fatal(err)
	}
	var status string
	if err := s.r.QueryRow("SELECT status FROM sync_runs WHERE id = ?", cut).Scan(&status); err != nil || status != "interrupted" {
		t.Errorf("cut-off run status = %q, %v; want interrupted", status, err)
	}
	sts, err := s.SourceStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 1 {
		t.Fatalf("%d sources, want 1", len(sts))
	}
	st := sts[0]
	if st.Contracts != 2 || st.LastRun == nil || st.LastRun.Status != app.RunPartial || st.LastRun.Fetched != 1 || st.LastRun.Failed != 1 {
		t.Errorf("status = %+v, last run %+v", st, st.LastRun)
	}
	if len(st.LastRun.Problems) != 1 || st.LastRun.Problems[0] != `contract 3: field consumption: want a number, got string "lots"` {
		t.Errorf("problems = %q", st.LastRun.Problems)
	}
	if st.LastSuccess.IsZero() {
		t.Error("no last success after a partial run")
	}
}

func TestOpenRefusesNewerCacheAndLeavesItAlone(t *testing.T) {
	s, path := openTest(t)
	seed(t, s, "acme", sample("1"))
	if _, err := s.w.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open of a newer cache: %v, want ErrNewerSchema", err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n, v int
	raw.QueryRow("SELECT COUNT(*) FROM contracts").Scan(&n)
	raw.QueryRow("SELECT MAX(version) FROM schema_migrations").Scan(&v)
	if n != 1 || v != 999 {
		t.Errorf("after refusal: %d contracts, version %d; want 1 and 999", n, v)
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	s, path := openTest(t)
	seed(t, s, "acme", sample("1"))
	s.Close()
	s2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	page, err := s2.ListContracts(context.Background(), app.ContractFilter{})
	if err != nil || page.Total != 1 {
		t.Fatalf("after reopen: %d contracts, %v", page.Total, err)
	}
	var v int64
	s2.r.QueryRow("SELECT MAX(version) FROM schema_migrations").Scan(&v)
	if v != SchemaVersion() {
		t.Errorf("schema version %d, want %d", v, SchemaVersion())
	}
}

func TestOpenRejectsNonCacheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := writeFile(path, "these are my notes, not a database\n"); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if err == nil {
		t.Fatal("Open of a text file succeeded")
	}
}

func ids(cs []app.Contract) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ExternalID)
	}
	return out
}

func TestSortByCustomerPutsUnknownCustomersLast(t *testing.T) {
	s, _ := openTest(t)
	a, b, none := sample("a"), sample("b"), sample("none")
	a.Customer = app.Customer{ExternalID: "1", Name: "Zander"}
	b.Customer = app.Customer{ExternalID: "2", Name: "adler"}
	none.Customer = app.Customer{}
	seed(t, s, "acme", none, a, b)
	for _, tt := range []struct {
		desc bool
		want []string
	}{{false, []string{"b", "a", "none"}}, {true, []string{"none", "a", "b"}}} {
		page, err := s.ListContracts(context.Background(), app.ContractFilter{Sort: app.SortCustomer, Desc: tt.desc})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(page.Contracts); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("desc=%v: %v, want %v", tt.desc, got, tt.want)
		}
	}
}
