package pgstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db"
	"wattfolio/db/internal/dbq"
	"wattfolio/db/internal/pgq"
	"wattfolio/db/pgstore"
	"wattfolio/db/pgstore/pgtest"
)

// book is a team's book for a test, with the sync's own write path
// (pgstore) for contracts and test-only inserts (pull.sql) for the rest.
type book struct {
	t     *testing.T
	ctx   context.Context
	url   string
	s     *pgstore.Store
	conn  *pgx.Conn
	q     *pgq.Queries
	clock time.Time
}

func newBook(t *testing.T) *book {
	t.Helper()
	ctx := context.Background()
	url := pgtest.URL(t)
	s, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	b := &book{t: t, ctx: ctx, url: url, s: s, conn: conn, q: pgq.New(conn), clock: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s.Now = func() time.Time { return b.clock }
	return b
}

func (b *book) must(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

// sync stores contracts of source as one sync run does.
func (b *book) sync(source string, vendor app.Vendor, cs ...app.Contract) {
	b.t.Helper()
	b.clock = b.clock.Add(time.Hour)
	b.must(b.s.EnsureSource(b.ctx, source, vendor, "http://127.0.0.1/"+source))
	run, err := b.s.BeginRun(b.ctx, source)
	b.must(err)
	for i := range cs {
		cs[i].FetchedAt = b.clock
		if cs[i].Raw == nil {
			raw, _ := json.Marshal(map[string]any{"id": cs[i].ExternalID, "status": cs[i].Status})
			cs[i].Raw = raw
		}
	}
	b.must(b.s.SavePage(b.ctx, run, source, "contracts", cs, nil, "done"))
	b.must(b.s.FinishRun(b.ctx, run, app.RunOK, ""))
}

func (b *book) contractID(source, ext string) int64 {
	b.t.Helper()
	id, err := b.q.TestContractID(b.ctx, pgq.TestContractIDParams{SourceName: source, ExternalID: ext})
	b.must(err)
	return id
}

func at(t time.Time) pgtype.Timestamptz { return pgtype.Timestamptz{Time: t, Valid: true} }

func e6(v int64) *int64 { return &v }

func contract(ext, customer, name string, working int64) app.Contract {
	w := app.Decimal(working)
	return app.Contract{
		ExternalID: ext, Kind: app.KindEnergy, Commodity: app.CommodityElectricity, Status: "active",
		Customer: app.Customer{ExternalID: customer, Name: name}, Name: "Strom " + name,
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Prices: app.Prices{Currency: "EUR", WorkingPerKWh: &w},
	}
}

// A Berlin day with 23 hours: the span's start is local midnight, stored
// as the instant, which the laptop must keep to the second.
var dstDay = time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC) // 2026-03-29 00:00 CET

// fill puts a book together: Anna Schneider at enneo with a contract that
// changed once (one earlier version), flexibility, PPA and partner terms
// and price points, a gas meter with a consumption stream, a series, a
// block on the DST day and its daily rollup; the bakery at enneo and at
// Podero under one name; someone else; two offers.
func (b *book) fill() {
	b.t.Helper()
	b.sync("src-a", app.VendorEnneo,
		contract("K1", "C1", "Anna Schneider", 301000),
		contract("K2", "C2", "Bäckerei Sonnenkorn GmbH", 280000),
		contract("K3", "C3", "Someone Else", 250000))
	b.sync("src-a", app.VendorEnneo, // K1's price changed: one earlier version
		contract("K1", "C1", "Anna Schneider", 319000),
		contract("K2", "C2", "Bäckerei Sonnenkorn GmbH", 280000),
		contract("K3", "C3", "Someone Else", 250000))
	b.sync("src-b", app.VendorPodero, contract("P9", "U9", "Bäckerei Sonnenkorn GmbH", 270000))

	k1 := b.contractID("src-a", "K1")
	b.must(b.q.TestPutFlexibility(b.ctx, pgq.TestPutFlexibilityParams{ContractID: k1, AssetID: "asset-1", ReservationFeeE6: e6(12_500000), MaxActivationMinutes: e6(90)}))
	b.must(b.q.TestPutPPA(b.ctx, pgq.TestPutPPAParams{ContractID: k1, PpaType: "pay-as-produced", NominalPowerMwE6: e6(2_500000), CreatedAt: at(dstDay)}))
	incl := false
	b.must(b.q.TestPutPartner(b.ctx, pgq.TestPutPartnerParams{ContractID: k1, UserID: "user-7", IncludesExternalComponents: &incl}))
	for i, v := range []int64{301000, 319000} {
		b.must(b.q.TestPutPricePoint(b.ctx, pgq.TestPutPricePointParams{ContractID: k1, ValidFrom: at(dstDay.AddDate(0, i, 0)), PerKwhE6: v}))
	}
	m, err := b.q.TestPutMeter(b.ctx, pgq.TestPutMeterParams{
		SourceName: "src-a", ExternalID: "M1", ContractExternalID: "K1", Number: "1EMH-0001", Unit: "m3",
		DataFrom: at(dstDay), UpdatedAt: at(b.clock), UnitReportedAt: at(b.clock),
	})
	b.must(err)
	b.must(b.q.TestPutStream(b.ctx, pgq.TestPutStreamParams{MeterID: m, Measure: "consumption", IntervalS: 900, Watermark: at(dstDay.Add(23 * time.Hour)), UpdatedAt: at(b.clock)}))
	ser, err := b.q.TestPutSeries(b.ctx, pgq.TestPutSeriesParams{MeterID: m, Measure: "consumption", Channel: ""})
	b.must(err)
	b.must(b.q.TestPutBlock(b.ctx, pgq.TestPutBlockParams{SeriesID: ser, SpanStart: at(dstDay), N: 92, Data: []byte{1, 0, 0xff, 7, 42}}))
	b.must(b.q.TestPutDay(b.ctx, pgq.TestPutDayParams{SeriesID: ser, Day: at(dstDay), N: 92, Total: 46_000000, Lo: 0, Hi: 2_250000}))
	b.must(b.q.TestPutGas(b.ctx, pgq.TestPutGasParams{MeterID: m, CalorificValueE6: 11_284000, StateNumberE6: 953100, SetAt: at(b.clock)}))
	// A meter of someone else's contract stays in the book.
	_, err = b.q.TestPutMeter(b.ctx, pgq.TestPutMeterParams{SourceName: "src-a", ExternalID: "M3", ContractExternalID: "K3", Unit: "kWh", UpdatedAt: at(b.clock)})
	b.must(err)
	for _, o := range []string{"Grünstrom 12", "Festpreis 24"} {
		b.must(b.q.TestPutOffer(b.ctx, pgq.TestPutOfferParams{Name: o, Supplier: "Stadtwerke", BasePerYearE6: 120_000000, WorkingPerKwhE6: 289000,
			ValidFrom: at(dstDay), TermsJson: []byte(`{"zones": []}`), UpdatedAt: at(b.clock)}))
	}
}

// annaPulled is a filled book and a laptop that pulled Anna Schneider.
func annaPulled(t *testing.T) (*book, *db.Store, string) {
	t.Helper()
	b := newBook(t)
	b.fill()
	lap, path := laptop(t)
	if _, err := b.pull(lap, []string{"Anna Schneider"}); err != nil {
		t.Fatal(err)
	}
	return b, lap, path
}

// laptop is a fresh laptop cache.
func laptop(t *testing.T) (*db.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "laptop.db")
	s, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// pull runs one pull the way 'wattfolio pull' does, adding the customers
// refs name.
func (b *book) pull(lap *db.Store, refs []string, drops ...db.SliceCustomer) (pgstore.PullResult, error) {
	b.t.Helper()
	var add []pgstore.Customer
	for _, r := range refs {
		cs, err := b.s.FindCustomers(b.ctx, r)
		b.must(err)
		if len(cs) == 0 {
			b.t.Fatalf("no customer %q in the book", r)
		}
		add = append(add, cs...)
	}
	return b.s.PullSlice(b.ctx, lap, pgstore.BookName(b.url), add, drops)
}

// dump lists what a laptop's cache holds for the slice, a line a row, in
// a stable order, with every value the copy must keep (instants in Unix
// seconds, decimals in millionths, blocks as bytes).
func dump(t *testing.T, path string, customers ...[2]string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := dbq.New(conn)
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	names, err := q.SourceNames(ctx)
	must(err)
	for _, n := range names {
		id, err := q.SourceIDByName(ctx, n)
		must(err)
		run, err := q.LastRun(ctx, id)
		must(err)
		add("source %s last run %s fetched %d started %d", n, run.Status, run.Fetched, run.StartedAt)
	}
	for _, cu := range customers {
		cs, err := q.CustomerContracts(ctx, dbq.CustomerContractsParams{SourceName: cu[0], ExternalID: cu[1]})
		must(err)
		for _, k := range cs {
			c, err := q.GetContract(ctx, k.ID)
			must(err)
			add("contract %s/%s of %s (%s) working %d removed %v raw %s", c.SourceName, c.Contract.ExternalID, c.CustomerRef, c.CustomerName,
				*c.Contract.WorkingPerKwhE6, c.Contract.RemovedAt != nil, c.Contract.RawJson)
			vs, err := q.ContractVersions(ctx, k.ID)
			must(err)
			for _, v := range vs {
				add("  version of %s: %s", c.Contract.ExternalID, v.RawJson)
			}
			ids := []int64{k.ID}
			flex, err := q.FlexibilityOf(ctx, ids)
			must(err)
			for _, f := range flex {
				add("  flexibility %s fee %d minutes %d", f.AssetID, *f.ReservationFeeE6, *f.MaxActivationMinutes)
			}
			ppa, err := q.PPAOf(ctx, ids)
			must(err)
			for _, p := range ppa {
				add("  ppa %s %d MW created %d", p.PpaType, *p.NominalPowerMwE6, *p.CreatedAt)
			}
			partner, err := q.PartnerOf(ctx, ids)
			must(err)
			for _, p := range partner {
				add("  partner %s external components %d", p.UserID, *p.IncludesExternalComponents)
			}
			points, err := q.PricePointsOf(ctx, ids)
			must(err)
			for _, p := range points {
				add("  price from %d: %d", p.ValidFrom, p.PerKwhE6)
			}
		}
	}
	meters, err := q.ListMeters(ctx)
	must(err)
	for _, m := range meters {
		add("meter %s/%s of %s unit %s reported %v from %d", m.SourceName, m.Meter.ExternalID, m.Meter.ContractExternalID, m.Meter.Unit,
			m.Meter.UnitReportedAt != nil, *m.Meter.DataFrom)
		streams, err := q.StreamsOfMeter(ctx, m.Meter.ID)
		must(err)
		for _, s := range streams {
			add("  stream %s every %ds complete before %d", s.Measure, s.IntervalS, *s.Watermark)
		}
		series, err := q.SeriesOfMeter(ctx, m.Meter.ID)
		must(err)
		for _, s := range series {
			blocks, err := q.BlocksOfSeries(ctx, dbq.BlocksOfSeriesParams{SeriesID: s.ID, FromStart: 0, ToStart: math.MaxInt64, Lim: 1000})
			must(err)
			for _, bl := range blocks {
				add("  block %s/%q from %d: %x", s.Measure, s.Channel, bl.SpanStart, bl.Data)
			}
		}
		days, err := q.DailyOfMeter(ctx, dbq.DailyOfMeterParams{MeterID: m.Meter.ID, FromDay: 0, ToDay: math.MaxInt64})
		must(err)
		for _, d := range days {
			add("  day %d: n %d total %d lo %d hi %d", d.Day, d.N, d.Total, d.Lo, d.Hi)
		}
		if g, err := q.GetMeterGas(ctx, m.Meter.ID); err == nil {
			add("  gas %d × %d", g.CalorificValueE6, g.StateNumberE6)
		} else if !errors.Is(err, sql.ErrNoRows) {
			t.Fatal(err)
		}
	}
	offers, err := q.ListOffers(ctx)
	must(err)
	for _, o := range offers {
		add("offer %s working %d from %d terms %s", o.Name, o.WorkingPerKwhE6, *o.ValidFrom, o.TermsJson)
	}
	return out
}

func diff(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

var (
	anna   = [2]string{"src-a", "C1"}
	bakery = [2]string{"src-a", "C2"}
	podero = [2]string{"src-b", "U9"}
	other  = [2]string{"src-a", "C3"}
)

// A first pull copies the named customers' rows of every table a pull
// copies, under the laptop's own ids, instants to the second (a DST day's
// local midnight included), and leaves the other customers in the book.
// A name held at two sources (the bakery at enneo and at Podero) brings
// both.
func TestPullCopiesEveryTableOfTheSlice(t *testing.T) {
	b := newBook(t)
	b.fill()
	lap, path := laptop(t)
	res, err := b.pull(lap, []string{"anna schneider", "Bäckerei Sonnenkorn GmbH"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Contracts != 3 || res.Versions != 1 || res.Meters != 1 || res.Blocks != 1 || res.Offers != 2 {
		t.Errorf("stats = %+v, want 3 contracts, 1 version, 1 meter, 1 block, 2 offers", res.PullStats)
	}
	d := dstDay.Unix()
	want := []string{
		"source src-a last run ok fetched 3 started 1772362800", // the second sync, at 11:00 UTC
		"source src-b last run ok fetched 1 started 1772366400",
		`contract src-a/K1 of C1 (Anna Schneider) working 319000 removed false raw {"id": "K1", "status": "active"}`,
		`  version of K1: {"id": "K1", "status": "active"}`,
		"  flexibility asset-1 fee 12500000 minutes 90",
		fmt.Sprintf("  ppa pay-as-produced 2500000 MW created %d", d),
		"  partner user-7 external components 0",
		fmt.Sprintf("  price from %d: 301000", d),
		fmt.Sprintf("  price from %d: 319000", dstDay.AddDate(0, 1, 0).Unix()),
		`contract src-a/K2 of C2 (Bäckerei Sonnenkorn GmbH) working 280000 removed false raw {"id": "K2", "status": "active"}`,
		`contract src-b/P9 of U9 (Bäckerei Sonnenkorn GmbH) working 270000 removed false raw {"id": "P9", "status": "active"}`,
		fmt.Sprintf("meter src-a/M1 of K1 unit m3 reported true from %d", d),
		fmt.Sprintf("  stream consumption every 900s complete before %d", d+23*3600),
		fmt.Sprintf("  block consumption/\"\" from %d: 0100ff072a", d),
		fmt.Sprintf("  day %d: n 92 total 46000000 lo 0 hi 2250000", d),
		"  gas 11284000 × 953100",
		fmt.Sprintf(`offer Festpreis 24 working 289000 from %d terms {"zones": []}`, d),
		fmt.Sprintf(`offer Grünstrom 12 working 289000 from %d terms {"zones": []}`, d),
	}
	diff(t, "the laptop after the first pull", dump(t, path, anna, bakery, podero, other), want)

	sl, ok, err := lap.Slice(context.Background())
	if err != nil || !ok {
		t.Fatalf("slice: %v, %v", ok, err)
	}
	var keys []string
	for _, c := range sl.Customers {
		keys = append(keys, c.Key())
	}
	if sl.Book != pgstore.BookName(b.url) || sl.Xmin == 0 || !slices.Equal(keys, []string{"src-a/C1", "src-a/C2", "src-b/U9"}) {
		t.Errorf("slice = %+v, want the book, an xmin and Anna's and the bakery's records", sl)
	}
}

// A later pull copies only what the book wrote since the last one, and
// what the book took away from a contract it rewrote (its terms but one
// price point) goes on the laptop too; a pull with nothing new copies
// nothing.
func TestPullAgainCopiesOnlyWhatChanged(t *testing.T) {
	b, lap, path := annaPulled(t)
	// Nothing new: the laptop stays as it is. (What it copies again is
	// what any transaction of the server still running at the first pull
	// may have written: other tests share the server, so not counted.)
	before := dump(t, path, anna, other)
	if _, err := b.pull(lap, nil); err != nil {
		t.Fatal(err)
	}
	diff(t, "the laptop after a pull with nothing new", dump(t, path, anna, other), before)

	// The book changes: K1's price, and its terms rewritten by the sync
	// (this contract has none at the vendor) but for one price point put
	// back; a second block, an offer's price; someone else's contract
	// changes too.
	b.sync("src-a", app.VendorEnneo, contract("K1", "C1", "Anna Schneider", 333000), contract("K3", "C3", "Someone Else", 260000))
	k1 := b.contractID("src-a", "K1")
	b.must(b.q.TestPutPricePoint(b.ctx, pgq.TestPutPricePointParams{ContractID: k1, ValidFrom: at(dstDay.AddDate(0, 1, 0)), PerKwhE6: 319000}))
	m, err := b.q.TestPutMeter(b.ctx, pgq.TestPutMeterParams{SourceName: "src-a", ExternalID: "M1", ContractExternalID: "K1", Unit: "m3",
		DataFrom: at(dstDay), UpdatedAt: at(b.clock), UnitReportedAt: at(b.clock)})
	b.must(err)
	ser, err := b.q.TestPutSeries(b.ctx, pgq.TestPutSeriesParams{MeterID: m, Measure: "consumption"})
	b.must(err)
	next := dstDay.Add(23 * time.Hour)
	b.must(b.q.TestPutBlock(b.ctx, pgq.TestPutBlockParams{SeriesID: ser, SpanStart: at(next), N: 96, Data: []byte{1, 2, 3}}))
	b.must(b.q.TestPutOffer(b.ctx, pgq.TestPutOfferParams{Name: "Grünstrom 12", Supplier: "Stadtwerke", BasePerYearE6: 120_000000, WorkingPerKwhE6: 279000,
		ValidFrom: at(dstDay), TermsJson: []byte(`{"zones": []}`), UpdatedAt: at(b.clock)}))

	res, err := b.pull(lap, nil)
	if err != nil {
		t.Fatal(err)
	}
	// At least these; more where a transaction still ran at the last pull.
	if res.Contracts < 1 || res.Versions < 2 || res.Meters < 1 || res.Blocks < 1 || res.Offers < 1 {
		t.Errorf("stats = %+v, want K1 with its 2 versions, M1, the new block and one offer", res.PullStats)
	}
	got := dump(t, path, anna, other)
	for _, w := range []string{
		`contract src-a/K1 of C1 (Anna Schneider) working 333000 removed false raw {"id": "K1", "status": "active"}`,
		fmt.Sprintf("  price from %d: 319000", dstDay.AddDate(0, 1, 0).Unix()),
		fmt.Sprintf("  block consumption/\"\" from %d: 0100ff072a", dstDay.Unix()),
		fmt.Sprintf("  block consumption/\"\" from %d: 010203", next.Unix()),
		fmt.Sprintf(`offer Grünstrom 12 working 279000 from %d terms {"zones": []}`, dstDay.Unix()),
	} {
		if !slices.Contains(got, w) {
			t.Errorf("after the second pull the laptop lacks %q:\n%s", w, strings.Join(got, "\n"))
		}
	}
	for _, l := range got {
		if strings.Contains(l, fmt.Sprintf("price from %d:", dstDay.Unix())) || strings.Contains(l, "flexibility") ||
			strings.Contains(l, "ppa") || strings.Contains(l, "partner") || strings.Contains(l, "K3") {
			t.Errorf("the laptop holds %q: a term the book dropped, or someone else's contract", l)
		}
	}
}

// A row written by a transaction that began before a pull read and
// committed after it is not missed: the next pull copies it (its rev is at
// or above the xmin the first pull recorded).
func TestPullDoesNotMissAWriterThatWasStillRunning(t *testing.T) {
	b := newBook(t)
	b.fill()
	lap, path := laptop(t)
	k1 := b.contractID("src-a", "K1")
	tx, err := b.conn.Begin(b.ctx)
	b.must(err)
	defer tx.Rollback(b.ctx)
	// Uncommitted: this transaction's id is now older than any the pull sees.
	b.must(b.q.WithTx(tx).TestPutFlexibility(b.ctx, pgq.TestPutFlexibilityParams{ContractID: k1, AssetID: "late-asset", ReservationFeeE6: e6(1), MaxActivationMinutes: e6(5)}))
	if _, err := b.pull(lap, []string{"Anna Schneider"}); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, path, anna); !slices.Contains(got, "  flexibility asset-1 fee 12500000 minutes 90") {
		t.Fatalf("first pull: want the committed terms:\n%s", strings.Join(got, "\n"))
	}
	b.must(tx.Commit(b.ctx))
	if _, err := b.pull(lap, nil); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, path, anna); !slices.Contains(got, "  flexibility late-asset fee 1 minutes 5") {
		t.Errorf("second pull missed the late writer's terms:\n%s", strings.Join(got, "\n"))
	}
}

// Adding a customer copies it in full, whatever the xmin; dropping one
// takes its rows out (and its source when no customer is left there),
// but never while it has an offline edit not sent or a note: then the
// pull is refused and changes nothing.
func TestPullAddsAndDropsCustomers(t *testing.T) {
	ctx := context.Background()
	b, lap, path := annaPulled(t)
	// The bakery's contracts were written before the last pull: copied all
	// the same.
	if _, err := b.pull(lap, []string{"Bäckerei Sonnenkorn GmbH"}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, path, anna, bakery, podero)
	for _, k := range []string{"contract src-a/K2", "contract src-b/P9"} {
		if !slices.ContainsFunc(before, func(l string) bool { return strings.HasPrefix(l, k) }) {
			t.Fatalf("the bakery's %s is missing:\n%s", k, strings.Join(before, "\n"))
		}
	}

	podero9 := db.SliceCustomer{Source: "src-b", ExternalID: "U9", Name: "Bäckerei Sonnenkorn GmbH"}
	enneo2 := db.SliceCustomer{Source: "src-a", ExternalID: "C2", Name: "Bäckerei Sonnenkorn GmbH"}
	if _, err := lap.Edit(ctx, "src-b", "P9", map[string]string{outbox.FieldSupplier: "Other GmbH"}); err != nil {
		t.Fatal(err)
	}
	b.must(lap.SetContractNotes(ctx, "src-a", "K2", app.ContractNotes{Text: "call in May", UpdatedAt: b.clock}))
	for _, c := range []db.SliceCustomer{podero9, enneo2} {
		if _, err := b.pull(lap, nil, c); !errors.Is(err, db.ErrKeptOnDrop) {
			t.Errorf("drop %s with an unsent edit or a note: err = %v, want ErrKeptOnDrop", c.Key(), err)
		}
	}
	diff(t, "the laptop after refused drops", dump(t, path, anna, bakery, podero), before)

	edits, err := lap.Outbox(ctx)
	b.must(err)
	b.must(lap.Undo(ctx, edits[0].ID))
	b.must(lap.SetContractNotes(ctx, "src-a", "K2", app.ContractNotes{UpdatedAt: b.clock}))
	if _, err := b.pull(lap, nil, podero9, enneo2); err != nil {
		t.Fatal(err)
	}
	after := dump(t, path, anna, bakery, podero)
	for _, l := range after {
		if strings.Contains(l, "src-b") || strings.Contains(l, "K2") {
			t.Errorf("after dropping the bakery the laptop still holds %q", l)
		}
	}
	if !slices.Contains(after, `contract src-a/K1 of C1 (Anna Schneider) working 319000 removed false raw {"id": "K1", "status": "active"}`) {
		t.Errorf("dropping the bakery took Anna too:\n%s", strings.Join(after, "\n"))
	}
	sl, _, err := lap.Slice(ctx)
	b.must(err)
	if len(sl.Customers) != 1 || sl.Customers[0].Key() != "src-a/C1" {
		t.Errorf("slice customers = %+v, want Anna only", sl.Customers)
	}
}

// A pull cut off halfway (here: the laptop's side fails after copying
// some rows) leaves the laptop as it was: one transaction.
func TestPullCutOffLeavesTheLaptopAsItWas(t *testing.T) {
	ctx := context.Background()
	b, lap, path := annaPulled(t)
	before := dump(t, path, anna, bakery)
	sl, _, err := lap.Slice(ctx)
	b.must(err)
	b.sync("src-a", app.VendorEnneo, contract("K1", "C1", "Anna Schneider", 345000))
	cut := errors.New("cut off")
	bakeries, err := b.s.FindCustomers(ctx, "Bäckerei Sonnenkorn GmbH")
	b.must(err)
	anna, ok, err := b.s.CustomerByKey(ctx, "src-a", "C1")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	err = lap.PullInto(ctx, nil, func(c *db.SliceCopy) error {
		if _, err := b.s.Pull(ctx, c, []pgstore.Customer{anna}, sl.Xmin, bakeries); err != nil {
			return err
		}
		return cut
	})
	if !errors.Is(err, cut) {
		t.Fatalf("err = %v, want the cut", err)
	}
	diff(t, "the laptop after a cut-off pull", dump(t, path, [2]string{"src-a", "C1"}, bakery), before)
	again, _, err := lap.Slice(ctx)
	b.must(err)
	if again.Xmin != sl.Xmin || !again.PulledAt.Equal(sl.PulledAt) || len(again.Customers) != 1 {
		t.Errorf("slice after a cut-off pull = %+v, want %+v", again, sl)
	}
}

// childEnv runs a pull in a child process of the test binary: the book's
// URL, the laptop's path and a customer, separated by \x1f.
const childEnv = "WATTFOLIO_TEST_PULL"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		os.Exit(childPull(strings.Split(args, "\x1f")))
	}
	os.Exit(m.Run())
}

