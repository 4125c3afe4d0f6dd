// Package pgstore is the team's book on PostgreSQL: the sync engine's
// store (engine.Store), beside the SQLite cache of
// package db. Its schema is db/migrations/postgres, its statements
// db/queries/postgres compiled by sqlc for pgx (db/internal/pgq). The time
// series' side (engine.SeriesStore, series.go) writes the cache's day
// blocks through the cache's own write path, so 'wattfolio sync --db
// postgres://…' syncs contracts and readings alike.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"wattfolio/app"
	"wattfolio/app/history"
	"wattfolio/app/personal"
	"wattfolio/db"
	"wattfolio/db/internal/blockwrite"
	"wattfolio/db/internal/pgq"
)

// IsURL reports whether a --db value names a PostgreSQL database rather
// than a cache file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Store is a book on PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
	q    *pgq.Queries
	// Now is the clock of runs and checkpoints; nil: time.Now.
	Now func() time.Time
	// refs keeps the ids the series write path looks up (series.go).
	refs blockwrite.Refs
}

// Open connects to the database url names (a postgres:// URL, as libpq
// and pgx read it) and applies the migrations it lacks.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message quotes the URL, password and all.
		return nil, errors.New("postgres: the --db URL cannot be read (postgres://USER@HOST:PORT/DATABASE)")
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		host, _ := os.Hostname()
		cfg.ConnConfig.RuntimeParams["application_name"] = fmt.Sprintf("wattfolio pid %d on %s", os.Getpid(), host)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", where(cfg), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: %w", where(cfg), err)
	}
	s := &Store{pool: pool, q: pgq.New(pool)}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s: migrate: %w", where(cfg), err)
	}
	return s, nil
}

// where names the database without its password, for messages.
func where(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// Close closes the store's connections.
func (s *Store) Close() { s.pool.Close() }

// migrationLockKey keeps two processes from migrating one database at once.
const migrationLockKey = 0x5761_7474_666f_6c69 // "Wattfoli"

// migrate applies db/migrations/postgres's files newer than the book's
// version, all in one transaction.
func (s *Store) migrate(ctx context.Context) error {
	files, err := fs.Glob(db.PostgresMigrations, "migrations/postgres/*.sql")
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if err := q.LockMigrations(ctx, migrationLockKey); err != nil {
			return err
		}
		have := int32(0)
		present, err := q.HasMigrationsTable(ctx)
		if err != nil {
			return err
		}
		if present {
			if have, err = q.MigrationVersion(ctx); err != nil {
				return err
			}
		}
		for _, f := range files {
			n, err := strconv.Atoi(strings.SplitN(path.Base(f), "_", 2)[0])
			if err != nil {
				return fmt.Errorf("migration %s: no number", f)
			}
			if int32(n) <= have {
				continue
			}
			body, err := db.PostgresMigrations.ReadFile(f)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", path.Base(f), err)
			}
			if err := q.RecordMigration(ctx, int32(n)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ts is t as timestamptz in UTC; the zero time is NULL.
func ts(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t.UTC(), Valid: !t.IsZero()}
}

func decimalOrNil(d *app.Decimal) *int64 {
	if d == nil {
		return nil
	}
	v := int64(*d)
	return &v
}

// inTx runs fn in one transaction.
func (s *Store) inTx(ctx context.Context, fn func(q *pgq.Queries) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(s.q.WithTx(tx)) })
}

func sourceID(ctx context.Context, q *pgq.Queries, name string) (int64, error) {
	id, err := q.SourceIDByName(ctx, name)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("book: source %q: %w", name, app.ErrNotFound)
	}
	return id, err
}

// EnsureSource records a configured source, or updates its vendor and URL.
func (s *Store) EnsureSource(ctx context.Context, name string, vendor app.Vendor, baseURL string) error {
	err := s.q.UpsertSource(ctx, pgq.UpsertSourceParams{Name: name, Vendor: string(vendor), BaseUrl: baseURL, CreatedAt: ts(s.now())})
	if err != nil {
		return fmt.Errorf("book: record source %q: %w", name, err)
	}
	return nil
}

// BeginRun starts a sync run of a source. Its caller holds the book's sync
// lock (LockSync), so a run of the source still marked running was cut off
// and is marked interrupted.
func (s *Store) BeginRun(ctx context.Context, source string) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(q *pgq.Queries) error {
		sid, err := sourceID(ctx, q, source)
		if err != nil {
			return err
		}
		now := ts(s.now())
		if err := q.InterruptRuns(ctx, pgq.InterruptRunsParams{SourceID: sid, Now: now}); err != nil {
			return err
		}
		id, err = q.InsertRun(ctx, pgq.InsertRunParams{SourceID: sid, StartedAt: now})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("book: begin run of %q: %w", source, err)
	}
	return id, nil
}

