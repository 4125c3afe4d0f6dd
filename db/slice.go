package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// A laptop's slice of a team's book on PostgreSQL: 'wattfolio pull' copies
// some customers' rows from the book into this cache (db/pgstore reads
// them), one transaction per pull, and records here which book, which
// customers, when, and from where the next pull goes on (migration 0021).

// Slice is what the cache records of its slice.
type Slice struct {
	// Book names the book: its URL without the password.
	Book string
	// PulledAt is when the last pull finished.
	PulledAt time.Time
	// Xmin is the book's pg_snapshot_xmin the last pull read at: the next
	// pull copies the rows whose rev is at or above it.
	Xmin      int64
	Customers []SliceCustomer
}

// SliceCustomer is a customer of the slice, by its source and its id there.
type SliceCustomer struct {
	Source, ExternalID, Name string
}

// Key is SOURCE/ID, as 'wattfolio pull --customer' and --drop take it.
func (c SliceCustomer) Key() string { return c.Source + "/" + c.ExternalID }

// Slice returns the cache's slice; ok is false for a cache never pulled into.
func (s *Store) Slice(ctx context.Context) (sl Slice, ok bool, err error) {
	row, err := s.rq.GetSlice(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Slice{}, false, nil
	}
	if err != nil {
		return Slice{}, false, fmt.Errorf("read the slice of %s: %w", s.path, err)
	}
	sl = Slice{Book: row.Book, PulledAt: time.Unix(row.PulledAt, 0).UTC(), Xmin: row.Xmin}
	cs, err := s.rq.SliceCustomers(ctx)
	if err != nil {
		return Slice{}, false, fmt.Errorf("read the slice of %s: %w", s.path, err)
	}
	for _, c := range cs {
		sl.Customers = append(sl.Customers, SliceCustomer{Source: c.SourceName, ExternalID: c.ExternalID, Name: c.Name})
	}
	return sl, true, nil
}

// HasSources reports whether the cache holds any source: one that does and
// has no slice was synced on its own, and a pull does not mix into it.
func (s *Store) HasSources(ctx context.Context) (bool, error) {
	n, err := s.rq.CountSources(ctx)
	return n > 0, err
}

// ErrKeptOnDrop is why a customer cannot leave the slice: something of the
// user's hangs on its contracts that exists nowhere else.
var ErrKeptOnDrop = errors.New("it has offline edits not sent yet or notes, which exist only in this cache")

// Kept counts what dropping a customer from the slice would lose: its
// contracts' offline edits not sent (pending, rejected or in conflict)
// and their notes.
func (s *Store) Kept(ctx context.Context, c SliceCustomer) (unsent, notes int64, err error) {
	row, err := s.rq.KeptOfCustomer(ctx, dbq.KeptOfCustomerParams{SourceName: c.Source, ExternalID: c.ExternalID})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return row.Unsent, row.Notes, err
}

