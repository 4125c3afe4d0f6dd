package db

import (
	"context"
	"fmt"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/dbq"
)

// readingsPage is how many readings a streaming read holds at once.
const readingsPage = 8192

// Aggregate returns the buckets of res in the meter's zone that cover
// [from, to), empty ones included, with consumption, feed-in, cost and
// price statistics. Days and months come from the daily rollup (a year is
// a few hundred rows); hours and native readings are streamed from the
// readings page by page, so memory grows with the buckets asked for, never
// with the readings behind them.
func (s *Store) Aggregate(ctx context.Context, meterID int64, from, to time.Time, res series.Resolution) ([]series.Bucket, error) {
	m, err := s.GetMeter(ctx, meterID)
	if err != nil {
		return nil, err
	}
	loc, err := series.LoadZone(m.Zone)
	if err != nil {
		return nil, err
	}
	native := int64(900)
	if sts, err := s.Streams(ctx, meterID); err == nil {
		for _, st := range sts {
			if st.Measure == series.Consumption && st.Interval.Seconds() > 0 {
				native = st.Interval.Seconds()
			}
		}
	}
	start := series.BucketStart(from.Unix(), res, loc)
	if res == series.Native {
		start -= ((start % native) + native) % native
	}
	end := to.Unix()
	const maxBuckets = 400_000
	var buckets []series.Bucket
	index := map[int64]int{}
	for b := start; b < end; {
		next := series.NextBucket(b, res, loc, native)
		index[b] = len(buckets)
		buckets = append(buckets, series.Bucket{Start: time.Unix(b, 0).In(loc), End: time.Unix(next, 0).In(loc)})
		if len(buckets) > maxBuckets {
			return nil, fmt.Errorf("meter %d: %d buckets are too many for one read; choose a coarser resolution", meterID, len(buckets))
		}
		b = next
	}
	if len(buckets) == 0 {
		return nil, nil
	}
	add := func(ts int64, m series.Measure, ch string, n int64, sum, lo, hi int64) {
		i, ok := index[series.BucketStart(ts, res, loc)]
		if res == series.Native {
			i, ok = index[ts-(((ts-start)%native)+native)%native]
		}
		if ok {
			buckets[i].Add(m, ch, n, app.Decimal(sum), app.Decimal(lo), app.Decimal(hi))
		}
	}
	switch res {
	case series.Day, series.Month:
		rows, err := s.rq.DailyOfMeter(ctx, dbq.DailyOfMeterParams{MeterID: meterID, FromDay: start, ToDay: end})
		if err != nil {
			return nil, fmt.Errorf("meter %d: daily rollup: %w", meterID, err)
		}
		for _, r := range rows {
			add(r.Day, series.Measure(r.Measure), r.Channel, r.N, r.Total, r.Lo, r.Hi)
		}
	default:
		sers, err := s.rq.SeriesOfMeter(ctx, meterID)
		if err != nil {
			return nil, err
		}
		for _, sr := range sers {
			err := s.scanSeries(ctx, sr.ID, start, end, func(r dbq.ReadingsPageRow) error {
				add(r.Ts, series.Measure(sr.Measure), sr.Channel, 1, r.Value, r.Value, r.Value)
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("meter %d: readings: %w", meterID, err)
			}
		}
	}
	return buckets, nil
}

// scanSeries calls fn for every reading of a series in [from, to), in time
// order, a page at a time.
func (s *Store) scanSeries(ctx context.Context, seriesID, from, to int64, fn func(dbq.ReadingsPageRow) error) error {
	for {
		rows, err := s.rq.ReadingsPage(ctx, dbq.ReadingsPageParams{SeriesID: seriesID, FromTs: from, ToTs: to, Lim: readingsPage})
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rows) < readingsPage {
			return nil
		}
		from = rows[len(rows)-1].Ts + 1
	}
}

// EachReading streams the readings of a meter (meterID 0: of every meter)
// in [from, to) to fn, channel by channel in time order, either as stored
// (res Native) or summed per bucket of res in the meter's zone (prices are
// averaged: a mean price per kWh over the bucket). Memory stays constant
// whatever the range: fn gets the same Row, and the same Parts, every
// time, so it must copy what it keeps.
func (s *Store) EachReading(ctx context.Context, meterID int64, from, to time.Time, res series.Resolution, fn func(*series.Row) error) error {
	return s.eachReading(ctx, meterID, "", from, to, res, fn)
}

