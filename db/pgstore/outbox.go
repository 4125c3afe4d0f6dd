package pgstore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db/internal/pgq"
)

// The book's outbox: the laptops push their offline edits here
// ('wattfolio push'), the team's sync writes them back to the vendors
// through package writeback (the Store implements writeback.Store, as the
// SQLite cache does), and each laptop reads back what became of its own.

// Push takes a laptop's pending changes into the book and returns what the
// book holds of each. A change is named by the laptop's id and its
// BookKey: pushed again (a push cut off, or the change edited since), it
// is the same change, folded while it waits and left as it is once
// settled. A change of a field that another change of the same contract,
// pushed first, waits to send (or sent from the same base) is kept as a
// conflict naming that change's author: the first pushed wins the queue. A change the book cannot take
// (its source is not in the book) is passed over, and the error names it.
func (s *Store) Push(ctx context.Context, laptopID, author string, changes []outbox.Change) ([]outbox.BookOutcome, error) {
	var out []outbox.BookOutcome
	var errs []error
	for _, ch := range changes {
		if ch.BookKey == "" {
			return out, fmt.Errorf("book: push of change %s: no key", ch.ID)
		}
		var o outbox.BookOutcome
		err := s.inTx(ctx, func(q *pgq.Queries) error {
			var err error
			o, err = s.push(ctx, q, laptopID, author, ch)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			errs = append(errs, fmt.Errorf("change %s of %s %s: %w", ch.ID, ch.Source, ch.ContractID, err))
			continue
		}
		out = append(out, o)
	}
	if err := errors.Join(errs...); err != nil {
		return out, fmt.Errorf("book: push: %w", err)
	}
	return out, nil
}

func (s *Store) push(ctx context.Context, q *pgq.Queries, laptopID, author string, ch outbox.Change) (outbox.BookOutcome, error) {
	if err := q.LockContractOutbox(ctx, pgq.LockContractOutboxParams{Source: ch.Source, Contract: ch.ContractID}); err != nil {
		return outbox.BookOutcome{}, err
	}
	sid, err := sourceID(ctx, q, ch.Source)
	if err != nil {
		return outbox.BookOutcome{}, fmt.Errorf("%w (the team's sync has not synced it into the book)", err)
	}
	now := ts(s.now())
	cur, err := q.BookChangeByKey(ctx, pgq.BookChangeByKeyParams{LaptopID: laptopID, ChangeKey: ch.BookKey})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		first, theirs, err := firstInQueue(ctx, q, sid, 0, ch)
		if err != nil {
			return outbox.BookOutcome{}, err
		}
		p := pgq.InsertBookChangeParams{
			SourceID: sid, ContractExternalID: ch.ContractID, LaptopID: laptopID, ChangeKey: ch.BookKey,
			Author: author, BaseJson: outbox.EncodeFields(ch.Base), NewJson: outbox.EncodeFields(ch.New),
			State: outbox.Pending, TheirsJson: "{}", Now: now,
		}
		o := outbox.BookOutcome{Key: ch.BookKey, State: outbox.Pending, New: ch.New}
		if first != nil {
			p.State, p.Message, p.TheirsJson, p.ConflictWith = outbox.Conflict, queueMessage(first, theirs), outbox.EncodeFields(theirs), &first.ID
			o.State, o.Message, o.Theirs = p.State, p.Message, theirs
		}
		_, err = q.InsertBookChange(ctx, p)
		return o, err
	case err != nil:
		return outbox.BookOutcome{}, err
	}
	o := outbox.BookOutcome{Key: ch.BookKey, State: cur.State, Message: cur.Message, New: outbox.DecodeFields(cur.NewJson), Theirs: outbox.DecodeFields(cur.TheirsJson)}
	if cur.State != outbox.Pending || maps.Equal(o.New, ch.New) {
		return o, nil
	}
	// Edited on the laptop after its push, still waiting here: the new
	// values wait instead, behind any change pushed before it.
	if err := q.FoldBookChange(ctx, pgq.FoldBookChangeParams{NewJson: outbox.EncodeFields(ch.New), Author: author, Now: now, ID: cur.ID}); err != nil {
		return o, err
	}
	o.New = ch.New
	first, theirs, err := firstInQueue(ctx, q, sid, cur.ID, ch)
	if err != nil || first == nil {
		return o, err
	}
	o.State, o.Message, o.Theirs = outbox.Conflict, queueMessage(first, theirs), theirs
	_, err = q.SettleBookChange(ctx, pgq.SettleBookChangeParams{State: o.State, Message: o.Message, TheirsJson: outbox.EncodeFields(theirs), Now: now, ID: cur.ID})
	return o, err
}

