package main

import (
	"cmp"
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
	"wattfolio/internal/loopback"
	"wattfolio/sync/simulate"
	"wattfolio/sync/vendors/podero/poderosim"
)

// laptop is one analyst's cache in the two-laptop tests.
type laptop struct {
	name, db string
	source   string // the Podero source's name; "" is the simulators' demo-podero
}

func (l laptop) edit(t *testing.T, contract string, sets ...string) {
	t.Helper()
	args := []string{"edit", "--db", l.db, "--source", cmp.Or(l.source, "demo-podero"), "--contract", contract}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	if code, stdout, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("%s: edit %s %v: exit %d\n%s%s", l.name, contract, sets, code, stdout, stderr)
	}
}

func (l laptop) push(t *testing.T, book string) (int, string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "push", "--to", book, "--db", l.db, "--as", l.name)
	if code != 0 && code != exitEdits {
		t.Fatalf("%s: push: exit %d\n%s%s", l.name, code, stdout, stderr)
	}
	return code, stdout
}

// outbox is the laptop's outbox by contract, read as the analyst reads it
// (the store's list; 'wattfolio outbox' prints it).
func (l laptop) outbox(t *testing.T) map[string]outbox.Change {
	t.Helper()
	s, err := db.OpenMode(context.Background(), l.db, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, err := s.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]outbox.Change{}
	for _, c := range cs {
		out[c.ContractID] = c
	}
	return out
}

func (l laptop) outboxText(t *testing.T) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, "outbox", "--db", l.db)
	if code != 0 {
		t.Fatalf("%s: outbox: exit %d %s", l.name, code, stderr)
	}
	return stdout
}

