package pgstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/db/block"
	"wattfolio/db/internal/pgq"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
)

// BenchmarkPullSlice is one analyst's pull from a team's book of 5,000
// customers (two contracts each, each with an earlier version; a meter
// with a year of quarter hours, as day blocks and rollups, on every fifth
// customer's first contract; a few offers): the slice of 20 customers with
// meters, into a fresh laptop cache (full), and again with nothing new
// (incremental). WATTFOLIO_TEST_POSTGRES names the server; skipped without.
//
//	go test -run '^$' -bench BenchmarkPullSlice -benchtime 5x ./db/pgstore/
func BenchmarkPullSlice(b *testing.B) {
	ctx := context.Background()
	url := pgtest.URL(b)
	s, err := pgstore.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	q := pgq.New(conn)
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	const customers, every, days = 5000, 5, 365
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, app.DefaultZone())
	must(s.EnsureSource(ctx, "team-enneo", app.VendorEnneo, "http://127.0.0.1/enneo"))
	must(q.BenchCustomers(ctx, pgq.BenchCustomersParams{SourceName: "team-enneo", N: customers}))
	must(q.BenchContracts(ctx, pgq.BenchContractsParams{ValidFrom: at(start), PerCustomer: 2}))
	must(q.BenchVersions(ctx))
	must(q.BenchMeters(ctx, every))
	must(q.BenchStreams(ctx, at(start.AddDate(0, 0, days))))
	must(q.BenchSeries(ctx))
	data := dayBlock(start)
	span := pgq.BenchBlocksParams{Block: data, StartDay: at(start), EndDay: at(start.AddDate(0, 0, days-1))}
	must(q.BenchBlocks(ctx, span))
	must(q.BenchDaily(ctx, pgq.BenchDailyParams{StartDay: span.StartDay, EndDay: span.EndDay}))
	for i := range 5 {
		must(q.TestPutOffer(ctx, pgq.TestPutOfferParams{Name: fmt.Sprintf("Offer %d", i), Supplier: "Stadtwerke", BasePerYearE6: 120_000000,
			WorkingPerKwhE6: 289000, ValidFrom: at(start), TermsJson: []byte(`{}`), UpdatedAt: at(start)}))
	}
	var slice []pgstore.Customer
	for i := 1; len(slice) < 20; i++ {
		if i%every != 0 {
			continue
		}
		cs, err := s.FindCustomers(ctx, fmt.Sprintf("team-enneo/C%d", i))
		must(err)
		slice = append(slice, cs...)
	}
	book := pgstore.BookName(url)
	pull := func(b *testing.B, lap *db.Store, add []pgstore.Customer) pgstore.PullResult {
		res, err := s.PullSlice(ctx, lap, book, add, nil)
		must(err)
		return res
	}
	open := func(b *testing.B) *db.Store {
		lap, err := db.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("laptop-%d.db", rand.Int())))
		must(err)
		return lap
	}

	b.Run("full", func(b *testing.B) {
		var res pgstore.PullResult
		for range b.N {
			b.StopTimer()
			lap := open(b)
			b.StartTimer()
			res = pull(b, lap, slice)
			b.StopTimer()
			lap.Close()
			b.StartTimer()
		}
		if res.Contracts != 40 || res.Blocks != 20*days {
			b.Fatalf("pulled %+v, want 40 contracts and %d blocks", res.PullStats, 20*days)
		}
		b.ReportMetric(float64(res.Contracts), "contracts/op")
		b.ReportMetric(float64(res.Blocks), "blocks/op")
		b.ReportMetric(float64(res.Blocks*96), "readings/op")
		b.ReportMetric(float64(res.Blocks*len(data))/1e6, "block-MB/op")
	})
	b.Run("nothing-new", func(b *testing.B) {
		lap := open(b)
		defer lap.Close()
		pull(b, lap, slice)
		b.ResetTimer()
		var res pgstore.PullResult
		for range b.N {
			res = pull(b, lap, nil)
		}
		// Rows written while a transaction older than the last pull still
		// ran are copied again: none on a quiet server.
		b.ReportMetric(float64(res.Blocks), "blocks/op")
	})
}

// dayBlock is a day of quarter-hour consumption from start, encoded as
// the cache and the book store it.
func dayBlock(start time.Time) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	rs := make([]block.Reading, 96)
	for i := range rs {
		rs[i] = block.Reading{TS: start.Add(time.Duration(i) * 15 * time.Minute).Unix(), Value: int64(50_000 + r.IntN(200_000))}
	}
	var e block.Encoder
	return e.Append(nil, rs)
}
