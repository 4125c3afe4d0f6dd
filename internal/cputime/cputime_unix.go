//go:build unix

// Package cputime reads the process's CPU time, for benchmarks: on a
// shared machine it varies far less with the other load than the wall
// time does.
package cputime

import (
	"syscall"
	"time"
)

// Process is the CPU time, user and system, the process has used so far.
func Process() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