// atVendor is a field of a contract as the simulated Podero holds it now.
func atVendor(t *testing.T, sim *poderosim.Server, contract, field string) string {
	t.Helper()
	raw, ok := sim.Contract(contract)
	if !ok {
		t.Fatalf("Podero has no contract %s", contract)
	}
	v, err := outbox.PoderoValues(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v[field]
}

func bookOutbox(t *testing.T, url string) []outbox.Change {
	t.Helper()
	s, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, err := s.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// teamSync is the server's 'wattfolio sync' of the book: it writes the
// book's outbox back, then syncs; edits in conflict make it exit 3 (5
// would be data missing, which these simulators do not cause unless told).
func teamSync(t *testing.T, f *fixture, url string) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", url)
	if code != 0 && code != exitEdits && code != exitMissing {
		t.Fatalf("team sync: exit %d\n%s%s", code, stdout, stderr)
	}
	return stdout
}

// poderoBook is a new book with Podero synced into it, and into the
// fixture's laptop cache (f.db) too, as the laptop would pull it.
func poderoBook(t *testing.T, f *fixture) string {
	t.Helper()
	url := pgtest.URL(t)
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", url, "--source", "demo-podero"); code != 0 {
		t.Fatalf("team sync: exit %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db, "--source", "demo-podero"); code != 0 {
		t.Fatalf("laptop sync: exit %d %s", code, stderr)
	}
	return url
}

func (l laptop) pull(t *testing.T, book string, customers ...string) (int, string) {
	t.Helper()
	args := []string{"pull", "--from", book, "--db", l.db}
	for _, c := range customers {
		args = append(args, "--customer", c)
	}
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 && code != exitEdits {
		t.Fatalf("%s: pull: exit %d\n%s%s", l.name, code, stdout, stderr)
	}
	return code, stdout
}

// The end-to-end test of the team's book: the simulated vendors synced
// into PostgreSQL, two analysts' laptops each pulling a slice of its
// customers (one Podero customer in both), editing offline, pushing, the
// team's sync writing the book's outbox back to Podero, and the outcomes
// coming back with the next pull. Every edit ends either sent (Podero
// holds it) or kept as a conflict the analyst sees in the laptop's outbox:
// of two edits of the same field of the same contract from the same value,
// the first pushed wins the queue and the second is a conflict naming the
// first's analyst (also when the first was sent before the second was
// pushed); an edit of a field changed at Podero meanwhile is a conflict
// with the vendor, as in a cache's own sync; a conflict resolved on the
// laptop goes out with the next team sync.
func TestTwoLaptopsPushThroughTheBook(t *testing.T) {
	f := newFixture(t, simulate.Options{PoderoUsers: 30})
	sim := f.up.Podero
	url := pgtest.URL(t)
	teamSync(t, f, url)

	// The Podero customers (users) and their contracts: one with two
	// contracts is in both slices.
	byUser := map[string][]string{}
	var users []string
	for _, id := range sim.ContractIDs() {
		u := sim.UserOf(id)
		if byUser[u] == nil {
			users = append(users, u)
		}
		byUser[u] = append(byUser[u], id)
	}
	sharedUser := ""
	for _, u := range users {
		if len(byUser[u]) >= 2 {
			sharedUser = u
			break
		}
	}
	if sharedUser == "" {
		t.Fatal("no simulated Podero user has two contracts")
	}
	var others []string
	for _, u := range users {
		if u != sharedUser {
			others = append(others, u)
		}
	}
	aliceUsers, bobUsers := []string{sharedUser, others[0], others[1]}, []string{sharedUser, others[2]}
	shared, sharedLater := byUser[sharedUser][0], byUser[sharedUser][1]
	onlyAlice, changedUpstream, onlyBob := byUser[others[0]][0], byUser[others[1]][0], byUser[others[2]][0]

	dir := t.TempDir()
	alice, bob := laptop{name: "alice", db: filepath.Join(dir, "alice.db")}, laptop{name: "bob", db: filepath.Join(dir, "bob.db")}
	slice := func(users []string) (out []string) {
		for _, u := range users {
			out = append(out, "demo-podero/"+u)
		}
		return out
	}
	alice.pull(t, url, slice(aliceUsers)...)
	bob.pull(t, url, slice(bobUsers)...)
	// Two different slices: Bob's laptop does not hold Alice's customers.
	if code, _, stderr := runCLI(t, "edit", "--db", bob.db, "--source", "demo-podero", "--contract", onlyAlice, "--set", "supplier=x"); code != exitFailed || !strings.Contains(stderr, "not in the cache") {
		t.Errorf("bob's edit of a contract outside his slice: exit %d %s", code, stderr)
	}
	base := atVendor(t, sim, shared, "supplier")

	alice.edit(t, shared, "supplier=Alpha Energie")
	alice.edit(t, onlyAlice, "meter_id=DE-ALICE-1")
	alice.edit(t, changedUpstream, "supplier=Alice Strom")
	alice.edit(t, sharedLater, "meter_id=DE-ALICE-2")
	bob.edit(t, shared, "supplier=Beta Energie") // the same field, from the same value
	bob.edit(t, onlyBob, "supplier=Bob Strom", "meter_id=DE-BOB-1")

	// Alice pushes first: her four changes wait in the book.
	code, stdout := alice.push(t, url)
	if code != 0 || strings.Count(stdout, "(in the book, waiting for the team's sync)") != 4 {
		t.Fatalf("alice's push: exit %d\n%s", code, stdout)
	}
	if text := alice.outboxText(t); strings.Count(text, "in the book, waiting for the team's sync") != 4 {
		t.Errorf("alice's outbox after her push:\n%s", text)
	}
	// Pushed again, nothing is taken twice.
	if _, stdout := alice.push(t, url); !strings.Contains(stdout, "0 changes pushed") {
		t.Errorf("alice's second push:\n%s", stdout)
	}
	// Bob's edit of the shared contract's supplier is kept as a conflict
	// naming Alice's change; his other change waits.
	code, stdout = bob.push(t, url)
	if code != exitEdits || !strings.Contains(stdout, "conflict  change") || !strings.Contains(stdout, "alice's change") {
		t.Fatalf("bob's push: exit %d, want %d with a conflict naming alice\n%s", code, exitEdits, stdout)
	}
	if c := bob.outbox(t)[shared]; c.State != outbox.Conflict || c.Theirs["supplier"] != "Alpha Energie" || !strings.Contains(c.Message, "alice") {
		t.Errorf("bob's change of the shared contract: %+v", c)
	}
	if n := len(bookOutbox(t, url)); n != 6 {
		t.Errorf("%d changes in the book, want 6 (4 of alice, 2 of bob), each once", n)
	}
	// The team sees the book's outbox, with who pushed what.
	if code, stdout, stderr := runCLI(t, "outbox", "--db", url); code != 0 || strings.Count(stdout, " alice ") != 4 || strings.Count(stdout, " bob ") != 2 ||
		!strings.Contains(stdout, "theirs \"Alpha Energie\"; alice's change") {
		t.Errorf("the book's outbox: exit %d\n%s%s", code, stdout, stderr)
	}

	// Someone changes a field at Podero that Alice edited; the team syncs.
	sim.SetSupplier(sim.UserOf(changedUpstream), changedUpstream, "Upstream GmbH")
	teamSync(t, f, url)
	for _, want := range []struct{ contract, field, value string }{
		{shared, "supplier", "Alpha Energie"},
		{sharedLater, "meter_id", "DE-ALICE-2"},
		{onlyAlice, "meter_id", "DE-ALICE-1"},
		{onlyBob, "supplier", "Bob Strom"},
		{onlyBob, "meter_id", "DE-BOB-1"},
		{changedUpstream, "supplier", "Upstream GmbH"}, // nothing written over it
	} {
		if got := atVendor(t, sim, want.contract, want.field); got != want.value {
			t.Errorf("Podero's %s of %s = %q, want %q", want.field, want.contract, got, want.value)
		}
	}

	// Bob, whose laptop has not seen Alice's change go out, edits the
	// same field from the value it had.
	bob.edit(t, sharedLater, "meter_id=DE-BOB-2")

	// The outcomes come back with the next pull, which pushes first.
	code, stdout = alice.pull(t, url)
	if code != exitEdits || strings.Count(stdout, "sent      change") != 3 || !strings.Contains(stdout, "vendor now \"Upstream GmbH\"") {
		t.Errorf("alice's pull after the team's sync: exit %d\n%s", code, stdout)
	}
	code, stdout = bob.pull(t, url)
	if code != exitEdits || strings.Count(stdout, "sent      change") != 1 || !strings.Contains(stdout, "alice's change") {
		t.Errorf("bob's pull after the team's sync: exit %d\n%s", code, stdout)
	}
	// Every edit is sent, or a conflict in its analyst's outbox.
	for _, want := range []struct {
		l               laptop
		contract, state string
	}{
		{alice, shared, outbox.Sent}, {alice, onlyAlice, outbox.Sent}, {alice, changedUpstream, outbox.Conflict},
		{alice, sharedLater, outbox.Sent},
		{bob, shared, outbox.Conflict}, {bob, onlyBob, outbox.Sent}, {bob, sharedLater, outbox.Conflict},
	} {
		if got := want.l.outbox(t)[want.contract]; got.State != want.state {
			t.Errorf("%s's change of %s is %s, want %s (%+v)", want.l.name, want.contract, got.State, want.state, got)
		}
	}
	if text := bob.outboxText(t); !strings.Contains(text, `supplier: yours "Beta Energie", was "`+base+`", theirs "Alpha Energie"`) {
		t.Errorf("bob's outbox does not show the conflict with alice's change:\n%s", text)
	}
	// The pull brought the values Podero holds now into the slices.
	if got := cachedSupplier(t, alice.db, shared); got != "Alpha Energie" {
		t.Errorf("alice's cache holds supplier %q of %s after her pull, want Alpha Energie", got, shared)
	}

	// Bob keeps his value: pushed as a new change, now from Alice's, it
	// goes out with the next team sync.
	if code, stdout, stderr := runCLI(t, "edit", "--db", bob.db, "--resolve", bob.outbox(t)[shared].ID, "--keep-mine"); code != 0 {
		t.Fatalf("bob's resolve: exit %d %s%s", code, stdout, stderr)
	}
	if code, stdout := bob.push(t, url); code != 0 || !strings.Contains(stdout, "1 change pushed") {
		t.Fatalf("bob's push of the resolved change: exit %d\n%s", code, stdout)
	}
	teamSync(t, f, url)
	if got := atVendor(t, sim, shared, "supplier"); got != "Beta Energie" {
		t.Errorf("Podero's supplier of %s = %q after bob's resolved change, want Beta Energie", shared, got)
	}
	bob.pull(t, url)
	if c := bob.outbox(t)[shared]; c.State != outbox.Sent {
		t.Errorf("bob's resolved change is %s, want sent", c.State)
	}
	if got := cachedSupplier(t, bob.db, shared); got != "Beta Energie" {
		t.Errorf("bob's cache holds supplier %q of %s after his pull, want Beta Energie", got, shared)
	}
}

// cachedSupplier is a Podero contract's supplier in a laptop's cache.
func cachedSupplier(t *testing.T, path, contract string) string {
	t.Helper()
	s, err := db.OpenMode(context.Background(), path, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	page, err := s.ListContracts(context.Background(), app.ContractFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Contracts {
		if c.ExternalID == contract {
			return c.Parties.Supplier
		}
	}
	t.Fatalf("%s: contract %s not in the cache (%d contracts)", path, contract, len(page.Contracts))
	return ""
}

// A push cut off after the book took the changes but before the laptop
// recorded it (a kill, a lost connection) is done again by the next push:
// the book keeps each change once, and the laptop sees them in the book.
func TestPushCutOffIsTakenOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, simulate.Options{PoderoUsers: 4})
	url := poderoBook(t, f)
	l := laptop{name: "carol", db: f.db}
	ids := f.up.Podero.ContractIDs()
	l.edit(t, ids[0], "supplier=Cut Off GmbH")
	l.edit(t, ids[1], "meter_id=DE-CUT-1")

	// What 'wattfolio push' does up to the book's commit, and no further.
	store, err := db.Open(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	book, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	laptopID, _, err := store.LaptopID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := store.ToPush(ctx)
	if err != nil || len(changes) != 2 {
		t.Fatalf("to push: %d changes, %v", len(changes), err)
	}
	if _, err := book.Push(ctx, laptopID, l.name, changes); err != nil {
		t.Fatal(err)
	}
	book.Close()
	store.Close()
	if text := l.outboxText(t); strings.Contains(text, "in the book") {
		t.Fatalf("the laptop took changes for pushed that it never recorded so:\n%s", text)
	}

	code, stdout := l.push(t, url)
	if code != 0 || !strings.Contains(stdout, "2 changes pushed") {
		t.Fatalf("push after the cut-off one: exit %d\n%s", code, stdout)
	}
	if n := len(bookOutbox(t, url)); n != 2 {
		t.Errorf("%d changes in the book after pushing two changes twice, want 2", n)
	}
	if text := l.outboxText(t); strings.Count(text, "in the book, waiting for the team's sync") != 2 {
		t.Errorf("laptop's outbox:\n%s", text)
	}
	// The laptop's own sync leaves them to the team's: sent from both,
	// an edit would go out twice.
	writes := f.up.Podero.Writes()
	if code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db, "--source", "demo-podero"); code != 0 || f.up.Podero.Writes() != writes {
		t.Errorf("laptop's own sync: exit %d, %d writes\n%s%s", code, f.up.Podero.Writes()-writes, stdout, stderr)
	}
	if text := l.outboxText(t); strings.Count(text, "in the book, waiting for the team's sync") != 2 {
		t.Errorf("laptop's outbox after its own sync:\n%s", text)
	}
}

// The team's sync killed at each moment of a write-back request (the
// book's outbox on PostgreSQL, in flight values recorded before the PUT)
// loses no edit and applies none twice: the next sync finds its own
// earlier write at the vendor and settles the change as sent.
func TestBookWritebackSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	url := pgtest.URL(t)
	sim := poderosim.New(poderosim.Options{Seed: 5, Users: 6})
	v := &crashVendor{sim: sim, rng: rand.New(rand.NewPCG(5, 12)), counts: map[string]int{}}
	base := loopback.Serve(t, "/podero", v)
	dir := t.TempDir()
	config := filepath.Join(dir, "sources.toml")
	if err := os.WriteFile(config, []byte(sim.SourceTOML("pod", base, "CRASH_PODERO_ID", "CRASH_PODERO_SECRET")), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CRASH_PODERO_ID", "crash-test")
	t.Setenv("CRASH_PODERO_SECRET", "crash-secret")
	l := laptop{name: "dave", db: filepath.Join(dir, "laptop.db"), source: "pod"}
	for _, to := range []string{url, l.db} {
		if code, _, stderr := runCLI(t, "sync", "--config", config, "--db", to); code != 0 {
			t.Fatalf("first sync into %s: exit %d: %s", to, code, stderr)
		}
	}
	plans := []killPlan{
		{http.MethodGet, 1, killOnArrival},
		{http.MethodPut, 1, killOnArrival},
		{http.MethodPut, 1, killBeforeReply},
		{http.MethodPut, 1, killAfterReply},
	}
	contracts := sim.ContractIDs()
	for i, plan := range plans {
		contract, supplier := contracts[i], "Killed "+killMoments[plan.moment]
		edit := []string{"supplier=" + supplier}
		if i%2 == 1 {
			edit = append(edit, "meter_id=DE-KILL-"+string(rune('A'+i)))
		}
		l.edit(t, contract, edit...)
		if code, stdout := l.push(t, url); code != 0 {
			t.Fatalf("push: exit %d\n%s", code, stdout)
		}
		killed, out := runSyncChild(t, v, config, url, plan)
		if !killed {
			t.Fatalf("%s %d %s: the team's sync was not killed:\n%s", plan.method, plan.nth, killMoments[plan.moment], out)
		}
		if _, out := runSyncChild(t, v, config, url, killPlan{}); strings.Contains(out, "conflict") {
			t.Errorf("after a kill %s of a %s: the next sync took its own write for a conflict:\n%s", killMoments[plan.moment], plan.method, out)
		}
		if got := atVendor(t, sim, contract, "supplier"); got != supplier {
			t.Errorf("after a kill %s of a %s: Podero's supplier %q, want %q", killMoments[plan.moment], plan.method, got, supplier)
		}
		l.push(t, url)
		if c := l.outbox(t)[contract]; c.State != outbox.Sent {
			t.Errorf("after a kill %s of a %s: the laptop's change is %s (%s), want sent", killMoments[plan.moment], plan.method, c.State, c.Message)
		}
	}
	// Each edited field changed at the vendor once, by one PUT.
	seen := map[string]int{}
	for _, w := range v.writes {
		seen[w.contract+" "+w.field]++
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s written %d times, want once", k, n)
		}
	}
	if len(seen) != 6 {
		t.Errorf("%d fields written, want 6: %v", len(seen), seen)
	}
}

