package app

import "time"

// ContractFilter selects and orders contracts for the portfolio and its export.
// Zero fields do not filter.
type ContractFilter struct {
	Source    string
	Vendor    Vendor
	Kind      Kind
	Commodity Commodity
	Status    string
	// Upstream keeps the contracts the vendor still has (the zero value),
	// the removed ones, or both.
	Upstream Upstream
	// Account keeps the contracts of one of the user's customers, across sources.
	Account int64
	// ActiveOn keeps contracts in force at any moment of that calendar day:
	// pass midnight in the customer's zone (its Location makes DST days 23 or
	// 25 hours long). Zero: any.
	ActiveOn time.Time
	// Query is free text matched, case-insensitively, against ids, names,
	// customer, product and meter.
	Query string
	Sort  ContractSort
	Desc  bool
	// Limit and Offset page the result; Limit 0 means the store's default.
	Limit  int
	Offset int
	// WithoutRaw leaves each contract's Raw (the vendor's record) out of
	// an export that writes none of it: the largest column, read and
	// dropped otherwise.
	WithoutRaw bool
	// ExportOnly may leave out of each contract what the CSV export
	// (app/export) does not write: Customer.AccountID,
	// Parties.GridOperatorCode and CancelledAt can be zero (in the default
	// order without the vendor's record, the export's own query).
	ExportOnly bool
}

// Upstream selects contracts by whether their vendor still has them.
type Upstream string

const (
	UpstreamCurrent Upstream = ""        // still at the vendor
	UpstreamRemoved Upstream = "removed" // the vendor no longer has them
	UpstreamAll     Upstream = "all"
)

// Keeps reports whether a contract passes the filter u, as the store's.
func (u Upstream) Keeps(c Contract) bool {
	switch u {
	case UpstreamAll:
		return true
	case UpstreamRemoved:
		return c.Removed()
	}
	return !c.Removed()
}

// ContractSort names a column to sort by.
type ContractSort string

const (
	SortName       ContractSort = "name"
	SortCustomer   ContractSort = "customer"
	SortValidFrom  ContractSort = "valid_from"
	SortValidTo    ContractSort = "valid_to"
	SortWorking    ContractSort = "working_price"
	SortBase       ContractSort = "base_price"
	SortSource     ContractSort = "source"
	SortStatus     ContractSort = "status"
	SortExternalID ContractSort = "external_id"
)

// ContractSorts lists the accepted sort columns.
var ContractSorts = []ContractSort{SortName, SortCustomer, SortValidFrom, SortValidTo, SortWorking, SortBase, SortSource, SortStatus, SortExternalID}

// ContractPage is one page of a filtered portfolio.
type ContractPage struct {
	Contracts []Contract
	Total     int // matching contracts over all pages
	Limit     int
	Offset    int
}

// FilterOptions are the values present in the cache, for filter drop-downs.
type FilterOptions struct {
	Sources  []string
	Statuses []string
	// Removed counts the contracts the vendors no longer have, which the
	// portfolio hides unless asked.
	Removed int
}

// RunStatus is the outcome of a sync run.
type RunStatus string

const (
	RunRunning     RunStatus = "running"
	RunOK          RunStatus = "ok"
	RunPartial     RunStatus = "partial"     // finished, some records failed
	RunFailed      RunStatus = "failed"      // the source could not be synced
	RunInterrupted RunStatus = "interrupted" // the process ended before the run did
)

// SyncRun is one sync of one source.
type SyncRun struct {
	ID         int64
	Source     string
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
	Status     RunStatus
	Fetched    int // records stored
	Failed     int // records rejected for bad data
	Missing    int // records not fetched: the vendor did not answer after retries
	Error      string
	// Problems lists up to a few record errors of the run, for the sync page.
	Problems []string
}

// SourceStatus is what the sync page shows for one source.
type SourceStatus struct {
	Name      string
	Vendor    Vendor
	BaseURL   string
	Contracts int
	LastRun   *SyncRun // nil when never synced
	// LastSuccess is when the source last finished a run that stored data (ok or partial).
	LastSuccess time.Time
}

// Staleness is how old the source's data is at now; ok is false when never synced.
func (s SourceStatus) Staleness(now time.Time) (age time.Duration, ok bool) {
	if s.LastSuccess.IsZero() {
		return 0, false
	}
	return now.Sub(s.LastSuccess), true
}
