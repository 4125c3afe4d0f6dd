package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db"
	"wattfolio/internal/loopback"
	"wattfolio/sync/vendors/podero/poderosim"
)

// When a kill lands, relative to the write-back request it is planned on.
const (
	killOnArrival   = iota // before the simulator reads the request
	killBeforeReply        // the simulator applied it (a PUT: the contract changed) but answered nothing
	killAfterReply         // the answer went out; the child is reading it or recording it
)

var killMoments = []string{"on arrival", "applied, before the answer", "after the answer"}

// killPlan says which single-contract request of a run to kill the child at.
type killPlan struct {
	method string // GET or PUT
	nth    int    // 1-based, counted per method within the run
	moment int
}

// fieldWrite is one effective change of an editable field at the simulator,
// by a PUT or by the test's upstream knob.
type fieldWrite struct {
	round           int
	contract, field string
	from, to        string
	byPut           bool
}

// crashVendor serves the Podero simulator and watches the write-back: it
// logs every effective field change a PUT makes, counts the requests of the
// running child and SIGKILLs it where the plan says. The test goroutine and
// the handlers share it under mu.
type crashVendor struct {
	sim *poderosim.Server
	rng *rand.Rand // only used under mu

	mu        sync.Mutex
	round     int
	child     *os.Process
	exited    chan struct{}
	plan      *killPlan
	counts    map[string]int
	killed    bool
	clean     bool     // no kill planned in this run nor left over from the last
	putsInRun []string // contracts a PUT of this run was applied to
	// foldedInRun lists contracts edited again while their PUT was on the
	// wire: their changes stay pending by design.
	foldedInRun []string
	writes      []fieldWrite
	identical   int // PUTs that changed nothing: a repeat, or values the vendor held
	// foldDuringSend, when set, is called (without mu) after a PUT was
	// applied and before it is answered, when the run is not killed there;
	// armed says whether a kill may still come before the PUT's record.
	foldDuringSend func(contract string, armed bool)
	foldChance     int // percent
}

func (v *crashVendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, id, single := strings.Cut(r.URL.Path, "/energy-contracts/")
	id = strings.Trim(id, "/")
	if !single || id == "" {
		v.sim.ServeHTTP(w, r)
		return
	}
	v.mu.Lock()
	v.counts[r.Method]++
	moment := -1
	if p := v.plan; p != nil && !v.killed && p.method == r.Method && p.nth == v.counts[r.Method] {
		moment = p.moment
	}
	fold := r.Method == http.MethodPut && moment < 0 && v.foldDuringSend != nil && v.rng.IntN(100) < v.foldChance
	armed := !v.clean
	v.mu.Unlock()

	if moment == killOnArrival {
		v.kill()
		return
	}
	before := vendorValues(v.sim, id)
	rec := httptest.NewRecorder()
	v.sim.ServeHTTP(rec, r)
	if r.Method == http.MethodPut && rec.Code == http.StatusOK {
		v.logPut(id, before, vendorValues(v.sim, id))
	}
	if moment == killBeforeReply {
		v.kill()
		return
	}
	if fold {
		v.foldDuringSend(id, armed)
		v.mu.Lock()
		v.foldedInRun = append(v.foldedInRun, id)
		v.mu.Unlock()
	}
	maps.Copy(w.Header(), rec.Header())
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
	if moment == killAfterReply {
		w.(http.Flusher).Flush()
		v.mu.Lock()
		pause := time.Duration(v.rng.IntN(3000)) * time.Microsecond
		v.mu.Unlock()
		// Not a timed assertion: the pause only spreads the kills over the
		// child's handling of the answer (mapping it, MarkSent's transaction).
		time.Sleep(pause)
		v.kill()
	}
}

func (v *crashVendor) logPut(id string, before, after map[string]string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.putsInRun = append(v.putsInRun, id)
	changed := false
	for _, f := range outbox.PoderoFields {
		if before[f] != after[f] {
			changed = true
			v.writes = append(v.writes, fieldWrite{round: v.round, contract: id, field: f, from: before[f], to: after[f], byPut: true})
		}
	}
	if !changed {
		v.identical++
	}
}

// kill SIGKILLs the running child and returns once it is gone, so that
// nothing the handler does afterwards can reach it.
func (v *crashVendor) kill() {
	v.mu.Lock()
	v.killed = true
	p, done := v.child, v.exited
	v.mu.Unlock()
	_ = p.Signal(syscall.SIGKILL)
	<-done
}