// An analyst who edits a change again after pushing it loses nothing,
// whatever the team's sync did meanwhile: still waiting in the book, the
// change takes the new values; sent already, what is left goes to the book
// as a new change with the sent values as its base; set back to the
// vendor's value, the book is told so and writes nothing.
func TestEditAfterPush(t *testing.T) {
	f := newFixture(t, simulate.Options{PoderoUsers: 4})
	sim := f.up.Podero
	url := pgtest.URL(t)
	for _, to := range []string{url, f.db} {
		if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", to, "--source", "demo-podero"); code != 0 {
			t.Fatalf("sync into %s: exit %d %s", to, code, stderr)
		}
	}
	l := laptop{name: "erin", db: f.db}
	ids := sim.ContractIDs()
	waiting, sentMeanwhile, setBack := ids[0], ids[1], ids[2]
	before := atVendor(t, sim, setBack, "supplier")

	l.edit(t, waiting, "supplier=First Try")
	l.edit(t, sentMeanwhile, "supplier=Sent Meanwhile")
	l.edit(t, setBack, "supplier=Second Thoughts")
	l.push(t, url)
	l.edit(t, waiting, "supplier=Second Try")
	if text := l.outboxText(t); !strings.Contains(text, "edited since the last push") {
		t.Errorf("outbox after an edit of a pushed change:\n%s", text)
	}
	// An undo would leave the change in the book: refused, saying what to do.
	if code, _, stderr := runCLI(t, "edit", "--db", l.db, "--undo", l.outbox(t)[setBack].ID); code != exitFailed || !strings.Contains(stderr, "pushed to the team's book") {
		t.Errorf("undo of a pushed change: exit %d %s", code, stderr)
	}
	l.edit(t, setBack, "supplier="+before)
	if c := l.outbox(t)[setBack]; c.State != outbox.Pending || c.New["supplier"] != before {
		t.Errorf("a pushed change set back to the vendor's value: %+v, want it kept to tell the book", c)
	}
	if code, stdout := l.push(t, url); code != 0 || !strings.Contains(stdout, "2 changes pushed") {
		t.Fatalf("second push: exit %d\n%s", code, stdout)
	}

	teamSync(t, f, url)
	l.edit(t, sentMeanwhile, "meter_id=DE-AFTER-1") // the laptop does not know it was sent
	code, stdout := l.push(t, url)
	if code != 0 || !strings.Contains(stdout, "1 change pushed") {
		t.Fatalf("push after the team's sync: exit %d\n%s", code, stdout)
	}
	if c := l.outbox(t)[sentMeanwhile]; c.State != outbox.Pending || !c.InBook || c.Base["supplier"] != "Sent Meanwhile" || c.Message != "" || c.New["meter_id"] != "DE-AFTER-1" || len(c.New) != 1 {
		t.Errorf("the change edited after its values were sent: %+v, want meter_id alone in the book", c)
	}
	writes := sim.Writes()
	teamSync(t, f, url)
	if sim.Writes() != writes+1 {
		t.Errorf("%d writes by the second team sync, want 1 (meter_id)", sim.Writes()-writes)
	}
	l.push(t, url)
	for _, want := range []struct{ contract, field, value string }{
		{waiting, "supplier", "Second Try"},
		{sentMeanwhile, "supplier", "Sent Meanwhile"},
		{sentMeanwhile, "meter_id", "DE-AFTER-1"},
		{setBack, "supplier", before},
	} {
		if got := atVendor(t, sim, want.contract, want.field); got != want.value {
			t.Errorf("Podero's %s of %s = %q, want %q", want.field, want.contract, got, want.value)
		}
	}
	for id, c := range l.outbox(t) {
		if c.State != outbox.Sent {
			t.Errorf("change of %s is %s (%s), want sent", id, c.State, c.Message)
		}
	}
}

