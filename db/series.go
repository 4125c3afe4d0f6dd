package db

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/block"
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
		for _, m := range meters {
			ivs := make([]string, len(m.Intervals))
			for i, iv := range m.Intervals {
				ivs[i] = string(iv)
			}
			unit := m.Unit
			if unit == "" {
				unit = "kWh"
			}
			zone := m.Zone
			if zone == "" {
				zone = app.DefaultZoneName
			}
			raw := string(m.Raw)
			if raw == "" {
				raw = "null"
			}
			if err := q.UpsertMeter(ctx, dbq.UpsertMeterParams{
				SourceID: sid, ExternalID: m.ExternalID, ContractExternalID: m.ContractExternalID,
				Number: m.Number, Label: m.Label, Unit: unit, Zone: zone, Intervals: strings.Join(ivs, ","),
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

// meterRef is a stored meter as the write path needs it.
type meterRef struct {
	id  int64
	loc *time.Location
}

// refCache keeps what the write path looks up for every batch and what
// never changes once stored: a meter's id and zone (the cache never deletes
// a meter, and UpsertMeter keeps both) and a series' id (nor a series).
// Only what a committed transaction holds goes in, so a rolled-back one
// leaves no id behind. A no-change re-sync of 500 meters looked them up
// 3,000 times, a query each.
type refCache struct {
	meters sync.Map // meterKey → meterRef
	series sync.Map // seriesKey → int64
}

type meterKey struct{ source, meter string }

type seriesKey struct {
	meter            int64
	measure, channel string
}

func (s *Store) meterRef(ctx context.Context, q *dbq.Queries, source, meter string) (meterRef, error) {
	k := meterKey{source, meter}
	if ref, ok := s.refs.meters.Load(k); ok {
		return ref.(meterRef), nil
	}
	r, err := q.MeterIDByExternal(ctx, dbq.MeterIDByExternalParams{Source: source, ExternalID: meter})
	if errors.Is(err, sql.ErrNoRows) {
		return meterRef{}, fmt.Errorf("cache: meter %s of %q: %w", meter, source, app.ErrNotFound)
	}
	if err != nil {
		return meterRef{}, err
	}
	loc, err := series.LoadZone(r.Zone)
	if err != nil {
		return meterRef{}, err
	}
	ref := meterRef{r.ID, loc}
	s.refs.meters.Store(k, ref)
	return ref, nil
}

// SeriesState returns where a meter's stream stands; a zero State means it
// was never synced.
func (s *Store) SeriesState(ctx context.Context, source, meter string, m series.Measure) (series.State, error) {
	ref, err := s.meterRef(ctx, s.rq, source, meter)
	if err != nil {
		return series.State{}, err
	}
	r, err := s.rq.GetStream(ctx, dbq.GetStreamParams{MeterID: ref.id, Measure: string(m)})
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
// day it changes, its record problems and its stream's watermark. A crash
// leaves either all of it or none. Several batches in one transaction
// write the pages they share (the upper levels of the blocks' tree, the
// rollup, the run) once instead of once each.
func (s *Store) SaveReadings(ctx context.Context, runID int64, source string, batches ...series.Batch) error {
	var failed int64
	var cur *series.Batch
	var w *blockWriter
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		w = newBlockWriter(q)
		for i := range batches {
			b := &batches[i]
			cur = b
			if err := s.saveBatch(ctx, w, runID, source, b); err != nil {
				return err
			}
			failed += int64(len(b.Failures))
		}
		cur = nil // what fails from here is no one batch's
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
	for k, id := range w.fresh {
		s.refs.series.Store(k, id)
	}
	return nil
}

func (s *Store) saveBatch(ctx context.Context, w *blockWriter, runID int64, source string, b *series.Batch) error {
	q := w.q
	ref, err := s.meterRef(ctx, q, source, b.Meter)
	if err != nil {
		return err
	}
	st, stored, err := dropOtherInterval(ctx, q, ref, b)
	if err != nil {
		return err
	}
	w.changed = false
	if err := s.writeReadings(ctx, w, ref, b.Measure, b.Readings); err != nil {
		return err
	}
	// A batch that changes nothing (a re-sync's look-back over readings
	// already stored) leaves the stream's row as it is, so that a
	// no-change re-sync writes nothing at all; the row's run and time
	// then name the last run that changed the stream.
	if stored && !w.changed && len(b.Failures) == 0 && st.Currency == b.Currency &&
		(b.Watermark.IsZero() || (st.Watermark != nil && *st.Watermark == b.Watermark.Unix())) {
		return nil
	}
	var run *int64
	if runID > 0 {
		run = &runID
		for _, f := range b.Failures {
			if err := q.InsertProblem(ctx, dbq.InsertProblemParams{RunID: runID, Record: f.Record, Field: f.Field, Message: f.Err.Error()}); err != nil {
				return err
			}
		}
	}
	return q.SetStream(ctx, dbq.SetStreamParams{
		MeterID: ref.id, Measure: string(b.Measure), IntervalS: b.Interval.Seconds(),
		Currency: b.Currency, Watermark: unixOrNil(b.Watermark), RunID: run, UpdatedAt: s.now().Unix(),
	})
}

// dropOtherInterval deletes a stream's readings and rollup when a batch
// comes at another interval than the one stored: the connector fetches a
// stream again from its start when the vendor stops serving its interval,
// and quarter hours and hours of the same span must not be added up. The
// stream is whole again once the run has fetched it to the end; a run cut
// off before that leaves fewer readings, never doubled ones, and the next
// run goes on from the watermark. It returns the stream's row and whether
// there is one at the batch's interval.
func dropOtherInterval(ctx context.Context, q *dbq.Queries, ref meterRef, b *series.Batch) (dbq.GetStreamRow, bool, error) {
	st, err := q.GetStream(ctx, dbq.GetStreamParams{MeterID: ref.id, Measure: string(b.Measure)})
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	if err != nil || st.IntervalS == b.Interval.Seconds() {
		return st, err == nil, err
	}
	ns, err := q.DeleteStreamBlocks(ctx, dbq.DeleteStreamBlocksParams{MeterID: ref.id, Measure: string(b.Measure)})
	if err != nil {
		return st, false, err
	}
	if err := q.DeleteStreamDaily(ctx, dbq.DeleteStreamDailyParams{MeterID: ref.id, Measure: string(b.Measure)}); err != nil {
		return st, false, err
	}
	var n int64
	for _, k := range ns {
		n += k
	}
	slog.Info("stream changed interval: old readings dropped", "meter", b.Meter, "measure", b.Measure,
		"from", series.IntervalOfSeconds(st.IntervalS), "to", b.Interval, "dropped", n)
	return st, false, nil
}

// compressBlocks: zstd on blocks, kept per block where it at least halves
// it (see block.Encoder).
// BenchmarkSeries' codec table and BenchmarkEachMeasureMeterYear measure
// what it saves and costs (a variable so that the latter can compare).
var compressBlocks = true

// blockSpan is the stretch of a series' time one block holds, in the
// meter's zone. A local day: month-long blocks read a meter-year no faster
// (BenchmarkEachMeasureMeterYear measured 2.4-2.6 ms for both, before the
// decoder's later speed-ups: decoding, not rows, is what is left), and a day is what a late
// correction rewrites and what the rollup sums.
const blockSpan = series.Day

// maxSpan is more than any block's span lasts: a block that starts before
// from-maxSpan holds nothing at or after from.
const maxSpan = 2 * 86400

// seriesReadings are the readings of one series in a batch, in time order,
// each instant once.
type seriesReadings struct {
	id int64
	rs []block.Reading
}

// toBlocks resolves the series of each reading and lays the readings out
// per series in time order. A reading repeated within the batch keeps its
// last value, as writing each in turn would.
func (s *Store) toBlocks(ctx context.Context, w *blockWriter, ref meterRef, m series.Measure, rs []series.Reading) ([]seriesReadings, error) {
	var groups []seriesReadings
	index := map[string]int{}
	last := -1
	var lastCh string
	for i := range rs {
		r := &rs[i]
		g := last
		if last < 0 || r.Channel != lastCh {
			var ok bool
			if g, ok = index[r.Channel]; !ok {
				sid, err := s.seriesID(ctx, w, seriesKey{ref.id, string(m), r.Channel})
				if err != nil {
					return nil, err
				}
				g = len(groups)
				index[r.Channel] = g
				// Most batches are one channel; a second one grows as it needs.
				groups = append(groups, seriesReadings{id: sid, rs: make([]block.Reading, 0, len(rs)/(1+g))})
			}
			last, lastCh = g, r.Channel
		}
		groups[g].rs = append(groups[g].rs, blockReading(r))
	}
	for i := range groups {
		groups[i].rs = sortUnique(groups[i].rs)
	}
	return groups, nil
}

// seriesID is the id of a series, made if it is new. One made in this
// transaction is kept in w.fresh until the transaction commits.
func (s *Store) seriesID(ctx context.Context, w *blockWriter, k seriesKey) (int64, error) {
	if id, ok := s.refs.series.Load(k); ok {
		return id.(int64), nil
	}
	if id, ok := w.fresh[k]; ok {
		return id, nil
	}
	id, err := w.q.EnsureSeries(ctx, dbq.EnsureSeriesParams{MeterID: k.meter, Measure: k.measure, Channel: k.channel})
	if err != nil {
		return 0, err
	}
	if w.fresh == nil {
		w.fresh = map[seriesKey]int64{}
	}
	w.fresh[k] = id
	return id, nil
}

func blockReading(r *series.Reading) block.Reading {
	w := block.Reading{TS: r.TS, Value: int64(r.Value), Tax: r.Tax.Code()}
	if p := r.Parts; p != nil {
		for k, c := range [block.Parts]*app.Decimal{p.Auction, p.TaxesLevies, p.SourceFee, p.GridFee, p.Margin} {
			if c != nil {
				w.Mask |= 1 << k
				w.Parts[k] = int64(*c)
			}
		}
	}
	return w
}

// sortUnique puts rs in time order, keeping the last of equal instants.
func sortUnique(rs []block.Reading) []block.Reading {
	byTS := func(a, b block.Reading) int { return cmp.Compare(a.TS, b.TS) }
	if !slices.IsSortedFunc(rs, byTS) {
		slices.SortStableFunc(rs, byTS)
	}
	out := rs[:0]
	for k := range rs {
		if k+1 < len(rs) && rs[k+1].TS == rs[k].TS {
			continue
		}
		out = append(out, rs[k])
	}
	return out
}

// blockWriter writes day blocks within one write transaction; its buffers
// are reused from block to block.
type blockWriter struct {
	q      *dbq.Queries
	enc    block.Encoder
	dec    block.Decoder
	blob   []byte
	old    []block.Reading
	merged []block.Reading
	// changed: a block was written since it was last reset.
	changed bool
	// fresh: the series ids this transaction looked up or made, for the
	// store's refCache once it commits.
	fresh map[seriesKey]int64
}

func newBlockWriter(q *dbq.Queries) *blockWriter {
	return &blockWriter{q: q, enc: block.Encoder{Compress: compressBlocks}}
}

// eachBucket calls fn with the readings of each local bucket of res in rs
// (in time order), and the Unix seconds of the bucket's start.
func eachBucket(rs []block.Reading, res series.Resolution, loc *time.Location, fn func(start int64, rs []block.Reading) error) error {
	for i := 0; i < len(rs); {
		start := series.BucketStart(rs[i].TS, res, loc)
		end := series.NextBucket(start, res, loc, 0)
		j := i + 1
		for j < len(rs) && rs[j].TS < end {
			j++
		}
		if err := fn(start, rs[i:j]); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// write stores rs (one series, in time order, each instant once) in the
// series' blocks: a span with no block gets one; a span that has one is
// read, merged (the new reading wins at an equal instant) and written back
// only when something changed, so a no-change re-sync writes nothing.
// The daily rollup is recomputed for each day whose readings changed.
func (w *blockWriter) write(ctx context.Context, sid int64, loc *time.Location, rs []block.Reading) error {
	if len(rs) == 0 {
		return nil
	}
	old, err := w.q.BlocksOfSeries(ctx, dbq.BlocksOfSeriesParams{
		SeriesID: sid, FromStart: series.BucketStart(rs[0].TS, blockSpan, loc), ToStart: rs[len(rs)-1].TS + 1, Lim: math.MaxInt32,
	})
	if err != nil {
		return err
	}
	return eachBucket(rs, blockSpan, loc, func(start int64, rs []block.Reading) error {
		for len(old) > 0 && old[0].SpanStart < start {
			old = old[1:]
		}
		if len(old) > 0 && old[0].SpanStart == start {
			if w.old, err = w.dec.Decode(w.old, old[0].Data); err != nil {
				return fmt.Errorf("block of %s: %w", time.Unix(start, 0).In(loc).Format(time.DateOnly), err)
			}
			w.merged = merge(w.merged[:0], w.old, rs)
			if slices.Equal(w.merged, w.old) {
				return nil
			}
			rs = w.merged
		}
		if err := w.put(ctx, sid, start, rs); err != nil {
			return err
		}
		w.changed = true
		// A block is one local day (blockSpan), so a changed block is a
		// changed day: roll it up again.
		return rollup(ctx, w.q, sid, start, rs)
	})
}

// put writes one block.
func (w *blockWriter) put(ctx context.Context, sid, start int64, rs []block.Reading) error {
	w.blob = w.enc.Append(w.blob[:0], rs)
	return w.q.UpsertBlock(ctx, dbq.UpsertBlockParams{SeriesID: sid, SpanStart: start, N: int64(len(rs)), Data: w.blob})
}

// rollup sets a day's totals from its readings.
func rollup(ctx context.Context, q *dbq.Queries, sid, day int64, rs []block.Reading) error {
	d := dbq.SetDayParams{SeriesID: sid, Day: day, N: int64(len(rs)), Lo: rs[0].Value, Hi: rs[0].Value}
	for _, r := range rs {
		d.Total += r.Value
		d.Lo, d.Hi = min(d.Lo, r.Value), max(d.Hi, r.Value)
	}
	return q.SetDay(ctx, d)
}

// merge appends to dst the union of old and new (both in time order, each
// instant once), new winning at equal instants.
func merge(dst, old, new []block.Reading) []block.Reading {
	i, j := 0, 0
	for i < len(old) && j < len(new) {
		switch {
		case old[i].TS < new[j].TS:
			dst = append(dst, old[i])
			i++
		case old[i].TS > new[j].TS:
			dst = append(dst, new[j])
			j++
		default:
			dst = append(dst, new[j])
			i++
			j++
		}
	}
	dst = append(dst, old[i:]...)
	return append(dst, new[j:]...)
}

// writeReadings stores rs in the day blocks of their series.
func (s *Store) writeReadings(ctx context.Context, w *blockWriter, ref meterRef, m series.Measure, rs []series.Reading) error {
	groups, err := s.toBlocks(ctx, w, ref, m, rs)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := w.write(ctx, g.id, ref.loc, g.rs); err != nil {
			return err
		}
	}
	return nil
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
