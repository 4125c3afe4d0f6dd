// Package blockwrite is the write path of the time series shared by the
// SQLite cache (package db) and the team's book on PostgreSQL (package
// db/pgstore): readings laid out in day blocks of package block's format,
// merged into the blocks they touch, each changed day rolled up again, the
// record problems and the stream's watermark written with them. Each
// backend gives it its statements through Tx, inside one of its
// transactions; everything else is the same on both.
package blockwrite

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/block"
)

// Span is the stretch of a series' time one block holds, in the meter's
// zone. A local day: month-long blocks read a meter-year no faster
// (BenchmarkEachMeasureMeterYear measured 2.4-2.6 ms for both, before the
// decoder's later speed-ups: decoding, not rows, is what is left), and a
// day is what a late correction rewrites and what the rollup sums.
const Span = series.Day

// Stored is a block as a backend read it: its span's start (Unix seconds)
// and its bytes.
type Stored struct {
	Start int64
	Data  []byte
}

// Day is one series' rollup of one local day.
type Day struct {
	N, Total, Lo, Hi int64
}

// Tx is a backend's write transaction, as the write path needs it.
// Instants are Unix seconds.
type Tx interface {
	// Meter is a stored meter's id and zone, or an error wrapping
	// app.ErrNotFound.
	Meter(ctx context.Context, source, meter string) (id int64, zone string, err error)
	// Stream is where a meter's stream stands; found is false for a
	// stream never stored.
	Stream(ctx context.Context, meterID int64, m series.Measure) (st Stream, found bool, err error)
	// DropStream deletes a stream's blocks and rollup and returns how
	// many readings went.
	DropStream(ctx context.Context, meterID int64, m series.Measure) (int64, error)
	EnsureSeries(ctx context.Context, meterID int64, m series.Measure, channel string) (int64, error)
	// Blocks are the blocks of a series whose span starts in [from, to),
	// in time order.
	Blocks(ctx context.Context, seriesID, from, to int64) ([]Stored, error)
	// PutBlock stores a block of d.N readings and its day's rollup d. A
	// backend may hold them until Flush; data is reused after the call.
	PutBlock(ctx context.Context, seriesID, start int64, data []byte, d Day) error
	// Flush stores what PutBlock holds.
	Flush(ctx context.Context) error
	InsertProblem(ctx context.Context, runID int64, f *app.RecordError) error
	// SetStream records a stream's interval, currency and run, and its
	// watermark unless b's is zero.
	SetStream(ctx context.Context, meterID int64, b *series.Batch, runID *int64) error
}

// Stream is a stored stream's row as the write path compares a batch with
// it.
type Stream struct {
	Interval  int64 // seconds
	Currency  string
	Watermark time.Time // zero: none yet
}

// Refs keeps what the write path looks up for every batch and what never
// changes once stored: a meter's id and zone (neither backend deletes a
// meter, and UpsertMeter keeps both) and a series' id (nor a series). A
// store holds one for all its write transactions; only what a committed
// transaction looked up or made goes in (Writer.Keep), so a rolled-back
// one leaves no id behind. A no-change re-sync of 500 meters looked them
// up 3,000 times, a statement each.
type Refs struct {
	meters sync.Map // meterKey → meterRef
	series sync.Map // seriesKey → int64
}

type meterKey struct{ source, meter string }

// meterRef is a stored meter as the write path needs it.
type meterRef struct {
	id  int64
	loc *time.Location
}

type seriesKey struct {
	meter   int64
	measure series.Measure
	channel string
}

// MeterFields are the columns a meter is stored with that the write path
// fills in where the vendor left them empty: the unit (kWh), the zone
// (app.DefaultZoneName), the intervals it offers comma-separated and its
// raw JSON ("null").
func MeterFields(m *series.Meter) (unit, zone, intervals, raw string) {
	ivs := make([]string, len(m.Intervals))
	for i, iv := range m.Intervals {
		ivs[i] = string(iv)
	}
	unit, zone, raw = cmp.Or(m.Unit, "kWh"), cmp.Or(m.Zone, app.DefaultZoneName), cmp.Or(string(m.Raw), "null")
	return unit, zone, strings.Join(ivs, ","), raw
}

// Writer writes readings within one transaction; its scratch space is
// reused from block to block, and by Save from transaction to transaction.
type Writer struct {
	tx   Tx
	refs *Refs
	// compress: zstd on blocks, kept per block where it at least halves it.
	compress bool
	*scratch
	// changed: Write stored a block since it was last reset.
	changed bool
	// The ids this transaction looked up or made, for refs once it
	// commits (Keep).
	meters map[meterKey]meterRef
	series map[seriesKey]int64
}

