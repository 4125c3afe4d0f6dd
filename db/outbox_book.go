package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"

	"wattfolio/app/outbox"
	"wattfolio/db/internal/dbq"
)

// The laptop's side of a team's book ('wattfolio push'): its changes go to
// the book's outbox, the team's sync writes them back to the vendors, and
// what became of them comes back here on the next push.

// LaptopID is this cache's id in the books it pushes to, made on first
// use, and the analyst its pushes name ("" until one is set).
func (s *Store) LaptopID(ctx context.Context) (id, author string, err error) {
	row, err := s.rq.LaptopID(ctx)
	if err == nil {
		return row.LaptopID, row.Author, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("outbox: laptop id: %w", err)
	}
	err = s.inTx(ctx, func(q *dbq.Queries) error {
		if err := q.SetLaptopID(ctx, randomKey()); err != nil {
			return err
		}
		row, err = q.LaptopID(ctx)
		return err
	})
	if err != nil {
		return "", "", fmt.Errorf("outbox: laptop id: %w", err)
	}
	return row.LaptopID, row.Author, nil
}

// SetAuthor names the analyst of this cache's later pushes.
func (s *Store) SetAuthor(ctx context.Context, author string) error {
	if _, _, err := s.LaptopID(ctx); err != nil {
		return err
	}
	if err := s.inTx(ctx, func(q *dbq.Queries) error { return q.SetLaptopAuthor(ctx, author) }); err != nil {
		return fmt.Errorf("outbox: set author: %w", err)
	}
	return nil
}

// randomKey is 16 random bytes in hex.
func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// ToPush lists the pending changes the book does not hold as they are
// (never pushed, or edited since), each with its BookKey, which it sets
// first where missing: a push cut off after the book took a change, and
// done again, names it by the same key, and the book takes it once.
func (s *Store) ToPush(ctx context.Context) ([]outbox.Change, error) {
	all, err := s.Outbox(ctx)
	if err != nil {
		return nil, err
	}
	var out []outbox.Change
	err = s.inTx(ctx, func(q *dbq.Queries) error {
		for _, c := range all {
			if c.State != outbox.Pending || c.InBook {
				continue
			}
			if c.BookKey == "" {
				c.BookKey = randomKey()
				n, err := parseChangeID(c.ID)
				if err != nil {
					return err
				}
				if _, err := q.SetBookKey(ctx, dbq.SetBookKeyParams{BookKey: c.BookKey, ID: n}); err != nil {
					return err
				}
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: changes to push: %w", err)
	}
	return out, nil
}

// MarkPushed records that the book holds the change key names with the
// values pushed; edited since, it is pushed again next time.
func (s *Store) MarkPushed(ctx context.Context, key string, pushed map[string]string) error {
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		_, err := q.MarkPushed(ctx, dbq.MarkPushedParams{PushedJson: outbox.EncodeFields(pushed), BookKey: key})
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox: mark change %s pushed: %w", key, err)
	}
	return nil
}

// ApplyBookOutcome settles the change the book names o.Key for as the
// book's sync did: sent, rejected with the vendor's message, or in
// conflict (with the vendor, or with another analyst's change, which the
// message names). A change still pending in the book, or settled here
// already, or no longer here, is left as it is; settled reports whether it
// was settled now. A change edited after its push whose pushed values were
// sent stays pending for what is left, as a new change for the book, with
// the sent values as its base.
func (s *Store) ApplyBookOutcome(ctx context.Context, o outbox.BookOutcome) (settled bool, err error) {
	if o.State == outbox.Pending {
		return false, nil
	}
	err = s.inTx(ctx, func(q *dbq.Queries) error {
		settled = false
		cur, err := q.OutboxByBookKey(ctx, o.Key)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil || cur.State != outbox.Pending {
			return err
		}
		next := outbox.DecodeFields(cur.NewJson)
		if o.State != outbox.Sent || maps.Equal(next, o.New) {
			settled = true
			return s.settle(ctx, q, cur.ID, o.State, o.Message, o.Theirs)
		}
		base := outbox.DecodeFields(cur.BaseJson)
		if outbox.AfterSend(base, next, o.New, o.New) {
			settled = true
			return s.settle(ctx, q, cur.ID, outbox.Sent, "", nil)
		}
		return q.RebaseFromBook(ctx, dbq.RebaseFromBookParams{
			BaseJson: outbox.EncodeFields(base), NewJson: outbox.EncodeFields(next), Message: outbox.EditedWhileSending,
			Now: s.now().Unix(), ID: cur.ID,
		})
	})
	if err != nil {
		return false, fmt.Errorf("outbox: outcome of change %s from the book: %w", o.Key, err)
	}
	return settled, nil
}

// keptValues are the values an edit set back to its base must not drop:
// those in flight to the vendor, and those pushed to a team's book, which
// sends them unless told otherwise.
func keptValues(inflightJSON, pushedJSON string) map[string]string {
	kept := outbox.DecodeFields(inflightJSON)
	for f, v := range outbox.DecodeFields(pushedJSON) {
		if _, ok := kept[f]; !ok {
			kept[f] = v
		}
	}
	return kept
}