// firstInQueue finds the change of ch's contract pushed before it (before
// id, or any when id is 0) that stands in its way, and that change's
// values of the fields in the way; nil when none. In the way are a change
// waiting to be sent that edits a field ch edits too, and a change sent
// that edited such a field from the value ch's edit began from (the same
// base: ch's analyst did not have its value).
func firstInQueue(ctx context.Context, q *pgq.Queries, sourceID, id int64, ch outbox.Change) (*pgq.QueuedOfContractRow, map[string]string, error) {
	rows, err := q.QueuedOfContract(ctx, pgq.QueuedOfContractParams{SourceID: sourceID, ContractExternalID: ch.ContractID})
	if err != nil {
		return nil, nil, err
	}
	for i, r := range rows {
		if id != 0 && r.ID >= id {
			break
		}
		base, theirs := outbox.DecodeFields(r.BaseJson), map[string]string{}
		for f, v := range outbox.DecodeFields(r.NewJson) {
			if _, ok := ch.New[f]; !ok {
				continue
			}
			if r.State == outbox.Pending || base[f] == ch.Base[f] && v != ch.Base[f] {
				theirs[f] = v
			}
		}
		if len(theirs) > 0 {
			return &rows[i], theirs, nil
		}
	}
	return nil, nil, nil
}

func queueMessage(first *pgq.QueuedOfContractRow, theirs map[string]string) string {
	return fmt.Sprintf("%s's change #%d of %s was pushed to the book first (%s UTC): resolve against their values",
		first.Author, first.ID, strings.Join(slices.Sorted(maps.Keys(theirs)), ", "), first.PushedAt.Time.UTC().Format("2006-01-02 15:04"))
}

// Outcomes returns what the book holds of the changes a laptop pushed, by
// their keys; a key the book does not know is left out.
func (s *Store) Outcomes(ctx context.Context, laptopID string, keys []string) ([]outbox.BookOutcome, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := s.q.OutcomesOfLaptop(ctx, pgq.OutcomesOfLaptopParams{LaptopID: laptopID, Keys: keys})
	if err != nil {
		return nil, fmt.Errorf("book: outcomes of pushed changes: %w", err)
	}
	out := make([]outbox.BookOutcome, len(rows))
	for i, r := range rows {
		out[i] = outbox.BookOutcome{Key: r.ChangeKey, State: r.State, Message: r.Message, New: outbox.DecodeFields(r.NewJson), Theirs: outbox.DecodeFields(r.TheirsJson)}
	}
	return out, nil
}

// Outbox lists every change in the book, first pushed first, settled or
// not: what 'wattfolio outbox --db postgres://…' prints.
func (s *Store) Outbox(ctx context.Context) ([]outbox.Change, error) {
	rows, err := s.q.ListBookOutbox(ctx)
	if err != nil {
		return nil, fmt.Errorf("book: outbox: %w", err)
	}
	return bookChanges(rows), nil
}

// PendingOutbox lists the changes waiting to be sent, first pushed first:
// all the team's write-back reads (writeback.Store), not the settled ones
// the book keeps for the laptops and 'wattfolio outbox'.
func (s *Store) PendingOutbox(ctx context.Context) ([]outbox.Change, error) {
	rows, err := s.q.ListBookPending(ctx)
	if err != nil {
		return nil, fmt.Errorf("book: pending outbox: %w", err)
	}
	all := make([]pgq.ListBookOutboxRow, len(rows))
	for i, r := range rows {
		all[i] = pgq.ListBookOutboxRow(r)
	}
	return bookChanges(all), nil
}

func bookChanges(rows []pgq.ListBookOutboxRow) []outbox.Change {
	out := make([]outbox.Change, len(rows))
	for i, r := range rows {
		out[i] = outbox.Change{
			ID: strconv.FormatInt(r.ID, 10), Source: r.SourceName, ContractID: r.ContractExternalID,
			CustomerID: r.CustomerRef, ContractRef: r.ContractID, ContractName: r.ContractName,
			Base: outbox.DecodeFields(r.BaseJson), New: outbox.DecodeFields(r.NewJson), InFlight: outbox.DecodeFields(r.InflightJson),
			State: r.State, Message: r.Message, Theirs: outbox.DecodeFields(r.TheirsJson), Attempts: int(r.Attempts),
			CreatedAt: r.PushedAt.Time.UTC(), UpdatedAt: r.UpdatedAt.Time.UTC(), Author: r.Author,
		}
		if len(out[i].Theirs) == 0 {
			out[i].Theirs = nil
		}
	}
	return out
}

