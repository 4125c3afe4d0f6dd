package db

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// generation names one state of the contracts and accounts for the page
// cache: the cache's data generation (a sync run or an offline edit changes
// it) and the accounts this store replaced (ReplaceAccounts, which the file
// of sources drives; it comes before every sync, but a page may ask between
// the two).
type generation struct {
	data     dbq.DataGenerationRow
	accounts int64
}

// pageCache keeps what the portfolio page asks on every load but what only
// changes with a sync, an offline edit or new accounts: the facet groups of
// the last few filters (paging, sorting and choosing a status, vendor or
// commodity ask for the same groups again, and each count scans the filter
// index, tens of milliseconds at 50,000 contracts), the filter options and
// the account list with its contract counts. Not used while a sync runs,
// when the contracts change under it.
type pageCache struct {
	mu       sync.Mutex
	gen      generation
	groups   map[dbq.ContractFacetGroupsFilteredParams][]app.FacetGroup
	order    []dbq.ContractFacetGroupsFilteredParams
	options  *app.FilterOptions
	accounts *[]app.Account
	// replaced counts this store's ReplaceAccounts.
	replaced int64
}

// maxCachedFacets bounds the cache: a filter's groups are a few dozen rows.
const maxCachedFacets = 64

// generation is the state the cache's entries must have been made in.
func (s *Store) generation(ctx context.Context) (generation, error) {
	s.cache.mu.Lock()
	replaced := s.cache.replaced
	s.cache.mu.Unlock()
	// Read after the counter: a ReplaceAccounts in between makes this
	// generation older than the data, never newer.
	data, err := s.rq.DataGeneration(ctx)
	return generation{data: data, accounts: replaced}, err
}

// accountsReplaced drops what the cache holds about the old accounts.
func (c *pageCache) accountsReplaced() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.replaced++
}

// at empties the cache when gen is not the one it holds, and says whether
// entries for gen may be kept.
func (c *pageCache) at(gen generation) bool {
	if c.gen != gen || c.groups == nil {
		c.gen, c.groups, c.order, c.options, c.accounts = gen, map[dbq.ContractFacetGroupsFilteredParams][]app.FacetGroup{}, nil, nil, nil
	}
	return gen.data.Running == 0 && gen.accounts == c.replaced
}

func (c *pageCache) facets(gen generation, k dbq.ContractFacetGroupsFilteredParams) ([]app.FacetGroup, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(gen) {
		return nil, false
	}
	g, ok := c.groups[k]
	return g, ok
}

func (c *pageCache) putFacets(gen generation, k dbq.ContractFacetGroupsFilteredParams, g []app.FacetGroup) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(gen) {
		return
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

// filterOptions is a copy of the options held for gen, if any.
func (c *pageCache) filterOptions(gen generation) (app.FilterOptions, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(gen) || c.options == nil {
		return app.FilterOptions{}, false
	}
	return cloneOptions(*c.options), true
}

func (c *pageCache) putFilterOptions(gen generation, o app.FilterOptions) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at(gen) {
		o = cloneOptions(o)
		c.options = &o
	}
}

func cloneOptions(o app.FilterOptions) app.FilterOptions {
	o.Sources, o.Statuses = slices.Clone(o.Sources), slices.Clone(o.Statuses)
	return o
}

// accountList is a copy of the accounts held for gen, if any.
func (c *pageCache) accountList(gen generation) ([]app.Account, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(gen) || c.accounts == nil {
		return nil, false
	}
	return cloneAccounts(*c.accounts), true
}

func (c *pageCache) putAccounts(gen generation, as []app.Account) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at(gen) {
		as = cloneAccounts(as)
		c.accounts = &as
	}
}

// cloneAccounts copies as so that a caller changing its list or counts
// leaves the cache's alone.
func cloneAccounts(as []app.Account) []app.Account {
	if as == nil {
		return nil
	}
	out := make([]app.Account, len(as))
	for i, a := range as {
		a.Contracts = maps.Clone(a.Contracts)
		a.Links = slices.Clone(a.Links)
		out[i] = a
	}
	return out
}

// ContractFacets counts the contracts matching f per status, vendor and
// commodity, each under f's other filters (paging and sort ignored). With
// only equality filters it reads the narrow filter index alone.
func (s *Store) ContractFacets(ctx context.Context, f app.ContractFilter) (app.Facets, error) {
	p := listParams(f)
	k := dbq.ContractFacetGroupsFilteredParams{Source: p.Source, Kind: p.Kind, Upstream: p.Upstream,
		Account: p.Account, ActiveFrom: p.ActiveFrom, ActiveUntil: p.ActiveUntil, Query: p.Query}
	gen, err := s.generation(ctx)
	if err != nil {
		return app.Facets{}, fmt.Errorf("cache: facet counts: %w", err)
	}
	groups, ok := s.cache.facets(gen, k)
	if !ok {
		if groups, err = s.facetGroups(ctx, k); err != nil {
			return app.Facets{}, fmt.Errorf("cache: facet counts: %w", err)
		}
		s.cache.putFacets(gen, k, groups)
	}
	return app.SumFacets(groups, f), nil
}

func (s *Store) facetGroups(ctx context.Context, k dbq.ContractFacetGroupsFilteredParams) ([]app.FacetGroup, error) {
	var rows []dbq.ContractFacetGroupsRow
	var err error
	switch {
	case k.Account == 0 && k.ActiveFrom == 0 && k.Query == "":
		rows, err = s.rq.ContractFacetGroups(ctx, dbq.ContractFacetGroupsParams{Source: k.Source, Kind: k.Kind, Upstream: k.Upstream})
	case k.Account == 0:
		// A search: counted over the contracts it finds, not every one.
		var mrows []dbq.ContractMatchesRow
		mrows, err = matches(ctx, s.rq, dbq.ContractMatchesParams{Source: k.Source, Kind: k.Kind, Upstream: k.Upstream,
			ActiveFrom: k.ActiveFrom, ActiveUntil: k.ActiveUntil, Query: k.Query})
		return facetGroupsOf(mrows), err
	default:
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
