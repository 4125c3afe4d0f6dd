package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/db/internal/dbq"
)

// Edit queues an offline edit of a cached contract: fields maps editable
// field names to their new values. It validates nothing itself. The first
// edit of a contract records the editable values the cache holds now as the
// change's base; further edits before it is sent fold into the same change
// and keep that base. An edit of a contract whose last change was settled
// (sent, rejected, in conflict) starts a new change. Fields set to the
// values the change began from leave it; a change left with no fields is
// dropped. It returns the change's id, or "" when nothing is pending for the
// contract afterwards.
func (s *Store) Edit(ctx context.Context, source, contractExternalID string, fields map[string]string) (string, error) {
	if len(fields) == 0 {
		return "", errors.New("outbox: an edit needs at least one field")
	}
	var id int64
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		c, err := q.OutboxContract(ctx, dbq.OutboxContractParams{Source: source, ExternalID: contractExternalID})
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("contract %s of source %q is not in the cache: %w", contractExternalID, source, app.ErrNotFound)
		}
		if err != nil {
			return err
		}
		now := s.now().Unix()
		cur, err := q.OutboxByContract(ctx, dbq.OutboxByContractParams{SourceID: c.SourceID, ContractExternalID: contractExternalID})
		switch {
		case err == nil && cur.State == outbox.Pending:
			next := outbox.DecodeFields(cur.NewJson)
			for f, v := range fields {
				next[f] = v
			}
			if outbox.DropUnchanged(next, outbox.DecodeFields(cur.BaseJson), keptValues(cur.InflightJson, cur.PushedJson)) {
				// Edited back to the values the edit began from.
				_, err := q.DeleteOutbox(ctx, cur.ID)
				return err
			}
			id = cur.ID
			return q.FoldOutbox(ctx, dbq.FoldOutboxParams{NewJson: outbox.EncodeFields(next), Now: now, ID: cur.ID})
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if app.Vendor(c.Vendor) != app.VendorPodero {
			return fmt.Errorf("source %q is a %s source: its contracts have no editable fields", source, c.Vendor)
		}
		base, err := outbox.PoderoValues([]byte(c.RawJson))
		if err != nil {
			return fmt.Errorf("contract %s: %w", contractExternalID, err)
		}
		fields = maps.Clone(fields)
		if outbox.DropUnchanged(fields, base, nil) {
			return nil // the cache holds these values already
		}
		id, err = q.PutOutbox(ctx, dbq.PutOutboxParams{
			SourceID: c.SourceID, ContractExternalID: contractExternalID,
			BaseJson: outbox.EncodeFields(base), NewJson: outbox.EncodeFields(fields), Now: now,
		})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("outbox: edit: %w", err)
	}
	if id == 0 {
		return "", nil
	}
	return strconv.FormatInt(id, 10), nil
}

