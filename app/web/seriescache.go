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
	"wattfolio/app/tariff"
)

// seriesCache keeps the customers' curves and the meters' price series the
// compare pages read last. A metered year is 35,040 quarter hours per meter
// and measure, and reading it back from SQLite takes about ten times as
// long as pricing six options on it; a user comparing one customer changes
// options and curve controls many times on the same data. The cache holds
// for one state of the data (gen) and is not used while a source syncs.
type seriesCache struct {
	mu      sync.Mutex
	gen     string
	entries map[seriesKey][]series.Row
	order   []seriesKey // oldest first
	rows    int         // in all entries
	curves  map[curveKey]tariff.Curve
	corder  []curveKey
}

// maxCachedRows bounds the price rows to some 50 MB: ten meter-years of
// quarter hours.
const maxCachedRows = 400_000

// maxCachedCurves bounds the curves: a year of quarter hours is 280 kB.
const maxCachedCurves = 32

// curveKey is everything a curve depends on; Now only by its day.
type curveKey struct {
	account            int64
	commodity          app.Commodity
	from, to           int64
	day                string
	profile            string
	annual             app.Decimal
	calorific, stateNo app.Decimal
	zone               string
}

func keyOf(cr compare.CurveRequest) curveKey {
	zone := ""
	if cr.Zone != nil {
		zone = cr.Zone.String()
	}
	day := cr.Now.UTC().Format(time.DateOnly)
	if cr.Zone != nil {
		day = cr.Now.In(cr.Zone).Format(time.DateOnly)
	}
	return curveKey{cr.Account.ID, cr.Commodity, cr.From.UnixNano(), cr.To.UnixNano(), day, string(cr.Profile), cr.AnnualKWh,
		cr.Gas.CalorificValue, cr.Gas.StateNumber, zone}
}

func (c *seriesCache) reset(gen string) {
	if c.gen != gen || c.entries == nil {
		c.gen, c.entries, c.order, c.rows = gen, map[seriesKey][]series.Row{}, nil, 0
		c.curves, c.corder = map[curveKey]tariff.Curve{}, nil
	}
}

func (c *seriesCache) curve(gen string, k curveKey) (tariff.Curve, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return tariff.Curve{}, false
	}
	cv, ok := c.curves[k]
	return cv, ok
}

func (c *seriesCache) putCurve(gen string, k curveKey, cv tariff.Curve) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reset(gen)
	if _, ok := c.curves[k]; ok {
		return
	}
	if len(c.corder) == maxCachedCurves {
		delete(c.curves, c.corder[0])
		c.corder = c.corder[1:]
	}
	c.curves[k] = cv
	c.corder = append(c.corder, k)
}

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
	c.reset(gen)
	if _, ok := c.entries[k]; ok || len(rows) > maxCachedRows {
		return
	}
	for c.rows+len(rows) > maxCachedRows {
		c.rows -= len(c.entries[c.order[0]])
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.entries[k] = rows
	c.order = append(c.order, k)
	c.rows += len(rows)
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

// cachedSeries is a compare.Store whose price series reads go through the
// cache; consumption is read for curves, which are kept whole instead.
type cachedSeries struct {
	compare.Store
	c   *seriesCache
	gen string
}

// runComparison runs req on the store, through the cache when the data is
// at rest.
func (h *handler) runComparison(ctx context.Context, req compare.Request) (*compare.Comparison, error) {
	ss, err := h.o.Sources.SourceStatuses(ctx)
	if err != nil {
		return nil, fmt.Errorf("source statuses: %w", err)
	}
	gen, ok := dataGen(ss)
	if !ok {
		return compare.Run(ctx, h.o.Compare, req)
	}
	st := cachedSeries{Store: h.o.Compare, c: &h.series, gen: gen}
	req.LoadCurve = func(ctx context.Context, cr compare.CurveRequest) (tariff.Curve, error) {
		// Kept unscaled, so that trying scales reads nothing again.
		pct := cr.ScalePercent
		cr.ScalePercent = 0
		k := keyOf(cr)
		cv, ok := h.series.curve(gen, k)
		if !ok {
			if cv, err = compare.LoadCurve(ctx, st, cr); err != nil {
				return cv, err
			}
			h.series.putCurve(gen, k, cv)
		}
		if pct == 0 {
			return cv, nil
		}
		return compare.Scaled(cv, pct)
	}
	return compare.Run(ctx, st, req)
}

func (s cachedSeries) EachMeasure(ctx context.Context, meterID int64, m series.Measure, from, to time.Time, res series.Resolution, fn func(*series.Row) error) error {
	if m != series.Price {
		return s.Store.EachMeasure(ctx, meterID, m, from, to, res, fn)
	}
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
