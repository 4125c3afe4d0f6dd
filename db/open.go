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

	"wattfolio/db/internal/blockwrite"
	"wattfolio/db/internal/dbq"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ApplicationID is the PRAGMA application_id of every Wattfolio cache, bytes
// 68 to 71 of the SQLite header: "WATT" in ASCII. file(1) and other tools
// read it; Wattfolio refuses a SQLite file that carries another one.
// pragma.sql's SetApplicationID states the same number.
const ApplicationID = 0x57415454

// Mode says what a command may do to the cache file.
type Mode int

const (
	// Create opens the cache for writing and creates it when the file is
	// missing: sync, demo and offers import.
	Create Mode = iota
	// Write opens an existing cache for writing (and brings its schema up
	// to date); a missing file is an error.
	Write
	// Read opens an existing cache read-only: it never creates, migrates or
	// writes the file.
	Read
	// Auto opens an existing cache for writing when the file and its folder
	// are writable, read-only otherwise: serve and the desktop window.
	Auto
)

// Errors Open wraps, each in a message naming the file and what to do.
var (
	ErrNewerSchema = errors.New("cache was written by a newer Wattfolio")
	ErrOlderSchema = errors.New("cache was written by an older Wattfolio")
	ErrNoCache     = errors.New("no cache at this path")
	ErrNotCache    = errors.New("not a Wattfolio cache")
	ErrCorrupt     = errors.New("the cache is damaged")
	ErrReadOnly    = errors.New("the cache is open read-only")
)

// Store is the cache. It keeps two pools: one connection that writes, with
// transactions that take the write lock up front (so two writers queue on the
// busy timeout instead of failing), and several that only read, so the views
// and exports never wait for a sync. A store opened read-only has a
// read-only connection in the writer's place, and its writes fail with
// ErrReadOnly.
type Store struct {
	path     string
	readOnly bool
	w        *sql.DB
	r        *sql.DB
	wq       *dbq.Queries
	rq       *dbq.Queries
	now      func() time.Time
	// cache holds the portfolio's facet counts, filter options and
	// accounts until the contracts or accounts change (facets.go).
	cache pageCache
	// refs keeps the ids the series write path looks up (series.go).
	refs blockwrite.Refs
}

func dsn(path string, txlock string) string {
	v := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)", "busy_timeout(10000)"} {
		v.Add("_pragma", p)
	}
	v.Set("_txlock", txlock)
	return "file:" + path + "?" + v.Encode()
}

// roDSN opens path read-only with no pragma that writes; immutable also
// skips locking and the WAL, for a folder where SQLite cannot create its
// shared-memory file.
func roDSN(path string, immutable bool) string {
	v := url.Values{}
	v.Set("mode", "ro")
	if immutable {
		v.Set("immutable", "1")
	}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Set("_txlock", "deferred")
	return "file:" + path + "?" + v.Encode()
}

// Open opens or creates the cache at path for writing: OpenMode(ctx, path, Create).
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenMode(ctx, path, Create)
}

// Verification is how thoroughly OpenVerified checks a cache for damage.
type Verification int

const (
	// QuickCheck runs SQLite's quick_check: the pages and records, not
	// whether the indexes agree with their tables.
	QuickCheck Verification = iota + 1
	// IntegrityCheck runs SQLite's integrity_check, indexes included.
	IntegrityCheck
)

// OpenVerified is OpenMode that also checks the cache for damage before
// anything is written to it (migrations included) and refuses a damaged
// one with ErrCorrupt: sync verifies fully before it writes, export
// quickly before it reads.
func OpenVerified(ctx context.Context, path string, mode Mode, v Verification) (*Store, error) {
	return openMode(ctx, path, mode, v)
}

// OpenMode opens the cache at path as mode allows. Before anything touches
// the file it must be a Wattfolio cache: its application_id, or, for one
// written before there was one, its schema_migrations table; any other file
// is refused with ErrNotCache and left as it was. After an unclean shutdown
// (a WAL file left behind) SQLite's quick_check runs and a damaged cache is
// refused with ErrCorrupt. Writing modes bring the schema up to date in one
// transaction, then move readings a cache older than schema 7 kept one row
// each into day blocks (resumable: see moveToBlocks); Read needs a schema
// that is up to date. A cache from a newer Wattfolio is refused with
// ErrNewerSchema and left untouched. A new cache is created readable by its
// owner only; one that others may read is reported.
func OpenMode(ctx context.Context, path string, mode Mode) (*Store, error) {
	return openMode(ctx, path, mode, 0)
}