// Checkpoint returns where a stream of a source resumes; "" means from the start.
func (s *Store) Checkpoint(ctx context.Context, source, stream string) (string, error) {
	sid, err := sourceID(ctx, s.q, source)
	if err != nil {
		return "", err
	}
	cur, err := s.q.GetCheckpoint(ctx, pgq.GetCheckpointParams{SourceID: sid, Stream: stream})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return cur, err
}

// SavePage stores one page of a sync in one transaction, as the SQLite
// cache does (db.Store.SavePage): the contracts, the record problems, the
// run's counters and the stream's new checkpoint, all or nothing.
func (s *Store) SavePage(ctx context.Context, runID int64, source, stream string, contracts []app.Contract, failures []*app.RecordError, cursor string) error {
	err := s.inTx(ctx, func(q *pgq.Queries) error {
		sid, err := sourceID(ctx, q, source)
		if err != nil {
			return err
		}
		for i := range contracts {
			if err := upsertContract(ctx, q, sid, runID, &contracts[i]); err != nil {
				return fmt.Errorf("contract %s: %w", contracts[i].ExternalID, err)
			}
		}
		if err := saveProblems(ctx, q, runID, int64(len(contracts)), failures); err != nil {
			return err
		}
		return q.SetCheckpoint(ctx, pgq.SetCheckpointParams{
			SourceID: sid, Stream: stream, Cursor: cursor, RunID: &runID, UpdatedAt: ts(s.now()),
		})
	})
	if err != nil {
		return fmt.Errorf("book: save page of %q: %w", source, err)
	}
	return nil
}

// RecordFailures records a run's record problems found outside any page
// and counts them in the run; no checkpoint moves.
func (s *Store) RecordFailures(ctx context.Context, runID int64, failures []*app.RecordError) error {
	if len(failures) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(q *pgq.Queries) error { return saveProblems(ctx, q, runID, 0, failures) })
	if err != nil {
		return fmt.Errorf("book: record problems of run %d: %w", runID, err)
	}
	return nil
}

// saveProblems stores record problems and counts them, with the contracts
// fetched, in the run: those wrapping app.ErrNotFetched as missing, the
// others as rejected.
func saveProblems(ctx context.Context, q *pgq.Queries, runID, fetched int64, failures []*app.RecordError) error {
	var rejected, missing int64
	for _, f := range failures {
		if errors.Is(f, app.ErrNotFetched) {
			missing++
		} else {
			rejected++
		}
		// A vendor's message may quote what it was sent.
		msg := personal.MaskText(f.Err.Error())
		if err := q.InsertProblem(ctx, pgq.InsertProblemParams{RunID: runID, Record: f.Record, Field: f.Field, Message: msg}); err != nil {
			return err
		}
	}
	return q.AddRunCounts(ctx, pgq.AddRunCountsParams{ID: runID, Fetched: fetched, Failed: rejected, Missing: missing})
}

// upsertContract stores c under its source and external id, with its
// terms and search text, as the SQLite cache does: an unchanged contract
// is only marked fetched again, a changed one (or one marked removed that
// is back) first keeps the version it replaces.
func upsertContract(ctx context.Context, q *pgq.Queries, sourceID, runID int64, c *app.Contract) error {
	raw := c.Raw
	if len(raw) == 0 {
		raw = []byte("null")
	}
	fields := history.Fields(c)
	cur, err := q.ContractState(ctx, pgq.ContractStateParams{Raw: raw, SourceID: sourceID, ExternalID: c.ExternalID})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	case cur.SameRaw && cur.FieldsJson == fields && !cur.Removed:
		return q.TouchContract(ctx, pgq.TouchContractParams{FetchedAt: ts(c.FetchedAt), RunID: &runID, ID: cur.ID})
	default:
		if err := q.KeepVersion(ctx, pgq.KeepVersionParams{RunID: &runID, Now: ts(c.FetchedAt), ID: cur.ID}); err != nil {
			return err
		}
	}
	var customerID *int64
	if c.Customer.ExternalID != "" {
		id, err := q.UpsertCustomer(ctx, pgq.UpsertCustomerParams{SourceID: sourceID, ExternalID: c.Customer.ExternalID, Name: c.Customer.Name})
		if err != nil {
			return err
		}
		customerID = &id
	}
	currency := c.Prices.Currency
	if currency == "" {
		currency = "EUR"
	}
	id, err := q.UpsertContract(ctx, pgq.UpsertContractParams{
		SourceID:         sourceID,
		ExternalID:       c.ExternalID,
		CustomerID:       customerID,
		Kind:             string(c.Kind),
		Commodity:        string(c.Commodity),
		Status:           c.Status,
		Name:             c.Name,
		ProductName:      c.Product.Name,
		ProductCode:      c.Product.Code,
		Supplier:         c.Parties.Supplier,
		SupplierCode:     c.Parties.SupplierCode,
		Buyer:            c.Parties.Buyer,
		BuyerCode:        c.Parties.BuyerCode,
		GridOperator:     c.Parties.GridOperator,
		GridOperatorCode: c.Parties.GridOperatorCode,
		ValidFrom:        ts(c.ValidFrom),
		ValidTo:          ts(c.ValidTo),
		SignedAt:         ts(c.SignedAt),
		CancelledAt:      ts(c.CancelledAt),
		Currency:         currency,
		BasePerYearE6:    decimalOrNil(c.Prices.BasePerYear),
		WorkingPerKwhE6:  decimalOrNil(c.Prices.WorkingPerKWh),
		VatRateE6:        decimalOrNil(c.Prices.VATRate),
		AnnualKwhE6:      decimalOrNil(c.AnnualConsumptionKWh),
		MeterID:          c.MeterID,
		SearchText:       db.SearchText(c),
		RawJson:          raw,
		FieldsJson:       fields,
		FetchedAt:        ts(c.FetchedAt),
		RunID:            &runID,
	})
	if err != nil {
		return err
	}
	return db.SaveTerms(ctx, bookTerms{q}, id, c)
}

