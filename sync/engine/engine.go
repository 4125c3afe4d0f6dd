package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/personal"
	"wattfolio/app/series"
)

// Store is what the engine needs of the cache: the contracts' side and the
// time series' side.
type Store interface {
	EnsureSource(ctx context.Context, name string, vendor app.Vendor, baseURL string) error
	BeginRun(ctx context.Context, source string) (int64, error)
	Checkpoint(ctx context.Context, source, stream string) (string, error)
	SavePage(ctx context.Context, runID int64, source, stream string, contracts []app.Contract, failures []*app.RecordError, cursor string) error
	FinishRun(ctx context.Context, runID int64, status app.RunStatus, errMsg string) error
	// MarkGone marks removed the contracts the vendor answered 404 for.
	MarkGone(ctx context.Context, runID int64, source string, externalIDs []string) (int, error)
	// UnseenContracts lists the source's current contracts run did not
	// fetch; MarkRemoved marks some of them removed.
	UnseenContracts(ctx context.Context, runID int64, source string) ([]app.ContractRef, error)
	MarkRemoved(ctx context.Context, runID int64, source string, ids []int64) (int, error)
	// RecordFailures records a run's record problems found outside any
	// page (a meter that could not be described or read) and counts them
	// in the run, as SavePage does a page's; no checkpoint moves.
	RecordFailures(ctx context.Context, runID int64, failures []*app.RecordError) error
	SeriesStore
}

// Source is a configured source with the connector that reads it, which
// declares what the source serves (Connector.Streams).
type Source struct {
	Name      string
	Vendor    app.Vendor
	BaseURL   string
	Connector Connector
}

// Progress is reported after every stored page.
type Progress struct {
	Source  string
	Fetched int // contracts stored so far in this run
	Failed  int // records rejected for bad data so far in this run
	Missing int // records not fetched so far: the vendor did not answer after retries
}

// Result is the outcome of one source's run.
type Result struct {
	Source  string
	RunID   int64
	Status  app.RunStatus
	Fetched int
	Failed  int // records rejected for bad data
	// Missing counts records (contracts, a customer's or user's contracts,
	// a meter's readings of one measure) that were not fetched because the
	// vendor did not answer after every retry; NotFetched names them.
	Missing    int
	NotFetched []string
	Resumed    bool // the run continued an interrupted one
	Removed    int  // contracts the vendor no longer has, marked removed in this run
	Meters     int  // meters whose time series were synced (series connectors only)
	Readings   int  // readings stored in this run
	Err        error
	Duration   time.Duration
}

// Engine syncs sources into a store.
type Engine struct {
	Store    Store
	Logger   *slog.Logger   // nil: slog.Default()
	Progress func(Progress) // nil: no progress; called from several goroutines
	// Waits is told of every wait between tries (a 429, an outage), with
	// the source named, besides any hook already in the context (WithWaits);
	// nil: none. Called from several goroutines.
	Waits func(Wait)
	// Reporter is told of every change in a source's progress (phase,
	// counts, waits), besides any in the context (WithReporter); nil: none.
	Reporter Reporter
	Parallel int // sources synced at once; 0 means 3
	// LeaveOutPersonalData takes customers' IBANs, e-mail addresses, phone
	// numbers and postal addresses out of the vendors' records before they
	// are stored (personal.Strip), so that they never reach the cache.
	LeaveOutPersonalData bool
	Now                  func() time.Time
}

// contractsStream is the checkpoint stream of a source's contracts.
const contractsStream = "contracts"

// SyncAll syncs every source, a few at a time, and returns each one's result
// in the order given. One failing source does not stop the others; the
// returned error joins the failures.
func (e *Engine) SyncAll(ctx context.Context, sources []Source) ([]Result, error) {
	par := e.Parallel
	if par <= 0 {
		par = 3
	}
	results := make([]Result, len(sources))
	// Every source is shown from the start, those beyond par as queued.
	for _, src := range sources {
		e.newTracker(ctx, src.Name).update(func(*Status) {})
	}
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = e.Sync(ctx, src)
		}()
	}
	wg.Wait()
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return results, errors.Join(errs...)
}