func openMode(ctx context.Context, path string, mode Mode, v Verification) (*Store, error) {
	st, err := inspect(ctx, path, mode)
	if err != nil {
		return nil, err
	}
	if mode == Create && !st.exists {
		// Readable by its owner only, and so its -wal and -shm.
		if err := createPrivate(path); err != nil {
			return nil, err
		}
	}
	reportShared(path)
	s := &Store{path: path, now: time.Now}
	switch {
	case mode == Auto && canWrite(path):
		mode = Write
	case mode == Auto:
		mode = Read
	case mode != Read && st.exists && !canWrite(path):
		return nil, fmt.Errorf("%s: %w: the file or its folder is not writable, and this command writes: make both writable (chmod u+w), or work on a copy; reading commands (export, serve) work on it as it is", path, ErrReadOnly)
	}
	if !st.exists {
		v = 0 // nothing to check in a new cache
	} else if st.unclean && v == 0 {
		v = QuickCheck
	}
	if mode == Read {
		s.readOnly = true
		err = s.openRead(ctx, v)
	} else {
		err = s.openWrite(ctx, v)
	}
	if err != nil {
		return nil, describe(path, err)
	}
	return s, nil
}

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

func (s *Store) openWrite(ctx context.Context, v Verification) error {
	w, err := sql.Open("sqlite", dsn(s.path, "immediate"))
	if err != nil {
		return fmt.Errorf("open cache %s: %w", s.path, err)
	}
	w.SetMaxOpenConns(1)
	s.w, s.wq = w, dbq.New(w)
	if err := s.verify(ctx, w, v); err != nil {
		w.Close()
		return err
	}
	// The migrations before the one that drops the row-per-reading tables,
	// then the move of their rows into blocks, then the rest: the rows
	// are never dropped unmoved, and a move killed halfway goes on at the
	// next Open.
	moved, err := s.migrate(ctx, dropReadingRows)
	if err != nil {
		w.Close()
		return fmt.Errorf("open cache %s: %w", s.path, err)
	}
	// The move writes blocks through statements not prepared yet: some
	// name tables of migrations after 0019, which do not exist before it.
	if !moved {
		if err := s.moveToBlocks(ctx); err != nil {
			w.Close()
			return fmt.Errorf("open cache %s: %w", s.path, err)
		}
	}
	if _, err := s.migrate(ctx, 0); err != nil {
		w.Close()
		return fmt.Errorf("open cache %s: %w", s.path, err)
	}
	// The writer has one connection, so every statement is prepared once
	// here and reused by every transaction (Tx.StmtContext on the same
	// connection), instead of being parsed again in each: the wide
	// multi-row inserts of the time series cost most to prepare.
	if s.wq, err = dbq.Prepare(ctx, w); err != nil {
		w.Close()
		return fmt.Errorf("open cache %s: prepare statements: %w", s.path, err)
	}
	return s.openReaders(ctx, dsn(s.path, "deferred"))
}

// openRead opens both pools read-only; the schema must be the one this
// build knows, since it cannot be brought up to date.
func (s *Store) openRead(ctx context.Context, v Verification) error {
	w, conn, err := openRO(ctx, s.path, false)
	if err != nil {
		return fmt.Errorf("open cache %s read-only: %w", s.path, err)
	}
	w.SetMaxOpenConns(1)
	applied, err := dbq.New(w).AppliedMigrations(ctx)
	if err != nil {
		w.Close()
		return fmt.Errorf("open cache %s read-only: %w", s.path, err)
	}
	s.w = w
	if err := s.verify(ctx, w, v); err != nil {
		w.Close()
		return err
	}
	ms, err := migrations()
	if err != nil {
		w.Close()
		return err
	}
	latest := ms[len(ms)-1].version
	if have := slices.Max(append(applied, 0)); have > latest {
		w.Close()
		return fmt.Errorf("%s: %w (schema version %d; this build knows up to %d): update Wattfolio or choose another cache file", s.path, ErrNewerSchema, have, latest)
	}
	for _, m := range ms[1:] {
		if !slices.Contains(applied, m.version) {
			w.Close()
			return fmt.Errorf("%s: %w (migration %s not applied) and is open read-only here, so it cannot be brought up to date: run 'wattfolio serve --db %s' or 'wattfolio sync' once with the file writable", s.path, ErrOlderSchema, m.name, s.path)
		}
	}
	if s.wq, err = dbq.Prepare(ctx, w); err != nil {
		w.Close()
		return fmt.Errorf("open cache %s: prepare statements: %w", s.path, err)
	}
	// Every migration applied includes 0019, which follows the move of the
	// old rows into blocks: nothing is left to move.
	return s.openReaders(ctx, conn)
}

