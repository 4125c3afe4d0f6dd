package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/blockwrite"
	"wattfolio/db/internal/dbq"
	"wattfolio/db/internal/testhooks"
)

// SaveMeters records the meters of a source (inserted, or updated by the
// vendor's meter id where the vendor's description changed), in one
// transaction.
func (s *Store) SaveMeters(ctx context.Context, source string, meters []series.Meter) error {
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		sid, err := s.sourceID(ctx, q, source)
		if err != nil {
			return err
		}
		for i := range meters {
			m := &meters[i]
			unit, zone, intervals, raw := blockwrite.MeterFields(m)
			if err := q.UpsertMeter(ctx, dbq.UpsertMeterParams{
				SourceID: sid, ExternalID: m.ExternalID, ContractExternalID: m.ContractExternalID,
				Number: m.Number, Label: m.Label, Unit: unit, Zone: zone, Intervals: intervals,
				DataFrom: unixOrNil(m.DataFrom), DataTo: unixOrNil(m.DataTo), RawJson: raw,
				UpdatedAt: s.now().Unix(),
			}); err != nil {
				return fmt.Errorf("meter %s: %w", m.ExternalID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: save meters of %q: %w", source, err)
	}
	return nil
}

// SeriesState returns where a meter's stream stands; a zero State means it
// was never synced.
func (s *Store) SeriesState(ctx context.Context, source, meter string, m series.Measure) (series.State, error) {
	id, _, err := cacheTx{q: s.rq}.Meter(ctx, source, meter)
	if err != nil {
		return series.State{}, err
	}
	r, err := s.rq.GetStream(ctx, dbq.GetStreamParams{MeterID: id, Measure: string(m)})
	if errors.Is(err, sql.ErrNoRows) {
		return series.State{}, nil
	}
	if err != nil {
		return series.State{}, fmt.Errorf("cache: stream %s/%s: %w", meter, m, err)
	}
	return series.State{Interval: series.IntervalOfSeconds(r.IntervalS), Watermark: timeOrZero(r.Watermark)}, nil
}

// SeriesStates returns where every stream of a source stands, in one query
// (engine.SeriesStates); a stream that is not in it was never synced.
func (s *Store) SeriesStates(ctx context.Context, source string) (map[series.StreamKey]series.State, error) {
	rows, err := s.rq.StreamsOfSource(ctx, source)
	if err != nil {
		return nil, fmt.Errorf("cache: streams of %q: %w", source, err)
	}
	out := make(map[series.StreamKey]series.State, len(rows))
	for _, r := range rows {
		out[series.StreamKey{Meter: r.ExternalID, Measure: series.Measure(r.Measure)}] = series.State{
			Interval: series.IntervalOfSeconds(r.IntervalS), Watermark: timeOrZero(r.Watermark)}
	}
	return out, nil
}

// SaveReadings stores batches in a single transaction: for each, its
// readings (a changed value overwrites, an equal one writes nothing; only
// the day blocks it touches are rewritten), the daily rollup of every local
// day it changes, its record problems and its stream's watermark
// (blockwrite.Writer.Save, shared with the book on PostgreSQL). A crash
// leaves either all of it or none. Several batches in one transaction
// write the pages they share (the upper levels of the blocks' tree, the
// rollup, the run) once instead of once each.
func (s *Store) SaveReadings(ctx context.Context, runID int64, source string, batches ...series.Batch) error {
	var cur *series.Batch
	var w *blockwrite.Writer
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		w = blockwrite.New(cacheTx{q: q, now: s.now}, compressBlocks, &s.refs)
		failed, b, err := w.Save(ctx, runID, source, batches)
		if cur = b; err != nil {
			return err
		}
		if runID > 0 && failed > 0 {
			return q.AddRunCounts(ctx, dbq.AddRunCountsParams{ID: runID, Failed: failed})
		}
		return nil
	})
	if err != nil {
		if cur != nil {
			return fmt.Errorf("cache: save %s of meter %s of %q: %w", cur.Measure, cur.Meter, source, err)
		}
		return fmt.Errorf("cache: save readings of %q: %w", source, err)
	}
	w.Keep()
	return nil
}

