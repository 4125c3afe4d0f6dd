package web

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/series"
)

// seriesCache keeps the last few meter series the compare pages read. A
// metered year is 35,040 quarter hours per measure, and reading it back
// from SQLite takes about ten times as long as pricing six options on it;
// a user comparing one customer changes options and curve controls many
// times on the same series. The cache is valid for one state of the data
// (gen) and is never used while a source is syncing.
type seriesCache struct {
	mu      sync.Mutex
	gen     string
	entries map[seriesKey][]series.Row
	order   []seriesKey // oldest first
}

// maxCachedSeries bounds the memory: a year of quarter hours is a few MB.
const maxCachedSeries = 8

type seriesKey struct {
	meter    int64
	measure  series.Measure
	from, to int64
	res      series.Resolution
}

func (c *seriesCache) get(gen string, k seriesKey) ([]series.Row, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil, false
	}
	rows, ok := c.entries[k]
	return rows, ok
}

func (c *seriesCache) put(gen string, k seriesKey, rows []series.Row) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.entries == nil {
		c.gen, c.entries, c.order = gen, map[seriesKey][]series.Row{}, nil
	}
	if _, ok := c.entries[k]; ok {
		return
	}
	if len(c.order) == maxCachedSeries {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.entries[k] = rows
	c.order = append(c.order, k)
}

// dataGen names the state of the cached data: every source's last run and
// success. ok is false while a source is syncing (the data is changing).
func dataGen(ss []app.SourceStatus) (gen string, ok bool) {
	var b strings.Builder
	for _, s := range ss {
		fmt.Fprintf(&b, "%s:%d;", s.Name, s.LastSuccess.UnixNano())
		if r := s.LastRun; r != nil {
			if r.Status == app.RunRunning {
				return "", false
			}
			fmt.Fprintf(&b, "%d/%s;", r.ID, r.Status)
		}
	}
	return b.String(), true
}

// cachedSeries is a compare.Store whose series reads go through the cache.
type cachedSeries struct {
	compare.Store
	c   *seriesCache
	gen string
}

// compareStore is the store one comparison reads: cached when the data is
// at rest.
func (h *handler) compareStore(ctx context.Context) (compare.Store, error) {
	ss, err := h.o.Sources.SourceStatuses(ctx)
	if err != nil {
		return nil, fmt.Errorf("source statuses: %w", err)
	}
	gen, ok := dataGen(ss)
	if !ok {
		return h.o.Compare, nil
	}
	return cachedSeries{Store: h.o.Compare, c: &h.series, gen: gen}, nil
}

func (s cachedSeries) EachMeasure(ctx context.Context, meterID int64, m series.Measure, from, to time.Time, res series.Resolution, fn func(*series.Row) error) error {
	k := seriesKey{meterID, m, from.UnixNano(), to.UnixNano(), res}
	if rows, ok := s.c.get(s.gen, k); ok {
		// One row lent to fn in turn, as the store does: fn must not keep it.
		var r series.Row
		for i := range rows {
			r = rows[i]
			if err := fn(&r); err != nil {
				return err
			}
		}
		return nil
	}
	var rows []series.Row
	stopped := false
	err := s.Store.EachMeasure(ctx, meterID, m, from, to, res, func(r *series.Row) error {
		// The store reuses its row and its parts: keep copies.
		c := *r
		if r.Parts != nil {
			c.Parts = copyParts(r.Parts)
		}
		rows = append(rows, c)
		err := fn(r)
		stopped = err != nil
		return err
	})
	if err == nil && !stopped {
		s.c.put(s.gen, k, rows)
	}
	return err
}

func copyParts(p *series.Parts) *series.Parts {
	vals := make([]app.Decimal, 0, 5)
	cp := func(d *app.Decimal) *app.Decimal {
		if d == nil {
			return nil
		}
		vals = append(vals, *d)
		return &vals[len(vals)-1]
	}
	return &series.Parts{Auction: cp(p.Auction), TaxesLevies: cp(p.TaxesLevies), SourceFee: cp(p.SourceFee), GridFee: cp(p.GridFee), Margin: cp(p.Margin)}
}
