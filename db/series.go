package db

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/dbq"
)

// SaveMeters records the meters of a source (inserted or updated by the
// vendor's meter id), in one transaction.
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
			if _, err := q.UpsertMeter(ctx, dbq.UpsertMeterParams{
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

func (s *Store) meterRef(ctx context.Context, q *dbq.Queries, source, meter string) (meterRef, error) {
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
	return meterRef{r.ID, loc}, nil
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

// SaveReadings stores batches in a single transaction: for each, its
// readings (a changed value overwrites, an equal one writes nothing), the
// daily rollup of every local day it touches, its record problems and its
// stream's watermark. A crash leaves either all of it or none. Several
// batches in one transaction write the pages they share (the upper levels
// of the readings tree, the rollup, the run) once instead of once each.
func (s *Store) SaveReadings(ctx context.Context, runID int64, source string, batches ...series.Batch) error {
	var failed int64
	var cur *series.Batch
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		for i := range batches {
			b := &batches[i]
			cur = b
			if err := s.saveBatch(ctx, q, runID, source, b); err != nil {
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
	return nil
}

func (s *Store) saveBatch(ctx context.Context, q *dbq.Queries, runID int64, source string, b *series.Batch) error {
	ref, err := s.meterRef(ctx, q, source, b.Meter)
	if err != nil {
		return err
	}
	if err := dropOtherInterval(ctx, q, ref, b); err != nil {
		return err
	}
	if err := writeReadings(ctx, q, ref, b.Measure, b.Readings); err != nil {
		return err
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
// run goes on from the watermark.
func dropOtherInterval(ctx context.Context, q *dbq.Queries, ref meterRef, b *series.Batch) error {
	st, err := q.GetStream(ctx, dbq.GetStreamParams{MeterID: ref.id, Measure: string(b.Measure)})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && st.IntervalS == b.Interval.Seconds()) {
		return nil
	}
	if err != nil {
		return err
	}
	n, err := q.DeleteStreamReadings(ctx, dbq.DeleteStreamReadingsParams{MeterID: ref.id, Measure: string(b.Measure)})
	if err != nil {
		return err
	}
	if err := q.DeleteStreamChunks(ctx, dbq.DeleteStreamChunksParams{MeterID: ref.id, Measure: string(b.Measure)}); err != nil {
		return err
	}
	if err := q.DeleteStreamDaily(ctx, dbq.DeleteStreamDailyParams{MeterID: ref.id, Measure: string(b.Measure)}); err != nil {
		return err
	}
	slog.Info("stream changed interval: old readings dropped", "meter", b.Meter, "measure", b.Measure,
		"from", series.IntervalOfSeconds(st.IntervalS), "to", b.Interval, "dropped", n)
	return nil
}

// readingRow is one row of the readings table as the multi-row statements
// bind it. dbq.UpsertReadings100Params is a hundred of these in a row (sqlc
// names the nine columns of row k Name_k); init checks that its memory
// layout is exactly [100]readingRow, so a slice of rows is handed to the
// generated statement without copying field by field.
type readingRow struct {
	ChunkID, Ts, Value, Tax                               int64
	AuctionE6, LeviesE6, SourceFeeE6, GridFeeE6, MarginE6 *int64
}

func init() {
	for _, c := range []struct {
		t reflect.Type
		n int
	}{
		{reflect.TypeFor[dbq.UpsertReadings100Params](), 100},
		{reflect.TypeFor[dbq.UpsertReadings10Params](), 10},
		{reflect.TypeFor[dbq.UpsertReadingParams](), 1},
		{reflect.TypeFor[dbq.InsertReadings100Params](), 100},
		{reflect.TypeFor[dbq.InsertReadings10Params](), 10},
		{reflect.TypeFor[dbq.InsertReadingParams](), 1},
	} {
		if err := sameLayout(c.t, c.n); err != nil {
			panic("db: " + c.t.Name() + " is not [" + strconv.Itoa(c.n) + "]readingRow: " + err.Error() + " (regenerated with other columns? update readingRow)")
		}
	}
}

// sameLayout reports whether t is laid out as [n]readingRow.
func sameLayout(t reflect.Type, n int) error {
	row := reflect.TypeFor[readingRow]()
	if t.Size() != uintptr(n)*row.Size() || t.NumField() != n*row.NumField() {
		return fmt.Errorf("size %d, %d fields", t.Size(), t.NumField())
	}
	for i := range t.NumField() {
		f, rf := t.Field(i), row.Field(i%row.NumField())
		if f.Type != rf.Type || f.Offset != uintptr(i/row.NumField())*row.Size()+rf.Offset {
			return fmt.Errorf("field %s", f.Name)
		}
	}
	return nil
}

// rowsAs views the first n rows of rs as the parameters of an n-row
// statement (layout checked by init).
func rowsAs[P any](rs []readingRow) *P { return (*P)(unsafe.Pointer(&rs[0])) }

// seriesRows are the rows of one series in a batch, in time order.
type seriesRows struct {
	id   int64
	rows []readingRow
}

// toRows resolves the series of each reading and lays the readings out as
// rows, one group per series in time order. A reading repeated within the
// batch keeps its last value, as an upsert of each in turn would. The price
// components point into the readings themselves.
func toRows(ctx context.Context, q *dbq.Queries, ref meterRef, m series.Measure, rs []series.Reading) ([]seriesRows, error) {
	var groups []seriesRows
	index := map[string]int{}
	last := -1
	var lastCh string
	for i := range rs {
		r := &rs[i]
		g := last
		if last < 0 || r.Channel != lastCh {
			var ok bool
			if g, ok = index[r.Channel]; !ok {
				sid, err := q.EnsureSeries(ctx, dbq.EnsureSeriesParams{MeterID: ref.id, Measure: string(m), Channel: r.Channel})
				if err != nil {
					return nil, err
				}
				g = len(groups)
				index[r.Channel] = g
				// Most batches are one channel; a second one grows as it needs.
				groups = append(groups, seriesRows{id: sid, rows: make([]readingRow, 0, len(rs)/(1+g))})
			}
			last, lastCh = g, r.Channel
		}
		w := readingRow{Ts: r.TS, Value: int64(r.Value), Tax: r.Tax.Code()}
		if p := r.Parts; p != nil {
			w.AuctionE6, w.LeviesE6, w.SourceFeeE6 = (*int64)(p.Auction), (*int64)(p.TaxesLevies), (*int64)(p.SourceFee)
			w.GridFeeE6, w.MarginE6 = (*int64)(p.GridFee), (*int64)(p.Margin)
		}
		groups[g].rows = append(groups[g].rows, w)
	}
	for i := range groups {
		rows := groups[i].rows
		if !slices.IsSortedFunc(rows, func(a, b readingRow) int { return cmp.Compare(a.Ts, b.Ts) }) {
			slices.SortStableFunc(rows, func(a, b readingRow) int { return cmp.Compare(a.Ts, b.Ts) })
		}
		// Keep the last of equal instants.
		out := rows[:0]
		for k := range rows {
			if k+1 < len(rows) && rows[k+1].Ts == rows[k].Ts {
				continue
			}
			out = append(out, rows[k])
		}
		groups[i].rows = out
	}
	return groups, nil
}

type dayKey struct {
	series int64
	day    int64
}

// smallTail is the most new readings that extend a series' last chunk
// instead of starting one: an incremental sync brings a day or so per
// stream, and a chunk per sync would only lengthen the list of chunks.
const smallTail = 1000

// place assigns each row of one series to a chunk. Rows inside a chunk's
// stretch may exist already and are returned in old, to be upserted. Rows
// outside every chunk are new; each run of them between two chunks becomes
// a chunk of its own (a short run after the last chunk extends it) and is
// returned in fresh, to be inserted.
func place(ctx context.Context, q *dbq.Queries, sid int64, rows []readingRow) (fresh, old []readingRow, err error) {
	if len(rows) == 0 {
		return nil, nil, nil
	}
	chunks, err := q.ChunksBetween(ctx, dbq.ChunksBetweenParams{SeriesID: sid, FromTs: rows[0].Ts, ToTs: rows[len(rows)-1].Ts})
	if err != nil {
		return nil, nil, err
	}
	c := 0
	for i := 0; i < len(rows); {
		for c < len(chunks) && chunks[c].LastTs < rows[i].Ts {
			c++
		}
		if c < len(chunks) && chunks[c].FirstTs <= rows[i].Ts {
			rows[i].ChunkID = chunks[c].ID
			old = append(old, rows[i])
			i++
			continue
		}
		// A run of new rows up to the next chunk (or the end).
		j := i + 1
		for j < len(rows) && (c >= len(chunks) || rows[j].Ts < chunks[c].FirstTs) {
			j++
		}
		run := rows[i:j]
		extended, err := extendLastChunk(ctx, q, sid, run)
		if err != nil {
			return nil, nil, err
		}
		if !extended {
			if err := intoNewChunk(ctx, q, sid, run); err != nil {
				return nil, nil, err
			}
		}
		fresh = append(fresh, run...)
		i = j
	}
	return fresh, old, nil
}

// extendLastChunk puts a short run of new rows that follows every chunk of
// the series into the last chunk, and reports whether it did.
func extendLastChunk(ctx context.Context, q *dbq.Queries, sid int64, run []readingRow) (bool, error) {
	if len(run) >= smallTail {
		return false, nil
	}
	last, err := q.LastChunk(ctx, sid)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && run[0].Ts <= last.LastTs) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := q.ExtendChunk(ctx, dbq.ExtendChunkParams{ID: last.ID, LastTs: run[len(run)-1].Ts}); err != nil {
		return false, err
	}
	setChunk(run, last.ID)
	return true, nil
}

// intoNewChunk makes a chunk for rows of one series (in time order, none
// in an existing chunk's stretch) and assigns them to it.
func intoNewChunk(ctx context.Context, q *dbq.Queries, sid int64, rows []readingRow) error {
	id, err := q.NewChunk(ctx, dbq.NewChunkParams{SeriesID: sid, FirstTs: rows[0].Ts, LastTs: rows[len(rows)-1].Ts})
	if err != nil {
		return err
	}
	setChunk(rows, id)
	return nil
}

func setChunk(rows []readingRow, id int64) {
	for k := range rows {
		rows[k].ChunkID = id
	}
}

// insertNew writes rows of one series that no chunk held before with
// plain multi-row INSERTs and adds them to the daily rollup computed here,
// instead of upserting and recounting every day from the table: the first
// sync of a meter-year is all new rows.
func insertNew(ctx context.Context, q *dbq.Queries, ref meterRef, sid int64, rows []readingRow) error {
	type agg struct{ n, total, lo, hi int64 }
	days := map[dayKey]*agg{}
	var lastDay, lastEnd int64 = 1, 0
	for i := range rows {
		r := &rows[i]
		if r.Ts < lastDay || r.Ts >= lastEnd {
			lastDay = series.DayStart(r.Ts, ref.loc)
			lastEnd = series.NextBucket(lastDay, series.Day, ref.loc, 0)
		}
		k := dayKey{sid, lastDay}
		a := days[k]
		if a == nil {
			days[k] = &agg{1, r.Value, r.Value, r.Value}
			continue
		}
		a.n++
		a.total += r.Value
		a.lo, a.hi = min(a.lo, r.Value), max(a.hi, r.Value)
	}
	if err := insertRows(ctx, q, rows); err != nil {
		return err
	}
	for _, k := range sortedKeys(days) {
		a := days[k]
		if err := q.AddToDay(ctx, dbq.AddToDayParams{SeriesID: k.series, Day: k.day, N: a.n, Total: a.total, Lo: a.lo, Hi: a.hi}); err != nil {
			return err
		}
	}
	return nil
}

// insertRows inserts rows with plain INSERTs of 100, 10 and 1 rows.
func insertRows(ctx context.Context, q *dbq.Queries, rows []readingRow) error {
	for len(rows) > 0 {
		var n int
		var err error
		switch {
		case len(rows) >= 100:
			n, err = 100, q.InsertReadings100(ctx, *rowsAs[dbq.InsertReadings100Params](rows))
		case len(rows) >= 10:
			n, err = 10, q.InsertReadings10(ctx, *rowsAs[dbq.InsertReadings10Params](rows))
		default:
			n, err = 1, q.InsertReading(ctx, *rowsAs[dbq.InsertReadingParams](rows))
		}
		if err != nil {
			return fmt.Errorf("readings from %s: %w", time.Unix(rows[0].Ts, 0).UTC().Format(time.RFC3339), err)
		}
		rows = rows[n:]
	}
	return nil
}

func sortedKeys[V any](m map[dayKey]V) []dayKey {
	keys := make([]dayKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b dayKey) int {
		if a.series != b.series {
			return cmp.Compare(a.series, b.series)
		}
		return cmp.Compare(a.day, b.day)
	})
	return keys
}

// upsertOld writes rows of one series that fall in its existing chunks,
// upserted a hundred rows per statement, and recomputes the daily rollup
// of the days whose readings changed: an unchanged reading writes nothing,
// so a no-change re-sync writes nothing at all.
func upsertOld(ctx context.Context, q *dbq.Queries, ref meterRef, sid int64, rows []readingRow) error {
	days := map[dayKey]struct{}{}
	var lastDay, lastEnd int64 = 1, 0 // the day of the previous reading, to skip zone lookups
	changed := func(rows []readingRow) {
		for i := range rows {
			r := &rows[i]
			if r.Ts < lastDay || r.Ts >= lastEnd {
				lastDay = series.DayStart(r.Ts, ref.loc)
				lastEnd = series.NextBucket(lastDay, series.Day, ref.loc, 0)
			}
			days[dayKey{sid, lastDay}] = struct{}{}
		}
	}
	for len(rows) > 0 {
		var n int
		var affected int64
		var err error
		switch {
		case len(rows) >= 100:
			n = 100
			affected, err = q.UpsertReadings100(ctx, *rowsAs[dbq.UpsertReadings100Params](rows))
		case len(rows) >= 10:
			n = 10
			affected, err = q.UpsertReadings10(ctx, *rowsAs[dbq.UpsertReadings10Params](rows))
		default:
			n = 1
			affected, err = q.UpsertReading(ctx, *rowsAs[dbq.UpsertReadingParams](rows))
		}
		if err != nil {
			return fmt.Errorf("readings from %s: %w", time.Unix(rows[0].Ts, 0).UTC().Format(time.RFC3339), err)
		}
		if affected > 0 {
			changed(rows[:n])
		}
		rows = rows[n:]
	}
	for _, k := range sortedKeys(days) {
		end := series.NextBucket(k.day, series.Day, ref.loc, 0)
		if err := q.RollupDay(ctx, dbq.RollupDayParams{Day: k.day, SeriesID: k.series, DayEnd: end}); err != nil {
			return err
		}
	}
	return nil
}

// writeReadings stores rs: per series, rows new to the cache are inserted
// as chunks of their own (see place) and the others are upserted.
func writeReadings(ctx context.Context, q *dbq.Queries, ref meterRef, m series.Measure, rs []series.Reading) error {
	groups, err := toRows(ctx, q, ref, m, rs)
	if err != nil {
		return err
	}
	for _, g := range groups {
		fresh, old, err := place(ctx, q, g.id, g.rows)
		if err != nil {
			return err
		}
		if len(fresh) > 0 {
			if err := insertNew(ctx, q, ref, g.id, fresh); err != nil {
				return err
			}
		}
		if len(old) > 0 {
			if err := upsertOld(ctx, q, ref, g.id, old); err != nil {
				return err
			}
		}
	}
	return nil
}

// BulkLoad inserts readings of one meter's measure straight into the cache
// in one transaction with plain multi-row INSERTs (a hundred rows per
// statement), no conflict handling and no daily rollup: the benchmarks'
// direct-insert baseline, the fastest this driver puts rows into the
// table. The readings must be new.
func (s *Store) BulkLoad(ctx context.Context, source, meter string, m series.Measure, rs []series.Reading) error {
	return s.inTx(ctx, func(q *dbq.Queries) error {
		ref, err := s.meterRef(ctx, q, source, meter)
		if err != nil {
			return err
		}
		groups, err := toRows(ctx, q, ref, m, rs)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if len(g.rows) == 0 {
				continue
			}
			if err := intoNewChunk(ctx, q, g.id, g.rows); err != nil {
				return err
			}
			if err := insertRows(ctx, q, g.rows); err != nil {
				return err
			}
		}
		return nil
	})
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

// StreamInfo is a stream's state for the meter page.
type StreamInfo struct {
	Measure   series.Measure
	Interval  series.Interval
	Currency  string
	Watermark time.Time
	UpdatedAt time.Time
}

// Streams lists a meter's streams.
func (s *Store) Streams(ctx context.Context, meterID int64) ([]StreamInfo, error) {
	rows, err := s.rq.StreamsOfMeter(ctx, meterID)
	if err != nil {
		return nil, err
	}
	out := make([]StreamInfo, len(rows))
	for i, r := range rows {
		out[i] = StreamInfo{series.Measure(r.Measure), series.IntervalOfSeconds(r.IntervalS), r.Currency, timeOrZero(r.Watermark), time.Unix(r.UpdatedAt, 0).UTC()}
	}
	return out, nil
}

// CountReadings counts every stored reading (for the benchmarks).
func (s *Store) CountReadings(ctx context.Context) (int64, error) { return s.rq.CountReadings(ctx) }