// compressBlocks: zstd on blocks, kept per block where it at least halves
// it (see block.Encoder).
// BenchmarkSeries' codec table and BenchmarkEachMeasureMeterYear measure
// what it saves and costs (a variable so that the latter can compare).
var compressBlocks = true

// maxSpan is more than any block's span lasts: a block that starts before
// from-maxSpan holds nothing at or after from.
const maxSpan = 2 * 86400

// cacheTx is a write transaction on the cache, as blockwrite writes
// through it.
type cacheTx struct {
	q   *dbq.Queries
	now func() time.Time
}

func (t cacheTx) Meter(ctx context.Context, source, meter string) (int64, string, error) {
	r, err := t.q.MeterIDByExternal(ctx, dbq.MeterIDByExternalParams{Source: source, ExternalID: meter})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("cache: meter %s of %q: %w", meter, source, app.ErrNotFound)
	}
	return r.ID, r.Zone, err
}

func (t cacheTx) Stream(ctx context.Context, meterID int64, m series.Measure) (blockwrite.Stream, bool, error) {
	st, err := t.q.GetStream(ctx, dbq.GetStreamParams{MeterID: meterID, Measure: string(m)})
	if errors.Is(err, sql.ErrNoRows) {
		return blockwrite.Stream{}, false, nil
	}
	return blockwrite.Stream{Interval: st.IntervalS, Currency: st.Currency, Watermark: timeOrZero(st.Watermark)}, err == nil, err
}

func (t cacheTx) DropStream(ctx context.Context, meterID int64, m series.Measure) (int64, error) {
	ns, err := t.q.DeleteStreamBlocks(ctx, dbq.DeleteStreamBlocksParams{MeterID: meterID, Measure: string(m)})
	if err != nil {
		return 0, err
	}
	if err := t.q.DeleteStreamDaily(ctx, dbq.DeleteStreamDailyParams{MeterID: meterID, Measure: string(m)}); err != nil {
		return 0, err
	}
	var n int64
	for _, k := range ns {
		n += k
	}
	return n, nil
}

func (t cacheTx) EnsureSeries(ctx context.Context, meterID int64, m series.Measure, channel string) (int64, error) {
	return t.q.EnsureSeries(ctx, dbq.EnsureSeriesParams{MeterID: meterID, Measure: string(m), Channel: channel})
}

func (t cacheTx) Blocks(ctx context.Context, sid, from, to int64) ([]blockwrite.Stored, error) {
	rows, err := t.q.BlocksOfSeries(ctx, dbq.BlocksOfSeriesParams{SeriesID: sid, FromStart: from, ToStart: to, Lim: math.MaxInt32})
	out := make([]blockwrite.Stored, len(rows))
	for i, r := range rows {
		out[i] = blockwrite.Stored{Start: r.SpanStart, Data: r.Data}
	}
	return out, err
}

// PutBlock writes at once: a statement on the cache costs microseconds.
func (t cacheTx) PutBlock(ctx context.Context, sid, start int64, data []byte, d blockwrite.Day) error {
	if err := t.q.UpsertBlock(ctx, dbq.UpsertBlockParams{SeriesID: sid, SpanStart: start, N: d.N, Data: data}); err != nil {
		return err
	}
	return t.q.SetDay(ctx, dbq.SetDayParams{SeriesID: sid, Day: start, N: d.N, Total: d.Total, Lo: d.Lo, Hi: d.Hi})
}

func (cacheTx) Flush(context.Context) error { return nil }

func (t cacheTx) InsertProblem(ctx context.Context, runID int64, f *app.RecordError) error {
	return t.q.InsertProblem(ctx, dbq.InsertProblemParams{RunID: runID, Record: f.Record, Field: f.Field, Message: f.Err.Error()})
}

func (t cacheTx) SetStream(ctx context.Context, meterID int64, b *series.Batch, runID *int64) error {
	return t.q.SetStream(ctx, dbq.SetStreamParams{
		MeterID: meterID, Measure: string(b.Measure), IntervalS: b.Interval.Seconds(),
		Currency: b.Currency, Watermark: unixOrNil(b.Watermark), RunID: runID, UpdatedAt: t.now().Unix(),
	})
}