// Undo drops a change that was not sent.
func (s *Store) Undo(ctx context.Context, id string) error {
	n, err := parseChangeID(id)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(q *dbq.Queries) error {
		cur, err := q.OutboxByID(ctx, n)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("no change %s: %w", id, app.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if cur.State == outbox.Sent {
			return fmt.Errorf("change %s was already sent to the vendor; edit the contract again instead", id)
		}
		if cur.State == outbox.Pending && cur.BookKey != "" {
			return fmt.Errorf("change %s was pushed to the team's book; edit its fields back to their old values and push again instead", id)
		}
		_, err = q.DeleteOutbox(ctx, n)
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox: undo: %w", err)
	}
	return nil
}

// Outbox lists every change, oldest first.
func (s *Store) Outbox(ctx context.Context) ([]outbox.Change, error) {
	return s.listOutbox(ctx, dbq.ListOutboxParams{})
}

// PendingOutbox lists the changes waiting to be sent, all the write-back
// reads (writeback.Store).
func (s *Store) PendingOutbox(ctx context.Context) ([]outbox.Change, error) {
	return s.listOutbox(ctx, dbq.ListOutboxParams{State: outbox.Pending})
}

// ChangeOf returns the change of one contract (pending or settled), or
// nil when it has none.
func (s *Store) ChangeOf(ctx context.Context, source, contractExternalID string) (*outbox.Change, error) {
	if source == "" || contractExternalID == "" {
		return nil, nil
	}
	cs, err := s.listOutbox(ctx, dbq.ListOutboxParams{Source: source, Contract: contractExternalID})
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return &cs[0], nil
}

// OutboxCounts counts the changes in each state.
func (s *Store) OutboxCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.rq.CountOutbox(ctx)
	if err != nil {
		return nil, fmt.Errorf("outbox: count: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.State] = int(r.N)
	}
	return out, nil
}

func (s *Store) listOutbox(ctx context.Context, p dbq.ListOutboxParams) ([]outbox.Change, error) {
	rows, err := s.rq.ListOutbox(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("outbox: list: %w", err)
	}
	out := make([]outbox.Change, len(rows))
	for i, r := range rows {
		out[i] = outbox.Change{
			ID: strconv.FormatInt(r.ID, 10), Source: r.SourceName, ContractID: r.ContractExternalID,
			CustomerID: r.CustomerRef, ContractRef: r.ContractID, ContractName: r.ContractName,
			Base: outbox.DecodeFields(r.BaseJson), New: outbox.DecodeFields(r.NewJson), InFlight: outbox.DecodeFields(r.InflightJson),
			State: r.State, Message: r.Message, Theirs: outbox.DecodeFields(r.TheirsJson),
			Attempts:  int(r.Attempts),
			CreatedAt: time.Unix(r.CreatedAt, 0).UTC(), UpdatedAt: time.Unix(r.UpdatedAt, 0).UTC(),
			BookKey: r.BookKey, InBook: r.State == outbox.Pending && r.BookKey != "" && r.PushedJson == r.NewJson,
		}
		if len(out[i].Theirs) == 0 {
			out[i].Theirs = nil
		}
	}
	return out, nil
}

// Resolve settles a conflict: the vendor's current values become the
// change's base, so only a later upstream change conflicts again. keep maps
// conflicting fields to the value still to be sent (the user's own, or one
// typed anew); a conflicting field not in keep takes the vendor's value and
// leaves the change. Edited fields that were not in conflict stay. A
// change left with nothing to send is dropped.
func (s *Store) Resolve(ctx context.Context, id string, keep map[string]string) error {
	n, err := parseChangeID(id)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(q *dbq.Queries) error {
		cur, err := q.OutboxByID(ctx, n)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("no change %s: %w", id, app.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if cur.State != outbox.Conflict {
			return fmt.Errorf("change %s is %s, not in conflict", id, cur.State)
		}
		base, next, theirs := outbox.DecodeFields(cur.BaseJson), outbox.DecodeFields(cur.NewJson), outbox.DecodeFields(cur.TheirsJson)
		for f := range keep {
			if _, ok := theirs[f]; !ok {
				return fmt.Errorf("change %s: %s is not in conflict", id, f)
			}
		}
		for f, v := range theirs {
			base[f] = v
			if mine, ok := keep[f]; ok {
				next[f] = mine
			} else {
				delete(next, f)
			}
		}
		if outbox.DropUnchanged(next, base, nil) {
			_, err := q.DeleteOutbox(ctx, n)
			return err
		}
		_, err = q.ResolveOutbox(ctx, dbq.ResolveOutboxParams{
			BaseJson: outbox.EncodeFields(base), NewJson: outbox.EncodeFields(next), Now: s.now().Unix(), ID: n,
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox: resolve: %w", err)
	}
	return nil
}

// MarkSent settles a change the vendor accepted and stores the vendor's
// answer as the cached contract, in one transaction. sent is the change's
// New as it was sent. When the change was edited again meanwhile (a fold
// racing the send), settling it would drop the new edit: it stays pending
// instead for what is left to send, with the sent fields' base moved to
// what the vendor holds now, and settled is false. A sent field the user
// set back to its old value meanwhile is sent again with that value.
func (s *Store) MarkSent(ctx context.Context, id string, sent map[string]string, newContract app.Contract) (settled bool, err error) {
	n, err := parseChangeID(id)
	if err != nil {
		return false, err
	}
	err = s.inTx(ctx, func(q *dbq.Queries) error {
		cur, err := q.OutboxByID(ctx, n)
		if errors.Is(err, sql.ErrNoRows) {
			// Undone while it was on the wire: the vendor has it anyway,
			// so the cache takes the vendor's answer.
			settled = true
			src, err := s.sourceID(ctx, q, newContract.Source)
			if err != nil {
				return err
			}
			return upsertContract(ctx, q, src, nil, &newContract)
		}
		if err != nil {
			return err
		}
		if newContract.ExternalID != cur.ContractExternalID {
			return fmt.Errorf("the vendor answered contract %q for %q", newContract.ExternalID, cur.ContractExternalID)
		}
		c, err := q.OutboxContract(ctx, dbq.OutboxContractParams{Source: cur.SourceName, ExternalID: cur.ContractExternalID})
		var runID *int64
		switch {
		case err == nil:
			runID = c.RunID
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if err := upsertContract(ctx, q, cur.SourceID, runID, &newContract); err != nil {
			return err
		}
		if maps.Equal(outbox.DecodeFields(cur.NewJson), sent) {
			settled = true
			return s.settle(ctx, q, n, outbox.Sent, "", nil)
		}
		held, err := outbox.PoderoValues(newContract.Raw)
		if err != nil {
			return fmt.Errorf("contract %s: %w", cur.ContractExternalID, err)
		}
		base, next := outbox.DecodeFields(cur.BaseJson), outbox.DecodeFields(cur.NewJson)
		if outbox.AfterSend(base, next, sent, held) {
			settled = true
			return s.settle(ctx, q, n, outbox.Sent, "", nil)
		}
		return q.RebaseOutbox(ctx, dbq.RebaseOutboxParams{
			BaseJson: outbox.EncodeFields(base), NewJson: outbox.EncodeFields(next), Message: outbox.EditedWhileSending,
			Now: s.now().Unix(), ID: n,
		})
	})
	if err != nil {
		return false, fmt.Errorf("outbox: mark change %s sent: %w", id, err)
	}
	return settled, nil
}

// MarkInFlight records the values of a PUT about to be sent; MarkSent,
// MarkRejected and MarkConflict clear them, a passing failure keeps them.
// It returns outbox.ErrChangedMeanwhile, and records nothing, when the
// change no longer holds the values the PUT was worked out from (new).
func (s *Store) MarkInFlight(ctx context.Context, id string, new, fields map[string]string) error {
	n, err := parseChangeID(id)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(q *dbq.Queries) error {
		cur, err := q.OutboxByID(ctx, n)
		if errors.Is(err, sql.ErrNoRows) {
			return outbox.ErrChangedMeanwhile
		}
		if err != nil {
			return err
		}
		if cur.State != outbox.Pending || !maps.Equal(outbox.DecodeFields(cur.NewJson), new) {
			return outbox.ErrChangedMeanwhile
		}
		_, err = q.SetInFlight(ctx, dbq.SetInFlightParams{InflightJson: outbox.EncodeFields(fields), ID: n})
		return err
	})
	if err != nil && !errors.Is(err, outbox.ErrChangedMeanwhile) {
		return fmt.Errorf("outbox: change %s in flight: %w", id, err)
	}
	return err
}

// MarkRejected settles a change the vendor refused, keeping its message.
func (s *Store) MarkRejected(ctx context.Context, id, msg string) error {
	return s.mark(ctx, id, outbox.Rejected, msg, nil)
}

// MarkConflict settles a change whose fields the vendor changed meanwhile,
// keeping the vendor's current values next to the user's.
func (s *Store) MarkConflict(ctx context.Context, id string, theirs map[string]string) error {
	return s.mark(ctx, id, outbox.Conflict, "", theirs)
}

// MarkAttempt counts a try that failed for a passing reason (the vendor
// unavailable); the change stays pending and msg says what happened.
func (s *Store) MarkAttempt(ctx context.Context, id, msg string) error {
	return s.mark(ctx, id, outbox.Pending, msg, nil)
}

func (s *Store) mark(ctx context.Context, id, state, msg string, theirs map[string]string) error {
	n, err := parseChangeID(id)
	if err != nil {
		return err
	}
	if err := s.inTx(ctx, func(q *dbq.Queries) error { return s.settle(ctx, q, n, state, msg, theirs) }); err != nil {
		return fmt.Errorf("outbox: mark change %s %s: %w", id, state, err)
	}
	return nil
}

func (s *Store) settle(ctx context.Context, q *dbq.Queries, id int64, state, msg string, theirs map[string]string) error {
	if theirs == nil {
		theirs = map[string]string{}
	}
	n, err := q.SettleOutbox(ctx, dbq.SettleOutboxParams{
		State: state, Message: msg, TheirsJson: outbox.EncodeFields(theirs), Now: s.now().Unix(), ID: id,
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("no change %d: %w", id, app.ErrNotFound)
	}
	return err
}

// SourceVendor is the vendor of a source the cache knows.
func (s *Store) SourceVendor(ctx context.Context, source string) (app.Vendor, error) {
	v, err := s.rq.SourceVendor(ctx, source)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("cache: source %q: %w", source, app.ErrNotFound)
	}
	return app.Vendor(v), err
}

func parseChangeID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("outbox: %q is not a change id", id)
	}
	return n, nil
}
