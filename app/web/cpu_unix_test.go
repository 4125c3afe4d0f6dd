//go:build unix

package web

import (
	"syscall"
	"time"
)

// cpuTime is the process's CPU time so far: on a shared machine it varies
// far less with the other load than the wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
