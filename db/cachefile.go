package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"

	"wattfolio/db/internal/dbq"
)

// fileState is what inspect learnt of a cache file before opening it.
type fileState struct {
	exists  bool
	unclean bool // a WAL file was left behind: a crash, or another process has the cache open
}

// SQLite's primary result codes that get a message of their own.
const (
	sqliteBusy     = 5
	sqliteReadOnly = 8
	sqliteCorrupt  = 11
	sqliteFull     = 13
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// sqliteCode is the primary result code of a SQLite error in err's chain, 0 for none.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// openRO opens path read-only (immutable: see roDSN) and returns the
// connection string it used. In a folder where SQLite cannot make the
// WAL's shared-memory file, a cache with no WAL left behind is read as an
// immutable file: the file alone is the whole cache.
func openRO(ctx context.Context, path string, immutable bool) (*sql.DB, string, error) {
	dsn := roDSN(path, immutable)
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, "", err
	}
	var id int64
	err = conn.QueryRowContext(ctx, pragma("ApplicationID")).Scan(&id)
	if err != nil && !immutable && shmUnavailable(err) && fileSize(path+"-wal") == 0 {
		conn.Close()
		return openRO(ctx, path, true)
	}
	if err != nil {
		conn.Close()
		return nil, "", err
	}
	return conn, dsn, nil
}

// shmUnavailable reports whether SQLite could not make or map the WAL's
// shared-memory file, as in a folder it may not write.
func shmUnavailable(err error) bool {
	c := sqliteCode(err)
	return c == sqliteReadOnly || c == sqliteCantOpen
}

var sqliteMagic = []byte("SQLite format 3\x00")

// inspect decides whether path may be opened as mode asks without touching
// anything: the file must exist (unless mode creates it) and be a
// Wattfolio cache. It reads the header itself and, only for a SQLite file
// that carries no application_id, asks SQLite read-only for Wattfolio's
// schema_migrations table.
func inspect(ctx context.Context, path string, mode Mode) (fileState, error) {
	var st fileState
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if mode != Create {
			return st, fmt.Errorf("%w %s: check the path given with --db ('wattfolio sync', 'demo' and 'offers import' create a cache; other commands only open one)", ErrNoCache, path)
		}
		dir := filepath.Dir(path)
		if di, err := os.Stat(dir); err != nil || !di.IsDir() {
			return st, fmt.Errorf("cannot create the cache %s: the folder %s does not exist: create it or choose another --db", path, dir)
		}
		return st, nil
	case err != nil:
		return st, fmt.Errorf("cannot open the cache %s: %w", path, err)
	case fi.IsDir():
		return st, fmt.Errorf("%s is a folder, not a cache file: give --db the file's path, e.g. %s", path, filepath.Join(path, "portfolio.db"))
	}
	st.exists = true
	st.unclean = fileSize(path+"-wal") > 0
	if fi.Size() == 0 {
		if mode == Create {
			return st, nil // SQLite treats an empty file as a new database
		}
		return st, fmt.Errorf("%s is empty, %w: check --db ('wattfolio sync' fills a new cache)", path, ErrNotCache)
	}
	f, err := os.Open(path)
	if err != nil {
		return st, fmt.Errorf("cannot read the cache %s: %w", path, err)
	}
	head := make([]byte, 100)
	_, err = io.ReadFull(f, head)
	f.Close()
	untouched := "; it was left untouched: check --db"
	if err != nil || !bytes.Equal(head[:16], sqliteMagic) {
		return st, fmt.Errorf("%s is %w: it is not a SQLite database%s", path, ErrNotCache, untouched)
	}
	switch id := binary.BigEndian.Uint32(head[68:72]); id {
	case ApplicationID:
		return st, nil
	case 0:
	default:
		return st, fmt.Errorf("%s is %w: it is the SQLite database of another application (application_id %#08x)%s", path, ErrNotCache, id, untouched)
	}
	// No application_id in the header: a cache written before Wattfolio set
	// one, a new cache whose first transaction is still in the WAL, or
	// somebody else's database. Only a WAL-mode file needs SQLite's locks
	// to be read; any other is read as an immutable file, which makes
	// SQLite create nothing beside it.
	wal := head[18] == 2 && head[19] == 2
	probe, _, err := openRO(ctx, path, !wal)
	if err != nil {
		return st, describe(path, fmt.Errorf("read %s: %w", path, err))
	}
	defer probe.Close()
	var id int64
	if err := probe.QueryRowContext(ctx, pragma("ApplicationID")).Scan(&id); err != nil {
		return st, describe(path, fmt.Errorf("read %s: %w", path, err))
	}
	if id == ApplicationID {
		return st, nil
	}
	if _, err := dbq.New(probe).AppliedMigrations(ctx); err != nil {
		if c := sqliteCode(err); c == sqliteCorrupt || c == sqliteNotADB {
			return st, describe(path, err)
		}
		return st, fmt.Errorf("%s is %w: it is a SQLite database without Wattfolio's tables%s", path, ErrNotCache, untouched)
	}
	return st, nil
}

