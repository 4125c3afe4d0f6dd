// Package testhooks hands package dbtest what the cache does for tests and
// benchmarks only, so that none of it is part of the Store's API. Package db
// sets the hooks when it is initialised; store is always a *db.Store.
package testhooks

import (
	"context"
)

var (
	// CountReadings counts every stored reading.
	CountReadings func(ctx context.Context, store any) (int64, error)
)
