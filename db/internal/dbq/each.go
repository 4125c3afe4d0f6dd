package dbq

// Written by hand, not by sqlc: streaming forms of two generated queries,
// over the statements sqlc generated from db/queries/contracts.sql.

import (
	"context"
	"database/sql"
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
		arg.WithRaw, arg.AfterName, arg.AfterID, arg.Source, arg.Vendor, arg.Kind, arg.Commodity, arg.Status, arg.Upstream, arg.Lim)
	if err != nil {
		return err
	}
	var i ContractsAfterNameRow
	var x ints
	dest := []any{
		&x.v[0], // id
		&i.ExternalID,
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
		&x.v[1], // valid_from
		&x.v[2], // valid_to
		&x.v[3], // signed_at
		&x.v[4], // cancelled_at
		&i.Currency,
		&x.v[5], // base_per_year_e6
		&x.v[6], // working_per_kwh_e6
		&x.v[7], // vat_rate_e6
		&x.v[8], // annual_kwh_e6
		&i.MeterID,
		&i.RawJson,
		&x.v[9],  // fetched_at
		&x.v[10], // removed_at
		&i.SourceName,
		&i.Vendor,
		&i.CustomerRef,
		&i.CustomerName,
		&x.v[11], // account_id
		&i.AccountName,
		&x.v[12], // has_terms
	}
	return each(rows, dest, &x, "contracts after name", func() {
		i.ID, i.FetchedAt, i.AccountID, i.HasTerms = x.integer(0), x.integer(9), x.integer(11), x.integer(12)
		i.ValidFrom, i.ValidTo, i.SignedAt, i.CancelledAt = x.nullable(1), x.nullable(2), x.nullable(3), x.nullable(4)
		i.BasePerYearE6, i.WorkingPerKwhE6, i.VatRateE6, i.AnnualKwhE6, i.RemovedAt = x.nullable(5), x.nullable(6), x.nullable(7), x.nullable(8), x.nullable(10)
	}, func() error { return fn(&i) })
}

// ExportContractsAfterNameEach is ExportContractsAfterName as
// ContractsAfterNameEach is ContractsAfterName: fn gets each row as it is
// read, in a row reused for the next.
func (q *Queries) ExportContractsAfterNameEach(ctx context.Context, arg ExportContractsAfterNameParams, fn func(*ExportContractsAfterNameRow) error) error {
	rows, err := q.query(ctx, q.exportContractsAfterNameStmt, exportContractsAfterName,
		arg.AfterName, arg.AfterID, arg.Source, arg.Vendor, arg.Kind, arg.Commodity, arg.Status, arg.Upstream, arg.Lim)
	if err != nil {
		return err
	}
	var i ExportContractsAfterNameRow
	var x ints
	dest := []any{
		&x.v[0], // id
		&i.ExternalID,
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
		&x.v[1], // valid_from
		&x.v[2], // valid_to
		&x.v[3], // signed_at
		&i.Currency,
		&x.v[4], // base_per_year_e6
		&x.v[5], // working_per_kwh_e6
		&x.v[6], // vat_rate_e6
		&x.v[7], // annual_kwh_e6
		&i.MeterID,
		&x.v[8], // fetched_at
		&x.v[9], // removed_at
		&i.SourceName,
		&i.Vendor,
		&i.CustomerRef,
		&i.CustomerName,
		&i.AccountName,
		&x.v[10], // has_terms
	}
	return each(rows, dest, &x, "export contracts after name", func() {
		i.ID, i.FetchedAt, i.HasTerms = x.integer(0), x.integer(8), x.integer(10)
		i.ValidFrom, i.ValidTo, i.SignedAt = x.nullable(1), x.nullable(2), x.nullable(3)
		i.BasePerYearE6, i.WorkingPerKwhE6, i.VatRateE6, i.AnnualKwhE6, i.RemovedAt = x.nullable(4), x.nullable(5), x.nullable(6), x.nullable(7), x.nullable(9)
	}, func() error { return fn(&i) })
}

// ints holds a row's integer columns. They scan into interfaces, which
// database/sql fills with the driver's value as it is (an int64 or nil)
// where an *int64 goes through reflection and a **int64 allocates for every
// value; a row's pointers then point at the integers of n, one per column.
type ints struct {
	v   [13]any
	n   [13]int64
	bad bool
}

// integer is column k's integer.
func (x *ints) integer(k int) int64 {
	n, ok := x.v[k].(int64)
	x.bad = x.bad || !ok
	return n
}

// nullable is column k's integer, or nil for NULL.
func (x *ints) nullable(k int) *int64 {
	if x.v[k] == nil {
		return nil
	}
	x.n[k] = x.integer(k)
	return &x.n[k]
}

// each scans every row of rows into dest, fills the row's integers from x
// and passes it on with emit; it fails on a column of x that holds anything
// but an integer or NULL.
func each(rows *sql.Rows, dest []any, x *ints, what string, fill func(), emit func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		fill()
		if x.bad {
			return fmt.Errorf("%s: an integer column holds %v", what, x.v)
		}
		if err := emit(); err != nil {
			return err
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}