// scratch is the space a writer lays readings and blocks out in: a full
// sync allocated a year's readings afresh batch by batch (toBlocks alone
// 237 MB per 30 meters), so Save takes it from a pool and gives it back.
type scratch struct {
	enc    block.Encoder
	dec    block.Decoder
	blob   []byte
	old    []block.Reading
	merged []block.Reading
	groups []seriesReadings
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// New is a writer on tx; compress: zstd on blocks, kept per block where it
// at least halves it (see block.Encoder). refs, when not nil, are the
// store's ids (see Keep).
func New(tx Tx, compress bool, refs *Refs) *Writer {
	return &Writer{tx: tx, refs: refs, compress: compress}
}

// take gives the writer scratch space from the pool if it has none.
func (w *Writer) take() {
	if w.scratch == nil {
		w.scratch = scratchPool.Get().(*scratch)
		w.enc.Compress = w.compress
	}
}

// Keep adds the ids the writer looked up or made to its refs; call it once
// its transaction has committed.
func (w *Writer) Keep() {
	if w == nil || w.refs == nil {
		return
	}
	for k, r := range w.meters {
		w.refs.meters.Store(k, r)
	}
	for k, id := range w.series {
		w.refs.series.Store(k, id)
	}
}

// meter is a stored meter's id and zone.
func (w *Writer) meter(ctx context.Context, source, meter string) (meterRef, error) {
	k := meterKey{source, meter}
	if w.refs != nil {
		if r, ok := w.refs.meters.Load(k); ok {
			return r.(meterRef), nil
		}
	}
	if r, ok := w.meters[k]; ok {
		return r, nil
	}
	id, zone, err := w.tx.Meter(ctx, source, meter)
	if err != nil {
		return meterRef{}, err
	}
	loc, err := series.LoadZone(zone)
	if err != nil {
		return meterRef{}, err
	}
	r := meterRef{id, loc}
	if w.meters == nil {
		w.meters = map[meterKey]meterRef{}
	}
	w.meters[k] = r
	return r, nil
}

// seriesID is the id of a series, made if it is new.
func (w *Writer) seriesID(ctx context.Context, k seriesKey) (int64, error) {
	if w.refs != nil {
		if id, ok := w.refs.series.Load(k); ok {
			return id.(int64), nil
		}
	}
	if id, ok := w.series[k]; ok {
		return id, nil
	}
	id, err := w.tx.EnsureSeries(ctx, k.meter, k.measure, k.channel)
	if err != nil {
		return 0, err
	}
	if w.series == nil {
		w.series = map[seriesKey]int64{}
	}
	w.series[k] = id
	return id, nil
}

// Save stores batches: for each, its readings (a changed value
// overwrites, an equal one writes nothing; only the day blocks it touches
// are rewritten), the daily rollup of every local day it changes, its
// record problems (with runID > 0) and its stream's watermark. It returns
// how many record problems the batches held; on an error, the batch it
// failed in (nil: none of them).
//
// A cancelled ctx stops it before the next batch and block: a backend may
// run its statements on a context that cannot be cancelled (db's does),
// since its transaction watches ctx already.
func (w *Writer) Save(ctx context.Context, runID int64, source string, batches []series.Batch) (failed int64, cur *series.Batch, err error) {
	w.take()
	defer func() {
		// The readings laid out hold no reference to the batches' memory
		// beyond this call; the pool keeps their capacity.
		scratchPool.Put(w.scratch)
		w.scratch = nil
	}()
	for i := range batches {
		b := &batches[i]
		if err := ctx.Err(); err != nil {
			return failed, b, err
		}
		if err := w.saveBatch(ctx, runID, source, b); err != nil {
			return failed, b, err
		}
		failed += int64(len(b.Failures))
	}
	return failed, nil, nil
}

func (w *Writer) saveBatch(ctx context.Context, runID int64, source string, b *series.Batch) error {
	ref, err := w.meter(ctx, source, b.Meter)
	if err != nil {
		return err
	}
	id := ref.id
	st, stored, err := w.dropOtherInterval(ctx, id, b)
	if err != nil {
		return err
	}
	groups, err := w.toBlocks(ctx, id, b.Measure, b.Readings)
	if err != nil {
		return err
	}
	w.changed = false
	for _, g := range groups {
		if err := w.Write(ctx, g.id, ref.loc, g.rs); err != nil {
			return err
		}
	}
	// A batch that changes nothing (a re-sync's look-back over readings
	// already stored) leaves the stream's row as it is, so that a
	// no-change re-sync writes nothing at all (on the book: gives no row a
	// new rev for pulls to copy); the row's run and time then name the
	// last run that changed the stream.
	if stored && !w.changed && len(b.Failures) == 0 && st.Currency == b.Currency &&
		(b.Watermark.IsZero() || (!st.Watermark.IsZero() && st.Watermark.Unix() == b.Watermark.Unix())) {
		return nil
	}
	var run *int64
	if runID > 0 {
		run = &runID
		for _, f := range b.Failures {
			if err := w.tx.InsertProblem(ctx, runID, f); err != nil {
				return err
			}
		}
	}
	return w.tx.SetStream(ctx, id, b, run)
}

// dropOtherInterval deletes a stream's readings and rollup when a batch
// comes at another interval than the one stored: the connector fetches a
// stream again from its start when the vendor stops serving its interval,
// and quarter hours and hours of the same span must not be added up. The
// stream is whole again once the run has fetched it to the end; a run cut
// off before that leaves fewer readings, never doubled ones, and the next
// run goes on from the watermark. It returns the stream's row and whether
// there is one at the batch's interval.
func (w *Writer) dropOtherInterval(ctx context.Context, meterID int64, b *series.Batch) (Stream, bool, error) {
	st, found, err := w.tx.Stream(ctx, meterID, b.Measure)
	if err != nil || !found || st.Interval == b.Interval.Seconds() {
		return st, found && err == nil, err
	}
	n, err := w.tx.DropStream(ctx, meterID, b.Measure)
	if err != nil {
		return st, false, err
	}
	slog.Info("stream changed interval: old readings dropped", "meter", b.Meter, "measure", b.Measure,
		"from", series.IntervalOfSeconds(st.Interval), "to", b.Interval, "dropped", n)
	return st, false, nil
}

// seriesReadings are the readings of one series in a batch, in time order,
// each instant once.
type seriesReadings struct {
	id int64
	rs []block.Reading
}

// toBlocks resolves the series of each reading and lays the readings out
// per series in time order. A reading repeated within the batch keeps its
// last value, as writing each in turn would.
//
// The groups and their readings are the writer's scratch space, valid
// until its next call.
func (w *Writer) toBlocks(ctx context.Context, meterID int64, m series.Measure, rs []series.Reading) ([]seriesReadings, error) {
	// A batch has a channel or two: their names are found by looking
	// through the groups, no map needed.
	groups := w.groups[:0]
	var chans [4]string
	names := chans[:0]
	last := -1
	for i := range rs {
		r := &rs[i]
		g := last
		if last < 0 || r.Channel != names[last] {
			if g = slices.Index(names, r.Channel); g < 0 {
				sid, err := w.seriesID(ctx, seriesKey{meterID, m, r.Channel})
				if err != nil {
					return nil, err
				}
				g = len(groups)
				names = append(names, r.Channel)
				if g < cap(groups) {
					groups = groups[:g+1]
					groups[g].id, groups[g].rs = sid, groups[g].rs[:0]
				} else {
					groups = append(groups, seriesReadings{id: sid})
				}
				// Most batches are one channel; a second one grows as it needs.
				groups[g].rs = slices.Grow(groups[g].rs, len(rs)/(1+g))
			}
			last = g
		}
		groups[g].rs = append(groups[g].rs, blockReading(r))
	}
	for i := range groups {
		groups[i].rs = sortUnique(groups[i].rs)
	}
	w.groups = groups
	return groups, nil
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
	// Vendors send readings in order, each once: then nothing moves.
	increasing := true
	for k := 1; k < len(rs) && increasing; k++ {
		increasing = rs[k-1].TS < rs[k].TS
	}
	if increasing {
		return rs
	}
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

// Write stores rs (one series, in time order, each instant once) in the
// series' blocks: a span with no block gets one; a span that has one is
// read, merged (the new reading wins at an equal instant) and written back
// only when something changed, so a no-change re-sync writes nothing.
// The daily rollup is recomputed for each day whose readings changed.
func (w *Writer) Write(ctx context.Context, sid int64, loc *time.Location, rs []block.Reading) error {
	if len(rs) == 0 {
		return nil
	}
	w.take()
	old, err := w.tx.Blocks(ctx, sid, series.BucketStart(rs[0].TS, Span, loc), rs[len(rs)-1].TS+1)
	if err != nil {
		return err
	}
	err = eachBucket(rs, Span, loc, func(start int64, rs []block.Reading) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for len(old) > 0 && old[0].Start < start {
			old = old[1:]
		}
		if len(old) > 0 && old[0].Start == start {
			if w.old, err = w.dec.Decode(w.old, old[0].Data); err != nil {
				return fmt.Errorf("block of %s: %w", time.Unix(start, 0).In(loc).Format(time.DateOnly), err)
			}
			w.merged = merge(w.merged[:0], w.old, rs)
			if slices.Equal(w.merged, w.old) {
				return nil
			}
			rs = w.merged
		}
		// A block is one local day (Span), so a changed block is a
		// changed day: roll it up again.
		w.blob = w.enc.Append(w.blob[:0], rs)
		w.changed = true
		return w.tx.PutBlock(ctx, sid, start, w.blob, Rollup(rs))
	})
	if err != nil {
		return err
	}
	return w.tx.Flush(ctx)
}

// Rollup is the count, sum, least and greatest value of rs (not empty).
func Rollup(rs []block.Reading) Day {
	d := Day{N: int64(len(rs)), Lo: rs[0].Value, Hi: rs[0].Value}
	for _, r := range rs {
		d.Total += r.Value
		d.Lo, d.Hi = min(d.Lo, r.Value), max(d.Hi, r.Value)
	}
	return d
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
