package db

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// generatedQuery is the SQL text of a query sqlc generated into
// internal/dbq, read from the generated source: the exact statement the
// store runs.
func generatedQuery(t *testing.T, file, name string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "internal/dbq/"+file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			if len(vs.Names) == 1 && vs.Names[0].Name == name {
				s, err := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
		}
	}
	t.Fatalf("no query %s in %s", name, file)
	return ""
}

// queryPlan is the EXPLAIN QUERY PLAN of query with args, one step a line.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int64
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The portfolio's default page and a status-filtered page walk the name
// index and stop after the page instead of sorting every contract.
func TestPortfolioPagesUseIndex(t *testing.T) {
	s, _ := openTest(t)
	for _, f := range []app.ContractFilter{{}, {Status: "active"}, {Sort: app.SortName, Desc: true, Status: "ended", Offset: 100}, {Sort: app.SortValidTo, Desc: true}, {Sort: app.SortCustomer}} {
		if !byIndex(f) {
			t.Errorf("%+v does not take the indexed path", f)
		}
	}
	for _, f := range []app.ContractFilter{{Query: "x"}, {Account: 1}, {Sort: app.SortCustomer, Account: 1}, {ActiveOn: time.Now()}} {
		if byIndex(f) {
			t.Errorf("%+v takes the indexed path it cannot serve", f)
		}
	}
	cases := []struct {
		name, query, status, index string
	}{
		{"default", "listContractsByName", "", "contracts_by_name"},
		{"kind", "listContractsByName", "", "contracts_by_name"},
		{"descending", "listContractsByNameDesc", "", "contracts_by_name"},
		{"status", "listContractsByStatusName", "active", "contracts_by_status_name (status=?)"},
		{"status, descending", "listContractsByStatusNameDesc", "active", "contracts_by_status_name (status=?)"},
		{"start", "listContractsByValidFrom", "", "contracts_by_valid_from"},
		{"start, descending, status", "listContractsByValidFromDesc", "active", "contracts_by_valid_from_desc"},
		{"end", "listContractsByValidTo", "", "contracts_by_valid_to"},
		{"end, descending", "listContractsByValidToDesc", "", "contracts_by_valid_to_desc"},
		{"external id", "listContractsByExternalID", "", "contracts_by_external_id"},
		{"external id, descending", "listContractsByExternalIDDesc", "", "contracts_by_external_id"},
		{"working price", "listContractsByWorkingPrice", "", "contracts_by_working_price"},
		{"working price, descending", "listContractsByWorkingPriceDesc", "", "contracts_by_working_price_desc"},
		{"base price", "listContractsByBasePrice", "", "contracts_by_base_price"},
		{"base price, descending, status", "listContractsByBasePriceDesc", "active", "contracts_by_base_price_desc"},
		{"status", "listContractsByStatus", "", "contracts_by_status_id"},
		{"status, descending", "listContractsByStatusDesc", "", "contracts_by_status_id_desc"},
		{"source", "listContractsBySource", "", "contracts_by_source"},
		{"source, descending, status", "listContractsBySourceDesc", "active", "contracts_by_source"},
		// One status sorted by status: the walk skips the others in the index.
		{"status, descending, one status", "listContractsByStatusDesc", "ended", "contracts_by_status_id_desc"},
		{"customer", "search.sql.go:listContractsByCustomer", "", "contract_customers_by_key"},
		{"customer, descending, status", "search.sql.go:listContractsByCustomerDesc", "active", "contract_customers_by_key_desc"},
	}
	for _, c := range cases {
		file, query, ok := strings.Cut(c.query, ":")
		if !ok {
			file, query = "contracts.sql.go", c.query
		}
		kind := ""
		if c.name == "kind" {
			kind = "ppa"
		}
		plan := queryPlan(t, s, generatedQuery(t, file, query), "", "", kind, "", c.status, "", 0, 50)
		// Names and external ids may sort their few ties by id; dates,
		// prices and statuses, shared by many, have indexes that need none.
		strict := strings.Contains(c.index, "valid") || strings.Contains(c.index, "price") || strings.Contains(c.index, "status_id") ||
			strings.Contains(c.index, "source") || strings.Contains(c.index, "customers")
		sorts := strings.Contains(plan, "USE TEMP B-TREE FOR ORDER BY") ||
			strict && strings.Contains(plan, "TEMP B-TREE")
		if sorts || !strings.Contains(plan, c.index) {
			t.Errorf("%s: the page sorts instead of walking %s:\n%s", c.name, c.index, plan)
		}
		t.Logf("%s:\n%s", c.name, plan)
	}
	// The export's keyset batches seek to where the last one stopped.
	for _, q := range []string{"contractsAfterName", "exportContractsAfterName"} {
		plan := queryPlan(t, s, generatedQuery(t, "contracts.sql.go", q), 0, "flex", 7, "", "", "", "", "", "", 500)
		if strings.Contains(plan, "TEMP B-TREE") || !strings.Contains(plan, "SEARCH c USING INDEX contracts_by_name (<expr>>?)") {
			t.Errorf("%s: the export's batches scan or sort:\n%s", q, plan)
		}
		t.Logf("%s:\n%s", q, plan)
	}
	// The count reads the narrow filter index, not the wide rows.
	plan := queryPlan(t, s, generatedQuery(t, "contracts.sql.go", "countContracts"), "", "", "", "", "active", "")
	if !strings.Contains(plan, "COVERING INDEX") {
		t.Errorf("count reads the table:\n%s", plan)
	}
	t.Logf("count:\n%s", plan)
	plan = queryPlan(t, s, generatedQuery(t, "contracts.sql.go", "countContractsByStatus"), "", "", "", "", "active", "")
	if !strings.Contains(plan, "(status=?)") {
		t.Errorf("count by status scans:\n%s", plan)
	}
	t.Logf("count by status:\n%s", plan)
	// The filter's status list seeks each status instead of scanning.
	plan = queryPlan(t, s, generatedQuery(t, "contracts.sql.go", "contractStatuses"))
	if strings.Contains(plan, "SCAN c") || strings.Contains(plan, "SCAN contracts") {
		t.Errorf("the statuses scan the contracts:\n%s", plan)
	}
	t.Logf("statuses:\n%s", plan)
	// A search reads the contracts its trigram index finds, not every one.
	search := generatedQuery(t, "search.sql.go", "contractSearchMatches")
	plan = queryPlan(t, s, search, "", 0, "", "", "active", 0, 0, "", "*kunde*", "kunde")
	if !strings.Contains(plan, "VIRTUAL TABLE INDEX") || strings.Contains(plan, "SCAN c\n") || strings.Contains(plan, "SCAN hc") {
		t.Errorf("the search reads every contract:\n%s", plan)
	}
	t.Logf("search:\n%s", plan)
	// A search of two characters reads the contracts of its gram, the
	// texts that are not UTF-8 by their gram too, and each by id, and
	// those not indexed yet from their (empty) list.
	plan = queryPlan(t, s, search, "", 0, "", "", "active", 0, 0, gramQuery("42"), "*42*", "42")
	if strings.Count(plan, "VIRTUAL TABLE INDEX") != 3 || strings.Contains(plan, "SCAN c\n") || strings.Contains(plan, "SCAN gc") ||
		strings.Contains(plan, "SCAN hc") || !strings.Contains(plan, "SEARCH gc USING INTEGER PRIMARY KEY") ||
		strings.Contains(plan, "SCAN pc") || !strings.Contains(plan, "SEARCH pc USING INTEGER PRIMARY KEY") {
		t.Errorf("a short search reads every contract:\n%s", plan)
	}
	t.Logf("short search:\n%s", plan)
	// Re-keying the contracts after new accounts reads the customers and
	// their contracts' index entries, not every contract's row.
	plan = queryPlan(t, s, generatedQuery(t, "search.sql.go", "refreshCustomerKeys"))
	if strings.Contains(plan, "SCAN c\n") || strings.Contains(plan, "SCAN kc") || !strings.Contains(plan, "contracts_by_customer") {
		t.Errorf("re-keying reads every contract:\n%s", plan)
	}
	t.Logf("re-keying:\n%s", plan)
}

