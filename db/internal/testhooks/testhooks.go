// Package testhooks hands package dbtest what the cache does for tests and
// benchmarks only, so that none of it is part of the Store's API. Package db
// sets the hooks when it is initialised; store is always a *db.Store.
package testhooks

import (
	"context"

	"wattfolio/app/series"
)

var (
	// CountReadings counts every stored reading.
	CountReadings func(ctx context.Context, store any) (int64, error)
	// BulkLoad writes new readings of one meter's measure straight into
	// day blocks, with no look-up of existing blocks and no rollup.
	BulkLoad func(ctx context.Context, store any, source, meter string, m series.Measure, rs []series.Reading) error
)
