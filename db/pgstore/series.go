package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/blockwrite"
	"wattfolio/db/internal/pgq"
)

// The time series' side of the book (engine.SeriesStore): meters, their
// streams and watermarks, series, day blocks in package db/block's format
// and the daily rollup, written by the SQLite cache's own write path
// (db/internal/blockwrite) through the statements of
// db/queries/postgres/series.sql.

// compressBlocks: zstd on blocks where it at least halves them, as the
// cache does, so that a block copies between the two unchanged.
const compressBlocks = true

// SaveMeters records the meters of a source (inserted, or updated by the
// vendor's meter id where the vendor's description changed), in one
// transaction.
func (s *Store) SaveMeters(ctx context.Context, source string, meters []series.Meter) error {
	err := s.inTx(ctx, func(q *pgq.Queries) error {
		sid, err := sourceID(ctx, q, source)
		if err != nil {
			return err
		}
		for i := range meters {
			m := &meters[i]
			unit, zone, intervals, raw := blockwrite.MeterFields(m)
			if err := q.UpsertMeter(ctx, pgq.UpsertMeterParams{
				SourceID: sid, ExternalID: m.ExternalID, ContractExternalID: m.ContractExternalID,
				Number: m.Number, Label: m.Label, Unit: unit, Zone: zone, Intervals: intervals,
				DataFrom: sec(m.DataFrom), DataTo: sec(m.DataTo), RawJson: []byte(raw),
				UpdatedAt: sec(s.now()),
			}); err != nil {
				return fmt.Errorf("meter %s: %w", m.ExternalID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("book: save meters of %q: %w", source, err)
	}
	return nil
}

// SeriesState returns where a meter's stream stands; a zero State means it
// was never synced.
func (s *Store) SeriesState(ctx context.Context, source, meter string, m series.Measure) (series.State, error) {
	id, _, err := bookTx{q: s.q}.Meter(ctx, source, meter)
	if err != nil {
		return series.State{}, err
	}
	r, err := s.q.GetStream(ctx, pgq.GetStreamParams{MeterID: id, Measure: string(m)})
	if errors.Is(err, pgx.ErrNoRows) {
		return series.State{}, nil
	}
	if err != nil {
		return series.State{}, fmt.Errorf("book: stream %s/%s: %w", meter, m, err)
	}
	return series.State{Interval: series.IntervalOfSeconds(int64(r.IntervalS)), Watermark: timeOrZero(r.Watermark)}, nil
}

// SeriesStates returns where every stream of a source stands, in one query
// (engine.SeriesStates); a stream that is not in it was never synced.
func (s *Store) SeriesStates(ctx context.Context, source string) (map[series.StreamKey]series.State, error) {
	rows, err := s.q.StreamsOfSource(ctx, source)
	if err != nil {
		return nil, fmt.Errorf("book: streams of %q: %w", source, err)
	}
	out := make(map[series.StreamKey]series.State, len(rows))
	for _, r := range rows {
		out[series.StreamKey{Meter: r.ExternalID, Measure: series.Measure(r.Measure)}] = series.State{
			Interval: series.IntervalOfSeconds(int64(r.IntervalS)), Watermark: timeOrZero(r.Watermark)}
	}
	return out, nil
}

// SaveReadings stores batches in a single transaction, as the SQLite
// cache does (db.Store.SaveReadings, through the same write path): for
// each, its readings (a changed value overwrites, an equal one writes
// nothing; only the day blocks it touches are rewritten), the daily rollup
// of every local day it changes, its record problems and its stream's
// watermark. A crash leaves either all of it or none.
func (s *Store) SaveReadings(ctx context.Context, runID int64, source string, batches ...series.Batch) error {
	var cur *series.Batch
	var w *blockwrite.Writer
	err := s.inTx(ctx, func(q *pgq.Queries) error {
		w = blockwrite.New(&bookTx{q: q, now: s.now}, compressBlocks, &s.refs)
		failed, b, err := w.Save(ctx, runID, source, batches)
		if cur = b; err != nil {
			return err
		}
		if runID > 0 && failed > 0 {
			return q.AddRunCounts(ctx, pgq.AddRunCountsParams{ID: runID, Failed: failed})
		}
		return nil
	})
	if err != nil {
		if cur != nil {
			return fmt.Errorf("book: save %s of meter %s of %q: %w", cur.Measure, cur.Meter, source, err)
		}
		return fmt.Errorf("book: save readings of %q: %w", source, err)
	}
	w.Keep()
	return nil
}

// SetMeterUnit records the unit a vendor's consumption records stated for
// a meter; a no-op when it is the one recorded, and for a meter the book
// does not hold.
func (s *Store) SetMeterUnit(ctx context.Context, source, meterExternalID, unit string) error {
	_, err := s.q.SetMeterUnit(ctx, pgq.SetMeterUnitParams{Unit: unit, ReportedAt: sec(s.now()), Source: source, ExternalID: meterExternalID})
	if err != nil {
		return fmt.Errorf("book: unit of meter %s of %q: %w", meterExternalID, source, err)
	}
	return nil
}

// sec is t as timestamptz to the second, as the cache stores instants
// (Unix seconds); the zero time is NULL.
func sec(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return ts(time.Unix(t.Unix(), 0))
}

func timeOrZero(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// bookTx is a write transaction on the book, as blockwrite writes through
// it.
type bookTx struct {
	q   *pgq.Queries
	now func() time.Time
	put []pgq.PutBlocksParams // held by PutBlock until Flush
}

func (t bookTx) Meter(ctx context.Context, source, meter string) (int64, string, error) {
	r, err := t.q.MeterIDByExternal(ctx, pgq.MeterIDByExternalParams{Source: source, ExternalID: meter})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", fmt.Errorf("book: meter %s of %q: %w", meter, source, app.ErrNotFound)
	}
	return r.ID, r.Zone, err
}

func (t bookTx) Stream(ctx context.Context, meterID int64, m series.Measure) (blockwrite.Stream, bool, error) {
	st, err := t.q.GetStream(ctx, pgq.GetStreamParams{MeterID: meterID, Measure: string(m)})
	if errors.Is(err, pgx.ErrNoRows) {
		return blockwrite.Stream{}, false, nil
	}
	return blockwrite.Stream{Interval: int64(st.IntervalS), Currency: st.Currency, Watermark: timeOrZero(st.Watermark)}, err == nil, err
}

func (t bookTx) DropStream(ctx context.Context, meterID int64, m series.Measure) (int64, error) {
	n, err := t.q.DeleteStreamBlocks(ctx, pgq.DeleteStreamBlocksParams{MeterID: meterID, Measure: string(m)})
	if err != nil {
		return 0, err
	}
	return n, t.q.DeleteStreamDaily(ctx, pgq.DeleteStreamDailyParams{MeterID: meterID, Measure: string(m)})
}

func (t bookTx) EnsureSeries(ctx context.Context, meterID int64, m series.Measure, channel string) (int64, error) {
	return t.q.EnsureSeries(ctx, pgq.EnsureSeriesParams{MeterID: meterID, Measure: string(m), Channel: channel})
}

func (t bookTx) Blocks(ctx context.Context, sid, from, to int64) ([]blockwrite.Stored, error) {
	rows, err := t.q.BlocksOfSeries(ctx, pgq.BlocksOfSeriesParams{SeriesID: sid, FromStart: from, ToStart: to})
	out := make([]blockwrite.Stored, len(rows))
	for i, r := range rows {
		out[i] = blockwrite.Stored{Start: r.SpanStart, Data: r.Data}
	}
	return out, err
}

// PutBlock holds the block and its rollup until Flush: a statement on the
// book is a round trip to the server, so a series' changed days go in one.
func (t *bookTx) PutBlock(_ context.Context, sid, start int64, data []byte, d blockwrite.Day) error {
	t.put = append(t.put, pgq.PutBlocksParams{SeriesID: sid, SpanStart: start, N: int32(d.N), Total: d.Total, Lo: d.Lo, Hi: d.Hi, Data: slices.Clone(data)})
	return nil
}

// Flush sends the held blocks in one pgx batch.
func (t *bookTx) Flush(ctx context.Context) error {
	if len(t.put) == 0 {
		return nil
	}
	var first error
	t.q.PutBlocks(ctx, t.put).Exec(func(_ int, err error) {
		if first == nil {
			first = err
		}
	})
	t.put = t.put[:0]
	return first
}

func (t bookTx) InsertProblem(ctx context.Context, runID int64, f *app.RecordError) error {
	return t.q.InsertProblem(ctx, pgq.InsertProblemParams{RunID: runID, Record: f.Record, Field: f.Field, Message: f.Err.Error()})
}

func (t bookTx) SetStream(ctx context.Context, meterID int64, b *series.Batch, runID *int64) error {
	return t.q.SetStream(ctx, pgq.SetStreamParams{
		MeterID: meterID, Measure: string(b.Measure), IntervalS: int32(b.Interval.Seconds()),
		Currency: b.Currency, Watermark: sec(b.Watermark), RunID: runID, UpdatedAt: sec(t.now()),
	})
}

// The book's series as the shared store suite, the kill test and the
// benchmarks read them back.

type (
	// Block is a stored block: its series (source, meter, measure,
	// channel), span start (Unix seconds), readings, bytes and rev.
	Block = pgq.BookBlocksRow
	// Day is a series' rollup of one local day (Day: Unix seconds).
	Day = pgq.BookDaysRow
	// Stream is a meter's stream: interval, currency, watermark.
	Stream = pgq.BookStreamsRow
	// Meter is a meter of the book: its source, ids, unit, zone and
	// intervals.
	Meter = pgq.BookMetersRow
)

// Meters lists the book's meters by source and external id.
func (s *Store) Meters(ctx context.Context) ([]Meter, error) { return s.q.BookMeters(ctx) }

// Blocks lists every block of the book by source, meter, measure, channel
// and span.
func (s *Store) Blocks(ctx context.Context) ([]Block, error) { return s.q.BookBlocks(ctx) }

// Days lists every series' daily rollup by source, meter, measure, channel
// and day.
func (s *Store) Days(ctx context.Context) ([]Day, error) { return s.q.BookDays(ctx) }

// Streams lists every meter's streams by source, meter and measure.
func (s *Store) Streams(ctx context.Context) ([]Stream, error) { return s.q.BookStreams(ctx) }

// SeriesRev is the newest rev of the series' rows (meters, streams,
// series, blocks, rollup): it moves with every transaction that writes one.
func (s *Store) SeriesRev(ctx context.Context) (int64, error) { return s.q.SeriesRev(ctx) }

// CountReadings counts every reading of the book.
func (s *Store) CountReadings(ctx context.Context) (int64, error) { return s.q.CountReadings(ctx) }

// SeriesBytes is what the series take on disk (pg_total_relation_size of
// meters, meter_streams, series, reading_blocks and readings_daily: tables,
// indexes and TOAST).
func (s *Store) SeriesBytes(ctx context.Context) (int64, error) { return s.q.SeriesBytes(ctx) }
