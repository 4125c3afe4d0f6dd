// Package engine runs syncs: it asks each source's connector for contracts
// page by page and hands every page to the store, which commits the page's
// rows and the stream's checkpoint in one transaction.
package engine

import (
	"context"

	"wattfolio/app"
)

// Connector reads one configured source. Implementations live in
// sync/vendors/<name> and know nothing of the store or the views.
type Connector interface {
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
	Gone   []string
	Cursor string
}

// Scoped is a connector whose listing reads only part of what the vendor
// has: the customers, users or contract ids the sources file names. Covers
// reports whether a cached contract lies within that part: one outside it
// (its customer dropped from the file, say) is missing from a complete
// listing without being removed at the vendor, and is left as it is.
type Scoped interface {
	Covers(ref app.ContractRef) bool
}
