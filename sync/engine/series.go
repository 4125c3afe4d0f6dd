package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"wattfolio/app"
	"wattfolio/app/series"
)

// SeriesConnector is implemented by connectors whose source also serves
// meter time series. The engine syncs them in the same run, after the
// contracts.
type SeriesConnector interface {
	// Meters lists the source's meters with what the vendor can serve for
	// each; a meter that cannot be described is a failure, not an error.
	Meters(ctx context.Context) ([]series.Meter, []*app.RecordError, error)
	// Readings fetches one measure of one meter from where st says the
	// cache stands (with a look-back for late corrections) and calls batch
	// once per window, in time order. If batch returns an error Readings
	// stops and returns it.
	Readings(ctx context.Context, m series.Meter, measure series.Measure, st series.State, batch func(series.Batch) error) error
}

// SeriesStore is what the engine needs of the cache for time series. The
// store's SaveReadings commits a batch's readings and its watermark in one
// transaction.
type SeriesStore interface {
	SaveMeters(ctx context.Context, source string, meters []series.Meter) error
	SeriesState(ctx context.Context, source, meter string, m series.Measure) (series.State, error)
	SaveReadings(ctx context.Context, runID int64, source string, b series.Batch) error
}

// metersStream is the checkpoint stream record problems of meters go to.
const metersStream = "meters"

// syncSeries syncs the time series of every meter of a source whose
// connector serves them, a few meters at a time. A meter that fails is
// recorded as a failed record and the others carry on; the run fails only
// when every meter failed, the store failed or the context ended.
func (e *Engine) syncSeries(ctx context.Context, log *slog.Logger, src Source, run int64, res *Result) error {
	sc, ok := src.Connector.(SeriesConnector)
	if !ok {
		return nil
	}
	ss, ok := e.Store.(SeriesStore)
	if !ok {
		return nil
	}
	meters, fails, err := sc.Meters(ctx)
	if err != nil {
		return err
	}
	if err := ss.SaveMeters(ctx, src.Name, meters); err != nil {
		return err
	}
	par := 4
	if p, ok := src.Connector.(interface{ Concurrency() int }); ok && p.Concurrency() > 0 {
		par = p.Concurrency()
	}
	var (
		mu       sync.Mutex
		readings atomic.Int64
		failed   atomic.Int64
		storeErr error
		wg       sync.WaitGroup
	)
	jobs := make(chan series.Meter)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(par, max(len(meters), 1)) {
		wg.Go(func() {
			for m := range jobs {
				for _, measure := range series.Measures {
					err := e.syncStream(ctx, sc, ss, src.Name, run, m, measure, &readings, &failed)
					if err == nil {
						continue
					}
					var se *storeError
					mu.Lock()
					switch {
					case errors.As(err, &se) || ctx.Err() != nil:
						if storeErr == nil {
							storeErr = err
						}
						cancel()
					default:
						fails = append(fails, &app.RecordError{Source: src.Name, Record: "meter " + m.ExternalID, Field: string(measure), Err: err})
					}
					mu.Unlock()
					if ctx.Err() != nil {
						break
					}
				}
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
	res.Meters += len(meters)
	res.Readings += int(readings.Load())
	res.Failed += int(failed.Load())
	if storeErr != nil {
		var se *storeError
		if errors.As(storeErr, &se) {
			return se.err
		}
		return storeErr
	}
	if len(fails) > 0 {
		res.Failed += len(fails)
		for _, f := range fails {
			log.Warn("meter failed", "record", f.Record, "field", f.Field, "err", f.Err)
		}
		bg := context.WithoutCancel(ctx)
		if err := e.Store.SavePage(bg, run, src.Name, metersStream, nil, fails, ""); err != nil {
			return err
		}
		if len(meters) > 0 && len(fails) >= len(meters)*len(series.Measures) {
			return fmt.Errorf("every meter failed (first: %v)", fails[0])
		}
	}
	log.Info("series synced", "meters", len(meters), "readings", readings.Load(), "failed", len(fails))
	return nil
}

// storeError marks a failure of the cache, which stops the whole run.
type storeError struct{ err error }

func (s *storeError) Error() string { return s.err.Error() }
func (s *storeError) Unwrap() error { return s.err }

func (e *Engine) syncStream(ctx context.Context, sc SeriesConnector, ss SeriesStore, source string, run int64, m series.Meter, measure series.Measure, readings, failed *atomic.Int64) error {
	st, err := ss.SeriesState(ctx, source, m.ExternalID, measure)
	if err != nil {
		return &storeError{err}
	}
	return sc.Readings(ctx, m, measure, st, func(b series.Batch) error {
		if err := ss.SaveReadings(ctx, run, source, b); err != nil {
			return &storeError{err}
		}
		readings.Add(int64(len(b.Readings)))
		failed.Add(int64(len(b.Failures)))
		return nil
	})
}
