package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version and commit are set at build time by the Makefile (make release
// VERSION=x.y.z, or the git tag / VERSION file): -ldflags "-X
// main.version=... -X main.commit=...". They are never edited here, so a
// binary built without them says "dev" and whatever commit Go recorded.
var (
	version = "dev"
	commit  = ""
)

// buildCommit is the commit the binary was built from: the one the Makefile
// stamped, else the one go build records from the checkout (with "-dirty"
// for uncommitted changes), else "unknown" (e.g. a build outside git).
func buildCommit() string {
	if commit != "" {
		return commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return "unknown"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return rev + dirty
}

// versionLine is what `wattfolio version` and `--version` print: enough for
// a bug report to name the build and the cache it can open.
func versionLine() string {
	return fmt.Sprintf("wattfolio %s (commit %s, cache schema %d, %s/%s)\n",
		version, buildCommit(), cacheSchema(), runtime.GOOS, runtime.GOARCH)
}

func cmdVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprint(stdout, versionLine())
	return nil
}
