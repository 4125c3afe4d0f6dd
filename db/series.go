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
	id, _, err := (&cacheTx{q: s.rq}).Meter(ctx, source, meter)
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
		// The statements run on a context that cannot be cancelled: with
		// one that can, the driver starts a goroutine per statement to
		// watch it (a full sync's thousands of blocks). A cancelled ctx
		// still ends the save promptly: the writer checks it before each
		// batch and block, and the transaction, begun on ctx, rolls back.
		tx := &cacheTx{q: q, now: s.now, ctx: context.WithoutCancel(ctx)}
		w = blockwrite.New(tx, compressBlocks, &s.refs)
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
	// ctx, when set, is the context every statement runs on instead of
	// the one it is given (SaveReadings: one that cannot be cancelled).
	ctx context.Context
	// The blocks PutBlock holds until Flush, their bytes in data.
	held []heldBlock
	data []byte
}

// heldBlock is a block PutBlock holds: its bytes are data[lo:hi].
type heldBlock struct {
	sid, start int64
	lo, hi     int
	day        blockwrite.Day
}

// stmt is the context a statement runs on.
func (t *cacheTx) stmt(ctx context.Context) context.Context {
	if t.ctx != nil {
		return t.ctx
	}
	return ctx
}

func (t *cacheTx) Meter(ctx context.Context, source, meter string) (int64, string, error) {
	r, err := t.q.MeterIDByExternal(t.stmt(ctx), dbq.MeterIDByExternalParams{Source: source, ExternalID: meter})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("cache: meter %s of %q: %w", meter, source, app.ErrNotFound)
	}
	return r.ID, r.Zone, err
}

func (t *cacheTx) Stream(ctx context.Context, meterID int64, m series.Measure) (blockwrite.Stream, bool, error) {
	st, err := t.q.GetStream(t.stmt(ctx), dbq.GetStreamParams{MeterID: meterID, Measure: string(m)})
	if errors.Is(err, sql.ErrNoRows) {
		return blockwrite.Stream{}, false, nil
	}
	return blockwrite.Stream{Interval: st.IntervalS, Currency: st.Currency, Watermark: timeOrZero(st.Watermark)}, err == nil, err
}

