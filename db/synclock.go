package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// ErrSyncRunning is returned by LockSync, without waiting, when another
// sync of the cache holds the lock.
var ErrSyncRunning = errors.New("a sync of this cache is already running")

// LockSync takes the cache's sync lock, so that one sync at a time writes
// runs and checkpoints: a second one would take the first one's live run
// for a crashed one, mark it interrupted and resume from its checkpoint.
// The lock is an OS file lock on PATH.sync-lock, which the OS releases
// however the holder ends (kill, crash, power cut), so it never goes stale.
// Who holds it is written beside it, in PATH.sync-holder: on Windows the
// lock (LockFileEx) is mandatory, so the locked file cannot be written
// through a second handle, even by the holder, nor read by the others.
// With wait, LockSync calls waiting once with who holds the lock and waits
// until it is free or ctx ends; without, it fails with ErrSyncRunning.
// unlock releases the lock.
func (s *Store) LockSync(ctx context.Context, wait bool, waiting func(holder string)) (unlock func(), err error) {
	if err := s.writable(); err != nil {
		return nil, err
	}
	path := s.path + ".sync-lock"
	fl := flock.New(path, flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("sync lock %s: %w", path, err)
	}
	if !ok {
		holder := s.lockHolder()
		if !wait {
			return nil, fmt.Errorf("%w (%s): try again when it has finished", ErrSyncRunning, holder)
		}
		if waiting != nil {
			waiting(holder)
		}
		if ok, err = fl.TryLockContext(ctx, 200*time.Millisecond); !ok {
			return nil, fmt.Errorf("waiting for the sync of %s that is running (%s): %w", s.path, holder, errors.Join(err, ctx.Err()))
		}
	}
	// Who holds it, for the message of the one that has to wait.
	who := fmt.Sprintf("pid %d, started %s", os.Getpid(), s.now().UTC().Format("2006-01-02 15:04:05 UTC"))
	if err := os.WriteFile(s.path+".sync-holder", []byte(who+"\n"), 0o600); err != nil {
		fl.Unlock()
		return nil, fmt.Errorf("sync lock %s: %w", path, err)
	}
	return func() { fl.Unlock() }, nil
}

// lockHolder says who holds the sync lock, as far as the holder's file
// tells.
func (s *Store) lockHolder() string {
	b, err := os.ReadFile(s.path + ".sync-holder")
	if who := strings.TrimSpace(string(b)); err == nil && who != "" {
		return who
	}
	return "in another process"
}

// SyncRunning reports whether a sync of the cache holds the sync lock, and
// who, as far as its file tells.
func (s *Store) SyncRunning() (holder string, running bool) {
	path := s.path + ".sync-lock"
	if s.readOnly {
		return "", false
	}
	fl := flock.New(path, flock.SetPermissions(0o600))
	ok, err := fl.TryLock()
	if err != nil || ok {
		fl.Unlock()
		return "", false
	}
	return s.lockHolder(), true
}
