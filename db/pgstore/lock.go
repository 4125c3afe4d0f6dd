package pgstore

import (
	"context"
	"fmt"
	"time"

	"wattfolio/db"
	"wattfolio/db/internal/pgq"
)

// syncLockNS is the first key of the book's sync lock, the second the hash
// of the book's schema: two books in one database do not block each other.
const syncLockNS = 0x5746 // "WF"

// LockSync takes the book's sync lock, so that one sync at a time writes
// runs and checkpoints (a second one would take the first one's live run
// for a crashed one). It is a PostgreSQL session advisory lock held on a
// connection of its own, which the server releases however the holder
// ends: its connection closes with the process. With wait, LockSync calls
// waiting once and waits until the lock is free or ctx ends; without, it
// fails with db.ErrSyncRunning. unlock releases the lock.
func (s *Store) LockSync(ctx context.Context, wait bool, waiting func()) (unlock func(), err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("book: sync lock: %w", err)
	}
	q := pgq.New(conn)
	for told := false; ; {
		ok, err := q.TrySyncLock(ctx, syncLockNS)
		if err != nil {
			conn.Release()
			return nil, fmt.Errorf("book: sync lock: %w", err)
		}
		if ok {
			break
		}
		if !wait {
			conn.Release()
			return nil, fmt.Errorf("%w (PostgreSQL advisory lock held by another connection): try again when it has finished", db.ErrSyncRunning)
		}
		if !told && waiting != nil {
			waiting()
		}
		told = true
		select {
		case <-ctx.Done():
			conn.Release()
			return nil, fmt.Errorf("waiting for the sync of the book that is running: %w", ctx.Err())
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
