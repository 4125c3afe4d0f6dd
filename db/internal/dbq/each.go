package dbq

// Written by hand, not by sqlc: a streaming form of one generated query,
// over the statement sqlc generated from db/queries/contracts.sql.

import (
	"context"
	"fmt"
)

// ContractsAfterNameEach is ContractsAfterName calling fn with each row as it
// is read instead of collecting them: the export walks every contract this
// way, and a slice of rows (each allocated, scanned through a new argument
// list and copied on growth) cost more memory traffic than the rows' own
// values. The row and the integers its pointers point to are reused for every
// row: fn copies what it keeps (the strings are its own). An integer column
// holding anything but an integer or NULL is an error. Its columns are
// ContractsAfterName's, in order; each_test.go holds the two to the same rows.
func (q *Queries) ContractsAfterNameEach(ctx context.Context, arg ContractsAfterNameParams, fn func(*ContractsAfterNameRow) error) error {
	rows, err := q.query(ctx, q.contractsAfterNameStmt, contractsAfterName,
		arg.WithRaw,
		arg.AfterName,
		arg.AfterID,
		arg.Source,
		arg.Vendor,
		arg.Kind,
		arg.Commodity,
		arg.Status,
		arg.Upstream,
		arg.Lim,
	)
	if err != nil {
		return err
	}
	defer rows.Close()
	var i ContractsAfterNameRow
	// The integer columns scan into interfaces, which database/sql fills
	// with the driver's value as it is (an int64 or nil) where an *int64
	// goes through reflection and a **int64 allocates for every value; the
	// row's pointers then point at the integers of n.
	var v [15]any
	var n [10]int64
	dest := []any{
		&v[0], // id
		&v[1], // source_id
		&i.ExternalID,
		&v[2], // customer_id
		&i.Kind,
		&i.Commodity,
		&i.Status,
		&i.Name,
		&i.ProductName,
		&i.ProductCode,
		&i.Supplier,
		&i.SupplierCode,
		&i.Buyer,
		&i.BuyerCode,
		&i.GridOperator,
		&i.GridOperatorCode,
		&v[3], // valid_from
		&v[4], // valid_to
		&v[5], // signed_at
		&v[6], // cancelled_at
		&i.Currency,
		&v[7],  // base_per_year_e6
		&v[8],  // working_per_kwh_e6
		&v[9],  // vat_rate_e6
		&v[10], // annual_kwh_e6
		&i.MeterID,
		&i.RawJson,
		&v[11], // fetched_at
		&v[12], // removed_at
		&i.SourceName,
		&i.Vendor,
		&i.CustomerRef,
		&i.CustomerName,
		&v[13], // account_id
		&i.AccountName,
		&v[14], // has_terms
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		var bad bool
		integer := func(k int) int64 {
			x, ok := v[k].(int64)
			bad = bad || !ok
			return x
		}
		nullable := func(k, at int) *int64 {
			if v[k] == nil {
				return nil
			}
			n[at] = integer(k)
			return &n[at]
		}
		i.ID, i.SourceID, i.FetchedAt, i.AccountID, i.HasTerms = integer(0), integer(1), integer(11), integer(13), integer(14)
		i.CustomerID, i.ValidFrom, i.ValidTo, i.SignedAt, i.CancelledAt = nullable(2, 0), nullable(3, 1), nullable(4, 2), nullable(5, 3), nullable(6, 4)
		i.BasePerYearE6, i.WorkingPerKwhE6, i.VatRateE6, i.AnnualKwhE6, i.RemovedAt = nullable(7, 5), nullable(8, 6), nullable(9, 7), nullable(10, 8), nullable(12, 9)
		if bad {
			return fmt.Errorf("contracts after name: an integer column holds %v", v)
		}
		if err := fn(&i); err != nil {
			return err
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}