// A laptop's cache salvaged after a push keeps its identity in the book:
// its id, its analyst and the keys and pushed values of its changes. Given
// a new id, or its changes new keys, the salvaged cache would push them
// again as new changes and the team's sync would find each twice.
func TestSalvagedLaptopPushesOnce(t *testing.T) {
	f := newFixture(t, simulate.Options{PoderoUsers: 4})
	url := poderoBook(t, f)
	l := laptop{name: "dora", db: f.db}
	ids := f.up.Podero.ContractIDs()
	l.edit(t, ids[0], "supplier=Salvage GmbH")
	l.edit(t, ids[1], "meter_id=DE-SALV-1")
	if code, stdout := l.push(t, url); code != 0 || !strings.Contains(stdout, "2 changes pushed") {
		t.Fatalf("first push: exit %d\n%s", code, stdout)
	}

	fresh := filepath.Join(t.TempDir(), "salvaged.db")
	if code, stdout, stderr := runCLI(t, "salvage", "--from", f.db, "--db", fresh); code != 0 {
		t.Fatalf("salvage: exit %d\n%s%s", code, stdout, stderr)
	}
	s := laptop{name: "dora", db: fresh}
	if text := s.outboxText(t); strings.Count(text, "in the book, waiting for the team's sync") != 2 {
		t.Errorf("salvaged laptop's outbox:\n%s", text)
	}
	// A new edit in the salvaged cache, pushed without --as: the analyst's
	// name carried over with the laptop's id.
	if code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", fresh, "--source", "demo-podero"); code != 0 {
		t.Fatalf("salvaged laptop's sync: exit %d\n%s%s", code, stdout, stderr)
	}
	s.edit(t, ids[2], "supplier=After Salvage AG")
	if code, stdout, stderr := runCLI(t, "push", "--to", url, "--db", fresh); code != 0 || !strings.Contains(stdout, "1 change") {
		t.Fatalf("push from the salvaged cache: exit %d\n%s%s", code, stdout, stderr)
	}

	book := bookOutbox(t, url)
	perContract := map[string]int{}
	for _, c := range book {
		perContract[c.ContractID]++
		if c.Author != "dora" {
			t.Errorf("change of %s in the book by %q, want dora", c.ContractID, c.Author)
		}
	}
	if len(book) != 3 || perContract[ids[0]] != 1 || perContract[ids[1]] != 1 || perContract[ids[2]] != 1 {
		t.Errorf("the book holds %d changes, by contract %v; want one each of %v", len(book), perContract, ids[:3])
	}
}

