// Package engine runs syncs: it asks each source's connector for contracts
// page by page and hands every page to the store, which commits the page's
// rows and the stream's checkpoint in one transaction.
package engine

import (
	"context"

	"wattfolio/app"
	"wattfolio/app/series"
)

// Connector is what a vendor package builds for one configured source
// (sync/vendors/<name>, knowing nothing of the store or the views): it
// declares what the source serves. The engine reads nothing else of it, so
// a wrapper (a test's, say) passes on exactly what it declares.
type Connector interface {
	Streams() Streams
}

// Streams is what a source serves, as its connector declares it.
type Streams struct {
	// Contracts reads the source's contracts; every source has them.
	Contracts ContractStream
	// Series reads the time series of the source's meters, in the same run
	// after the contracts; nil for a source that serves none.
	Series SeriesStream
	// Scope reports whether a cached contract lies within what the listing
	// reads, when it reads only part of what the vendor has (the
	// customers, users or contract ids the sources file names): one outside
	// it (its customer dropped from the file, say) is missing from a
	// complete listing without being removed at the vendor, and is left as
	// it is. Nil: the listing reads everything the source has.
	Scope func(app.ContractRef) bool
	// Concurrency is how many meters' series are synced at once; 0 means 4.
	Concurrency int
}

// Streams returns s itself, so that a Streams value is a Connector: tests
// and wrappers declare a source's streams directly.
func (s Streams) Streams() Streams { return s }

// ContractStream reads a source's contracts.
type ContractStream interface {
	// Contracts fetches the source's contracts in a stable order, starting
	// after cursor ("" means from the start), and calls page once per page.
	// It returns an error when the source as a whole cannot be read
	// (authentication, network, a page that cannot be parsed); a problem with
	// one record goes into Page.Failures and the others carry on. If page
	// returns an error, Contracts stops and returns it.
	Contracts(ctx context.Context, cursor string, page func(Page) error) error
}

// Page is a batch of contracts and the cursor a later sync resumes from once
// this page is stored.
type Page struct {
	Contracts []app.Contract
	Failures  []*app.RecordError
	// Gone are the external ids of contracts the vendor answered 404 for
	// when asked for them directly: they are marked removed.
	Gone []string
	// Meters are the meters the page's contracts name, for a source whose
	// Series stream describes them (SeriesStream.Meters).
	Meters []series.Meter
	Cursor string
}

// SeriesStream reads the time series of a source's meters.
type SeriesStream interface {
	// Meters describes the source's meters with what the vendor can serve
	// for each. listed are the meters the contract stream's pages named
	// in this run, from the start of the listing (the engine reads the
	// listing again when the run resumed part-way); a source that lists its
	// meters another way ignores them. A meter that cannot be described is
	// a failure, not an error.
	Meters(ctx context.Context, listed []series.Meter) ([]series.Meter, []*app.RecordError, error)
	// Readings fetches one measure of one meter from where st says the
	// cache stands (with a look-back for late corrections) and calls batch
	// once per window, in time order. If batch returns an error Readings
	// stops and returns it.
	Readings(ctx context.Context, m series.Meter, measure series.Measure, st series.State, batch func(series.Batch) error) error
}
