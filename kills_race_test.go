//go:build race

package main

// raceBuild: under the race detector every child process starts and syncs
// several times slower, so the kill test syncs less data.
const raceBuild = true
