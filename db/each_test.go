package db

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// ContractsAfterNameEach and ExportContractsAfterNameEach, written by hand
// over sqlc's statements, read the same rows as the generated queries: the
// same values in the same fields, NULLs as nil, with and without the
// vendor's record, and the keyset stops where it says. A column added to the statement without the
// hand-written scan fails here (or in Scan, which counts them).
func TestContractsAfterNameEachMatchesGenerated(t *testing.T) {
	s, _ := openTest(t)
	var cs []app.Contract
	for i := range 40 {
		c := sample(fmt.Sprintf("%05d", i))
		c.Name = fmt.Sprintf("Vertrag %d", i%7)
		if i%3 == 0 {
			c.Prices, c.AnnualConsumptionKWh, c.SignedAt, c.Customer = app.Prices{}, nil, time.Time{}, app.Customer{}
		}
		if i%4 == 0 {
			c.ValidTo, c.CancelledAt = day("2027-01-01"), day("2026-06-30")
		}
		cs = append(cs, c)
	}
	seed(t, s, "acme", cs...)
	ctx := context.Background()
	for _, p := range []dbq.ContractsAfterNameParams{
		{WithRaw: 1, Lim: 100},
		{WithRaw: 0, Lim: 100},
		{WithRaw: 1, AfterName: "vertrag 3", AfterID: 20, Lim: 9},
		{WithRaw: 0, Status: "none", Lim: 100},
	} {
		want, err := s.rq.ContractsAfterName(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var got []dbq.ContractsAfterNameRow
		err = s.rq.ContractsAfterNameEach(ctx, p, func(r *dbq.ContractsAfterNameRow) error {
			c := *r
			// The row's pointers are reused: keep copies of their values.
			for _, f := range []**int64{&c.ValidFrom, &c.ValidTo, &c.SignedAt, &c.CancelledAt,
				&c.BasePerYearE6, &c.WorkingPerKwhE6, &c.VatRateE6, &c.AnnualKwhE6, &c.RemovedAt} {
				if *f != nil {
					*f = app.Ptr(**f)
				}
			}
			got = append(got, c)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: streamed\n%+v\nwant\n%+v", p, got, want)
		}
		// The export's own columns (never the vendor's record), the same way.
		ep := dbq.ExportContractsAfterNameParams{AfterName: p.AfterName, AfterID: p.AfterID, Status: p.Status, Lim: p.Lim}
		wantExport, err := s.rq.ExportContractsAfterName(ctx, ep)
		if err != nil {
			t.Fatal(err)
		}
		var gotExport []dbq.ExportContractsAfterNameRow
		err = s.rq.ExportContractsAfterNameEach(ctx, ep, func(r *dbq.ExportContractsAfterNameRow) error {
			c := *r
			for _, f := range []**int64{&c.ValidFrom, &c.ValidTo, &c.SignedAt,
				&c.BasePerYearE6, &c.WorkingPerKwhE6, &c.VatRateE6, &c.AnnualKwhE6, &c.RemovedAt} {
				if *f != nil {
					*f = app.Ptr(**f)
				}
			}
			gotExport = append(gotExport, c)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotExport, wantExport) || len(gotExport) != len(want) {
			t.Errorf("%+v: export streamed\n%+v\nwant\n%+v", p, gotExport, wantExport)
		}
	}
}