// EachMeasure is EachReading for one measure of one meter: a load curve
// needs the consumption only, a spot price the prices only.
func (s *Store) EachMeasure(ctx context.Context, meterID int64, m series.Measure, from, to time.Time, res series.Resolution, fn func(*series.Row) error) error {
	return s.eachReading(ctx, meterID, m, from, to, res, fn)
}

func (s *Store) eachReading(ctx context.Context, meterID int64, only series.Measure, from, to time.Time, res series.Resolution, fn func(*series.Row) error) error {
	var meters []series.Meter
	if meterID != 0 {
		m, err := s.GetMeter(ctx, meterID)
		if err != nil {
			return err
		}
		meters = []series.Meter{m}
	} else {
		var err error
		if meters, err = s.ListMeters(ctx); err != nil {
			return err
		}
	}
	var row series.Row
	var pb partsBuf
	for mi := range meters {
		m := &meters[mi]
		loc, err := series.LoadZone(m.Zone)
		if err != nil {
			return err
		}
		sers, err := s.rq.SeriesOfMeter(ctx, m.ID)
		if err != nil {
			return err
		}
		sts, err := s.Streams(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, sr := range sers {
			meas := series.Measure(sr.Measure)
			if only != "" && meas != only {
				continue
			}
			var native int64 = 900
			cur := ""
			for _, st := range sts {
				if st.Measure == meas {
					native, cur = max(st.Interval.Seconds(), 1), st.Currency
				}
			}
			row = series.Row{Meter: m, Measure: meas, Channel: sr.Channel, Currency: cur}
			var agg bucketAgg
			flush := func() error {
				if agg.n == 0 {
					return nil
				}
				agg.fill(&row, meas, loc, res)
				agg = bucketAgg{}
				return fn(&row)
			}
			err := s.scanSeries(ctx, sr.ID, from.Unix(), to.Unix(), func(r dbq.ReadingsPageRow) error {
				if res == series.Native {
					row.Start, row.End = time.Unix(r.Ts, 0).UTC(), time.Unix(r.Ts+native, 0).UTC()
					row.Value, row.N, row.Tax = app.Decimal(r.Value), 1, series.TaxOfCode(r.Tax)
					row.Parts = partsOf(&r, &pb)
					return fn(&row)
				}
				b := series.BucketStart(r.Ts, res, loc)
				if agg.n > 0 && b != agg.start {
					if err := flush(); err != nil {
						return err
					}
				}
				agg.add(b, r)
				return nil
			})
			if err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// partsBuf holds the price components of the row EachReading hands out,
// reused from row to row like the row itself.
type partsBuf struct {
	parts series.Parts
	vals  [5]app.Decimal
}

// partsOf fills pb from r's components; nil when r has none.
func partsOf(r *dbq.ReadingsPageRow, pb *partsBuf) *series.Parts {
	if r.Parts == 0 {
		return nil
	}
	pb.vals = [5]app.Decimal{app.Decimal(r.AuctionE6), app.Decimal(r.LeviesE6), app.Decimal(r.SourceFeeE6), app.Decimal(r.GridFeeE6), app.Decimal(r.MarginE6)}
	ptr := func(bit int) *app.Decimal {
		if r.Parts&(1<<bit) == 0 {
			return nil
		}
		return &pb.vals[bit]
	}
	pb.parts = series.Parts{Auction: ptr(0), TaxesLevies: ptr(1), SourceFee: ptr(2), GridFee: ptr(3), Margin: ptr(4)}
	return &pb.parts
}

// bucketAgg sums the readings of one channel in one bucket.
type bucketAgg struct {
	start int64
	n     int64
	sum   int64
	tax   int64
	mixed bool // the readings disagree on tax
}

func (a *bucketAgg) add(b int64, r dbq.ReadingsPageRow) {
	if a.n == 0 {
		a.start, a.tax = b, r.Tax
	} else if r.Tax != a.tax {
		a.mixed = true
	}
	a.n++
	a.sum += r.Value
}

func (a *bucketAgg) fill(row *series.Row, m series.Measure, loc *time.Location, res series.Resolution) {
	row.Start = time.Unix(a.start, 0).UTC()
	row.End = time.Unix(series.NextBucket(a.start, res, loc, 0), 0).UTC()
	row.N, row.Parts = a.n, nil
	row.Value = app.Decimal(a.sum)
	if m == series.Price {
		b := series.Bucket{}
		b.Add(series.Price, "", a.n, app.Decimal(a.sum), 0, 0)
		row.Value, _ = b.PriceMean()
	}
	row.Tax = series.TaxOfCode(a.tax)
	if a.mixed {
		row.Tax = series.Tax{}
	}
}