// childPull is the child's pull; its exit code says how it went.
func childPull(args []string) int {
	ctx := context.Background()
	s, err := pgstore.Open(ctx, args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	lap, err := db.Open(ctx, args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer lap.Close()
	add, err := s.FindCustomers(ctx, args[2])
	if err == nil {
		_, err = s.PullSlice(ctx, lap, pgstore.BookName(args[0]), add, nil)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// A pull killed (SIGKILL: no deferred code runs) after it copied the
// contracts and meters and while it waits for the offers leaves the
// laptop as it was; the next pull copies everything.
func TestKilledPullLeavesTheLaptopAsItWas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	b, lap, path := annaPulled(t)
	before := dump(t, path, anna, bakery, podero)
	b.sync("src-a", app.VendorEnneo, contract("K1", "C1", "Anna Schneider", 345000))

	// The offers, read last, are locked: the child waits there, its
	// laptop transaction open with the rows it copied.
	tx, err := b.conn.Begin(b.ctx)
	b.must(err)
	defer tx.Rollback(b.ctx)
	b.must(b.q.WithTx(tx).TestLockOffers(b.ctx))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join([]string{b.url, path, "Bäckerei Sonnenkorn GmbH"}, "\x1f"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b.must(cmd.Start())
	waitFor := time.Now().Add(60 * time.Second)
	for {
		n, err := b.q.TestWaitingOnLocks(b.ctx)
		b.must(err)
		if n > 0 {
			break
		}
		if time.Now().After(waitFor) {
			cmd.Process.Kill()
			t.Fatalf("the child never reached the offers:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.must(cmd.Process.Signal(syscall.SIGKILL))
	cmd.Wait()
	b.must(tx.Rollback(b.ctx))

	diff(t, "the laptop after a killed pull", dump(t, path, anna, bakery, podero), before)
	if _, err := b.pull(lap, []string{"Bäckerei Sonnenkorn GmbH"}); err != nil {
		t.Fatal(err)
	}
	got := dump(t, path, anna, bakery, podero)
	for _, w := range []string{
		`contract src-a/K1 of C1 (Anna Schneider) working 345000 removed false raw {"id": "K1", "status": "active"}`,
		`contract src-b/P9 of U9 (Bäckerei Sonnenkorn GmbH) working 270000 removed false raw {"id": "P9", "status": "active"}`,
	} {
		if !slices.Contains(got, w) {
			t.Errorf("the pull after the kill did not finish the job: no %q in\n%s", w, strings.Join(got, "\n"))
		}
	}
}

// A slice names its book by the URL without the password, which the
// laptop's cache and the app's pages must never show.
func TestBookNameLeavesThePasswordOut(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"postgres://anna:s3cret@db.example:5432/book?sslmode=verify-full", "postgres://anna@db.example:5432/book?sslmode=verify-full"},
		{"postgresql://db.example/book", "postgresql://db.example/book"},
		{"postgres://db.example/book?user=anna&password=s3cret", "postgres://db.example/book?user=anna"},
		{"postgres://anna@db.example/book?search_path=team_a", "postgres://anna@db.example/book?search_path=team_a"},
	} {
		if got := pgstore.BookName(tc.url); got != tc.want {
			t.Errorf("BookName(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

// A pull copies the record problems of the book's runs it copies, so the
// laptop's Sync page lists which records the vendor got wrong, not just
// how many; pulled again after a later run, the laptop lists that run's
// problems, each once.
func TestPullCopiesTheRunsProblems(t *testing.T) {
	b := newBook(t)
	syncWithProblems := func(problems ...*app.RecordError) {
		b.t.Helper()
		b.clock = b.clock.Add(time.Hour)
		b.must(b.s.EnsureSource(b.ctx, "src-a", app.VendorEnneo, "http://127.0.0.1/src-a"))
		run, err := b.s.BeginRun(b.ctx, "src-a")
		b.must(err)
		cs := []app.Contract{contract("K1", "C1", "Anna Schneider", 319000)}
		cs[0].FetchedAt = b.clock
		cs[0].Raw = []byte(`{"id": "K1"}`)
		b.must(b.s.SavePage(b.ctx, run, "src-a", "contracts", cs, problems, "done"))
		b.must(b.s.FinishRun(b.ctx, run, app.RunPartial, ""))
	}
	problem := func(record, field, msg string) *app.RecordError {
		return &app.RecordError{Source: "src-a", Record: record, Field: field, Err: errors.New(msg)}
	}
	syncWithProblems(problem("contract K7", "price", "not a number: \"12,5\""), problem("contract K8", "", "no customer"))
	lap, _ := laptop(t)
	for _, tc := range []struct {
		name  string
		later []*app.RecordError // a later run's problems, none when nil
		want  []string
	}{
		{"first pull", nil, []string{`contract K7: field price: not a number: "12,5"`, "contract K8: no customer"}},
		{"pull again", nil, []string{`contract K7: field price: not a number: "12,5"`, "contract K8: no customer"}},
		{"after a later run", []*app.RecordError{problem("contract K9", "valid_from", "not a date")}, []string{"contract K9: field valid_from: not a date"}},
	} {
		if tc.later != nil {
			syncWithProblems(tc.later...)
		}
		if _, err := b.pull(lap, []string{"anna schneider"}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		run, err := lap.LastRun(b.ctx, "src-a")
		if err != nil || run == nil {
			t.Fatalf("%s: last run %v, %v", tc.name, run, err)
		}
		if !slices.Equal(run.Problems, tc.want) {
			t.Errorf("%s: the laptop's last run lists problems %q, want %q", tc.name, run.Problems, tc.want)
		}
	}
}
