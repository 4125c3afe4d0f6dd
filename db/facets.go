package db

import (
	"context"
	"fmt"
	"sync"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// facetCache keeps the facet groups of the last few filters for one state
// of the contracts: paging, sorting and choosing a status, vendor or
// commodity ask for the same groups again, and each count scans the filter
// index (tens of milliseconds at 50,000 contracts). Not used while a sync
// runs, when the contracts change under it.
type facetCache struct {
	mu     sync.Mutex
	gen    dbq.DataGenerationRow
	groups map[dbq.ContractFacetGroupsFilteredParams][]app.FacetGroup
	order  []dbq.ContractFacetGroupsFilteredParams
}

// maxCachedFacets bounds the cache: a filter's groups are a few dozen rows.
const maxCachedFacets = 64

func (c *facetCache) get(gen dbq.DataGenerationRow, k dbq.ContractFacetGroupsFilteredParams) ([]app.FacetGroup, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil, false
	}
	g, ok := c.groups[k]
	return g, ok
}

func (c *facetCache) put(gen dbq.DataGenerationRow, k dbq.ContractFacetGroupsFilteredParams, g []app.FacetGroup) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.groups == nil {
		c.gen, c.groups, c.order = gen, map[dbq.ContractFacetGroupsFilteredParams][]app.FacetGroup{}, nil
	}
	if len(c.order) == maxCachedFacets {
		delete(c.groups, c.order[0])
		c.order = c.order[1:]
	}
	if _, ok := c.groups[k]; !ok {
		c.order = append(c.order, k)
	}
	c.groups[k] = g
}

// ContractFacets counts the contracts matching f per status, vendor and
// commodity, each under f's other filters (paging and sort ignored). With
// only equality filters it reads the narrow filter index alone.
func (s *Store) ContractFacets(ctx context.Context, f app.ContractFilter) (app.Facets, error) {
	p := listParams(f)
	k := dbq.ContractFacetGroupsFilteredParams{Source: p.Source, Kind: p.Kind, Upstream: p.Upstream,
		Account: p.Account, ActiveFrom: p.ActiveFrom, ActiveUntil: p.ActiveUntil, Query: p.Query}
	gen, err := s.rq.DataGeneration(ctx)
	if err != nil {
		return app.Facets{}, fmt.Errorf("cache: facet counts: %w", err)
	}
	groups, ok := s.facets.get(gen, k)
	if !ok {
		if groups, err = s.facetGroups(ctx, k); err != nil {
			return app.Facets{}, fmt.Errorf("cache: facet counts: %w", err)
		}
		if gen.Running == 0 {
			s.facets.put(gen, k, groups)
		}
	}
	return app.SumFacets(groups, f), nil
}

func (s *Store) facetGroups(ctx context.Context, k dbq.ContractFacetGroupsFilteredParams) ([]app.FacetGroup, error) {
	var rows []dbq.ContractFacetGroupsRow
	var err error
	if k.Account == 0 && k.ActiveFrom == 0 && k.Query == "" {
		rows, err = s.rq.ContractFacetGroups(ctx, dbq.ContractFacetGroupsParams{Source: k.Source, Kind: k.Kind, Upstream: k.Upstream})
	} else {
		var frows []dbq.ContractFacetGroupsFilteredRow
		frows, err = s.rq.ContractFacetGroupsFiltered(ctx, k)
		for _, r := range frows {
			rows = append(rows, dbq.ContractFacetGroupsRow(r))
		}
	}
	groups := make([]app.FacetGroup, len(rows))
	for i, r := range rows {
		groups[i] = app.FacetGroup{Status: r.Status, Commodity: app.Commodity(r.Commodity), Vendor: app.Vendor(r.Vendor), Count: int(r.N)}
	}
	return groups, err
}