// The export in every path lists the same contracts in the same order as
// the portfolio's pages, across batch boundaries and names shared by many
// contracts (ties broken by id).
func TestEachContractMatchesPages(t *testing.T) {
	s, _ := openTest(t)
	var cs []app.Contract
	names := []string{"Flex", "flex", "Alpha", "", "zeta", "Beta"}
	for i := range exportBatch*2 + 37 {
		c := sample(fmt.Sprintf("%05d", (i*7919)%100000))
		c.Name = names[i%len(names)]
		c.Status = []string{"active", "ended", "pending"}[i%3]
		c.ValidFrom = day("2022-01-01").AddDate(0, 0, i%40)
		if i%5 == 0 {
			c.Flexibility = &app.FlexibilityTerms{AssetName: fmt.Sprint("asset ", i), ReservationFee: app.Ptr(app.DecimalFromInt(int64(i)))}
		}
		if i%7 == 0 {
			c.PPA = &app.PPATerms{PPAType: "fixed", Period: fmt.Sprint("Q", i%4+1, "-2026")}
		}
		if i%11 == 0 {
			c.Partner = &app.PartnerTerms{ContractType: "monthly", Prices: []app.PricePoint{{From: day("2026-01-01"), PerKWh: app.Decimal(i)}}}
		}
		if i%13 == 0 {
			c.CancelledAt = day("2026-03-31")
		}
		cs = append(cs, c)
	}
	seed(t, s, "acme", cs...)
	ctx := context.Background()
	// Some contracts belong to an account: ExportOnly may leave its id out.
	err := s.ReplaceAccounts(ctx, []app.Account{{Name: "Bäckerei Schmidt GmbH", Links: []app.AccountLink{{Source: "acme", ExternalID: cs[0].Customer.ExternalID}, {Source: "acme", ExternalID: cs[9].Customer.ExternalID}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []app.ContractFilter{
		{}, {Desc: true}, {Status: "ended"}, {Status: "pending", Desc: true}, {Kind: app.KindRetail},
		{Sort: app.SortValidFrom}, {Sort: app.SortValidFrom, Desc: true, Status: "active"}, {Query: "flex"},
		{Sort: app.SortValidTo}, {Sort: app.SortValidTo, Desc: true}, {Sort: app.SortExternalID, Desc: true},
		{Sort: app.SortExternalID}, {Sort: app.SortStatus}, {Sort: app.SortStatus, Desc: true, Kind: app.KindRetail},
		{Sort: app.SortWorking}, {Sort: app.SortWorking, Desc: true}, {Sort: app.SortBase, Desc: true, Status: "ended"},
		{Sort: app.SortCustomer}, {Sort: app.SortSource, Desc: true}, {Sort: app.SortSource, Status: "ended"},
	} {
		var want []int64
		whole := map[int64]app.Contract{}
		for off := 0; ; off += 100 {
			pf := f
			pf.Limit, pf.Offset = 100, off
			page, err := s.ListContracts(ctx, pf)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Contracts {
				want = append(want, c.ID)
				whole[c.ID] = c
			}
			if len(page.Contracts) < 100 {
				break
			}
			if page.Total <= off {
				t.Fatalf("%+v: total %d at offset %d", f, page.Total, off)
			}
		}
		var got []int64
		err := s.EachContract(ctx, f, func(c app.Contract) error {
			if !reflect.DeepEqual(c, whole[c.ID]) {
				t.Errorf("%+v: contract %d exported as\n%+v\nlisted as\n%+v", f, c.ID, c, whole[c.ID])
			}
			got = append(got, c.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) || len(got) == 0 {
			t.Errorf("%+v: export lists %d contracts, pages %d, or in another order", f, len(got), len(want))
		}
		// Without the vendor's record: the same contracts, Raw left out;
		// for the CSV export alone: the same contracts, with what it writes.
		for _, v := range []struct{ withoutRaw, exportOnly bool }{{true, false}, {false, true}, {true, true}} {
			lean := f
			lean.WithoutRaw, lean.ExportOnly = v.withoutRaw, v.exportOnly
			var leanIDs []int64
			err = s.EachContract(ctx, lean, func(c app.Contract) error {
				w := whole[c.ID]
				if len(w.Raw) == 0 {
					t.Fatalf("%+v: contract %d listed without its record", f, c.ID)
				}
				if v.withoutRaw {
					if len(c.Raw) != 0 {
						t.Errorf("%+v %+v: contract %d exported with its record", f, v, c.ID)
					}
					w.Raw = c.Raw
				}
				if v.exportOnly {
					c.Customer.AccountID, c.Parties.GridOperatorCode, c.CancelledAt = w.Customer.AccountID, w.Parties.GridOperatorCode, w.CancelledAt
				}
				if !reflect.DeepEqual(c, w) {
					t.Errorf("%+v %+v: contract %d exported as\n%+v\nlisted as\n%+v", f, v, c.ID, c, w)
				}
				leanIDs = append(leanIDs, c.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(leanIDs, want) {
				t.Errorf("%+v %+v: export lists other contracts", f, v)
			}
		}
		// Against the general query, which sorts every match.
		var general []int64
		rows, err := s.rq.ListContracts(ctx, func() dbq.ListContractsParams { p := listParams(f); p.Lim = -1; return p }())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			general = append(general, r.Contract.ID)
		}
		if !slices.Equal(got, general) {
			t.Errorf("%+v: export order differs from ListContracts'", f)
		}
	}
}

// The facet counts under the equality filters read the narrow filter index
// alone, never the wide rows, grouping in its order; only the few groups
// are sorted.
func TestFacetCountsUseTheFilterIndex(t *testing.T) {
	s, _ := openTest(t)
	plan := queryPlan(t, s, generatedQuery(t, "contracts.sql.go", "contractFacetGroups"), "", "", "", "")
	scan, _, _ := strings.Cut(plan, "SCAN g")
	if !strings.Contains(scan, "COVERING INDEX contracts_by_filter") || strings.Contains(scan, "TEMP B-TREE") {
		t.Errorf("the facet counts read the table or sort its rows:\n%s", plan)
	}
	t.Logf("facets:\n%s", plan)
}

// A search's page counts its facets in the same pass (and keeps them for
// the page's ContractFacets): the same counts as the facet query's own.
func TestSearchPageCountsItsFacets(t *testing.T) {
	s, _ := openTest(t)
	var cs []app.Contract
	for i := range 60 {
		c := sample(fmt.Sprintf("S%03d", i))
		c.Name = []string{"Flex Nord", "Strom Süd", "Gas West"}[i%3]
		c.Status = []string{"active", "ended", "pending", "active"}[i%4]
		c.Commodity = []app.Commodity{app.CommodityElectricity, app.CommodityGas}[i%2]
		c.ValidFrom, c.ValidTo = day("2024-01-01").AddDate(0, i, 0), day("2026-01-01").AddDate(0, i, 0)
		cs = append(cs, c)
	}
	seed(t, s, "acme", cs...)
	ctx := context.Background()
	for _, f := range []app.ContractFilter{
		{Query: "nord"}, {Query: "sud", Status: "active"}, {Query: "s", Commodity: app.CommodityGas, Sort: app.SortStatus},
		{ActiveOn: day("2026-03-01")}, {ActiveOn: day("2026-03-01"), Status: "ended", Offset: 5, Limit: 5},
		{Query: "keiner"},
	} {
		page, err := s.ListContracts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ContractFacets(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		p := listParams(f)
		k := dbq.ContractFacetGroupsFilteredParams{Source: p.Source, Kind: p.Kind, Upstream: p.Upstream,
			Account: p.Account, ActiveFrom: p.ActiveFrom, ActiveUntil: p.ActiveUntil, Query: p.Query}
		groups, err := s.facetGroups(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if want := app.SumFacets(groups, f); !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: facets %+v, the facet query counts %+v", f, got, want)
		}
		// The page's total is the selected status's count under the others.
		if f.Status != "" && f.Offset == 0 {
			for _, fc := range got.Status {
				if fc.Value == f.Status && fc.Count != page.Total {
					t.Errorf("%+v: %d matches, the facet says %d", f, page.Total, fc.Count)
				}
			}
		}
	}
}

// A customer's contracts are read from its links, not by testing every
// contract, and list as the general query lists them, in every order.
func TestAccountPagesReadTheLinks(t *testing.T) {
	s, _ := openTest(t)
	var cs []app.Contract
	for i := range 90 {
		c := sample(fmt.Sprintf("A%03d", i))
		c.Customer = app.Customer{ExternalID: fmt.Sprintf("C%02d", i%9), Name: fmt.Sprintf("Kunde %d", i%9)}
		c.Name = []string{"Flex Nord", "Strom Süd", "Gas West"}[i%3]
		c.Status = []string{"active", "ended", "pending", "active"}[i%4]
		c.Prices.WorkingPerKWh = app.Ptr(app.Decimal(200_000 + int64(i%5)*1000))
		cs = append(cs, c)
	}
	seed(t, s, "acme", cs...)
	ctx := context.Background()
	err := s.ReplaceAccounts(ctx, []app.Account{
		{Name: "Zeta", Links: []app.AccountLink{{Source: "acme", ExternalID: "C01"}, {Source: "acme", ExternalID: "C04"}}},
		{Name: "Alpha", Links: []app.AccountLink{{Source: "acme", ExternalID: "C02"}, {Source: "other", ExternalID: "C02"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	as, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		for _, f := range []app.ContractFilter{
			{Account: a.ID}, {Account: a.ID, Sort: app.SortWorking, Desc: true}, {Account: a.ID, Sort: app.SortCustomer},
			{Account: a.ID, Status: "active", Query: "a0"}, {Account: a.ID, Query: a.Name}, {Account: a.ID, Limit: 4, Offset: 4},
		} {
			page, err := s.ListContracts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range page.Contracts {
				got = append(got, c.ID)
			}
			rows, err := s.rq.ListContracts(ctx, listParams(f))
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, r := range rows {
				want = append(want, r.Contract.ID)
			}
			if !slices.Equal(got, want) || len(rows) > 0 && page.Total != int(rows[0].Total) || len(got) == 0 {
				t.Errorf("%s %+v: %v of %d, the general query %v", a.Name, f, got, page.Total, want)
			}
		}
	}
	plan := queryPlan(t, s, generatedQuery(t, "contracts.sql.go", "contractMatchesOfAccount"), "", 0, 1, "", "", "", 0, 0, "")
	if strings.Contains(plan, "SCAN c") || !strings.Contains(plan, "account_links_by_account") || !strings.Contains(plan, "contracts_by_customer") {
		t.Errorf("a customer's contracts are not read from its links:\n%s", plan)
	}
	t.Logf("account:\n%s", plan)
}
