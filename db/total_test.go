package db

import (
	"context"
	"fmt"
	"testing"

	"wattfolio/app"
)

// A filtered page's total comes from the facet counts the portfolio page
// keeps once it has asked for them; it still follows a sync that changes
// the contracts, and an upstream state the counts were not made for.
func TestPageTotalFollowsSyncs(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	contracts := func(from, n int, status string) []app.Contract {
		var cs []app.Contract
		for i := from; i < from+n; i++ {
			c := sample(fmt.Sprintf("T%03d", i))
			c.Status = status
			cs = append(cs, c)
		}
		return cs
	}
	seed(t, s, "acme", append(contracts(0, 7, "active"), contracts(7, 5, "ended")...)...)
	total := func(f app.ContractFilter) int {
		t.Helper()
		f.Limit = 2
		page, err := s.ListContracts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	for _, step := range []struct {
		name   string
		change func()
		f      app.ContractFilter
		want   int
	}{
		{"counted", func() {}, app.ContractFilter{Status: "active"}, 7},
		{"from the facets", func() {
			if _, err := s.ContractFacets(ctx, app.ContractFilter{Status: "active"}); err != nil {
				t.Fatal(err)
			}
		}, app.ContractFilter{Status: "active"}, 7},
		{"another status, from the facets", func() {}, app.ContractFilter{Status: "ended", Sort: app.SortValidFrom}, 5},
		{"every status, from the facets", func() {}, app.ContractFilter{Commodity: app.CommodityElectricity}, 12},
		{"another commodity", func() {}, app.ContractFilter{Commodity: app.CommodityGas}, 0},
		{"after a sync adds three", func() { seed(t, s, "acme", contracts(20, 3, "active")...) }, app.ContractFilter{Status: "active"}, 10},
		{"removed ones", func() {}, app.ContractFilter{Status: "active", Upstream: app.UpstreamRemoved}, 0},
	} {
		step.change()
		if got := total(step.f); got != step.want {
			t.Errorf("%s: %d matches, want %d", step.name, got, step.want)
		}
	}
}