// setSupplier changes a supplier behind Wattfolio's back, logged like a PUT.
func (v *crashVendor) setSupplier(contract, supplier string) {
	before := vendorValues(v.sim, contract)
	if !v.sim.SetSupplier(v.sim.UserOf(contract), contract, supplier) {
		panic("no contract " + contract)
	}
	v.mu.Lock()
	v.writes = append(v.writes, fieldWrite{round: v.round, contract: contract, field: outbox.FieldSupplier, from: before[outbox.FieldSupplier], to: supplier})
	v.mu.Unlock()
}

func vendorValues(sim *poderosim.Server, id string) map[string]string {
	raw, ok := sim.Contract(id)
	if !ok {
		return nil
	}
	vals, err := outbox.PoderoValues(raw)
	if err != nil {
		panic(fmt.Sprintf("simulator contract %s: %v", id, err))
	}
	return vals
}

// crashRound is one batch of edits, sent through as many kills as it takes.
type crashRound struct {
	n       int
	want    map[string]map[string]string // contract → field → wanted value (every edit, folds included)
	changed map[string]bool              // contracts with a change queued (an edit of values the cache holds queues none)
	// takenBack counts the values set back to the round's start while their
	// PUT was on the wire: each may take one more PUT (there and back).
	takenBack map[writeKey]int
	upstream  map[string]map[string]string // contract → field → value the vendor set meanwhile
	conflict  map[string]map[string]string // the part of upstream an unsent edit wanted too
	start     map[string]map[string]string // the vendor's values when the round began
}