// MarkInFlight records the values of a PUT about to be sent, unless the
// change no longer holds new (outbox.ErrChangedMeanwhile): a laptop pushed
// it again meanwhile.
func (s *Store) MarkInFlight(ctx context.Context, id string, new, fields map[string]string) error {
	n, err := parseChangeID(id)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(q *pgq.Queries) error {
		cur, err := q.BookChangeByID(ctx, n)
		if errors.Is(err, pgx.ErrNoRows) {
			return outbox.ErrChangedMeanwhile
		}
		if err != nil {
			return err
		}
		if cur.State != outbox.Pending || !maps.Equal(outbox.DecodeFields(cur.NewJson), new) {
			return outbox.ErrChangedMeanwhile
		}
		return q.SetBookInFlight(ctx, pgq.SetBookInFlightParams{InflightJson: outbox.EncodeFields(fields), ID: n})
	})
	if err != nil && !errors.Is(err, outbox.ErrChangedMeanwhile) {
		return fmt.Errorf("book: change %s in flight: %w", id, err)
	}
	return err
}

// MarkSent settles a change the vendor accepted and stores the vendor's
// answer as the book's contract, in one transaction, as the SQLite cache
// does (db.Store.MarkSent): a change pushed again with other values while
// it was being sent stays pending for what is left, its sent fields' base
// moved to what the vendor holds now, and settled is false.
func (s *Store) MarkSent(ctx context.Context, id string, sent map[string]string, c app.Contract) (settled bool, err error) {
	n, err := parseChangeID(id)
	if err != nil {
		return false, err
	}
	err = s.inTx(ctx, func(q *pgq.Queries) error {
		settled = false
		cur, err := q.BookChangeByID(ctx, n)
		if err != nil {
			return err
		}
		if c.ExternalID != cur.ContractExternalID {
			return fmt.Errorf("the vendor answered contract %q for %q", c.ExternalID, cur.ContractExternalID)
		}
		runID, err := q.ContractRunID(ctx, pgq.ContractRunIDParams{SourceID: cur.SourceID, ExternalID: cur.ContractExternalID})
		switch {
		case err == nil && runID != nil:
			if err := upsertContract(ctx, q, cur.SourceID, *runID, &c); err != nil {
				return err
			}
		case err != nil && !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		now := ts(s.now())
		if maps.Equal(outbox.DecodeFields(cur.NewJson), sent) {
			settled = true
			return settleBook(ctx, q, n, outbox.Sent, "", nil, now)
		}
		held, err := outbox.PoderoValues(c.Raw)
		if err != nil {
			return fmt.Errorf("contract %s: %w", cur.ContractExternalID, err)
		}
		base, next := outbox.DecodeFields(cur.BaseJson), outbox.DecodeFields(cur.NewJson)
		if outbox.AfterSend(base, next, sent, held) {
			settled = true
			return settleBook(ctx, q, n, outbox.Sent, "", nil, now)
		}
		return q.RebaseBookChange(ctx, pgq.RebaseBookChangeParams{
			BaseJson: outbox.EncodeFields(base), NewJson: outbox.EncodeFields(next), Message: outbox.EditedWhileSending, Now: now, ID: n,
		})
	})
	if err != nil {
		return false, fmt.Errorf("book: mark change %s sent: %w", id, err)
	}
	return settled, nil
}

// MarkRejected settles a change the vendor refused, keeping its message.
func (s *Store) MarkRejected(ctx context.Context, id, msg string) error {
	return s.markBook(ctx, id, outbox.Rejected, msg, nil)
}

// MarkConflict settles a change whose fields the vendor changed meanwhile,
// keeping the vendor's current values next to the analyst's.
func (s *Store) MarkConflict(ctx context.Context, id string, theirs map[string]string) error {
	return s.markBook(ctx, id, outbox.Conflict, "", theirs)
}

// MarkAttempt counts a try that failed for a passing reason; the change
// stays pending and msg says what happened.
func (s *Store) MarkAttempt(ctx context.Context, id, msg string) error {
	return s.markBook(ctx, id, outbox.Pending, msg, nil)
}

func (s *Store) markBook(ctx context.Context, id, state, msg string, theirs map[string]string) error {
	n, err := parseChangeID(id)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(q *pgq.Queries) error { return settleBook(ctx, q, n, state, msg, theirs, ts(s.now())) })
	if err != nil {
		return fmt.Errorf("book: mark change %s %s: %w", id, state, err)
	}
	return nil
}

func settleBook(ctx context.Context, q *pgq.Queries, id int64, state, msg string, theirs map[string]string, now pgtype.Timestamptz) error {
	if theirs == nil {
		theirs = map[string]string{}
	}
	n, err := q.SettleBookChange(ctx, pgq.SettleBookChangeParams{State: state, Message: msg, TheirsJson: outbox.EncodeFields(theirs), Now: now, ID: id})
	if err == nil && n == 0 {
		err = fmt.Errorf("no change %d: %w", id, app.ErrNotFound)
	}
	return err
}

func parseChangeID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("book: %q is not a change id", id)
	}
	return n, nil
}
