package app

import (
	"cmp"
	"slices"
)

// Facets count the portfolio's contracts per value of its status, vendor
// and commodity filters, each under every other filter as set, as Datasette
// shows them: the number beside a choice is what choosing it would show.
type Facets struct {
	Status, Vendor, Commodity []FacetCount
}

// FacetCount is one value of a facet and its number of contracts.
type FacetCount struct {
	Value string
	Count int
}

// FacetGroup counts the contracts of one status, commodity and vendor
// under the filters that are not facets.
type FacetGroup struct {
	Status    string
	Commodity Commodity
	Vendor    Vendor
	Count     int
}

// SumFacets sums groups into each facet under f's other two facet filters;
// values come most contracts first, then by value, and a value f selects is
// listed even when no contract has it.
func SumFacets(groups []FacetGroup, f ContractFilter) Facets {
	status, vendor, commodity := map[string]int{}, map[string]int{}, map[string]int{}
	for _, g := range groups {
		okStatus := f.Status == "" || g.Status == f.Status
		okVendor := f.Vendor == "" || g.Vendor == f.Vendor
		okCommodity := f.Commodity == "" || g.Commodity == f.Commodity
		if okVendor && okCommodity {
			status[g.Status] += g.Count
		}
		if okStatus && okCommodity {
			vendor[string(g.Vendor)] += g.Count
		}
		if okStatus && okVendor {
			commodity[string(g.Commodity)] += g.Count
		}
	}
	return Facets{
		Status:    facetList(status, f.Status),
		Vendor:    facetList(vendor, string(f.Vendor)),
		Commodity: facetList(commodity, string(f.Commodity)),
	}
}

func facetList(counts map[string]int, selected string) []FacetCount {
	if _, ok := counts[selected]; selected != "" && !ok {
		counts[selected] = 0
	}
	out := make([]FacetCount, 0, len(counts))
	for v, n := range counts {
		if n > 0 || v == selected {
			out = append(out, FacetCount{Value: v, Count: n})
		}
	}
	slices.SortFunc(out, func(a, b FacetCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	return out
}
