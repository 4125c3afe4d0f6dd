package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/frontend/views"
)

// EditStore keeps offline edits (the outbox) and the user's notes on
// contracts; *db.Store implements it.
type EditStore interface {
	// Edit queues fields of a cached contract; "" when nothing is pending
	// for it afterwards (the values equal the vendor's).
	Edit(ctx context.Context, source, contractExternalID string, fields map[string]string) (string, error)
	Undo(ctx context.Context, id string) error
	Resolve(ctx context.Context, id string, keep map[string]string) error
	Outbox(ctx context.Context) ([]outbox.Change, error)
	ChangeOf(ctx context.Context, source, contractExternalID string) (*outbox.Change, error)
	OutboxCounts(ctx context.Context) (map[string]int, error)
	ContractNotes(ctx context.Context, source, contractExternalID string) (app.ContractNotes, error)
	SetContractNotes(ctx context.Context, source, contractExternalID string, n app.ContractNotes) error
}

// Sender writes the pending offline edits back to their vendors now, each
// outcome recorded in the outbox.
type Sender interface {
	SendEdits(ctx context.Context) error
}

// sendTimeout bounds "Send changes", which answers when it is done: a
// vendor that does not answer (the connector retries for a minute and
// more) must not hold the page. What is not sent by then stays pending.
const sendTimeout = 20 * time.Second

func (h *handler) routeEdits() {
	if h.o.Edits == nil {
		return
	}
	h.handle("POST /contracts/{id}/edit", h.editContract)
	h.handle("POST /contracts/{id}/undo", h.undoContract)
	h.handle("POST /contracts/{id}/notes", h.saveNotes)
	h.handle("GET /changes", h.changesPage)
	h.handle("POST /changes/send", h.sendChanges)
	h.handle("POST /changes/{cid}/undo", h.undoChange)
	h.handle("POST /changes/{cid}/resolve", h.resolveChange)
}

// contractEdits reads the contract's change and notes for its page.
func (h *handler) contractEdits(ctx context.Context, ct app.Contract) (*views.ContractEdits, error) {
	e := &views.ContractEdits{}
	var err error
	if e.Change, err = h.o.Edits.ChangeOf(ctx, ct.Source, ct.ExternalID); err != nil {
		return nil, err
	}
	if e.Notes, err = h.o.Edits.ContractNotes(ctx, ct.Source, ct.ExternalID); err != nil {
		return nil, err
	}
	// A contract the vendor no longer has cannot be written to; its notes stay.
	if ct.Vendor == app.VendorPodero && !ct.Removed() {
		vendor, err := outbox.PoderoValues(ct.Raw)
		if err != nil {
			// A record the edit form cannot read is shown, not edited.
			h.log.Warn("contract not editable", "source", ct.Source, "contract", ct.ExternalID, "err", err)
			return e, nil
		}
		e.Editable = true
		values, pending := map[string]string{}, map[string]bool{}
		if c := e.Change; c != nil && (c.State == outbox.Pending || c.State == outbox.Rejected) {
			// A refused change is shown for correcting; a pending one is what the user sees as current.
			for f, v := range c.New {
				values[f], pending[f] = v, c.State == outbox.Pending
			}
		}
		e.Fields = views.PoderoEditFields(views.LangFmt(ctx), vendor, values, pending, nil)
	}
	return e, nil
}

// contractOf reads the contract a POST is about, with its page's model.
func (h *handler) contractOf(w http.ResponseWriter, r *http.Request) (views.Contract, bool) {
	id, err := pathID(r, "contract")
	if err == nil {
		var m views.Contract
		if m, err = h.contractModel(w, r, id); err == nil {
			return m, true
		}
	}
	h.fail(w, r, err)
	return views.Contract{}, false
}

func (h *handler) readForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, http.StatusRequestEntityTooLarge, views.T(r.Context(), "The form could not be read"), views.T(r.Context(), "The form sent was too large or garbled; nothing was saved."))
		return false
	}
	return true
}