// The helpers tests and benchmarks reach through package dbtest.
func init() {
	testhooks.CountReadings = func(ctx context.Context, s any) (int64, error) { return s.(*Store).countReadings(ctx) }
}

func meterFromRow(m dbq.Meter, source string) series.Meter {
	var ivs []series.Interval
	for _, s := range strings.Split(m.Intervals, ",") {
		if s != "" {
			ivs = append(ivs, series.Interval(s))
		}
	}
	return series.Meter{
		ID: m.ID, Source: source, ExternalID: m.ExternalID, ContractExternalID: m.ContractExternalID,
		Number: m.Number, Label: m.Label, Unit: m.Unit, Intervals: ivs, Zone: m.Zone,
		DataFrom: timeOrZero(m.DataFrom), DataTo: timeOrZero(m.DataTo),
		Raw: json.RawMessage(m.RawJson), UpdatedAt: time.Unix(m.UpdatedAt, 0).UTC(),
	}
}

// GetMeter returns app.ErrNotFound when there is no meter id.
func (s *Store) GetMeter(ctx context.Context, id int64) (series.Meter, error) {
	r, err := s.rq.GetMeter(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return series.Meter{}, fmt.Errorf("meter %d: %w", id, app.ErrNotFound)
	}
	if err != nil {
		return series.Meter{}, err
	}
	return meterFromRow(r.Meter, r.SourceName), nil
}

// ContractOfMeter is the cache id of the contract a meter belongs to, or
// app.ErrNotFound.
func (s *Store) ContractOfMeter(ctx context.Context, meterID int64) (int64, error) {
	id, err := s.rq.ContractOfMeter(ctx, meterID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("contract of meter %d: %w", meterID, app.ErrNotFound)
	}
	return id, err
}

// MetersOfContract lists the meters of a stored contract.
func (s *Store) MetersOfContract(ctx context.Context, contractID int64) ([]series.Meter, error) {
	rows, err := s.rq.MetersOfContract(ctx, contractID)
	return metersOf(rows, err, func(r dbq.MetersOfContractRow) (dbq.Meter, string) { return r.Meter, r.SourceName })
}

// MetersOfAccount lists the meters of every contract of an account.
func (s *Store) MetersOfAccount(ctx context.Context, accountID int64) ([]series.Meter, error) {
	rows, err := s.rq.MetersOfAccount(ctx, accountID)
	return metersOf(rows, err, func(r dbq.MetersOfAccountRow) (dbq.Meter, string) { return r.Meter, r.SourceName })
}

// ListMeters lists every meter in the cache.
func (s *Store) ListMeters(ctx context.Context) ([]series.Meter, error) {
	rows, err := s.rq.ListMeters(ctx)
	return metersOf(rows, err, func(r dbq.ListMetersRow) (dbq.Meter, string) { return r.Meter, r.SourceName })
}

// metersOf converts the rows of a meter query (sqlc gives each its own row
// type, all holding a meter and its source's name).
func metersOf[R any](rows []R, err error, split func(R) (dbq.Meter, string)) ([]series.Meter, error) {
	if err != nil {
		return nil, err
	}
	out := make([]series.Meter, len(rows))
	for i, r := range rows {
		out[i] = meterFromRow(split(r))
	}
	return out, nil
}

// streamInfo is a stream's state: its native interval and currency tell
// the readers how to bucket and label its readings.
type streamInfo struct {
	Measure   series.Measure
	Interval  series.Interval
	Currency  string
	Watermark time.Time
	UpdatedAt time.Time
}

// streams lists a meter's streams.
func (s *Store) streams(ctx context.Context, meterID int64) ([]streamInfo, error) {
	rows, err := s.rq.StreamsOfMeter(ctx, meterID)
	if err != nil {
		return nil, err
	}
	out := make([]streamInfo, len(rows))
	for i, r := range rows {
		out[i] = streamInfo{series.Measure(r.Measure), series.IntervalOfSeconds(r.IntervalS), r.Currency, timeOrZero(r.Watermark), time.Unix(r.UpdatedAt, 0).UTC()}
	}
	return out, nil
}

// countReadings counts every stored reading (dbtest.CountReadings).
func (s *Store) countReadings(ctx context.Context) (int64, error) { return s.rq.CountReadings(ctx) }
