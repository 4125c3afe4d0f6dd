package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
)

// Opening migrates once: a second Open of the same book (another laptop's
// sync, a restart) finds it current and keeps what it holds.
func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	s, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureSource(ctx, "acme", app.VendorEnneo, "http://127.0.0.1/api"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = pgstore.Open(ctx, url)
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	defer s.Close()
	if cur, err := s.Checkpoint(ctx, "acme", "contracts"); err != nil || cur != "" {
		t.Fatalf("checkpoint of the kept source = %q, %v; want \"\", nil", cur, err)
	}
}

// Two syncs of one book never clash: the second finds the advisory lock
// taken (or waits for it), however many processes share the database.
func TestSyncLockKeepsTwoSyncsApart(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	a, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	unlock, err := a.LockSync(ctx, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.LockSync(ctx, false, nil); !errors.Is(err, db.ErrSyncRunning) {
		t.Fatalf("second sync without waiting: err = %v, want ErrSyncRunning", err)
	}
	var (
		wg     sync.WaitGroup
		waited bool
		got    error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		un, err := b.LockSync(ctx, true, func(string) { waited = true })
		if got = err; err == nil {
			un()
		}
	}()
	time.Sleep(300 * time.Millisecond) // long enough for b to try once
	unlock()
	wg.Wait()
	if got != nil || !waited {
		t.Fatalf("waiting sync: err = %v, waited = %v; want the lock after being told to wait", got, waited)
	}
}

// bookWithMeters is a fresh book with source "ep" and its meters, closed
// when the test ends.
func bookWithMeters(t *testing.T, meters ...series.Meter) *pgstore.Store {
	t.Helper()
	ctx := context.Background()
	s, err := pgstore.Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.EnsureSource(ctx, "ep", app.VendorEpilot, "http://127.0.0.1/ep"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveMeters(ctx, "ep", meters); err != nil {
		t.Fatal(err)
	}
	return s
}

// A SaveReadings call is one transaction: when its second batch fails (a
// meter the book does not know), the first batch's blocks, rollup and
// watermark are not there either; alone, the first is stored whole, its
// watermark with it.
func TestSaveReadingsIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := bookWithMeters(t, series.Meter{ExternalID: "m1"})
	day := time.Date(2026, 3, 29, 0, 0, 0, 0, app.DefaultZone()) // 23 hours
	mark := day.AddDate(0, 0, 1)
	var rs []series.Reading
	for at := day; at.Before(mark); at = at.Add(time.Hour) {
		rs = append(rs, series.Reading{TS: at.Unix(), Value: 1_000_000})
	}
	good := series.Batch{Meter: "m1", Measure: series.Consumption, Interval: series.PT1H, Readings: rs, Watermark: mark}
	bad := series.Batch{Meter: "m2", Measure: series.Consumption, Interval: series.PT1H, Readings: rs, Watermark: mark}
	if err := s.SaveReadings(ctx, 0, "ep", good, bad); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("saving a batch of an unknown meter: %v, want ErrNotFound", err)
	}
	if n, _ := s.CountReadings(ctx); n != 0 {
		t.Errorf("%d readings after a failed save, want none", n)
	}
	if st, err := s.SeriesState(ctx, "ep", "m1", series.Consumption); err != nil || !st.Watermark.IsZero() {
		t.Errorf("state after a failed save = %+v, %v; want no watermark", st, err)
	}
	if err := s.SaveReadings(ctx, 0, "ep", good); err != nil {
		t.Fatal(err)
	}
	st, err := s.SeriesState(ctx, "ep", "m1", series.Consumption)
	if err != nil || !st.Watermark.Equal(mark) || st.Interval != series.PT1H {
		t.Errorf("state = %+v, %v; want PT1H up to %s", st, err, mark)
	}
	days, err := s.Days(ctx)
	if err != nil || len(days) != 1 || days[0].N != 23 || days[0].Total != 23_000_000 || days[0].Day != day.Unix() {
		t.Errorf("rollup = %+v, %v; want the spring DST day: 23 readings, 23 kWh", days, err)
	}
}

// The unit a meter's consumption records stated outranks the meter list's,
// as on the cache: a later SaveMeters keeps it; the meter list's unit
// applies to a meter whose records never stated one.
func TestStatedUnitOutranksTheMeterList(t *testing.T) {
	ctx := context.Background()
	meters := []series.Meter{{ExternalID: "g1", Unit: "kWh"}, {ExternalID: "p1", Unit: "kWh"}}
	s := bookWithMeters(t, meters...)
	if err := s.SetMeterUnit(ctx, "ep", "g1", series.M3); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeterUnit(ctx, "ep", "nope", series.M3); err != nil {
		t.Fatalf("unit of a meter the book does not hold: %v, want a no-op", err)
	}
	meters[1].Unit = "MWh"
	if err := s.SaveMeters(ctx, "ep", meters); err != nil {
		t.Fatal(err)
	}
	ms, err := s.Meters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range ms {
		got[m.ExternalID] = m.Unit
	}
	if got["g1"] != series.M3 || got["p1"] != "MWh" {
		t.Errorf("units = %v, want g1 in m³ (stated by its records) and p1 in MWh (the meter list's)", got)
	}
}
