package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// ContractNotes returns the user's notes on a contract; empty notes when
// there are none.
func (s *Store) ContractNotes(ctx context.Context, source, contractExternalID string) (app.ContractNotes, error) {
	r, err := s.rq.GetContractNotes(ctx, dbq.GetContractNotesParams{Source: source, ContractExternalID: contractExternalID})
	if errors.Is(err, sql.ErrNoRows) {
		return app.ContractNotes{}, nil
	}
	if err != nil {
		return app.ContractNotes{}, fmt.Errorf("notes of %s %s: %w", source, contractExternalID, err)
	}
	n := app.ContractNotes{Text: r.Notes, UpdatedAt: time.Unix(r.UpdatedAt, 0).UTC()}
	if err := json.Unmarshal([]byte(r.Tags), &n.Tags); err != nil {
		return n, fmt.Errorf("notes of %s %s: tags: %w", source, contractExternalID, err)
	}
	if r.NextContact != "" {
		if n.NextContact, err = time.Parse(time.DateOnly, r.NextContact); err != nil {
			return n, fmt.Errorf("notes of %s %s: next contact: %w", source, contractExternalID, err)
		}
	}
	return n, nil
}

// SetContractNotes replaces the user's notes on a contract of a known
// source; empty notes remove them.
func (s *Store) SetContractNotes(ctx context.Context, source, contractExternalID string, n app.ContractNotes) error {
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		if n.Empty() {
			return q.DeleteContractNotes(ctx, dbq.DeleteContractNotesParams{Source: source, ContractExternalID: contractExternalID})
		}
		tags := n.Tags
		if tags == nil {
			tags = []string{}
		}
		b, _ := json.Marshal(tags) // strings always marshal
		next := ""
		if !n.NextContact.IsZero() {
			next = n.NextContact.Format(time.DateOnly)
		}
		rows, err := q.PutContractNotes(ctx, dbq.PutContractNotesParams{
			Source: source, ContractExternalID: contractExternalID,
			Notes: n.Text, Tags: string(b), NextContact: next, Now: s.now().Unix(),
		})
		if err == nil && rows == 0 {
			err = fmt.Errorf("source %q: %w", source, app.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("save notes of %s %s: %w", source, contractExternalID, err)
	}
	return nil
}

// HasContract reports app.ErrNotFound when the cache holds no contract of
// that source and id.
func (s *Store) HasContract(ctx context.Context, source, contractExternalID string) error {
	_, err := s.rq.OutboxContract(ctx, dbq.OutboxContractParams{Source: source, ExternalID: contractExternalID})
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("contract %s of source %q is not in the cache: %w", contractExternalID, source, app.ErrNotFound)
	}
	return err
}