// The team's write-back reads only the changes waiting in the book, not
// every change ever pushed (which grows with every push), while
// 'wattfolio outbox' of the book still lists them all, settled or not.
func TestBookWritebackReadsPendingOnly(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, simulate.Options{PoderoUsers: 4})
	url := poderoBook(t, f)
	l := laptop{name: "erin", db: f.db}
	ids := f.up.Podero.ContractIDs()
	l.edit(t, ids[0], "supplier=Sent First GmbH")
	l.edit(t, ids[1], "meter_id=DE-SENT-1")
	l.push(t, url)
	teamSync(t, f, url)
	l.edit(t, ids[2], "supplier=Still Waiting AG")
	l.push(t, url)

	book, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	all, err := book.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := book.PendingOutbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, c := range all {
		states[c.ContractID] = c.State
	}
	if len(all) != 3 || states[ids[0]] != outbox.Sent || states[ids[1]] != outbox.Sent || states[ids[2]] != outbox.Pending {
		t.Fatalf("the book's outbox: %v, want two sent and one pending", states)
	}
	if len(pending) != 1 || pending[0].ContractID != ids[2] || pending[0].New["supplier"] != "Still Waiting AG" || pending[0].Author != "erin" {
		t.Errorf("pending changes of the book: %+v, want only erin's change of %s", pending, ids[2])
	}
	code, stdout, stderr := runCLI(t, "outbox", "--db", url)
	if code != 0 || !strings.Contains(stdout, "Sent First GmbH") || !strings.Contains(stdout, "DE-SENT-1") || !strings.Contains(stdout, "Still Waiting AG") {
		t.Errorf("outbox of the book: exit %d, want all three changes\n%s%s", code, stdout, stderr)
	}
}
