package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/dbq"
)

// stmtTx runs sqlc's queries inside one transaction on statements prepared
// once per transaction, so a bulk write of thousands of readings parses
// its SQL once instead of once per row.
type stmtTx struct {
	tx    *sql.Tx
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (t *stmtTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	s, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[query] = s
	return s, nil
}

func (t *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (t *stmtTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.stmt(ctx, query)
}

func (t *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, query, args...)
}

// inBulkTx is inTx with per-transaction prepared statements.
func (s *Store) inBulkTx(ctx context.Context, fn func(q *dbq.Queries) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st := &stmtTx{tx: tx}
	defer func() {
		for _, s := range st.stmts {
			s.Close()
		}
	}()
	if err := fn(dbq.New(st)); err != nil {
		return err
	}
	return tx.Commit()
}

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
				zone = "Europe/Berlin"
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

// SaveReadings stores one batch in a single transaction: the readings
// (a changed value overwrites, an equal one writes nothing), the daily
// rollup of every local day the batch touches, its record problems and the
// stream's watermark. A crash leaves either all of it or none.
func (s *Store) SaveReadings(ctx context.Context, runID int64, source string, b series.Batch) error {
	err := s.inBulkTx(ctx, func(q *dbq.Queries) error {
		ref, err := s.meterRef(ctx, q, source, b.Meter)
		if err != nil {
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
			if err := q.AddRunCounts(ctx, dbq.AddRunCountsParams{ID: runID, Failed: int64(len(b.Failures))}); err != nil {
				return err
			}
		}
		return q.SetStream(ctx, dbq.SetStreamParams{
			MeterID: ref.id, Measure: string(b.Measure), IntervalS: b.Interval.Seconds(),
			Currency: b.Currency, Watermark: unixOrNil(b.Watermark), RunID: run, UpdatedAt: s.now().Unix(),
		})
	})
	if err != nil {
		return fmt.Errorf("cache: save %s of meter %s of %q: %w", b.Measure, b.Meter, source, err)
	}
	return nil
}

// writeReadings upserts rs and recomputes the daily rollup of the days
// they touch.
func writeReadings(ctx context.Context, q *dbq.Queries, ref meterRef, m series.Measure, rs []series.Reading) error {
	type key struct {
		series int64
		day    int64
	}
	ids := map[string]int64{}
	days := map[key]struct{}{}
	var lastDay, lastEnd int64 = 1, 0 // the day of the previous reading, to skip zone lookups
	for i := range rs {
		r := &rs[i]
		sid, ok := ids[r.Channel]
		if !ok {
			var err error
			sid, err = q.EnsureSeries(ctx, dbq.EnsureSeriesParams{MeterID: ref.id, Measure: string(m), Channel: r.Channel})
			if err != nil {
				return err
			}
			ids[r.Channel] = sid
		}
		p := dbq.UpsertReadingParams{SeriesID: sid, Ts: r.TS, Value: int64(r.Value), Tax: r.Tax.Code()}
		if r.Parts != nil {
			p.AuctionE6, p.LeviesE6, p.SourceFeeE6 = decimalOrNil(r.Parts.Auction), decimalOrNil(r.Parts.TaxesLevies), decimalOrNil(r.Parts.SourceFee)
			p.GridFeeE6, p.MarginE6 = decimalOrNil(r.Parts.GridFee), decimalOrNil(r.Parts.Margin)
		}
		if err := q.UpsertReading(ctx, p); err != nil {
			return fmt.Errorf("reading %s at %s: %w", r.Channel, time.Unix(r.TS, 0).UTC().Format(time.RFC3339), err)
		}
		if r.TS < lastDay || r.TS >= lastEnd {
			lastDay = series.DayStart(r.TS, ref.loc)
			lastEnd = series.NextBucket(lastDay, series.Day, ref.loc, 0)
		}
		days[key{sid, lastDay}] = struct{}{}
	}
	keys := make([]key, 0, len(days))
	for k := range days {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.series != b.series {
			return int(a.series - b.series)
		}
		return int(a.day - b.day)
	})
	for _, k := range keys {
		end := series.NextBucket(k.day, series.Day, ref.loc, 0)
		if err := q.RollupDay(ctx, dbq.RollupDayParams{Day: k.day, SeriesID: k.series, DayEnd: end}); err != nil {
			return err
		}
	}
	return nil
}

// BulkLoad writes readings of one meter's measure straight into the cache
// in one transaction, the way SaveReadings does but with no sync run: the
// benchmarks' baseline for what this stack can insert.
func (s *Store) BulkLoad(ctx context.Context, source, meter string, m series.Measure, rs []series.Reading) error {
	return s.inBulkTx(ctx, func(q *dbq.Queries) error {
		ref, err := s.meterRef(ctx, q, source, meter)
		if err != nil {
			return err
		}
		return writeReadings(ctx, q, ref, m, rs)
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
	if err != nil {
		return nil, err
	}
	out := make([]series.Meter, len(rows))
	for i, r := range rows {
		out[i] = meterFromRow(r.Meter, r.SourceName)
	}
	return out, nil
}

// ListMeters lists every meter in the cache.
func (s *Store) ListMeters(ctx context.Context) ([]series.Meter, error) {
	rows, err := s.rq.ListMeters(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]series.Meter, len(rows))
	for i, r := range rows {
		out[i] = meterFromRow(r.Meter, r.SourceName)
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
