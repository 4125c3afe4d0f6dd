package db

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/block"
	"wattfolio/db/internal/dbq"
)

// blocksPage is how many blocks a streaming read holds at once: a year of
// days and the block before it, so a meter-year is one query (a query costs
// tens of microseconds whatever it returns).
const blocksPage = 400

// Aggregate returns the buckets of res in the meter's zone that cover
// [from, to), empty ones included, with consumption, feed-in, cost and
// price statistics. Days and months come from the daily rollup (a year is
// a few hundred rows); hours and native readings are streamed from the
// day blocks page by page, so memory grows with the buckets asked for, never
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
	if sts, err := s.streams(ctx, meterID); err == nil {
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
	// Room for the buckets at once: a 93-day hourly view is 2,232 of them.
	per := map[series.Resolution]int64{series.Native: native, series.Hour: 3600, series.Day: 86400, series.Month: 28 * 86400}[res]
	buckets := make([]series.Bucket, 0, min(max((end-start)/max(per, 1)+2, 0), maxBuckets+1))
	// Days find their bucket by its start; months and hours by position.
	var index map[int64]int
	if res == series.Day {
		index = map[int64]int{}
	}
	for b := start; b < end; {
		next := series.NextBucket(b, res, loc, native)
		if index != nil {
			index[b] = len(buckets)
		}
		buckets = append(buckets, series.Bucket{Start: time.Unix(b, 0).In(loc), End: time.Unix(next, 0).In(loc)})
		if len(buckets) > maxBuckets {
			return nil, fmt.Errorf("meter %d: %d buckets are too many for one read; choose a coarser resolution", meterID, len(buckets))
		}
		b = next
	}
	if len(buckets) == 0 {
		return nil, nil
	}
	switch res {
	case series.Day:
		rows, err := s.rq.DailyOfMeter(ctx, dbq.DailyOfMeterParams{MeterID: meterID, FromDay: start, ToDay: end})
		if err != nil {
			return nil, fmt.Errorf("meter %d: daily rollup: %w", meterID, err)
		}
		for _, r := range rows {
			if i, ok := index[r.Day]; ok {
				buckets[i].Add(series.Measure(r.Measure), r.Channel, r.N, app.Decimal(r.Total), app.Decimal(r.Lo), app.Decimal(r.Hi))
			}
		}
	case series.Month:
		// SQLite sums each month's days: a row a series and month. (One
		// statement for twelve months, grouping by a month worked out from
		// eleven comparisons, cost three times as much: SQLite sorted.)
		for i := range buckets {
			b := &buckets[i]
			rows, err := s.rq.SpanOfMeter(ctx, dbq.SpanOfMeterParams{MeterID: meterID, FromDay: b.Start.Unix(), ToDay: min(b.End.Unix(), end)})
			if err != nil {
				return nil, fmt.Errorf("meter %d: daily rollup: %w", meterID, err)
			}
			for _, r := range rows {
				b.Add(series.Measure(r.Measure), r.Channel, r.N, app.Decimal(r.Total), app.Decimal(r.Lo), app.Decimal(r.Hi))
			}
		}
	default:
		sers, err := s.rq.SeriesOfMeter(ctx, meterID)
		if err != nil {
			return nil, err
		}
		// A series' readings come in time order and the buckets lie end to
		// end, so a cursor finds each reading's bucket: no zone arithmetic
		// or map look-up per reading (a 93-day hourly view reads 27,000
		// readings a measure).
		bounds := make([]int64, len(buckets)+1)
		for i, b := range buckets {
			bounds[i] = b.Start.Unix()
		}
		bounds[len(buckets)] = buckets[len(buckets)-1].End.Unix()
		err = withBlockReader(func(br *blockReader) error {
			for _, sr := range sers {
				m, i := series.Measure(sr.Measure), 0
				err := br.scan(ctx, s.rq, sr.ID, start, end, func(rs []block.Reading) error {
					// The readings of one bucket are folded here and added
					// once: Add per reading decided on the measure and
					// channel 27,000 times a measure.
					for k := 0; k < len(rs); {
						ts := rs[k].TS
						for i < len(buckets) && bounds[i+1] <= ts {
							i++
						}
						if i == len(buckets) {
							return nil
						}
						if ts < bounds[i] {
							k++
							continue
						}
						v := rs[k].Value
						n, sum, lo, hi := int64(1), v, v, v
						for k++; k < len(rs) && rs[k].TS < bounds[i+1]; k++ {
							v := rs[k].Value
							n, sum = n+1, sum+v
							lo, hi = min(lo, v), max(hi, v)
						}
						buckets[i].Add(m, sr.Channel, n, app.Decimal(sum), app.Decimal(lo), app.Decimal(hi))
					}
					return nil
				})
				if err != nil {
					return fmt.Errorf("meter %d: readings: %w", meterID, err)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return buckets, nil
}

// blockReader reads the day blocks of series through one decoder, reusing
// its buffers from block to block, from series to series and, through
// blockReaders, from read to read.
type blockReader struct {
	dec  block.Decoder
	buf  []block.Reading
	page dbq.BlocksPage
}

// blockReaders keeps blockReaders between reads: a meter page reads three
// series, the tariff engine a meter-year, and each would otherwise grow a
// page buffer of a few hundred kilobytes anew.
var blockReaders = sync.Pool{New: func() any { return new(blockReader) }}

// withBlockReader runs fn with a blockReader from the pool.
func withBlockReader(fn func(br *blockReader) error) error {
	br := blockReaders.Get().(*blockReader)
	defer blockReaders.Put(br)
	return fn(br)
}

// scan calls fn with the readings of a series in [from, to), in time
// order, a block at a time, a page of blocks per query: a meter-year is one
// query. fn gets the decoder's buffer, valid until it returns. The query is
// done before fn runs, so a slow fn (a download) holds no statement open.
func (br *blockReader) scan(ctx context.Context, q *dbq.Queries, seriesID, from, to int64, fn func([]block.Reading) error) error {
	start := from - maxSpan
	if start > from { // from was within maxSpan of the smallest int64
		start = math.MinInt64
	}
	for {
		err := q.BlocksOfSeriesPage(ctx, dbq.BlocksOfSeriesParams{SeriesID: seriesID, FromStart: start, ToStart: to, Lim: blocksPage}, &br.page)
		if err != nil {
			return err
		}
		n := br.page.Len()
		for i := range n {
			if br.buf, err = br.dec.Decode(br.buf, br.page.Data(i)); err != nil {
				return fmt.Errorf("series %d, block of %d: %w", seriesID, br.page.Starts[i], err)
			}
			// Instants increase: what lies outside [from, to) is at the
			// ends of the first and last blocks.
			rs := br.buf
			for len(rs) > 0 && rs[0].TS < from {
				rs = rs[1:]
			}
			for len(rs) > 0 && rs[len(rs)-1].TS >= to {
				rs = rs[:len(rs)-1]
			}
			if len(rs) == 0 {
				continue
			}
			if err := fn(rs); err != nil {
				return err
			}
		}
		if n < blocksPage {
			return nil
		}
		start = br.page.Starts[n-1] + 1
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
	return withBlockReader(func(br *blockReader) error {
		var row series.Row
		var pb partsBuf
		for mi := range meters {
			if err := s.eachOfMeter(ctx, br, &meters[mi], only, from, to, res, &row, &pb, fn); err != nil {
				return err
			}
		}
		return nil
	})
}

// eachOfMeter is eachReading for one meter, through row and pb.
func (s *Store) eachOfMeter(ctx context.Context, br *blockReader, m *series.Meter, only series.Measure, from, to time.Time, res series.Resolution, row *series.Row, pb *partsBuf, fn func(*series.Row) error) error {
	loc, err := series.LoadZone(m.Zone)
	if err != nil {
		return err
	}
	sers, err := s.rq.SeriesOfMeter(ctx, m.ID)
	if err != nil {
		return err
	}
	sts, err := s.streams(ctx, m.ID)
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
		*row = series.Row{Meter: m, Measure: meas, Channel: sr.Channel, Currency: cur}
		var agg bucketAgg
		flush := func() error {
			if agg.n == 0 {
				return nil
			}
			agg.fill(row, meas, loc, res)
			agg = bucketAgg{}
			return fn(row)
		}
		err := br.scan(ctx, s.rq, sr.ID, from.Unix(), to.Unix(), func(rs []block.Reading) error {
			if res == series.Native {
				for i := range rs {
					r := &rs[i]
					row.Start, row.End = time.Unix(r.TS, 0).UTC(), time.Unix(r.TS+native, 0).UTC()
					row.Value, row.N, row.Tax = app.Decimal(r.Value), 1, series.TaxOfCode(r.Tax)
					// A pointer written is a write barrier while the GC
					// runs: consumption keeps its nil.
					if r.Mask != 0 || row.Parts != nil {
						row.Parts = partsOf(r, pb)
					}
					if err := fn(row); err != nil {
						return err
					}
				}
				return nil
			}
			for i := range rs {
				r := &rs[i]
				b := series.BucketStart(r.TS, res, loc)
				if agg.n > 0 && b != agg.start {
					if err := flush(); err != nil {
						return err
					}
				}
				agg.add(b, r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
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
func partsOf(r *block.Reading, pb *partsBuf) *series.Parts {
	if r.Mask == 0 {
		return nil
	}
	for k, v := range r.Parts {
		pb.vals[k] = app.Decimal(v)
	}
	ptr := func(bit int) *app.Decimal {
		if r.Mask&(1<<bit) == 0 {
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

func (a *bucketAgg) add(b int64, r *block.Reading) {
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
