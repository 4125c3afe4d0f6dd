package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"wattfolio/sync/simulate"
	"wattfolio/sync/vendors/enneo/enneosim"
)

func cmdSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sim", "sim [--addr 127.0.0.1:8091] [--seed N] [--contracts N] [--write-config FILE]", stderr)
	addr := fs.String("addr", "127.0.0.1:8091", "loopback address to listen on (port 0 picks a free one)")
	seed := fs.Uint64("seed", 1, "seed of the simulated data: the same seed gives the same contracts")
	n := fs.Int("contracts", 300, "number of simulated enneo contracts")
	delay := fs.Duration("delay", 0, "answer every request after this delay (e.g. 50ms), to watch a slow sync")
	writeConfig := fs.String("write-config", "", "write a sources file for the simulated vendors to FILE")
	if err := parse(fs, args); err != nil {
		return err
	}
	up := simulate.New(simulate.Options{Seed: *seed, EnneoContracts: *n})
	if *delay > 0 {
		up.Enneo.SetFaults(enneosim.Faults{Delay: *delay})
	}
	ln, err := simulate.Listen(*addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	if *writeConfig != "" {
		if err := os.WriteFile(*writeConfig, []byte(up.SourcesTOML(base)), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *writeConfig)
	}
	fmt.Fprintf(stdout, "simulated enneo: %s%s (%d contracts, seed %d)\n", base, simulate.EnneoPrefix, *n, *seed)
	env := up.Env()
	for _, k := range slices.Sorted(maps.Keys(env)) {
		fmt.Fprintf(stdout, "credentials: export %s=%s\n", k, env[k])
	}
	fmt.Fprintf(stdout, "faults: POST %s%s/_sim/faults {\"Status\":503,\"Delay\":\"2s\",\"CutBody\":true,\"EveryNth\":3}\n", base, simulate.EnneoPrefix)
	if ids := up.Podero.ContractIDs(); len(ids) > 0 {
		fmt.Fprintf(stdout, "Podero contract deleted upstream (and back): POST %s%s/_sim/contracts/%s/remove (/restore)\n", base, simulate.PoderoPrefix, ids[0])
	}
	fmt.Fprintln(stdout, strings.Repeat("-", 20)+" Ctrl-C stops it")
	return serve(ctx, ln, up, io.Discard, "")
}