// TestWritebackSurvivesKills SIGKILLs `wattfolio sync` at random moments of
// the write-back of offline edits, again and again, with the vendor changing
// contracts and the user folding in edits between and during the runs. No
// edit may be lost, none applied twice, no vendor change overwritten, and the
// outbox, the cache and the vendor must agree in the end.
// WATTFOLIO_CRASH_SEED=N replays a run.
func TestWritebackSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	const minKills = 20
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("WATTFOLIO_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("WATTFOLIO_CRASH_SEED=%q: %v", s, err)
		}
	}
	t.Logf("seed %d (replay with WATTFOLIO_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 11))

	sim := poderosim.New(poderosim.Options{Seed: seed, Users: 14})
	v := &crashVendor{sim: sim, rng: rand.New(rand.NewPCG(seed, 12)), counts: map[string]int{}, foldChance: 15}
	base := loopback.Serve(t, "/podero", v)
	dir := t.TempDir()
	config, dbPath := filepath.Join(dir, "sources.toml"), filepath.Join(dir, "cache.db")
	if err := os.WriteFile(config, []byte(sim.SourceTOML("pod", base, "CRASH_PODERO_ID", "CRASH_PODERO_SECRET")), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CRASH_PODERO_ID", "crash-test")
	t.Setenv("CRASH_PODERO_SECRET", "crash-secret")
	if code, _, stderr := runCLI(t, "sync", "--config", config, "--db", dbPath); code != 0 {
		t.Fatalf("first sync: exit %d: %s", code, stderr)
	}
	contracts := sim.ContractIDs()

	// One store serves the test's edits and reads: opening one prepares
	// every query, which costs about a second under the race detector.
	store, err := db.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var round *crashRound
	// edit queues an edit as 'wattfolio edit' does.
	edit := func(contract string, fields map[string]string) {
		canon := map[string]string{}
		for f, val := range fields {
			if err := outbox.Validate(f, val); err != nil {
				t.Errorf("edit %s: %v", contract, err)
				return
			}
			canon[f] = outbox.Canonical(f, val)
		}
		id, err := store.Edit(context.Background(), "pod", contract, canon)
		if err != nil {
			t.Errorf("edit %s %v: %v", contract, fields, err)
			return
		}
		if id != "" {
			round.changed[contract] = true
		}
		if round.want[contract] == nil {
			round.want[contract] = map[string]string{}
		}
		maps.Copy(round.want[contract], canon)
	}
	// The test goroutine holds roundMu but while a child runs: then a
	// handler may fold an edit in.
	var roundMu sync.Mutex
	roundMu.Lock() // and never unlocks it when the test ends
	foldsInSend, takenBack := 0, 0
	v.foldDuringSend = func(contract string, armed bool) {
		roundMu.Lock()
		defer roundMu.Unlock()
		// A value set back while this PUT is on the wire, even when a kill
		// comes before its record: the in-flight values keep it (see takeBack).
		if f, val, ok := takeBack(t, rng, store, round, contract); ok && rng.IntN(2) == 0 {
			edit(contract, map[string]string{f: val})
			round.takenBack[writeKey{round.n, contract, f}]++
			takenBack++
			return
		}
		if f, val, ok := newField(rng, round, contract); ok {
			edit(contract, map[string]string{f: val})
			foldsInSend++
		}
	}

	kills, between, runs := 0, 0, 0
	allTakenBack := map[writeKey]int{}
	var conflicts, merges, folds int
	start := time.Now()
	for kills < minKills || conflicts == 0 || merges == 0 {
		round = &crashRound{n: round.next(), want: map[string]map[string]string{}, changed: map[string]bool{}, takenBack: map[writeKey]int{}, upstream: map[string]map[string]string{}, conflict: map[string]map[string]string{}, start: map[string]map[string]string{}}
		for _, c := range contracts {
			round.start[c] = vendorValues(sim, c)
		}
		v.mu.Lock()
		v.round = round.n
		v.mu.Unlock()
		picked := slices.Clone(contracts)
		rng.Shuffle(len(picked), func(i, j int) { picked[i], picked[j] = picked[j], picked[i] })
		for _, c := range picked[:min(len(picked), 12+rng.IntN(5))] {
			fields := editFields(rng, round.n, c)
			// Some contracts are edited twice before a sync: the edits fold.
			keys := slices.Sorted(maps.Keys(fields))
			cut := rng.IntN(len(keys)) + 1
			edit(c, pickFields(fields, keys[:cut]))
			if cut < len(keys) {
				edit(c, pickFields(fields, keys[cut:]))
			}
		}
		upstreamDone, lastKilled := false, false
		for i := 0; ; i++ {
			pending := pendingChanges(t, store)
			if len(pending) == 0 {
				break
			}
			if runs++; runs > 400 {
				t.Fatalf("%d runs and still %d changes pending", runs, len(pending))
			}
			// Between runs: the vendor changes a contract that has an edit
			// pending (a conflict when the edit touches the same field, a
			// merge otherwise), and the user edits a contract again.
			// Once a round, after its first run: odd rounds change a field
			// an edit wants too, even rounds one it leaves alone.
			if !upstreamDone && i > 0 {
				upstreamDone = true
				ch := pending[rng.IntN(len(pending))]
				for _, p := range pending {
					if _, unsent := p.New[outbox.FieldSupplier]; unsent == (round.n%2 == 1) {
						ch = p
						break
					}
				}
				c := ch.ContractID
				val := fmt.Sprintf("Upstream r%d %s", round.n, c[:8])
				v.setSupplier(c, val)
				round.upstream[c] = map[string]string{outbox.FieldSupplier: val}
				// A conflict when the supplier is still to be sent (or was
				// sent, but the kill came before its record); once recorded
				// as sent the vendor's later change is simply theirs.
				if _, unsent := ch.New[outbox.FieldSupplier]; unsent {
					round.conflict[c] = map[string]string{outbox.FieldSupplier: val}
					conflicts++
				} else {
					merges++
				}
			}
			if rng.IntN(4) == 0 {
				c := pending[rng.IntN(len(pending))].ContractID
				if f, val, ok := newField(rng, round, c); ok {
					edit(c, map[string]string{f: val})
					folds++
				}
			}

			plan := killPlan{method: http.MethodPut, nth: 1 + rng.IntN(len(pending)), moment: rng.IntN(3)}
			switch rng.IntN(6) {
			case 0, 1:
				plan.method = http.MethodGet
			case 2:
				plan.nth = 0 // a run left alone, where a value can be set back during a send
			}
			roundMu.Unlock()
			killed, out := runSyncChild(t, v, config, dbPath, plan)
			roundMu.Lock()
			if lastKilled = killed; !killed {
				continue
			}
			kills++
			if check := integrityCheck(t, dbPath); check != "ok" {
				t.Fatalf("kill %d (%s %d, %s): integrity_check = %q\n%s", kills, plan.method, plan.nth, killMoments[plan.moment], check, out)
			}
			checkSentInCache(t, store, fmt.Sprintf("after kill %d (%s %d, %s)", kills, plan.method, plan.nth, killMoments[plan.moment]))
			// A PUT the vendor applied whose change is still pending: the
			// kill fell between the write and its record.
			v.mu.Lock()
			puts, folded := slices.Clone(v.putsInRun), slices.Clone(v.foldedInRun)
			v.mu.Unlock()
			still := map[string]bool{}
			for _, ch := range pendingChanges(t, store) {
				still[ch.ContractID] = !slices.Contains(folded, ch.ContractID)
			}
			if slices.ContainsFunc(puts, func(c string) bool { return still[c] }) {
				between++
			}
		}
		if lastKilled {
			// The vendor's answers are read by a sync that runs to the end.
			roundMu.Unlock()
			runSyncChild(t, v, config, dbPath, killPlan{})
			roundMu.Lock()
		}
		checkRound(t, v, store, round)
		maps.Copy(allTakenBack, round.takenBack)
		if t.Failed() {
			t.FailNow()
		}
	}
	// A last sync runs to completion: nothing left to send, exit 3 only for the kept conflicts.
	code, stdout, stderr := runCLI(t, "sync", "--config", config, "--db", dbPath)
	if code != 0 && code != 3 || strings.Contains(stdout, "sent ") {
		t.Errorf("last sync: exit %d\n%s%s", code, stdout, stderr)
	}
	checkCacheMatchesVendor(t, sim, store)
	checkWrites(t, v, allTakenBack)
	v.mu.Lock()
	defer v.mu.Unlock()
	t.Logf("%d rounds, %d runs, %d kills, %d of them between a PUT the vendor applied and its record; "+
		"%d upstream changes of an edited field (conflicts), %d of another (merges); %d edits folded in between runs, %d while a PUT was on the wire, %d values set back while sent; "+
		"%d field writes, %d PUTs that changed nothing; %s",
		round.n, runs, kills, between, conflicts, merges, folds, foldsInSend, takenBack, len(v.writes), v.identical, time.Since(start).Round(time.Millisecond))
	if between == 0 {
		t.Error("no kill landed between a PUT and its record")
	}
}

func (r *crashRound) next() int {
	if r == nil {
		return 1
	}
	return r.n + 1
}

// editFields draws two to four fields with values unique to the round and contract.
func editFields(rng *rand.Rand, round int, contract string) map[string]string {
	out := map[string]string{}
	for len(out) < 2+rng.IntN(3) {
		f, val := fieldValue(rng, round, contract, outbox.PoderoFields[rng.IntN(len(outbox.PoderoFields))])
		out[f] = val
	}
	return out
}

// newField draws a field the round's change of contract does not edit yet
// (never the supplier, so a fold does not make a conflict of its own).
func newField(rng *rand.Rand, round *crashRound, contract string) (string, string, bool) {
	var free []string
	for _, f := range outbox.PoderoFields {
		if _, ok := round.want[contract][f]; !ok && f != outbox.FieldSupplier && round.want[contract] != nil {
			free = append(free, f)
		}
	}
	if len(free) == 0 {
		return "", "", false
	}
	f, val := fieldValue(rng, round.n, contract, free[rng.IntN(len(free))])
	return f, val, true
}

// takeBack draws a field of contract's pending change to set back to its
// value when the round began, while the change has another field (a change
// left with none is dropped, which a send in flight cannot record).
//
// When the PUT that carried the value reached the vendor but its record
// did not (a kill, or a timeout after the vendor applied it), the outbox's
// values in flight remember it went out, so the set-back value is kept and
// sent.
func takeBack(t *testing.T, rng *rand.Rand, store *db.Store, round *crashRound, contract string) (string, string, bool) {
	ch, err := store.ChangeOf(context.Background(), "pod", contract)
	if err != nil {
		t.Error(err)
		return "", "", false
	}
	if ch == nil || ch.State != outbox.Pending || len(ch.New) < 2 {
		return "", "", false
	}
	f := ch.Fields()[rng.IntN(len(ch.New))]
	val := round.start[contract][f]
	if outbox.Validate(f, val) != nil { // a null the command line cannot type
		return "", "", false
	}
	return f, val, true
}

func fieldValue(rng *rand.Rand, round int, contract, f string) (string, string) {
	tag := contract[:6]
	switch f {
	case outbox.FieldContractType:
		// Not spot_hourly: with prices it needs a currency, which not
		// every simulated contract has.
		return f, []string{"monthly", "yearly", ""}[rng.IntN(3)]
	case outbox.FieldMeterID:
		return f, fmt.Sprintf("CR%02d%s", round, strings.ToUpper(tag))
	case outbox.FieldSupplier:
		return f, fmt.Sprintf("Crash r%d %s", round, tag)
	case outbox.FieldCurrency:
		return f, []string{"EUR", "CHF", "usd"}[rng.IntN(3)]
	case outbox.FieldIncludes:
		return f, strconv.FormatBool(rng.IntN(2) == 0)
	case outbox.FieldBuilding:
		return f, fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()>>16)
	default: // energy prices, in any order, from a month in Germany's winter time
		n := 1 + rng.IntN(3)
		items := make([]string, n)
		for i := range n {
			items[i] = fmt.Sprintf(`{"price": 0.%02d%s%d, "timestamp": "2026-%02d-01T00:00:00+01:00"}`, round, strconv.Itoa(rng.IntN(900)+100), i+1, i+1)
		}
		rng.Shuffle(n, func(i, j int) { items[i], items[j] = items[j], items[i] })
		return outbox.FieldPrices, "[" + strings.Join(items, ",") + "]"
	}
}

