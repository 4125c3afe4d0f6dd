package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/history"
	"wattfolio/app/personal"
	"wattfolio/db/internal/dbq"
)

// EnsureSource records a configured source, or updates its vendor and URL.
func (s *Store) EnsureSource(ctx context.Context, name string, vendor app.Vendor, baseURL string) error {
	if err := s.writable(); err != nil {
		return err
	}
	_, err := s.wq.UpsertSource(ctx, dbq.UpsertSourceParams{
		Name: name, Vendor: string(vendor), BaseUrl: baseURL, CreatedAt: s.now().Unix(),
	})
	if err != nil {
		return fmt.Errorf("cache: record source %q: %w", name, err)
	}
	return nil
}

func (s *Store) sourceID(ctx context.Context, q *dbq.Queries, name string) (int64, error) {
	id, err := q.SourceIDByName(ctx, name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("cache: source %q: %w", name, app.ErrNotFound)
	}
	return id, err
}

// BeginRun starts a sync run of a source. Its caller holds the sync lock
// (LockSync), so a run of the same source still marked running was cut off
// by a crash or kill, not running in another process, and is marked
// interrupted.
func (s *Store) BeginRun(ctx context.Context, source string) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		sid, err := s.sourceID(ctx, q, source)
		if err != nil {
			return err
		}
		now := s.now().Unix()
		if err := q.InterruptRuns(ctx, dbq.InterruptRunsParams{SourceID: sid, Now: &now}); err != nil {
			return err
		}
		id, err = q.InsertRun(ctx, dbq.InsertRunParams{SourceID: sid, StartedAt: now})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("cache: begin run of %q: %w", source, err)
	}
	return id, nil
}

// Checkpoint returns where a stream of a source resumes; "" means from the start.
func (s *Store) Checkpoint(ctx context.Context, source, stream string) (string, error) {
	sid, err := s.sourceID(ctx, s.rq, source)
	if err != nil {
		return "", err
	}
	cur, err := s.rq.GetCheckpoint(ctx, dbq.GetCheckpointParams{SourceID: sid, Stream: stream})
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return cur, err
}

// SavePage stores one page of a sync in a single transaction: the contracts
// (inserted or updated by source and external id), the record problems, the
// run's counters (failures wrapping app.ErrNotFetched count as missing, the
// others as rejected) and the stream's new checkpoint. Either all of it is in the
// cache afterwards or none of it, whenever the process dies.
func (s *Store) SavePage(ctx context.Context, runID int64, source, stream string, contracts []app.Contract, failures []*app.RecordError, cursor string) error {
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		sid, err := s.sourceID(ctx, q, source)
		if err != nil {
			return err
		}
		for i := range contracts {
			if err := upsertContract(ctx, q, sid, &runID, &contracts[i]); err != nil {
				return fmt.Errorf("contract %s: %w", contracts[i].ExternalID, err)
			}
		}
		if err := saveProblems(ctx, q, runID, int64(len(contracts)), failures); err != nil {
			return err
		}
		return q.SetCheckpoint(ctx, dbq.SetCheckpointParams{
			SourceID: sid, Stream: stream, Cursor: cursor, RunID: &runID, UpdatedAt: s.now().Unix(),
		})
	})
	if err != nil {
		return fmt.Errorf("cache: save page of %q: %w", source, err)
	}
	return nil
}

// RecordFailures records a run's record problems found outside any page
// (a meter that could not be described, a stream that could not be read)
// and counts them in the run, in one transaction; no checkpoint moves.
func (s *Store) RecordFailures(ctx context.Context, runID int64, failures []*app.RecordError) error {
	if len(failures) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(q *dbq.Queries) error { return saveProblems(ctx, q, runID, 0, failures) })
	if err != nil {
		return fmt.Errorf("cache: record problems of run %d: %w", runID, err)
	}
	return nil
}

// saveProblems stores record problems and adds them, with the contracts
// fetched, to the run's counters: failures wrapping app.ErrNotFetched count
// as missing, the others as rejected.
func saveProblems(ctx context.Context, q *dbq.Queries, runID, fetched int64, failures []*app.RecordError) error {
	var rejected, missing int64
	for _, f := range failures {
		// A record the vendor never sent is missing, not bad.
		if errors.Is(f, app.ErrNotFetched) {
			missing++
		} else {
			rejected++
		}
		// A vendor's message may quote what it was sent.
		msg := personal.MaskText(f.Err.Error())
		if err := q.InsertProblem(ctx, dbq.InsertProblemParams{RunID: runID, Record: f.Record, Field: f.Field, Message: msg}); err != nil {
			return err
		}
	}
	return q.AddRunCounts(ctx, dbq.AddRunCountsParams{ID: runID, Fetched: fetched, Failed: rejected, Missing: missing})
}

