// Package writeback sends offline edits (the outbox) to the vendor: for
// each pending change it reads the contract as the vendor holds it now,
// and writes the edited fields only when nobody changed them upstream
// since the edit began.
package writeback

import (
	"context"
	"errors"
	"maps"
	"slices"

	"wattfolio/app"
	"wattfolio/app/outbox"
)

// Vendor reads and writes single contracts; the Podero client implements it.
// A write the vendor refuses is an *outbox.RejectedError; any other error
// is taken as passing and the change is tried again on the next run.
type Vendor interface {
	GetContract(ctx context.Context, customerID, contractID string) (app.Contract, error)
	PutContract(ctx context.Context, customerID, contractID string, fields map[string]string) (app.Contract, error)
}

// Store is the outbox; *db.Store implements it.
type Store interface {
	// PendingOutbox lists the changes waiting to be sent (state pending),
	// all the write-back reads: a book's outbox holds every change ever
	// pushed, and reading the settled ones each sync would grow with it.
	PendingOutbox(ctx context.Context) ([]outbox.Change, error)
	// MarkSent reports false when the change was edited again while it
	// was being sent: it stays pending for the new values.
	MarkSent(ctx context.Context, id string, sent map[string]string, c app.Contract) (settled bool, err error)
	MarkRejected(ctx context.Context, id, msg string) error
	MarkConflict(ctx context.Context, id string, theirs map[string]string) error
	MarkAttempt(ctx context.Context, id, msg string) error
	// MarkInFlight records a PUT's values before it is sent, unless the
	// change no longer holds new (outbox.ErrChangedMeanwhile).
	MarkInFlight(ctx context.Context, id string, new, fields map[string]string) error
}

// Undone is the state of an outcome whose change was undone (or settled
// elsewhere) while it was being sent: nothing went out.
const Undone = "undone"

// plan compares a change with the vendor's current values: the fields to
// PUT, and those someone changed at the vendor since the edit began.
func plan(ch outbox.Change, theirs map[string]string) (put, conflict map[string]string) {
	put, conflict = map[string]string{}, map[string]string{}
	for _, f := range slices.Sorted(maps.Keys(ch.New)) {
		want, was, now := ch.New[f], ch.Base[f], theirs[f]
		mine, sent := ch.InFlight[f]
		switch {
		case now == want:
			// The vendor holds the wanted value already.
		case sent && now == mine:
			// Our own earlier PUT, whose answer was never recorded.
			put[f] = want
		case now != was:
			conflict[f] = now
		default:
			put[f] = want
		}
	}
	return put, conflict
}

// changeByID reads one change afresh; nil when it is gone.
func changeByID(ctx context.Context, st Store, id string) (*outbox.Change, error) {
	all, err := st.PendingOutbox(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, nil
}

// Outcome is what became of one change.
type Outcome struct {
	Change outbox.Change
	// State is outbox.Sent, Rejected, Conflict, or Pending when it is to
	// be tried again (with Sent set when the change was edited again while
	// it was being sent).
	State string
	// Sent lists the fields written; empty when the vendor already held
	// the values wanted.
	Sent []string
	// Message is the vendor's refusal, or why the change is still pending.
	Message string
	// Theirs holds the vendor's current values of the conflicting fields.
	Theirs map[string]string
}

// Pending lists the pending changes of source, but those a laptop handed
// to a team's book (BookKey set): the book's sync sends them.
func Pending(ctx context.Context, st Store, source string) ([]outbox.Change, error) {
	all, err := st.PendingOutbox(ctx)
	if err != nil {
		return nil, err
	}
	var out []outbox.Change
	for _, c := range all {
		if c.Source == source && c.State == outbox.Pending && c.BookKey == "" {
			out = append(out, c)
		}
	}
	return out, nil
}

// Run sends the pending changes of source through v, one after the other,
// and records each outcome in st. It stops early only when ctx ends or the
// store fails.
func Run(ctx context.Context, st Store, source string, v Vendor) ([]Outcome, error) {
	changes, err := Pending(ctx, st, source)
	if err != nil {
		return nil, err
	}
	var out []Outcome
	for _, ch := range changes {
		o, err := send(ctx, st, v, ch)
		if err != nil {
			return out, err
		}
		out = append(out, o)
	}
	return out, nil
}

func send(ctx context.Context, st Store, v Vendor, ch outbox.Change) (Outcome, error) {
	o := Outcome{Change: ch}
	failed := func(err error) (Outcome, error) {
		if ctx.Err() != nil {
			return o, ctx.Err()
		}
		var rej *outbox.RejectedError
		if errors.As(err, &rej) {
			o.State, o.Message = outbox.Rejected, rej.Message
			return o, st.MarkRejected(ctx, ch.ID, rej.Message)
		}
		o.State, o.Message = outbox.Pending, err.Error()
		return o, st.MarkAttempt(ctx, ch.ID, err.Error())
	}
	if ch.CustomerID == "" {
		return failed(errors.New("the contract is no longer in the cache; sync it first"))
	}
	cur, err := v.GetContract(ctx, ch.CustomerID, ch.ContractID)
	if err != nil {
		return failed(err)
	}
	theirs, err := outbox.PoderoValues(cur.Raw)
	if err != nil {
		return failed(err)
	}
	// An edit folded in between reading the change and recording its PUT
	// in flight changes what to send: the PUT is worked out again.
	var put map[string]string
	for try := 0; ; try++ {
		var conflict map[string]string
		put, conflict = plan(ch, theirs)
		if len(conflict) > 0 {
			o.State, o.Theirs = outbox.Conflict, conflict
			return o, st.MarkConflict(ctx, ch.ID, conflict)
		}
		if len(put) == 0 {
			break
		}
		// In flight: what this PUT carries, and what the vendor holds of
		// the change already (an earlier PUT whose answer was lost), so
		// that an edit setting any of them back is not taken for no edit.
		flight := maps.Clone(put)
		for f, want := range ch.New {
			if theirs[f] == want {
				flight[f] = want
			}
		}
		err := st.MarkInFlight(ctx, ch.ID, ch.New, flight)
		if err == nil {
			break
		}
		if !errors.Is(err, outbox.ErrChangedMeanwhile) || try == 3 {
			return o, err
		}
		now, err := changeByID(ctx, st, ch.ID)
		if err != nil {
			return o, err
		}
		if now == nil || now.State != outbox.Pending {
			o.State = Undone
			return o, nil
		}
		ch, o.Change = *now, *now
	}
	answer := cur
	if len(put) > 0 {
		answer, err = v.PutContract(ctx, ch.CustomerID, ch.ContractID, put)
		if err != nil {
			return failed(err)
		}
	}
	o.State, o.Sent = outbox.Sent, slices.Sorted(maps.Keys(put))
	settled, err := st.MarkSent(ctx, ch.ID, ch.New, answer)
	if err == nil && !settled {
		o.State, o.Message = outbox.Pending, outbox.EditedWhileSending
	}
	return o, err
}
