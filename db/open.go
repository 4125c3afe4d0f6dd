// Package db is Wattfolio's cache: a SQLite file opened through
// modernc.org/sqlite (pure Go), with numbered migrations applied on open and
// every statement compiled by sqlc into db/internal/dbq. Store maps the
// generated rows to app types so nothing outside this package sees SQL.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"wattfolio/db/internal/dbq"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrNewerSchema is returned by Open for a cache written by a newer Wattfolio.
var ErrNewerSchema = errors.New("cache was written by a newer Wattfolio")

// Store is the cache. It keeps two pools: one connection that writes, with
// transactions that take the write lock up front (so two writers queue on the
// busy timeout instead of failing), and several that only read, so the views
// and exports never wait for a sync.
type Store struct {
	path string
	w    *sql.DB
	r    *sql.DB
	wq   *dbq.Queries
	rq   *dbq.Queries
	now  func() time.Time
}

func dsn(path string, txlock string) string {
	v := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)", "busy_timeout(10000)"} {
		v.Add("_pragma", p)
	}
	v.Set("_txlock", txlock)
	return "file:" + path + "?" + v.Encode()
}

// Open opens or creates the cache at path (created readable by its owner
// only, and reported when others may read it) and brings its schema up to date
// in one transaction, then moves readings a cache older than schema 7 kept
// one row each into day blocks (resumable: see moveToBlocks). A cache from a newer Wattfolio is refused with
// ErrNewerSchema and left untouched.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	reportShared(path)
	w, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	s := &Store{path: path, w: w, wq: dbq.New(w), now: time.Now}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	// The writer has one connection, so every statement is prepared once
	// here and reused by every transaction (Tx.StmtContext on the same
	// connection), instead of being parsed again in each: the wide
	// multi-row inserts of the time series cost most to prepare.
	if s.wq, err = dbq.Prepare(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("open cache %s: prepare statements: %w", path, err)
	}
	if err := s.moveToBlocks(ctx); err != nil {
		s.wq.Close()
		w.Close()
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, "deferred"))
	if err != nil {
		s.wq.Close()
		w.Close()
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	// Prepared for the readers too: parsing the statement was an eighth of
	// reading a meter-year of blocks.
	if s.rq, err = dbq.Prepare(ctx, r); err != nil {
		r.Close()
		s.wq.Close()
		w.Close()
		return nil, fmt.Errorf("open cache %s: prepare statements: %w", path, err)
	}
	s.r = r
	return s, nil
}

// Close closes both pools and their prepared statements.
func (s *Store) Close() error {
	return errors.Join(s.rq.Close(), s.wq.Close(), s.r.Close(), s.w.Close())
}

// Path is the cache file's path.
func (s *Store) Path() string { return s.path }

type migration struct {
	version int64
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	return ms, nil
}

// SchemaVersion is the newest migration this build knows.
func SchemaVersion() int64 {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Version 0 only creates the version table and is safe to run every time.
	if _, err := tx.ExecContext(ctx, ms[0].sql); err != nil {
		return fmt.Errorf("not a Wattfolio cache, or unreadable: %w", err)
	}
	q := s.wq.WithTx(tx)
	applied, err := q.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	var have int64
	if len(applied) > 0 {
		have = slices.Max(applied)
	}
	latest := ms[len(ms)-1].version
	if have > latest {
		return fmt.Errorf("%w (schema version %d; this build knows up to %d): update Wattfolio or choose another cache file", ErrNewerSchema, have, latest)
	}
	// By the versions recorded, not the highest: branches merged in any
	// order may bring a migration numbered below one a cache already has
	// (0008 after 0009), and it must still run.
	for _, m := range ms[1:] {
		if slices.Contains(applied, m.version) {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := q.RecordMigration(ctx, dbq.RecordMigrationParams{Version: m.version, AppliedAt: s.now().Unix()}); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return tx.Commit()
}

// inTx runs fn in one write transaction.
func (s *Store) inTx(ctx context.Context, fn func(q *dbq.Queries) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(s.wq.WithTx(tx)); err != nil {
		return err
	}
	return tx.Commit()
}