// upsertContract stores c under its source and external id; runID is the
// run that last wrote it, nil for none. A contract the cache holds with the
// same raw JSON and fields, still current, is only marked fetched again:
// an unchanged re-sync writes one narrow row. A changed one (or one that
// was marked removed and is back) first keeps the version it replaces.
func upsertContract(ctx context.Context, q *dbq.Queries, sourceID int64, runID *int64, c *app.Contract) error {
	raw := string(c.Raw)
	if raw == "" {
		raw = "null"
	}
	fields := history.Fields(c)
	cur, err := q.ContractState(ctx, dbq.ContractStateParams{SourceID: sourceID, ExternalID: c.ExternalID})
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case cur.RawJson == raw && cur.FieldsJson == fields && cur.RemovedAt == nil:
		return q.TouchContract(ctx, dbq.TouchContractParams{FetchedAt: c.FetchedAt.Unix(), RunID: runID, ID: cur.ID})
	case cur.RawJson != raw || cur.RemovedAt != nil || cur.FieldsJson != "":
		// A row from before history (no fields) whose raw JSON is the
		// same has nothing worth keeping.
		if err := q.KeepVersion(ctx, dbq.KeepVersionParams{RunID: runID, Now: c.FetchedAt.Unix(), ID: cur.ID}); err != nil {
			return err
		}
	}
	var customerID *int64
	if c.Customer.ExternalID != "" {
		id, err := q.UpsertCustomer(ctx, dbq.UpsertCustomerParams{SourceID: sourceID, ExternalID: c.Customer.ExternalID, Name: c.Customer.Name})
		if err != nil {
			return err
		}
		customerID = &id
	}
	currency := c.Prices.Currency
	if currency == "" {
		currency = "EUR"
	}
	id, err := q.UpsertContract(ctx, dbq.UpsertContractParams{
		SourceID:         sourceID,
		ExternalID:       c.ExternalID,
		CustomerID:       customerID,
		Kind:             string(c.Kind),
		Commodity:        string(c.Commodity),
		Status:           c.Status,
		Name:             c.Name,
		ProductName:      c.Product.Name,
		ProductCode:      c.Product.Code,
		Supplier:         c.Parties.Supplier,
		SupplierCode:     c.Parties.SupplierCode,
		Buyer:            c.Parties.Buyer,
		BuyerCode:        c.Parties.BuyerCode,
		GridOperator:     c.Parties.GridOperator,
		GridOperatorCode: c.Parties.GridOperatorCode,
		ValidFrom:        unixOrNil(c.ValidFrom),
		ValidTo:          unixOrNil(c.ValidTo),
		SignedAt:         unixOrNil(c.SignedAt),
		CancelledAt:      unixOrNil(c.CancelledAt),
		Currency:         currency,
		BasePerYearE6:    decimalOrNil(c.Prices.BasePerYear),
		WorkingPerKwhE6:  decimalOrNil(c.Prices.WorkingPerKWh),
		VatRateE6:        decimalOrNil(c.Prices.VATRate),
		AnnualKwhE6:      decimalOrNil(c.AnnualConsumptionKWh),
		MeterID:          c.MeterID,
		SearchText:       SearchText(c),
		RawJson:          raw,
		FieldsJson:       fields,
		FetchedAt:        c.FetchedAt.Unix(),
		RunID:            runID,
	})
	if err != nil {
		return err
	}
	return SaveTerms(ctx, cacheTerms{q}, id, c)
}

// SearchText is what the portfolio's free-text search looks in, on the
// cache and the team's book alike (contracts.search_text).
func SearchText(c *app.Contract) string {
	return app.SearchText(strings.Join([]string{
		c.ExternalID, c.Name, c.Customer.ExternalID, c.Customer.Name, c.Product.Name, c.Product.Code,
		c.MeterID, c.Source, c.Parties.Supplier, c.Parties.Buyer, c.Parties.GridOperator, c.Status,
	}, "\x1f"))
}

// FinishRun closes a run with its outcome.
func (s *Store) FinishRun(ctx context.Context, runID int64, status app.RunStatus, errMsg string) error {
	now := s.now().Unix()
	err := s.wq.FinishRun(ctx, dbq.FinishRunParams{ID: runID, Status: string(status), FinishedAt: &now, Error: personal.MaskText(errMsg)})
	if err != nil {
		return fmt.Errorf("cache: finish run %d: %w", runID, err)
	}
	return nil
}

// RateBudget is when a vendor's request budget for an API key, known by
// the key's hash, is spent until (zero: not known to be spent), as any
// process syncing with that key last learnt it.
func (s *Store) RateBudget(ctx context.Context, vendor, keyHash string) (time.Time, error) {
	until, err := s.rq.RateBudget(ctx, dbq.RateBudgetParams{Vendor: vendor, KeyHash: keyHash})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("cache: rate budget of %s: %w", vendor, err)
	}
	return BudgetTime(until), nil
}

// BudgetSeconds is until as a rate budget's blocked_until, on the cache and
// the team's book alike: Unix seconds rounded up, never down (a budget
// freed early is spent again); the zero time, which clears it, is 0.
func BudgetSeconds(until time.Time) int64 {
	if until.IsZero() {
		return 0
	}
	return until.Add(time.Second - time.Nanosecond).Unix()
}

// BudgetTime is a blocked_until read back; 0 is the zero time.
func BudgetTime(secs int64) time.Time {
	if secs == 0 {
		return time.Time{}
	}
	return time.Unix(secs, 0).UTC()
}

// SetRateBudget records until when a vendor's request budget for a key is
// spent; the zero time clears it. Seconds are rounded up, never down.
func (s *Store) SetRateBudget(ctx context.Context, vendor, keyHash string, until time.Time) error {
	if err := s.writable(); err != nil {
		return err
	}
	err := s.wq.SetRateBudget(ctx, dbq.SetRateBudgetParams{Vendor: vendor, KeyHash: keyHash, BlockedUntil: BudgetSeconds(until), UpdatedAt: s.now().Unix()})
	if err != nil {
		return fmt.Errorf("cache: rate budget of %s: %w", vendor, err)
	}
	return nil
}