// PullInto runs one pull: fn copies the book's rows through the SliceCopy,
// drops leave the slice, and the slice is recorded as done with the book,
// xmin and customers fn sets; all in one transaction, so that a pull cut
// off anywhere leaves the cache as it was.
func (s *Store) PullInto(ctx context.Context, drops []SliceCustomer, fn func(*SliceCopy) error) error {
	if err := s.writable(); err != nil {
		return err
	}
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		c := &SliceCopy{ctx: ctx, q: q}
		for _, d := range drops {
			if err := c.drop(d); err != nil {
				return err
			}
		}
		if err := fn(c); err != nil {
			return err
		}
		if c.Book == "" {
			return errors.New("a pull names no book")
		}
		now := s.now()
		if c.At.IsZero() {
			c.At = now
		}
		if err := q.PutSlice(ctx, dbq.PutSliceParams{Book: c.Book, PulledAt: c.At.Unix(), Xmin: c.Xmin}); err != nil {
			return err
		}
		for _, cu := range c.Customers {
			if err := q.PutSliceCustomer(ctx, dbq.PutSliceCustomerParams{SourceName: cu.Source, ExternalID: cu.ExternalID, Name: cu.Name}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pull into %s: %w", s.path, err)
	}
	// The accounts' contract counts change with the contracts.
	s.cache.accountsReplaced()
	return nil
}

// SliceCopy writes one pull's rows into the cache, under the cache's own
// ids: sources and customers found by name and external id, the rest by
// the ids these methods return.
type SliceCopy struct {
	ctx context.Context
	q   *dbq.Queries
	// Book, Xmin, At and Customers are recorded as the slice when the pull
	// commits; At defaults to now.
	Book      string
	Xmin      int64
	At        time.Time
	Customers []SliceCustomer
}

// Source records a source of the book (no credential: the book holds
// none) and returns its id here.
func (c *SliceCopy) Source(p dbq.UpsertSourceParams) (int64, error) {
	return c.q.UpsertSource(c.ctx, p)
}

// Customer records a customer and returns its id here.
func (c *SliceCopy) Customer(p dbq.UpsertCustomerParams) (int64, error) {
	return c.q.UpsertCustomer(c.ctx, p)
}

// Contract stores the book's contract as it is there (removed at
// removedAt, nil: current) and clears its earlier versions and terms,
// which follow in full.
func (c *SliceCopy) Contract(p dbq.UpsertContractParams, removedAt *int64) (int64, error) {
	id, err := c.q.UpsertContract(c.ctx, p)
	if err != nil {
		return 0, fmt.Errorf("contract %s: %w", p.ExternalID, err)
	}
	if removedAt != nil {
		if err := c.q.MarkRemoved(c.ctx, dbq.MarkRemovedParams{Now: removedAt, ID: id}); err != nil {
			return 0, fmt.Errorf("contract %s: %w", p.ExternalID, err)
		}
	}
	for _, del := range []func(context.Context, int64) error{
		c.q.DeleteVersionsOf, c.q.DeletePricePoints, c.q.DeleteFlexibility, c.q.DeletePPA, c.q.DeletePartner,
	} {
		if err := del(c.ctx, id); err != nil {
			return 0, fmt.Errorf("contract %s: %w", p.ExternalID, err)
		}
	}
	return id, nil
}

// Version adds an earlier version of a contract Contract stored.
func (c *SliceCopy) Version(p dbq.CopyVersionParams) error { return c.q.CopyVersion(c.ctx, p) }

// Flexibility stores a contract's flexibility terms.
func (c *SliceCopy) Flexibility(p dbq.UpsertFlexibilityParams) error {
	return c.q.UpsertFlexibility(c.ctx, p)
}

// PPA stores a contract's PPA terms.
func (c *SliceCopy) PPA(p dbq.UpsertPPAParams) error { return c.q.UpsertPPA(c.ctx, p) }

// Partner stores a contract's partner terms.
func (c *SliceCopy) Partner(p dbq.UpsertPartnerParams) error { return c.q.UpsertPartner(c.ctx, p) }

// PricePoint adds a contract's price point.
func (c *SliceCopy) PricePoint(p dbq.InsertPricePointParams) error {
	return c.q.InsertPricePoint(c.ctx, p)
}

// Meter stores a meter as the book has it and returns its id here.
func (c *SliceCopy) Meter(p dbq.CopyMeterParams) (int64, error) { return c.q.CopyMeter(c.ctx, p) }

// Stream stores a meter's stream. A stream whose interval changed was
// fetched again from its start in the book, which replaced its readings:
// the old ones go here too, and the book's follow.
func (c *SliceCopy) Stream(p dbq.CopyStreamParams) error {
	cur, err := c.q.GetStream(c.ctx, dbq.GetStreamParams{MeterID: p.MeterID, Measure: p.Measure})
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case cur.IntervalS != p.IntervalS:
		if _, err := c.q.DeleteStreamBlocks(c.ctx, dbq.DeleteStreamBlocksParams{MeterID: p.MeterID, Measure: p.Measure}); err != nil {
			return err
		}
		if err := c.q.DeleteStreamDaily(c.ctx, dbq.DeleteStreamDailyParams{MeterID: p.MeterID, Measure: p.Measure}); err != nil {
			return err
		}
	}
	return c.q.CopyStream(c.ctx, p)
}

// Series finds or adds a series of a meter and returns its id here.
func (c *SliceCopy) Series(p dbq.EnsureSeriesParams) (int64, error) {
	return c.q.EnsureSeries(c.ctx, p)
}

// Block stores a block of readings as the book has it (the same format).
func (c *SliceCopy) Block(p dbq.UpsertBlockParams) error { return c.q.UpsertBlock(c.ctx, p) }

