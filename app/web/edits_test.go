package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db"
	"wattfolio/internal/loopback"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/podero"
	"wattfolio/sync/vendors/podero/poderosim"
	"wattfolio/sync/writeback"
)

// podShop is the app over a cache synced from the Podero simulator, with
// "Send changes" writing back to it as the real app does.
type podShop struct {
	*browser
	sim    *poderosim.Server
	store  *db.Store
	client *podero.Client
	src    engine.Source
}

// sendFunc adapts a function to Sender.
type sendFunc func(ctx context.Context) error

func (f sendFunc) SendEdits(ctx context.Context) error { return f(ctx) }

func newPodShop(t *testing.T) *podShop {
	t.Helper()
	ctx := context.Background()
	sim := poderosim.New(poderosim.Options{Seed: 11, Users: 3})
	base := loopback.Serve(t, "/podero", sim)
	c, err := podero.New(podero.Config{
		Source: "pod", BaseURL: base, ClientID: "id", ClientSecret: "secret",
		OrgID: sim.OrgID(), UserIDs: sim.UserIDs(), Backoff: time.Millisecond, Retries: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	p := &podShop{sim: sim, store: s, client: c, src: engine.Source{Name: "pod", Vendor: app.VendorPodero, BaseURL: base, Connector: c}}
	p.sync(t)
	p.browser = newBrowser(t, s, func(o *Options) {
		o.Edits = s
		o.Sender = sendFunc(func(ctx context.Context) error {
			_, err := writeback.Run(ctx, s, "pod", c)
			return err
		})
	})
	_ = ctx
	return p
}

func (p *podShop) sync(t *testing.T) {
	t.Helper()
	if _, err := (&engine.Engine{Store: p.store}).SyncAll(context.Background(), []engine.Source{p.src}); err != nil {
		t.Fatal(err)
	}
}

// contract is the n-th cached Podero contract: its page's path, its
// vendor id and its cached editable values.
func (p *podShop) contract(t *testing.T, n int) (path, ext string, vals map[string]string) {
	t.Helper()
	i := 0
	err := p.store.EachContract(context.Background(), app.ContractFilter{Source: "pod"}, func(c app.Contract) error {
		i++
		if i-1 != n {
			return nil
		}
		path, ext = "/contracts/"+strconv.FormatInt(c.ID, 10), c.ExternalID
		var err error
		vals, err = outbox.PoderoValues(c.Raw)
		return err
	})
	if err != nil || path == "" {
		t.Fatalf("contract %d: %v", n, err)
	}
	return path, ext, vals
}

// simValues are the simulator's current editable values of a contract.
func (p *podShop) simValues(t *testing.T, ext string) map[string]string {
	t.Helper()
	c, err := p.client.GetContract(context.Background(), p.sim.UserOf(ext), ext)
	if err != nil {
		t.Fatal(err)
	}
	v, err := outbox.PoderoValues(c.Raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func editFieldMessage(body, name string) string {
	_, after, ok := strings.Cut(body, `<p class="field-msg" id="e-`+name+`-msg">`)
	if !ok {
		return ""
	}
	msg, _, _ := strings.Cut(after, "</p>")
	return msg
}

func TestEditOfflineThenSend(t *testing.T) {
	p := newPodShop(t)
	path, ext, vendor := p.contract(t, 0)
	page := p.get(path)
	if !strings.Contains(page, `id="e-supplier" type="text" name="supplier" value="`+vendor["supplier"]+`"`) {
		t.Fatalf("the form does not show the vendor's supplier %q", vendor["supplier"])
	}

	// An invalid field: nothing is queued, the typed values are kept, the message sits beside the field.
	code, body := p.post(path+"/edit", url.Values{"supplier": {"Stadtwerke Neu"}, "meter_id": {"12345678901234567890"}})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid edit: %d", code)
	}
	if msg := editFieldMessage(body, "meter_id"); msg != "20 characters, at most 19 allowed" {
		t.Errorf("meter_id message %q", msg)
	}
	if !strings.Contains(body, `value="Stadtwerke Neu"`) || !strings.Contains(text(body), "Nothing was saved: 1 field needs a look.") {
		t.Error("the typed supplier was not kept, or no summary")
	}
	if cs, _ := p.store.Outbox(context.Background()); len(cs) != 0 {
		t.Fatalf("an invalid form queued %+v", cs)
	}

	// The vendor is down: the edit is still kept, pending, and shown as such.
	p.sim.SetFaults(poderosim.Faults{Status: http.StatusServiceUnavailable})
	code, body = p.post(path+"/edit", url.Values{"supplier": {"Stadtwerke Neu"}, "meter_id": {vendor["meter_id"]}})
	if code != http.StatusOK || !strings.Contains(text(body), "Saved on this laptop.") {
		t.Fatalf("edit: %d %s", code, text(body))
	}
	if !strings.Contains(text(body), "Changes 1 pending") || !strings.Contains(text(body), "Vendor: "+vendor["supplier"]) {
		t.Errorf("pending count or the vendor's value missing: %s", text(body))
	}
	_, body = p.post("/changes/send", url.Values{})
	if !strings.Contains(text(body), "1 not sent yet (the vendor could not be reached") {
		t.Errorf("send while down: %s", text(body))
	}

	// The network is back: the change goes out and the cache holds the vendor's answer.
	p.sim.SetFaults(poderosim.Faults{})
	if got := p.simValues(t, ext)["supplier"]; got != vendor["supplier"] {
		t.Fatalf("the vendor got %q while down", got)
	}
	_, body = p.post("/changes/send", url.Values{})
	if !strings.Contains(text(body), "1 change sent.") {
		t.Fatalf("send: %s", text(body))
	}
	if got := p.simValues(t, ext)["supplier"]; got != "Stadtwerke Neu" {
		t.Fatalf("the vendor holds %q", got)
	}
	err := p.store.EachContract(context.Background(), app.ContractFilter{Source: "pod"}, func(c app.Contract) error {
		if c.ExternalID == ext && c.Parties.Supplier != "Stadtwerke Neu" {
			t.Errorf("the cache holds %q", c.Parties.Supplier)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if page := p.get(path); strings.Contains(text(page), "pending") || !strings.Contains(text(page), "Your last change was sent") {
		t.Errorf("after sending, the page says: %s", text(page))
	}
}

// TestEditFormGerman: a rejected edit form (422) says beside each field,
// in German, what is wrong, with the value typed quoted as typed.
func TestEditFormGerman(t *testing.T) {
	p := newPodShop(t)
	path, _, _ := p.contract(t, 0)
	for _, tc := range []struct{ field, value, want string }{
		{"meter_id", "12345678901234567890", "20 Zeichen, höchstens 19 erlaubt"},
		{"currency_energy_price", "EURO", `"EURO" ist kein ISO-4217-Code wie EUR (drei Buchstaben)`},
		{"building_id", "building-7", `"building-7" ist keine UUID (oder leer für alle Gebäude)`},
		{"energy_prices", `[{"price":"x","timestamp":"2026-01-01T00:00:00Z"}]`, "Preis Nr. 1: erwartet wird eine Zahl"},
		{"energy_prices", `[{"price":0.2,"timestamp":"2026-01-01"}]`, `Preis Nr. 1: Zeitstempel "2026-01-01" ist kein ISO-8601-Zeitpunkt mit Zeitzonenversatz`},
	} {
		code, body := p.post(path+"/edit?lang=de", url.Values{tc.field: {tc.value}})
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("%s = %q: %d, want 422", tc.field, tc.value, code)
		}
		if msg := html.UnescapeString(editFieldMessage(body, tc.field)); msg != tc.want {
			t.Errorf("%s = %q: message %q, want %q", tc.field, tc.value, msg, tc.want)
		}
	}
}

func TestEditConflictResolvedOnTheChangesPage(t *testing.T) {
	for _, tt := range []struct {
		choice, value string
		want          string // the vendor's supplier at the end
		pending       bool   // a change is still to be sent after resolving
	}{
		{"mine", "", "Mine GmbH", true},
		{"theirs", "", "Theirs AG", false},
		{"value", "Third KG", "Third KG", true},
	} {
		t.Run(tt.choice, func(t *testing.T) {
			p := newPodShop(t)
			path, ext, _ := p.contract(t, 1)
			if code, _ := p.post(path+"/edit", url.Values{"supplier": {"Mine GmbH"}}); code != http.StatusOK {
				t.Fatal(code)
			}
			p.sim.SetSupplier(p.sim.UserOf(ext), ext, "Theirs AG")
			_, body := p.post("/changes/send", url.Values{})
			if !strings.Contains(text(body), "1 in conflict.") || !strings.Contains(text(body), "Supplier") {
				t.Fatalf("send: %s", text(body))
			}
			if got := p.simValues(t, ext)["supplier"]; got != "Theirs AG" {
				t.Fatalf("a conflicting edit overwrote the vendor: %q", got)
			}
			page := p.get(path)
			if !strings.Contains(text(page), "Resolve the conflict") || strings.Contains(page, `id="edit-save"`) {
				t.Error("the contract page does not send the user to the conflict")
			}
			if !strings.Contains(text(page), "Changes 1 need attention") {
				t.Errorf("header: %s", text(page))
			}
			cs, _ := p.store.Outbox(context.Background())
			id := cs[0].ID
			code, body := p.post("/changes/"+id+"/resolve", url.Values{"choice.supplier": {tt.choice}, "value.supplier": {tt.value}})
			if code != http.StatusOK || !strings.Contains(text(body), "Resolved") {
				t.Fatalf("resolve: %d %s", code, text(body))
			}
			p.post("/changes/send", url.Values{})
			if got := p.simValues(t, ext)["supplier"]; got != tt.want {
				t.Errorf("the vendor holds %q, want %q", got, tt.want)
			}
			cs, _ = p.store.Outbox(context.Background())
			if tt.pending && (len(cs) != 1 || cs[0].State != outbox.Sent) || !tt.pending && len(cs) != 0 {
				t.Errorf("outbox after resolving and sending: %+v", cs)
			}
		})
	}
}

func TestEditRejectedShowsTheVendorsWordsEscaped(t *testing.T) {
	p := newPodShop(t)
	path, _, _ := p.contract(t, 0)
	path2, ext2, _ := p.contract(t, 1)
	p.post(path+"/edit", url.Values{"supplier": {"Bad One"}})
	p.post(path2+"/edit", url.Values{"supplier": {"Good One"}})
	p.sim.RejectNextWrite("supplier", "<b>Not allowed</b> here")
	_, body := p.post("/changes/send", url.Values{})
	if !strings.Contains(text(body), "1 change sent; 1 refused by the vendor.") {
		t.Fatalf("send: %s", text(body))
	}
	if strings.Contains(body, "<b>Not allowed") || !strings.Contains(body, "&lt;b&gt;Not allowed") {
		t.Error("the vendor's message is not escaped")
	}
	if got := p.simValues(t, ext2)["supplier"]; got != "Good One" {
		t.Errorf("the edit after the rejected one did not go out: %q", got)
	}
	page := p.get(path)
	if !strings.Contains(text(page), "refused your last change") || !strings.Contains(page, `value="Bad One"`) {
		t.Errorf("the contract page does not offer the refused values for correcting: %s", text(page))
	}
	// Dismissing clears the attention count.
	cs, _ := p.store.Outbox(context.Background())
	for _, c := range cs {
		if c.State == outbox.Rejected {
			_, body = p.post("/changes/"+c.ID+"/undo", url.Values{})
		}
	}
	if strings.Contains(text(body), "need attention") {
		t.Errorf("after dismissing: %s", text(body))
	}
}

func TestEditUndoAndEditBack(t *testing.T) {
	p := newPodShop(t)
	path, _, vendor := p.contract(t, 0)
	p.post(path+"/edit", url.Values{"supplier": {"Temp"}})
	_, body := p.post(path+"/undo", url.Values{})
	if !strings.Contains(text(body), "Change undone") || strings.Contains(text(body), "1 pending") {
		t.Fatalf("undo: %s", text(body))
	}
	p.post(path+"/edit", url.Values{"supplier": {"Temp"}})
	_, body = p.post(path+"/edit", url.Values{"supplier": {vendor["supplier"]}})
	if !strings.Contains(text(body), "Your change is undone") {
		t.Fatalf("editing back: %s", text(body))
	}
	if cs, _ := p.store.Outbox(context.Background()); len(cs) != 0 {
		t.Fatalf("outbox: %+v", cs)
	}
}

func TestNotesOnAnyContract(t *testing.T) {
	s := seeded(t)
	b := newBrowser(t, s, func(o *Options) { o.Edits = s })
	var path string
	s.EachContract(context.Background(), app.ContractFilter{Source: srcEnneo}, func(c app.Contract) error {
		if path == "" {
			path = "/contracts/" + strconv.FormatInt(c.ID, 10)
		}
		return nil
	})
	page := b.get(path)
	if strings.Contains(page, `id="edit-save"`) || !strings.Contains(page, `id="notes-save"`) {
		t.Fatal("an enneo contract must have notes and no vendor edit form")
	}
	if code, _ := b.post(path+"/edit", url.Values{"supplier": {"x"}}); code != http.StatusBadRequest {
		t.Errorf("editing an enneo contract: %d", code)
	}
	code, body := b.post(path+"/notes", url.Values{"notes": {"Call <Frau> Müller"}, "tags": {"VIP, Wärmepumpe, VIP"}, "next_contact": {"31.02.2027"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(text(body), `"31.02.2027" is not a day of the calendar: Feb 2027 has 28 days`) || !strings.Contains(body, "VIP, Wärmepumpe, VIP") {
		t.Fatalf("bad date: %d %s", code, text(body))
	}
	// The refusal is the field's description, for a screen reader.
	refusedField(t, "notes", body, "n-next", "31.02.2027", `"31.02.2027" is not a day of the calendar: Feb 2027 has 28 days`)
	code, body = b.post(path+"/notes?lang=de", url.Values{"tags": {strings.Repeat("x", 41)}, "next_contact": {"31.02.2027"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(text(body), `"31.02.2027" ist kein Tag des Kalenders: Feb. 2027 hat 28 Tage`) ||
		!strings.Contains(text(body), "ist länger als 40 Zeichen") {
		t.Errorf("German notes form: %d %s", code, text(body))
	}
	refusedField(t, "German notes", body, "n-next", "31.02.2027", `"31.02.2027" ist kein Tag des Kalenders: Feb. 2027 hat 28 Tage`)
	refusedField(t, "German notes", body, "n-tags", "", `Schlagwort "`+strings.Repeat("x", 41)+`" ist länger als 40 Zeichen`)
	code, body = b.post(path+"/notes", url.Values{"notes": {"Call <Frau> Müller"}, "tags": {"VIP, Wärmepumpe, VIP"}, "next_contact": {"15.01.2027"}})
	if code != http.StatusOK || !strings.Contains(text(body), "Notes saved") {
		t.Fatalf("notes: %d %s", code, text(body))
	}
	page = b.get(path)
	if !strings.Contains(page, "Call &lt;Frau&gt; Müller") || !strings.Contains(page, `value="VIP, Wärmepumpe"`) || !strings.Contains(page, `value="15 Jan 2027"`) {
		t.Errorf("notes not shown after reload")
	}
}

func TestNotFoundSaysWhatIsMissing(t *testing.T) {
	s := seeded(t)
	o := testOptions(s)
	o.Meters, o.Accounts, o.OfferStore = s, s, s
	h := New(o)
	for path, want := range map[string]string{
		"/meters/999":    "There is no meter at this address.",
		"/customers/999": "There is no customer at this address.",
		"/contracts/999": "There is no contract at this address.",
		"/offers/999":    "There is no offer at this address.",
	} {
		res, body := get(t, h, path)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(text(body), want) || strings.Contains(path, "/contracts/") == false && strings.Contains(text(body), "contract may") {
			t.Errorf("GET %s: %d %q", path, res.StatusCode, text(body))
		}
	}
}

func TestARemovedContractIsNotEditable(t *testing.T) {
	p := newPodShop(t)
	path, ext, _ := p.contract(t, 0)
	if !p.sim.RemoveContract(ext) {
		t.Fatal("no such contract in the simulator")
	}
	p.sync(t)
	page := p.get(path)
	if strings.Contains(page, `id="edit-save"`) || !strings.Contains(page, `id="notes-save"`) {
		t.Fatal("a removed contract still offers the vendor edit form, or lost its notes")
	}
	if code, body := p.post(path+"/edit", url.Values{"supplier": {"x"}}); code != http.StatusBadRequest || !strings.Contains(text(body), "no longer at the vendor") {
		t.Errorf("editing a removed contract: %d %s", code, text(body))
	}
}

// A change pushed to the team's book says so on the Changes page, with no
// undo (it would stay in the book) and nothing for Send changes to send;
// a conflict with another analyst's change names it in place of the
// vendor.
func TestChangesPageShowsTheTeamsBook(t *testing.T) {
	ctx := context.Background()
	p := newPodShop(t)
	path, _, _ := p.contract(t, 0)
	path2, _, _ := p.contract(t, 1)
	p.post(path+"/edit", url.Values{"supplier": {"In The Book"}})
	p.post(path2+"/edit", url.Values{"supplier": {"Second Comer"}})
	// What 'wattfolio push' records: both in the book, the second kept
	// there as a conflict with Alice's change.
	pushed, err := p.store.ToPush(ctx)
	if err != nil || len(pushed) != 2 {
		t.Fatalf("to push: %d, %v", len(pushed), err)
	}
	for _, c := range pushed {
		if err := p.store.MarkPushed(ctx, c.BookKey, c.New); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.store.ApplyBookOutcome(ctx, outbox.BookOutcome{Key: pushed[1].BookKey, State: outbox.Conflict,
		Message: "alice's change #4 of supplier was pushed to the book first", New: pushed[1].New,
		Theirs: map[string]string{"supplier": "Alpha Energie"}}); err != nil {
		t.Fatal(err)
	}
	page := text(p.get("/changes"))
	for _, want := range []string{
		"In the team's book, waiting for the team's sync to send it.",
		"Another analyst's change of Supplier came first in the team's book: “alice's change #4 of supplier was pushed to the book first”.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the Changes page lacks %q:\n%s", want, page)
		}
	}
	if body := p.get("/changes"); strings.Contains(body, `id="undo-`+pushed[0].ID+`"`) {
		t.Error("a change in the team's book can be undone from the page")
	}
	writes := p.sim.Writes()
	if _, body := p.post("/changes/send", url.Values{}); !strings.Contains(text(body), "There was nothing to send.") || p.sim.Writes() != writes {
		t.Errorf("Send changes with a change in the team's book: %d writes, %s", p.sim.Writes()-writes, text(body))
	}
}