// ReaderMmap is how much of the cache file each reader maps into memory
// (PRAGMA mmap_size). A reader then reads pages straight from the
// operating system's page cache instead of copying each into its own
// 2 MB cache with a read(2): the contracts export visits the contracts
// table in name order, so nearly every row was a system call, a fifth of
// the export's CPU at 50,000 contracts. It is address space, not memory;
// the writer keeps ordinary reads, and so do the readers beyond this size.
const ReaderMmap = 1 << 30

// openReaders opens the pool of readers.
func (s *Store) openReaders(ctx context.Context, conn string) error {
	r, err := sql.Open("sqlite", conn+"&"+url.Values{"_pragma": {fmt.Sprintf("mmap_size(%d)", ReaderMmap)}}.Encode())
	if err != nil {
		s.wq.Close()
		s.w.Close()
		return fmt.Errorf("open cache %s: %w", s.path, err)
	}
	r.SetMaxOpenConns(4)
	// Prepared for the readers too: parsing the statement was an eighth of
	// reading a meter-year of blocks.
	if s.rq, err = dbq.Prepare(ctx, r); err != nil {
		r.Close()
		s.wq.Close()
		s.w.Close()
		return fmt.Errorf("open cache %s: prepare statements: %w", s.path, err)
	}
	s.r = r
	return nil
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

// dropReadingRows is the migration that drops the row-per-reading tables
// once their rows are in blocks.
const dropReadingRows = 19

// migrate applies the migrations the cache lacks, in one transaction: those
// numbered below before when before > 0, else all. It reports whether
// migration before was applied already (false when before is 0).
func (s *Store) migrate(ctx context.Context, before int64) (done bool, err error) {
	ms, err := migrations()
	if err != nil {
		return false, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	// Version 0 only creates the version table and is safe to run every
	// time; Open has made sure by then that the file is a Wattfolio cache
	// (or a new one), which from now on carries its application_id.
	if _, err := tx.ExecContext(ctx, ms[0].sql); err != nil {
		return false, err
	}
	// Set only when missing: the same value written again would still
	// rewrite the header.
	var id int64
	if err := tx.QueryRowContext(ctx, pragma("ApplicationID")).Scan(&id); err != nil {
		return false, err
	}
	if id != ApplicationID {
		if _, err := tx.ExecContext(ctx, pragma("SetApplicationID")); err != nil {
			return false, err
		}
	}
	q := s.wq.WithTx(tx)
	applied, err := q.AppliedMigrations(ctx)
	if err != nil {
		return false, err
	}
	var have int64
	if len(applied) > 0 {
		have = slices.Max(applied)
	}
	latest := ms[len(ms)-1].version
	if have > latest {
		return false, fmt.Errorf("%w (schema version %d; this build knows up to %d): update Wattfolio or choose another cache file", ErrNewerSchema, have, latest)
	}
	// By the versions recorded, not the highest: branches merged in any
	// order may bring a migration numbered below one a cache already has
	// (0008 after 0009), and it must still run.
	done = before > 0 && slices.Contains(applied, before)
	for _, m := range ms[1:] {
		if slices.Contains(applied, m.version) || (before > 0 && m.version >= before) {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return false, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := q.RecordMigration(ctx, dbq.RecordMigrationParams{Version: m.version, AppliedAt: s.now().Unix()}); err != nil {
			return false, fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return done, tx.Commit()
}

// inTx runs fn in one write transaction.
func (s *Store) inTx(ctx context.Context, fn func(q *dbq.Queries) error) error {
	if err := s.writable(); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	q := s.wq.WithTx(tx)
	if err := fn(q); err != nil {
		return err
	}
	// The contracts fn wrote are indexed for the short searches in one
	// statement (0023).
	if err := flushContractGrams(ctx, q); err != nil {
		return err
	}
	return tx.Commit()
}

// writable fails with ErrReadOnly on a store opened read-only.
func (s *Store) writable() error {
	if s.readOnly {
		return fmt.Errorf("%s: %w (the file or its folder is not writable), so nothing was saved: make it writable (chmod u+w) and start Wattfolio again", s.path, ErrReadOnly)
	}
	return nil
}