func pickFields(m map[string]string, keys []string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

// runSyncChild runs `wattfolio sync` in a child process with the kill plan
// armed; it reports whether the plan killed it.
func runSyncChild(t *testing.T, v *crashVendor, config, dbPath string, plan killPlan) (killed bool, output string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WATTFOLIO_TEST_ARGS="+strings.Join([]string{"sync", "--config", config, "--db", dbPath}, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	exited := make(chan struct{})
	v.mu.Lock()
	// A request a killed child wrote may still be served after its death,
	// in the next run: only a run after one that ended by itself is clean.
	v.clean = plan.nth == 0 && !v.killed
	v.plan, v.killed, v.putsInRun, v.foldedInRun = &plan, false, nil, nil
	clear(v.counts)
	if err := cmd.Start(); err != nil {
		v.mu.Unlock()
		t.Fatal(err)
	}
	v.child, v.exited = cmd.Process, exited
	v.mu.Unlock()
	err := cmd.Wait()
	close(exited)
	v.mu.Lock()
	killed, v.plan = v.killed, nil
	v.mu.Unlock()
	if !killed {
		// A run that was not killed completes: 0, or 3 for a conflict.
		if code := cmd.ProcessState.ExitCode(); code != 0 && code != 3 {
			t.Fatalf("sync: %v\n%s", err, out.String())
		}
	}
	return killed, out.String()
}

func integrityCheck(t *testing.T, path string) string {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil {
		return err.Error()
	}
	return check
}

func outboxOf(t *testing.T, store *db.Store) []outbox.Change {
	t.Helper()
	cs, err := store.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func pendingChanges(t *testing.T, store *db.Store) []outbox.Change {
	t.Helper()
	var out []outbox.Change
	for _, c := range outboxOf(t, store) {
		if c.State == outbox.Pending {
			out = append(out, c)
		}
	}
	return out
}

// cachedValues maps each cached Podero contract to its editable values and raw JSON.
func cachedValues(t *testing.T, store *db.Store) (map[string]map[string]string, map[string][]byte) {
	t.Helper()
	vals, raws := map[string]map[string]string{}, map[string][]byte{}
	err := store.EachContract(context.Background(), app.ContractFilter{Source: "pod"}, func(c app.Contract) error {
		v, err := outbox.PoderoValues(c.Raw)
		vals[c.ExternalID], raws[c.ExternalID] = v, c.Raw
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return vals, raws
}

// checkSentInCache: a change marked sent and the cached contract are
// written in one transaction, so whenever a kill lands the cache holds what
// every sent change wanted.
func checkSentInCache(t *testing.T, store *db.Store, when string) {
	t.Helper()
	cache, _ := cachedValues(t, store)
	for _, ch := range outboxOf(t, store) {
		if ch.State != outbox.Sent {
			continue
		}
		for f, val := range ch.New {
			if cache[ch.ContractID][f] != val {
				t.Errorf("%s: change %s of %s is sent, but the cache holds %s %q, not %q", when, ch.ID, ch.ContractID, f, cache[ch.ContractID][f], val)
			}
		}
	}
}

// checkRound holds a settled round to its edits: each contract's change
// carries every edit, is sent (or, where the vendor changed an edited field,
// in conflict), and the vendor and the cache hold what the outbox says.
func checkRound(t *testing.T, v *crashVendor, store *db.Store, r *crashRound) {
	t.Helper()
	byContract := map[string]outbox.Change{}
	for _, c := range outboxOf(t, store) {
		byContract[c.ContractID] = c
	}
	cache, _ := cachedValues(t, store)
	for c, want := range r.want {
		vendor := vendorValues(v.sim, c)
		ch, ok := byContract[c]
		if !r.changed[c] {
			// Every value edited was the cache's already: nothing to send.
			for f, val := range want {
				if r.start[c][f] != val || vendor[f] != val {
					t.Errorf("round %d: %s %s: edited to %q, no change queued, vendor %q", r.n, c, f, val, vendor[f])
				}
			}
			continue
		}
		if !ok {
			t.Errorf("round %d: contract %s: its change is gone from the outbox", r.n, c)
			continue
		}
		// The change holds edited values only; a value equal to the one it
		// began from (or, once sent, to the vendor's) leaves it.
		for f, val := range ch.New {
			if want[f] != val {
				t.Errorf("round %d: change %s of %s holds %s %q, the edits were %v", r.n, ch.ID, c, f, val, want)
			}
		}
		conflict := r.conflict[c]
		switch {
		case len(conflict) > 0:
			if ch.State != outbox.Conflict || !maps.Equal(ch.Theirs, conflict) {
				t.Errorf("round %d: change %s of %s: %s, theirs %v; want a conflict with %v", r.n, ch.ID, c, ch.State, ch.Theirs, conflict)
			}
			for f, val := range conflict {
				if vendor[f] != val || cache[c][f] != val {
					t.Errorf("round %d: %s %s: vendor %q, cache %q; the vendor's %q must stay", r.n, c, f, vendor[f], cache[c][f], val)
				}
			}
		case ch.State != outbox.Sent:
			t.Errorf("round %d: change %s of %s is %s (%s), want sent", r.n, ch.ID, c, ch.State, ch.Message)
		default:
			for f, val := range want {
				if _, theirs := r.upstream[c][f]; theirs {
					continue // sent before the vendor changed it: checked below
				}
				if vendor[f] != val || cache[c][f] != val {
					t.Errorf("round %d: sent change %s of %s: %s: vendor %q, cache %q, want %q", r.n, ch.ID, c, f, vendor[f], cache[c][f], val)
				}
			}
			for f, val := range r.upstream[c] {
				if vendor[f] != val {
					t.Errorf("round %d: %s %s: the vendor's %q was overwritten with %q", r.n, c, f, val, vendor[f])
				}
			}
		}
		// Each wanted value the vendor did not hold went out in exactly one
		// effective write; none when it did.
		v.mu.Lock()
		for f, val := range want {
			n := 0
			for _, w := range v.writes {
				if w.round == r.n && w.byPut && w.contract == c && w.field == f {
					n++
				}
			}
			wantN := 0
			if ch.State == outbox.Sent && r.start[c][f] != val {
				wantN = 1
			}
			extra := r.takenBack[writeKey{r.n, c, f}]
			if extra > 0 {
				wantN = min(n, 1+extra) // there and back, when the first write went out
			}
			if n != wantN && !(ch.State == outbox.Conflict && n <= 1+extra) {
				t.Errorf("round %d: %s %s changed by %d PUTs, want %d", r.n, c, f, n, wantN)
			}
		}
		v.mu.Unlock()
	}
	checkCacheMatchesVendor(t, v.sim, store)
}

// checkCacheMatchesVendor compares every cached contract with the simulator's, byte for byte.
func checkCacheMatchesVendor(t *testing.T, sim *poderosim.Server, store *db.Store) {
	t.Helper()
	_, raws := cachedValues(t, store)
	for _, id := range sim.ContractIDs() {
		want, _ := sim.Contract(id)
		if !bytes.Equal(raws[id], want) {
			t.Errorf("contract %s: cache\n%s\nvendor\n%s", id, raws[id], want)
		}
	}
	if len(raws) != len(sim.ContractIDs()) {
		t.Errorf("%d contracts cached, the vendor has %d", len(raws), len(sim.ContractIDs()))
	}
}

// checkWrites: no PUT changed a field twice in a round, and none wrote over
// a value the vendor set after the round's edits began.
type writeKey struct {
	round           int
	contract, field string
}

func checkWrites(t *testing.T, v *crashVendor, takenBack map[writeKey]int) {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	puts, upstream := map[writeKey]int{}, map[writeKey]bool{}
	for _, w := range v.writes {
		k := writeKey{w.round, w.contract, w.field}
		if !w.byPut {
			upstream[k] = true
			continue
		}
		if puts[k]++; puts[k] > 1+takenBack[k] {
			t.Errorf("round %d: %s %s changed by a second PUT (%q → %q)", w.round, w.contract, w.field, w.from, w.to)
		}
		if upstream[k] {
			t.Errorf("round %d: %s %s: a PUT wrote %q over the vendor's %q", w.round, w.contract, w.field, w.to, w.from)
		}
	}
}
