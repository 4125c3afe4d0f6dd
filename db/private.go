package db

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
)

// The cache holds customers' contracts and personal data, so only its owner
// may read it. SQLite gives the -wal, -shm and -journal files the mode of the
// database file, so creating that file 0600 is enough for all of them.

// createPrivate creates the cache file at path, empty and readable by its
// owner only, unless it exists.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create cache %s: %w", path, err)
	}
	return f.Close()
}

// reportShared warns, once per opening, when other users of this machine
// may read the cache at path (a cache made before Wattfolio created them
// private, or copied with other permissions). It changes nothing: the user
// may have shared it on purpose. On the command line the default logger
// writes the warning to stderr.
func reportShared(path string) {
	// On Windows Go's mode bits only mirror the read-only attribute (always
	// 0666 or 0444): who may read the file is up to its ACL, which the
	// per-user profile folders the cache lives in keep private already.
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	slog.Warn("other users of this computer can read the cache, which holds customers' personal data: "+
		"run chmod 600 on it and on its -wal and -shm files",
		"cache", path, "mode", fmt.Sprintf("%04o", fi.Mode().Perm()))
}