// editContract queues the fields the form changed. Each is validated
// first; a form with any invalid field queues nothing and comes back with
// the values typed and a message beside each bad one.
func (h *handler) editContract(w http.ResponseWriter, r *http.Request) {
	m, ok := h.contractOf(w, r)
	if !ok || !h.readForm(w, r) {
		return
	}
	e := m.Edits
	switch {
	case !e.Editable && m.C.Removed():
		h.fail(w, r, &requestError{Msg: views.T(r.Context(), "This contract is no longer at the vendor, so it cannot be edited there; your notes still work.")})
		return
	case !e.Editable:
		h.fail(w, r, &requestError{Msg: views.N("%s contracts have no fields Wattfolio can write back; use your notes instead."), Args: []any{views.VendorLabel(m.C.Vendor)}})
		return
	}
	if e.State() == outbox.Conflict {
		h.fail(w, r, &requestError{Msg: views.T(r.Context(), "This contract's change is in conflict with a change made at the vendor: resolve it on the Changes page first.")})
		return
	}
	vendor, typed, errs, fields := map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}
	for _, f := range e.Fields {
		vendor[f.Name] = f.Vendor
		v, sent := r.PostForm[f.Name]
		if !sent {
			continue
		}
		val := strings.ReplaceAll(v[0], "\r\n", "\n")
		if f.Name != outbox.FieldPrices {
			val = strings.TrimSpace(val)
		}
		typed[f.Name] = val
		if err := outbox.Validate(f.Name, val); err != nil {
			errs[f.Name] = editMessage(r.Context(), err)
			continue
		}
		// Only what differs from what the form showed is an edit: the
		// pending value, else the vendor's.
		if c := outbox.Canonical(f.Name, val); c != outbox.Canonical(f.Name, f.Value) || (e.State() == outbox.Rejected && c != f.Vendor) {
			fields[f.Name] = c
		}
	}
	status := http.StatusOK
	switch {
	case len(errs) > 0:
		pending := map[string]bool{}
		for _, f := range e.Fields {
			pending[f.Name] = f.Pending
		}
		e.Fields = views.PoderoEditFields(m.Fmt, vendor, typed, pending, errs)
		status = http.StatusUnprocessableEntity
	case len(fields) == 0:
		e.Notice = views.T(r.Context(), "Nothing to save: the form holds the values already shown.")
	default:
		id, err := h.o.Edits.Edit(r.Context(), m.C.Source, m.C.ExternalID, fields)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if e, err = h.contractEdits(r.Context(), m.C); err != nil {
			h.fail(w, r, err)
			return
		}
		m.Edits = e
		if id == "" {
			e.Notice = views.T(r.Context(), "Your change is undone: the values are the vendor's again.")
		} else {
			e.Notice = views.Tf(r.Context(), "Saved on this laptop. The change goes to %s at the next sync, or now with Send changes.", views.VendorLabel(m.C.Vendor))
		}
		h.refreshCounts(r.Context(), &m.Chrome)
	}
	h.render(w, r, status, views.ContractPage(m))
}

