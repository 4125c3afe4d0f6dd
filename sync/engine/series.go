package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"wattfolio/app"
	"wattfolio/app/personal"
	"wattfolio/app/series"
)

// SeriesStore is the cache's side for time series. SaveReadings commits
// batches, each with its readings and its watermark, in one transaction;
// SetMeterUnit records the unit a meter's consumption records state, where
// the vendor's meter list knows none.
type SeriesStore interface {
	SaveMeters(ctx context.Context, source string, meters []series.Meter) error
	SeriesState(ctx context.Context, source, meter string, m series.Measure) (series.State, error)
	SaveReadings(ctx context.Context, runID int64, source string, batches ...series.Batch) error
	SetMeterUnit(ctx context.Context, source, meterExternalID, unit string) error
}

// SeriesStates is what a SeriesStore may offer besides SeriesState: the
// state of every stream of a source at once (a stream missing from it was
// never synced). A sync reads it once instead of once a stream, which a
// re-sync of many meters otherwise spends a good part of its time on.
type SeriesStates interface {
	SeriesStates(ctx context.Context, source string) (map[series.StreamKey]series.State, error)
}

// syncSeries syncs the time series of every meter of a source that serves
// them, a few meters at a time. listed are the meters this run's contract
// pages named; a run that resumed part-way read only part of the listing,
// so it is read again from the start for them, storing nothing. A meter
// that fails is recorded as a failed record and the others carry on; the
// run fails only when every meter failed, the store failed or the context
// ended.
func (e *Engine) syncSeries(ctx context.Context, log *slog.Logger, source string, streams Streams, run int64, resumed bool, listed []series.Meter, res *Result) error {
	sc, ss := streams.Series, SeriesStore(e.Store)
	if resumed {
		listed = nil
		err := streams.Contracts.Contracts(ctx, "", func(p Page) error {
			listed = append(listed, p.Meters...)
			return nil
		})
		if err != nil {
			return err
		}
	}
	tr := trackerOf(ctx)
	tr.update(func(s *Status) { s.Phase = PhaseMeters })
	meters, fails, err := sc.Meters(ctx, listed)
	if err != nil {
		return err
	}
	if e.LeaveOutPersonalData {
		for i := range meters {
			meters[i].Raw, _ = personal.Strip(meters[i].Raw)
		}
	}
	if err := ss.SaveMeters(ctx, source, meters); err != nil {
		return err
	}
	// Read before any batch is queued: a stream's state changes only with
	// its own batches, which come after its state is read.
	var states map[series.StreamKey]series.State
	if all, ok := ss.(SeriesStates); ok {
		if states, err = all.SeriesStates(ctx, source); err != nil {
			return err
		}
	}
	tr.update(func(s *Status) { s.Phase, s.MetersOf = PhaseReadings, len(meters) })
	par := streams.Concurrency
	if par <= 0 {
		par = 4
	}
	var (
		mu       sync.Mutex
		failed   atomic.Int64
		storeErr error // the first failure of the cache
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newSeriesWriter(ctx, cancel, ss, source, run, 2*par)
	jobs := make(chan series.Meter)
	for range min(par, max(len(meters), 1)) {
		wg.Go(func() {
			for m := range jobs {
				for _, measure := range series.Measures {
					err := e.syncStream(ctx, sc, ss, states, source, m, measure, w, &failed)
					if err == nil {
						continue
					}
					var se *storeError
					mu.Lock()
					switch {
					case errors.As(err, &se):
						if storeErr == nil {
							storeErr = se.err
						}
						cancel()
					case ctx.Err() == nil:
						fails = append(fails, &app.RecordError{Source: source, Record: "meter " + m.ExternalID, Field: string(measure), Err: err})
					}
					mu.Unlock()
					if ctx.Err() != nil {
						break
					}
				}
				tr.update(func(s *Status) { s.Meters++ })
			}
		})
	}
	for _, m := range meters {
		select {
		case jobs <- m:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	readings, writeErr := w.close()
	switch {
	case writeErr != nil:
		storeErr = writeErr
	case storeErr == nil && ctx.Err() != nil:
		storeErr = ctx.Err()
	}
	res.Meters += len(meters)
	res.Readings += int(readings)
	res.Failed += int(failed.Load())
	if storeErr != nil {
		return storeErr
	}
	if len(fails) > 0 {
		res.count(log, fails)
		bg := context.WithoutCancel(ctx)
		if err := e.Store.RecordFailures(bg, run, fails); err != nil {
			return err
		}
		if len(meters) > 0 && len(fails) >= len(meters)*len(series.Measures) {
			return fmt.Errorf("every meter failed (first: %v)", fails[0])
		}
	}
	log.Info("series synced", "meters", len(meters), "readings", readings, "failed", len(fails))
	return nil
}

// storeError marks a failure of the cache, which stops the whole run.
type storeError struct{ err error }

func (s *storeError) Error() string { return s.err.Error() }
func (s *storeError) Unwrap() error { return s.err }

// syncStream fetches and queues one stream; states, when the store gave
// them, are the source's streams' states.
func (e *Engine) syncStream(ctx context.Context, sc SeriesStream, ss SeriesStore, states map[series.StreamKey]series.State, source string, m series.Meter, measure series.Measure, w *seriesWriter, failed *atomic.Int64) error {
	st, ok := states[series.StreamKey{Meter: m.ExternalID, Measure: measure}]
	if !ok && states == nil {
		var err error
		if st, err = ss.SeriesState(ctx, source, m.ExternalID, measure); err != nil {
			return &storeError{err}
		}
	}
	unit := m.Unit
	return sc.Readings(ctx, m, measure, st, func(b series.Batch) error {
		failed.Add(int64(len(b.Failures)))
		// Recorded before the batch is queued, so that no reader sees
		// readings in one unit under a meter labelled with another.
		if b.Unit != "" && b.Unit != unit {
			if err := ss.SetMeterUnit(ctx, source, m.ExternalID, b.Unit); err != nil {
				return &storeError{err}
			}
			unit = b.Unit
		}
		return w.add(b)
	})
}

// seriesWriter commits the batches the meters' workers fetch, from one
// goroutine: whatever batches are waiting when the cache is free go into
// one transaction (group commit), so the single SQLite writer never waits
// for a fetch and shares the pages a commit writes among many batches. A
// stream's batches stay in order, since its worker queues them in order.
// The first failure of the cache cancels the whole run.
type seriesWriter struct {
	ss       SeriesStore
	source   string
	run      int64
	cancel   context.CancelFunc
	in       chan series.Batch
	done     chan struct{}
	readings int64
	err      error
}

// maxGroup bounds the readings of one transaction: a few months of a
// few meters, enough to share the commit's pages and short enough that
// the readers of a cache being synced see progress.
const maxGroup = 50_000

// newSeriesWriter starts the writer; cancel ends the whole run, which the
// writer does when the cache fails.
func newSeriesWriter(ctx context.Context, cancel context.CancelFunc, ss SeriesStore, source string, run int64, queue int) *seriesWriter {
	w := &seriesWriter{ss: ss, source: source, run: run, cancel: cancel, in: make(chan series.Batch, queue), done: make(chan struct{})}
	go w.loop(ctx)
	return w
}

// add queues a batch. Once the writer has stopped (the cache failed, or a
// cancelled run made it fail) it returns the writer's error.
func (w *seriesWriter) add(b series.Batch) error {
	select {
	case w.in <- b:
		return nil
	case <-w.done:
		return &storeError{w.err}
	}
}

func (w *seriesWriter) loop(ctx context.Context) {
	defer close(w.done)
	var group []series.Batch
	for b := range w.in {
		group = append(group[:0], b)
		n := len(b.Readings)
	drain:
		for n < maxGroup {
			select {
			case b, ok := <-w.in:
				if !ok {
					break drain
				}
				group = append(group, b)
				n += len(b.Readings)
			default:
				break drain
			}
		}
		if err := w.ss.SaveReadings(ctx, w.run, w.source, group...); err != nil {
			w.err = err
			w.cancel()
			return
		}
		w.readings += int64(n)
		trackerOf(ctx).update(func(s *Status) { s.Readings += n })
	}
}

// close waits for every queued batch to be committed and reports the
// readings written and the cache's error, if any.
func (w *seriesWriter) close() (int64, error) {
	close(w.in)
	<-w.done
	return w.readings, w.err
}