// FinishRun closes a run with its outcome.
func (s *Store) FinishRun(ctx context.Context, runID int64, status app.RunStatus, errMsg string) error {
	err := s.q.FinishRun(ctx, pgq.FinishRunParams{ID: runID, Status: string(status), FinishedAt: ts(s.now()), Error: personal.MaskText(errMsg)})
	if err != nil {
		return fmt.Errorf("book: finish run %d: %w", runID, err)
	}
	return nil
}

// MarkGone marks removed the contracts of source the vendor answered 404
// for in run, keeping each as it was; ids the book does not hold, or holds
// as removed already, are passed over. It returns how many it marked.
func (s *Store) MarkGone(ctx context.Context, runID int64, source string, externalIDs []string) (int, error) {
	return s.markEach(ctx, runID, source, len(externalIDs), func(q *pgq.Queries, sid int64, i int) (int64, error) {
		id, err := q.CurrentContractID(ctx, pgq.CurrentContractIDParams{SourceID: sid, ExternalID: externalIDs[i]})
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, nil
		}
		return id, err
	})
}

// UnseenContracts lists the current contracts of source that run did not
// fetch.
func (s *Store) UnseenContracts(ctx context.Context, runID int64, source string) ([]app.ContractRef, error) {
	sid, err := sourceID(ctx, s.q, source)
	if err != nil {
		return nil, err
	}
	rows, err := s.q.UnseenContracts(ctx, pgq.UnseenContractsParams{SourceID: sid, RunID: &runID})
	if err != nil {
		return nil, fmt.Errorf("book: contracts of %q not seen in run %d: %w", source, runID, err)
	}
	out := make([]app.ContractRef, len(rows))
	for i, r := range rows {
		out[i] = app.ContractRef{ID: r.ID, ExternalID: r.ExternalID, CustomerID: r.CustomerRef}
	}
	return out, nil
}

// MarkRemoved marks removed the contracts ids of source, from
// UnseenContracts; one no longer current and unseen by run is passed over.
func (s *Store) MarkRemoved(ctx context.Context, runID int64, source string, ids []int64) (int, error) {
	return s.markEach(ctx, runID, source, len(ids), func(q *pgq.Queries, sid int64, i int) (int64, error) {
		unseen, err := q.IsUnseen(ctx, pgq.IsUnseenParams{ID: ids[i], SourceID: sid, RunID: &runID})
		if unseen == 0 {
			return 0, err
		}
		return ids[i], err
	})
}

// markEach marks removed, in one transaction, the contract pick names for
// each of n candidates (0: none) and returns how many it marked.
func (s *Store) markEach(ctx context.Context, runID int64, source string, n int, pick func(q *pgq.Queries, sourceID int64, i int) (int64, error)) (int, error) {
	marked := 0
	err := s.inTx(ctx, func(q *pgq.Queries) error {
		marked = 0
		sid, err := sourceID(ctx, q, source)
		if err != nil {
			return err
		}
		now := ts(s.now())
		for i := range n {
			id, err := pick(q, sid, i)
			if err != nil || id == 0 {
				if err != nil {
					return err
				}
				continue
			}
			if err := q.KeepVersion(ctx, pgq.KeepVersionParams{RunID: &runID, Now: now, ID: id}); err != nil {
				return err
			}
			if err := q.MarkRemoved(ctx, pgq.MarkRemovedParams{Now: now, ID: id}); err != nil {
				return err
			}
			marked++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("book: mark contracts of %q removed: %w", source, err)
	}
	return marked, nil
}