// canWrite reports whether the file and its folder can be written, which
// SQLite needs for the WAL beside the file.
func canWrite(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	dir, err := os.CreateTemp(filepath.Dir(path), ".wattfolio-probe-*")
	if err != nil {
		return false
	}
	dir.Close()
	os.Remove(dir.Name())
	return true
}

// recovery is what a user does with a damaged cache.
func recovery(path string) string {
	return fmt.Sprintf("'wattfolio check --db %[1]s' lists the damage; to recover, run 'wattfolio salvage --from %[1]s --db NEW.db' "+
		"(a new cache with the offers, offline edits and notes that can still be read; %[1]s stays as it is), "+
		"then 'wattfolio sync --config FILE --db NEW.db', and use NEW.db from then on", path)
}

// verify runs the check v asks for (none for 0) and refuses a damaged cache.
func (s *Store) verify(ctx context.Context, q querier, v Verification) error {
	name, label := "QuickCheck", "quick_check"
	switch v {
	case 0:
		return nil
	case IntegrityCheck:
		name, label = "IntegrityCheck", "integrity_check"
	}
	problems, err := checkRows(ctx, q, name)
	if err == nil && len(problems) == 0 {
		return nil
	}
	what := fmt.Sprint(err)
	if err == nil {
		what = problems[0]
		if len(problems) > 1 {
			what += fmt.Sprintf(" (and %d more)", len(problems)-1)
		}
	}
	return fmt.Errorf("%s: %w (%s: %s): %s", s.path, ErrCorrupt, label, firstLine(what), recovery(s.path))
}

// Check opens the cache at path read-only and runs integrity_check, for
// 'wattfolio check': the problems SQLite lists, none for a sound cache. It
// works on a cache of any schema version, and on a damaged one.
func Check(ctx context.Context, path string) ([]string, error) {
	if _, err := inspect(ctx, path, Read); err != nil {
		return nil, err
	}
	conn, _, err := openRO(ctx, path, false)
	if c := sqliteCode(err); c == sqliteCorrupt || c == sqliteNotADB {
		return []string{err.Error()}, nil
	}
	if err != nil {
		return nil, describe(path, err)
	}
	defer conn.Close()
	problems, err := checkRows(ctx, conn, "IntegrityCheck")
	if c := sqliteCode(err); c == sqliteCorrupt || c == sqliteNotADB {
		return []string{err.Error()}, nil
	}
	return problems, err
}

// Describe turns the SQLite errors a user can act on into messages that
// say what is wrong with the cache at path and what to do; any other error
// is returned as it is.
func Describe(path string, err error) error { return describe(path, err) }

func describe(path string, err error) error {
	if err == nil || errors.Is(err, ErrCorrupt) || errors.Is(err, ErrReadOnly) || errors.Is(err, ErrNotCache) {
		return err
	}
	switch sqliteCode(err) {
	case sqliteCorrupt, sqliteNotADB:
		return fmt.Errorf("%s: %w (SQLite: %v): %s", path, ErrCorrupt, firstLine(err.Error()), recovery(path))
	case sqliteReadOnly:
		return fmt.Errorf("%s: %w: the file or its folder is not writable, and this needs to write: make both writable (chmod u+w), or work on a copy (SQLite: %v)", path, ErrReadOnly, err)
	case sqliteCantOpen:
		return fmt.Errorf("cannot open the cache %s: SQLite could not open or create the file or its WAL beside it (missing folder, no permission, or a full disk?): check the path and that you may write its folder (SQLite: %v)", path, err)
	case sqliteFull:
		return fmt.Errorf("the disk holding the cache %s is full: free some space and run the command again; the cache keeps what was committed before (SQLite: %v)", path, err)
	case sqliteBusy:
		return fmt.Errorf("the cache %s is busy: another program held its write lock for more than 10 s; try again when it is done (SQLite: %v)", path, err)
	}
	return err
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// fileSize is the size of the file at path, 0 when there is none.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