// Sync runs one source: it resumes after the stream's checkpoint if the last
// run was cut off, stores page by page, and records the outcome.
func (e *Engine) Sync(ctx context.Context, src Source) Result {
	tr := e.newTracker(ctx, src.Name)
	ctx = context.WithValue(e.withWaits(ctx, src.Name, tr), trackerKey{}, tr)
	ctx = WithReach(ctx)
	tr.update(func(s *Status) { s.Phase = PhaseContracts })
	log := e.logger().With("source", src.Name, "vendor", string(src.Vendor))
	start := e.now()
	res := Result{Source: src.Name}
	fail := func(err error) Result {
		res.Status, res.Err, res.Duration = app.RunFailed, err, e.now().Sub(start)
		tr.finish(res)
		return res
	}
	streams := src.Connector.Streams()
	if streams.Contracts == nil {
		return fail(fmt.Errorf("%s: the connector declares no contract stream", src.Name))
	}
	if err := e.Store.EnsureSource(ctx, src.Name, src.Vendor, src.BaseURL); err != nil {
		return fail(err)
	}
	cursor, err := e.Store.Checkpoint(ctx, src.Name, contractsStream)
	if err != nil {
		return fail(err)
	}
	res.Resumed = cursor != ""
	run, err := e.Store.BeginRun(ctx, src.Name)
	if err != nil {
		return fail(err)
	}
	res.RunID = run
	log.Info("sync started", "run", run, "resumed", res.Resumed)

	var meters []series.Meter // named by this run's pages, for the series
	err = streams.Contracts.Contracts(ctx, cursor, func(p Page) error {
		meters = append(meters, p.Meters...)
		if e.LeaveOutPersonalData {
			for i := range p.Contracts {
				p.Contracts[i].Raw, _ = personal.Strip(p.Contracts[i].Raw)
			}
		}
		// Marking is idempotent, so a crash before the page's checkpoint
		// only means the next run asks for these ids and marks nothing new.
		if len(p.Gone) > 0 {
			n, err := e.Store.MarkGone(ctx, run, src.Name, p.Gone)
			if err != nil {
				return err
			}
			res.Removed += n
			for _, id := range p.Gone {
				log.Info("contract gone at the vendor", "contract", id)
			}
		}
		if err := e.Store.SavePage(ctx, run, src.Name, contractsStream, p.Contracts, p.Failures, p.Cursor); err != nil {
			return err
		}
		res.Fetched += len(p.Contracts)
		res.count(log, p.Failures)
		tr.update(func(s *Status) {
			s.Pages++
			s.Contracts, s.Rejected, s.Missing = res.Fetched, res.Failed, res.Missing
		})
		if e.Progress != nil {
			e.Progress(Progress{Source: src.Name, Fetched: res.Fetched, Failed: res.Failed, Missing: res.Missing})
		}
		return nil
	})
	// Sources that also serve meter time series sync them in the same run.
	if err == nil && streams.Series != nil && !offline(ctx) {
		err = e.syncSeries(ctx, log, src.Name, streams, run, res.Resumed, meters, &res)
	}
	if cause, down := ReachOf(ctx).Down(); down && ctx.Err() == nil {
		err = &UnreachableError{URL: src.BaseURL, Cause: cause, Err: err}
	}
	// The run's bookkeeping must be written even when ctx was cancelled.
	bg := context.WithoutCancel(ctx)
	switch {
	case err != nil && ctx.Err() != nil:
		res.Status, res.Err = app.RunInterrupted, fmt.Errorf("%s: sync interrupted: %w", src.Name, ctx.Err())
	case err != nil:
		res.Status, res.Err = app.RunFailed, fmt.Errorf("%s: %w", src.Name, err)
	default:
		// A listing is complete, and what it lacks removed at the vendor,
		// only when this run read it from the start (not resumed after an
		// interrupted run), to the end (the connector returned no error)
		// and every record of it was readable: a record that failed may
		// well be a contract the vendor still has.
		if !res.Resumed && res.Failed == 0 && res.Missing == 0 {
			n, err := e.markUnseen(bg, run, src.Name, streams.Scope)
			if err != nil {
				res.Status, res.Err = app.RunFailed, err
				break
			}
			res.Removed += n
		}
		// Completed: the next sync starts from the beginning again.
		if err := e.Store.SavePage(bg, run, src.Name, contractsStream, nil, nil, ""); err != nil {
			res.Status, res.Err = app.RunFailed, err
		} else if res.Failed > 0 || res.Missing > 0 {
			res.Status = app.RunPartial
		} else {
			res.Status = app.RunOK
		}
	}
	msg := ""
	switch {
	case res.Err != nil:
		msg = res.Err.Error()
	case res.Failed > 0 && res.Missing > 0:
		msg = records(res.Failed) + " rejected, " + strconv.Itoa(res.Missing) + " not fetched"
	case res.Failed > 0:
		msg = records(res.Failed) + " rejected"
	case res.Missing > 0:
		msg = records(res.Missing) + " not fetched"
	}
	if err := e.Store.FinishRun(bg, run, res.Status, msg); err != nil {
		res.Err = errors.Join(res.Err, err)
	}
	res.Duration = e.now().Sub(start)
	tr.finish(res)
	log.Info("sync finished", "run", run, "status", string(res.Status), "fetched", res.Fetched, "failed", res.Failed, "missing", res.Missing, "removed", res.Removed, "duration", res.Duration.Round(time.Millisecond))
	return res
}

// markUnseen marks removed the source's contracts a complete listing did
// not return, of those within its declared scope (nil: all).
func (e *Engine) markUnseen(ctx context.Context, run int64, source string, scope func(app.ContractRef) bool) (int, error) {
	unseen, err := e.Store.UnseenContracts(ctx, run, source)
	if err != nil || len(unseen) == 0 {
		return 0, err
	}
	var ids []int64
	for _, ref := range unseen {
		if scope == nil || scope(ref) {
			ids = append(ids, ref.ID)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return e.Store.MarkRemoved(ctx, run, source, ids)
}

// count adds a page's failures to the result: those the vendor never
// answered for are missing, the others rejected for bad data.
func (r *Result) count(log *slog.Logger, failures []*app.RecordError) {
	for _, f := range failures {
		if errors.Is(f, app.ErrNotFetched) {
			r.Missing++
			r.NotFetched = append(r.NotFetched, f.Record+recordField(f))
			log.Warn("record not fetched", "record", f.Record, "field", f.Field, "err", f.Err)
			continue
		}
		r.Failed++
		log.Warn("record rejected", "record", f.Record, "field", f.Field, "err", f.Err)
	}
}

func recordField(f *app.RecordError) string {
	if f.Field == "" {
		return ""
	}
	return " (" + f.Field + ")"
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.Default()
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// records is "1 record" or "3 records", the start of a run's message.
func records(n int) string {
	if n == 1 {
		return "1 record"
	}
	return strconv.Itoa(n) + " records"
}