// Day stores a day of a series' rollup.
func (c *SliceCopy) Day(p dbq.SetDayParams) error { return c.q.SetDay(c.ctx, p) }

// Gas stores a gas meter's conversion figures.
func (c *SliceCopy) Gas(p dbq.SetMeterGasParams) error { return c.q.SetMeterGas(c.ctx, p) }

// Run stores a sync run of the book's, known here by its source and start,
// with its record problems (run ids in them are set here), which replace
// those of an earlier copy.
func (c *SliceCopy) Run(p dbq.CopyRunParams, problems []dbq.InsertProblemParams) error {
	id, err := c.q.CopiedRun(c.ctx, dbq.CopiedRunParams{SourceID: p.SourceID, StartedAt: p.StartedAt})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		id, err = c.q.CopyRun(c.ctx, p)
	case err == nil:
		err = c.q.UpdateCopiedRun(c.ctx, dbq.UpdateCopiedRunParams{
			ID: id, FinishedAt: p.FinishedAt, Status: p.Status, Fetched: p.Fetched, Failed: p.Failed, Missing: p.Missing, Error: p.Error,
		})
	}
	if err != nil {
		return err
	}
	if err := c.q.ClearCopiedRunProblems(c.ctx, id); err != nil {
		return err
	}
	for _, pr := range problems {
		pr.RunID = id
		if err := c.q.InsertProblem(c.ctx, pr); err != nil {
			return err
		}
	}
	return nil
}

// Offer stores one of the team's offers under its name, replacing an
// offer of the same name.
func (c *SliceCopy) Offer(p dbq.SaveOfferParams) error {
	id, err := c.q.OfferIDByName(c.ctx, p.Name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		p.ID = 0 // a new offer
	case err != nil:
		return err
	default:
		p.ID = id
	}
	_, err = c.q.SaveOffer(c.ctx, p)
	return err
}

// drop takes a customer out of the slice: its contracts (their versions
// and terms), their meters (streams, series, readings, gas figures) and
// the customer, and its source once no customer of the slice is left
// there. A customer with offline edits not sent or notes stays, and the
// pull fails with ErrKeptOnDrop.
func (c *SliceCopy) drop(cu SliceCustomer) error {
	kept, err := c.q.KeptOfCustomer(c.ctx, dbq.KeptOfCustomerParams{SourceName: cu.Source, ExternalID: cu.ExternalID})
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case kept.Unsent > 0 || kept.Notes > 0:
		return fmt.Errorf("%s stays in the slice: %w", cu.Key(), ErrKeptOnDrop)
	}
	contracts, err := c.q.CustomerContracts(c.ctx, dbq.CustomerContractsParams{SourceName: cu.Source, ExternalID: cu.ExternalID})
	if err != nil {
		return err
	}
	for _, k := range contracts {
		if err := c.q.DeleteMetersOfContract(c.ctx, dbq.DeleteMetersOfContractParams{SourceID: k.SourceID, ContractExternalID: k.ExternalID}); err != nil {
			return err
		}
		if err := c.q.DeleteSentOutboxOf(c.ctx, dbq.DeleteSentOutboxOfParams{SourceID: k.SourceID, ContractExternalID: k.ExternalID}); err != nil {
			return err
		}
		if err := c.q.DeleteContract(c.ctx, k.ID); err != nil {
			return err
		}
	}
	if err := c.q.DeleteCustomer(c.ctx, dbq.DeleteCustomerParams{SourceName: cu.Source, ExternalID: cu.ExternalID}); err != nil {
		return err
	}
	if err := c.q.DeleteSliceCustomer(c.ctx, dbq.DeleteSliceCustomerParams{SourceName: cu.Source, ExternalID: cu.ExternalID}); err != nil {
		return err
	}
	return c.q.DeleteIdleSource(c.ctx, cu.Source)
}

// PulledSlice is the cache's slice as the app shows it; nil for a cache
// never pulled into.
func (s *Store) PulledSlice(ctx context.Context) (*app.Slice, error) {
	sl, ok, err := s.Slice(ctx)
	if err != nil || !ok {
		return nil, err
	}
	return &app.Slice{Book: sl.Book, Customers: len(sl.Customers), PulledAt: sl.PulledAt}, nil
}
