package dbq

// Written by hand, not by sqlc: a streaming form of one generated query,
// over the statement sqlc generated from db/queries/contracts.sql.

import (
	"context"
	"database/sql"
)

// ContractsAfterNameEach is ContractsAfterName calling fn with each row as it
// is read instead of collecting them: the export walks every contract this
// way, and a slice of rows (each allocated, scanned through a new argument
// list and copied on growth) cost more memory traffic than the rows' own
// values. The row and the integers its pointers point to are reused for every
// row: fn copies what it keeps (the strings are its own). Its columns are
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
	// The nullable columns scan into NullInt64 (no allocation), then i's
	// pointers point at their values.
	var customerID, validFrom, validTo, signedAt, cancelledAt, basePerYear, workingPerKwh, vatRate, annualKwh, removedAt sql.NullInt64
	dest := []any{
		&i.ID,
		&i.SourceID,
		&i.ExternalID,
		&customerID,
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
		&validFrom,
		&validTo,
		&signedAt,
		&cancelledAt,
		&i.Currency,
		&basePerYear,
		&workingPerKwh,
		&vatRate,
		&annualKwh,
		&i.MeterID,
		&i.RawJson,
		&i.FetchedAt,
		&removedAt,
		&i.SourceName,
		&i.Vendor,
		&i.CustomerRef,
		&i.CustomerName,
		&i.AccountID,
		&i.AccountName,
		&i.SortName,
		&i.HasTerms,
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		i.CustomerID = nullable(&customerID)
		i.ValidFrom = nullable(&validFrom)
		i.ValidTo = nullable(&validTo)
		i.SignedAt = nullable(&signedAt)
		i.CancelledAt = nullable(&cancelledAt)
		i.BasePerYearE6 = nullable(&basePerYear)
		i.WorkingPerKwhE6 = nullable(&workingPerKwh)
		i.VatRateE6 = nullable(&vatRate)
		i.AnnualKwhE6 = nullable(&annualKwh)
		i.RemovedAt = nullable(&removedAt)
		if err := fn(&i); err != nil {
			return err
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}

// nullable is a pointer to n's value, or nil for NULL.
func nullable(n *sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}
