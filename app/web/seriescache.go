package web

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/tariff"
)

// seriesCache keeps the customers' curves the compare pages built last: a
// customer with twenty metered sites sums 700,000 quarter hours into one
// curve, and a user comparing them changes options and curve controls many
// times on the same data. Price series are read from the cache each time:
// a meter-year of them is a few milliseconds from its day blocks. The
// cache holds for one state of the data (gen) and is not used while a
// source syncs.
type seriesCache struct {
	mu     sync.Mutex
	gen    string
	curves map[curveKey]tariff.Curve
	corder []curveKey
}

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
	if c.gen != gen || c.curves == nil {
		c.gen, c.curves, c.corder = gen, map[curveKey]tariff.Curve{}, nil
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
	st := h.o.Compare
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