// undoContract drops the contract's unsent change.
func (h *handler) undoContract(w http.ResponseWriter, r *http.Request) {
	m, ok := h.contractOf(w, r)
	if !ok {
		return
	}
	if c := m.Edits.Change; c == nil || c.State == outbox.Sent {
		m.Edits.Notice = views.T(r.Context(), "There is no unsent change to undo.")
	} else {
		if err := h.o.Edits.Undo(r.Context(), c.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		e, err := h.contractEdits(r.Context(), m.C)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		m.Edits = e
		e.Notice = views.T(r.Context(), "Change undone: nothing will be sent for this contract.")
		h.refreshCounts(r.Context(), &m.Chrome)
	}
	h.render(w, r, http.StatusOK, views.ContractPage(m))
}

// saveNotes replaces the user's notes on the contract.
func (h *handler) saveNotes(w http.ResponseWriter, r *http.Request) {
	m, ok := h.contractOf(w, r)
	if !ok || !h.readForm(w, r) {
		return
	}
	e := m.Edits
	typed := map[string]string{"notes": r.PostForm.Get("notes"), "tags": r.PostForm.Get("tags"), "next_contact": r.PostForm.Get("next_contact")}
	n, errs := app.ParseContractNotes(typed["notes"], typed["tags"], typed["next_contact"])
	if len(errs) > 0 {
		e.NotesForm, e.NotesErr = typed, map[string]string{}
		for _, err := range errs {
			e.NotesErr[string(err.Field)] = views.Msg(r.Context(), err.Msg)
		}
		e.Notice, e.Bad = views.T(r.Context(), "Your notes were not saved: see the messages beside the fields."), true
		h.render(w, r, http.StatusUnprocessableEntity, views.ContractPage(m))
		return
	}
	if err := h.o.Edits.SetContractNotes(r.Context(), m.C.Source, m.C.ExternalID, n); err != nil {
		h.fail(w, r, err)
		return
	}
	var err error
	if e.Notes, err = h.o.Edits.ContractNotes(r.Context(), m.C.Source, m.C.ExternalID); err != nil {
		h.fail(w, r, err)
		return
	}
	e.Notice = views.T(r.Context(), "Notes saved on this laptop.")
	h.render(w, r, http.StatusOK, views.ContractPage(m))
}

func (h *handler) changesPage(w http.ResponseWriter, r *http.Request) {
	h.renderChanges(w, r, http.StatusOK, "", false)
}

func (h *handler) renderChanges(w http.ResponseWriter, r *http.Request, status int, notice string, bad bool) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Changes"), "changes")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	all, err := h.o.Edits.Outbox(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m := views.Changes{Chrome: c, CanSend: h.o.Sender != nil, Notice: notice, Bad: bad}
	for _, ch := range all {
		switch ch.State {
		case outbox.Pending:
			m.Pending = append(m.Pending, ch)
		case outbox.Sent:
			m.Sent = append([]outbox.Change{ch}, m.Sent...) // newest first
		default:
			m.Attention = append(m.Attention, ch)
		}
	}
	h.respond(w, r, status, views.ChangesPage(m), func() any { return changesDocOf(m) })
}

// sendChanges sends the pending edits now and says what became of each.
func (h *handler) sendChanges(w http.ResponseWriter, r *http.Request) {
	if h.o.Sender == nil {
		h.renderChanges(w, r, http.StatusConflict, views.T(r.Context(), "This window was opened without a sources file, so it cannot send."), true)
		return
	}
	before, err := h.o.Edits.Outbox(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), sendTimeout)
	defer cancel()
	sendErr := h.o.Sender.SendEdits(ctx)
	after, err := h.o.Edits.Outbox(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	notice, bad := sendSummary(r.Context(), before, after)
	switch {
	case errors.Is(sendErr, context.DeadlineExceeded) && r.Context().Err() == nil:
		notice = views.Tf(r.Context(), "The vendor did not answer within %d seconds, so sending stopped: %s The rest stays pending and goes out at the next sync.", int(sendTimeout.Seconds()), notice)
		bad = true
	case sendErr != nil:
		h.log.Error("send changes", "err", sendErr)
		notice, bad = notice+" "+views.Tf(r.Context(), "Sending stopped early: %s", firstLine(sendErr.Error())), true
	}
	h.recomputeSavings()
	h.renderChanges(w, r, http.StatusOK, notice, bad)
}

