package pgstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"wattfolio/db"
	"wattfolio/db/internal/pgq"
)

// ErrSyncRunning is LockSync's error, without waiting, when another sync
// of the book holds its lock. It is also db.ErrSyncRunning (errors.Is), so
// what handles a busy cache (the exit code, the desktop's "Sync now")
// handles a busy book alike, while the message names the book.
var ErrSyncRunning error = bookBusy{}

type bookBusy struct{}

func (bookBusy) Error() string        { return "a sync of this book is already running" }
func (bookBusy) Is(target error) bool { return target == db.ErrSyncRunning }

// heldBy is "held by " and the holder, as SyncHolder says it.
func heldBy(holder string) string {
	if strings.HasPrefix(holder, "held by ") {
		return holder
	}
	return "held by " + holder
}

// syncLockNS is the first key of the book's sync lock, the second the hash
// of the book's schema: two books in one database do not block each other.
const syncLockNS = 0x5746 // "WF"

// LockSync takes the book's sync lock, so that one sync at a time writes
// runs and checkpoints (a second one would take the first one's live run
// for a crashed one). It is a PostgreSQL session advisory lock held on a
// connection of its own, which the server releases however the holder
// ends: its connection closes with the process. With wait, LockSync calls
// waiting once with who holds the lock (SyncHolder) and waits until the
// lock is free or ctx ends; without, it fails with ErrSyncRunning (which
// is db.ErrSyncRunning too), naming the holder. unlock releases the lock.
func (s *Store) LockSync(ctx context.Context, wait bool, waiting func(holder string)) (unlock func(), err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("book: sync lock: %w", err)
	}
	q := pgq.New(conn)
	for holder := ""; ; {
		ok, err := q.TrySyncLock(ctx, syncLockNS)
		if err != nil {
			conn.Release()
			return nil, fmt.Errorf("book: sync lock: %w", err)
		}
		if ok {
			break
		}
		if holder == "" {
			holder = s.SyncHolder(ctx)
			if !wait {
				conn.Release()
				return nil, fmt.Errorf("%w (%s): try again when it has finished", ErrSyncRunning, heldBy(holder))
			}
			if waiting != nil {
				waiting(holder)
			}
		}
		select {
		case <-ctx.Done():
			conn.Release()
			return nil, fmt.Errorf("waiting for the sync of the book that is running (%s): %w", holder, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
	return func() {
		// A lock that cannot be released is released with its connection.
		if _, err := q.SyncUnlock(context.Background(), syncLockNS); err != nil {
			conn.Conn().Close(context.Background())
		}
		conn.Release()
	}, nil
}

// SyncHolder says who holds the book's sync lock, as PostgreSQL tells
// (pg_locks with pg_stat_activity): the holder's application_name, its
// client address and since when it holds the lock, e.g. `"wattfolio pid
// 4242 on sync-1" from 10.0.0.7, since 2026-12-03 13:00:05 UTC`. A role
// that may not see the holder's session learns less: "held by another
// connection" at the least.
func (s *Store) SyncHolder(ctx context.Context) string {
	rows, err := s.q.SyncLockHolder(ctx, syncLockNS)
	if err != nil || len(rows) == 0 {
		return "held by another connection"
	}
	r := rows[0]
	var parts []string
	switch {
	case r.ApplicationName != "":
		parts = append(parts, fmt.Sprintf("%q", r.ApplicationName))
	case r.Pid != nil:
		parts = append(parts, fmt.Sprintf("server process %d", *r.Pid))
	default:
		parts = append(parts, "another connection")
	}
	// Without the right to see the holder's session, its address and
	// times are NULL: say nothing of them rather than guess.
	if r.Since.Valid {
		if r.ClientAddr != "" {
			parts[0] += " from " + r.ClientAddr
		} else {
			parts[0] += " over a local socket"
		}
		parts = append(parts, "since "+r.Since.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	return strings.Join(parts, ", ")
}