func (t *cacheTx) DropStream(ctx context.Context, meterID int64, m series.Measure) (int64, error) {
	ctx = t.stmt(ctx)
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

func (t *cacheTx) EnsureSeries(ctx context.Context, meterID int64, m series.Measure, channel string) (int64, error) {
	return t.q.EnsureSeries(t.stmt(ctx), dbq.EnsureSeriesParams{MeterID: meterID, Measure: string(m), Channel: channel})
}

func (t *cacheTx) Blocks(ctx context.Context, sid, from, to int64) ([]blockwrite.Stored, error) {
	rows, err := t.q.BlocksOfSeries(t.stmt(ctx), dbq.BlocksOfSeriesParams{SeriesID: sid, FromStart: from, ToStart: to, Lim: math.MaxInt32})
	out := make([]blockwrite.Stored, len(rows))
	for i, r := range rows {
		out[i] = blockwrite.Stored{Start: r.SpanStart, Data: r.Data}
	}
	return out, err
}

// PutBlock holds the block and its rollup until Flush, which writes eight
// at a time.
func (t *cacheTx) PutBlock(_ context.Context, sid, start int64, data []byte, d blockwrite.Day) error {
	lo := len(t.data)
	t.data = append(t.data, data...)
	t.held = append(t.held, heldBlock{sid: sid, start: start, lo: lo, hi: len(t.data), day: d})
	return nil
}

// Flush writes the held blocks and rollups in order, eight to a
// statement (UpsertBlocks8, SetDays8) and the rest one by one.
func (t *cacheTx) Flush(ctx context.Context) error {
	ctx = t.stmt(ctx)
	h := t.held
	defer func() { t.held, t.data = t.held[:0], t.data[:0] }()
	for ; len(h) >= 8; h = h[8:] {
		if err := t.q.UpsertBlocks8(ctx, t.blocks8(h)); err != nil {
			return err
		}
		if err := t.q.SetDays8(ctx, days8(h)); err != nil {
			return err
		}
	}
	for _, b := range h {
		if err := t.q.UpsertBlock(ctx, dbq.UpsertBlockParams{SeriesID: b.sid, SpanStart: b.start, N: b.day.N, Data: t.data[b.lo:b.hi]}); err != nil {
			return err
		}
		d := b.day
		if err := t.q.SetDay(ctx, dbq.SetDayParams{SeriesID: b.sid, Day: b.start, N: d.N, Total: d.Total, Lo: d.Lo, Hi: d.Hi}); err != nil {
			return err
		}
	}
	return nil
}

// blocks8 are the parameters of UpsertBlocks8 for h[:8].
func (t *cacheTx) blocks8(h []heldBlock) dbq.UpsertBlocks8Params {
	h = h[:8]
	b := func(i int) []byte { return t.data[h[i].lo:h[i].hi] }
	return dbq.UpsertBlocks8Params{
		SeriesId1: h[0].sid, SpanStart1: h[0].start, N1: h[0].day.N, Data1: b(0),
		SeriesId2: h[1].sid, SpanStart2: h[1].start, N2: h[1].day.N, Data2: b(1),
		SeriesId3: h[2].sid, SpanStart3: h[2].start, N3: h[2].day.N, Data3: b(2),
		SeriesId4: h[3].sid, SpanStart4: h[3].start, N4: h[3].day.N, Data4: b(3),
		SeriesId5: h[4].sid, SpanStart5: h[4].start, N5: h[4].day.N, Data5: b(4),
		SeriesId6: h[5].sid, SpanStart6: h[5].start, N6: h[5].day.N, Data6: b(5),
		SeriesId7: h[6].sid, SpanStart7: h[6].start, N7: h[6].day.N, Data7: b(6),
		SeriesId8: h[7].sid, SpanStart8: h[7].start, N8: h[7].day.N, Data8: b(7),
	}
}

// days8 are the parameters of SetDays8 for h[:8].
func days8(h []heldBlock) dbq.SetDays8Params {
	h = h[:8]
	return dbq.SetDays8Params{
		SeriesId1: h[0].sid, Day1: h[0].start, N1: h[0].day.N, Total1: h[0].day.Total, Lo1: h[0].day.Lo, Hi1: h[0].day.Hi,
		SeriesId2: h[1].sid, Day2: h[1].start, N2: h[1].day.N, Total2: h[1].day.Total, Lo2: h[1].day.Lo, Hi2: h[1].day.Hi,
		SeriesId3: h[2].sid, Day3: h[2].start, N3: h[2].day.N, Total3: h[2].day.Total, Lo3: h[2].day.Lo, Hi3: h[2].day.Hi,
		SeriesId4: h[3].sid, Day4: h[3].start, N4: h[3].day.N, Total4: h[3].day.Total, Lo4: h[3].day.Lo, Hi4: h[3].day.Hi,
		SeriesId5: h[4].sid, Day5: h[4].start, N5: h[4].day.N, Total5: h[4].day.Total, Lo5: h[4].day.Lo, Hi5: h[4].day.Hi,
		SeriesId6: h[5].sid, Day6: h[5].start, N6: h[5].day.N, Total6: h[5].day.Total, Lo6: h[5].day.Lo, Hi6: h[5].day.Hi,
		SeriesId7: h[6].sid, Day7: h[6].start, N7: h[6].day.N, Total7: h[6].day.Total, Lo7: h[6].day.Lo, Hi7: h[6].day.Hi,
		SeriesId8: h[7].sid, Day8: h[7].start, N8: h[7].day.N, Total8: h[7].day.Total, Lo8: h[7].day.Lo, Hi8: h[7].day.Hi,
	}
}

func (t *cacheTx) InsertProblem(ctx context.Context, runID int64, f *app.RecordError) error {
	return t.q.InsertProblem(t.stmt(ctx), dbq.InsertProblemParams{RunID: runID, Record: f.Record, Field: f.Field, Message: f.Err.Error()})
}

func (t *cacheTx) SetStream(ctx context.Context, meterID int64, b *series.Batch, runID *int64) error {
	return t.q.SetStream(t.stmt(ctx), dbq.SetStreamParams{
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