// sendSummary counts what became of the changes pending before a send.
func sendSummary(ctx context.Context, before, after []outbox.Change) (string, bool) {
	now := make(map[string]outbox.Change, len(after))
	for _, c := range after {
		now[c.ID] = c
	}
	n := map[string]int{}
	for _, c := range before {
		// A change pushed to a team's book is the team's sync's to send.
		if c.State == outbox.Pending && c.BookKey == "" {
			n[now[c.ID].State]++
		}
	}
	var parts []string
	for _, s := range []struct{ state, one, many string }{
		{outbox.Sent, views.N("1 change sent"), views.N("%d changes sent")},
		{outbox.Conflict, views.N("1 in conflict"), views.N("%d in conflict")},
		{outbox.Rejected, views.N("1 refused by the vendor"), views.N("%d refused by the vendor")},
		{outbox.Pending, views.N("1 not sent yet (the vendor could not be reached; it is tried again at the next sync)"), views.N("%d not sent yet (the vendor could not be reached; they are tried again at the next sync)")},
	} {
		switch k := n[s.state]; {
		case k == 1:
			parts = append(parts, views.T(ctx, s.one))
		case k > 1:
			parts = append(parts, views.Tf(ctx, s.many, k))
		}
	}
	if len(parts) == 0 {
		return views.T(ctx, "There was nothing to send."), false
	}
	return strings.Join(parts, "; ") + ".", n[outbox.Conflict]+n[outbox.Rejected]+n[outbox.Pending] > 0
}

func (h *handler) undoChange(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("cid")
	if err := h.o.Edits.Undo(r.Context(), id); err != nil {
		if errors.Is(err, app.ErrNotFound) {
			h.renderChanges(w, r, http.StatusNotFound, views.T(r.Context(), "That change is gone already."), true)
			return
		}
		h.fail(w, r, &requestError{Msg: "%s", Args: []any{err.Error()}})
		return
	}
	h.renderChanges(w, r, http.StatusOK, views.Tf(r.Context(), "Change %s dropped: nothing of it will be sent.", id), false)
}

// resolveChange settles a conflict with the choice made per field: mine,
// the vendor's, or a value typed in.
func (h *handler) resolveChange(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r) {
		return
	}
	id := r.PathValue("cid")
	all, err := h.o.Edits.Outbox(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ch *outbox.Change
	for i := range all {
		if all[i].ID == id {
			ch = &all[i]
		}
	}
	if ch == nil || ch.State != outbox.Conflict {
		h.renderChanges(w, r, http.StatusConflict, views.T(r.Context(), "That change is no longer in conflict; see its state below."), true)
		return
	}
	keep := map[string]string{}
	for _, f := range views.ConflictFields(*ch) {
		switch r.PostForm.Get("choice." + f) {
		case "mine", "":
			keep[f] = ch.New[f]
		case "theirs":
		case "value":
			v := strings.TrimSpace(r.PostForm.Get("value." + f))
			if err := outbox.Validate(f, v); err != nil {
				h.renderChanges(w, r, http.StatusUnprocessableEntity, views.Tf(r.Context(), "Not resolved: %s: %s", views.LangFmt(r.Context()).EditLabel(f), editMessage(r.Context(), err)), true)
				return
			}
			keep[f] = outbox.Canonical(f, v)
		default:
			h.fail(w, r, badParam("choice."+f, clip(r.PostForm.Get("choice."+f)), views.N("not mine, theirs or value")))
			return
		}
	}
	if err := h.o.Edits.Resolve(r.Context(), id, keep); err != nil {
		h.fail(w, r, err)
		return
	}
	msg := "Resolved: the vendor's value is kept and nothing is left to send for this contract."
	if len(keep) > 0 || len(ch.New) > len(views.ConflictFields(*ch)) {
		msg = "Resolved: the change is pending again and goes out at the next sync, unless the vendor changes the field once more."
	}
	h.renderChanges(w, r, http.StatusOK, msg, false)
}

// refreshCounts updates the header's counts after an edit.
func (h *handler) refreshCounts(ctx context.Context, c *views.Chrome) {
	if h.o.Edits == nil {
		return
	}
	n, err := h.o.Edits.OutboxCounts(ctx)
	if err != nil {
		h.log.Warn("outbox counts", "err", err)
		return
	}
	c.Pending, c.Attention = n[outbox.Pending], n[outbox.Conflict]+n[outbox.Rejected]
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// editMessage is what outbox.Validate's err says about its field, in the
// page's language, without the field's name the form shows beside it.
func editMessage(ctx context.Context, err error) string {
	var fe *outbox.FieldError
	if errors.As(err, &fe) {
		return views.Msg(ctx, fe.Msg)
	}
	return err.Error()
}
