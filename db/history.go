package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"wattfolio/app"
	"wattfolio/app/history"
	"wattfolio/db/internal/dbq"
)

// MarkGone marks removed the contracts of source that the vendor answered
// 404 for on a direct fetch in run, keeping each as it was; ids the cache
// does not hold, or holds as removed already, are passed over. It returns
// how many it marked.
func (s *Store) MarkGone(ctx context.Context, runID int64, source string, externalIDs []string) (int, error) {
	return s.markEach(ctx, runID, source, len(externalIDs), func(q *dbq.Queries, sid int64, i int) (int64, error) {
		id, err := q.CurrentContractID(ctx, dbq.CurrentContractIDParams{SourceID: sid, ExternalID: externalIDs[i]})
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return id, err
	})
}

// UnseenContracts lists the current contracts of source that run did not
// fetch. After a run that read the source's whole listing, from its start
// to its end with every record readable, these are the ones the vendor no
// longer has, as far as the listing covers them (see MarkRemoved).
func (s *Store) UnseenContracts(ctx context.Context, runID int64, source string) ([]app.ContractRef, error) {
	sid, err := s.sourceID(ctx, s.wq, source)
	if err != nil {
		return nil, err
	}
	rows, err := s.wq.UnseenContracts(ctx, dbq.UnseenContractsParams{SourceID: sid, RunID: &runID})
	if err != nil {
		return nil, fmt.Errorf("cache: contracts of %q not seen in run %d: %w", source, runID, err)
	}
	out := make([]app.ContractRef, len(rows))
	for i, r := range rows {
		out[i] = app.ContractRef{ID: r.ID, ExternalID: r.ExternalID, CustomerID: r.CustomerRef}
	}
	return out, nil
}

// MarkRemoved marks removed the contracts ids of source, from
// UnseenContracts, keeping each as it was; one that is no longer current
// and unseen by run (another sync stored it meanwhile) is passed over. It
// returns how many it marked.
func (s *Store) MarkRemoved(ctx context.Context, runID int64, source string, ids []int64) (int, error) {
	return s.markEach(ctx, runID, source, len(ids), func(q *dbq.Queries, sid int64, i int) (int64, error) {
		unseen, err := q.IsUnseen(ctx, dbq.IsUnseenParams{ID: ids[i], SourceID: sid, RunID: &runID})
		if unseen == 0 {
			return 0, err
		}
		return ids[i], err
	})
}

// markEach marks removed, in one transaction, the contract pick names for
// each of n candidates (0: none) and returns how many it marked.
func (s *Store) markEach(ctx context.Context, runID int64, source string, n int, pick func(q *dbq.Queries, sourceID int64, i int) (int64, error)) (int, error) {
	marked := 0
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		marked = 0
		sid, err := s.sourceID(ctx, q, source)
		if err != nil {
			return err
		}
		for i := range n {
			id, err := pick(q, sid, i)
			if err != nil {
				return err
			}
			if id == 0 {
				continue
			}
			if err := s.markRemoved(ctx, q, runID, id); err != nil {
				return err
			}
			marked++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("cache: mark contracts of %q removed: %w", source, err)
	}
	return marked, nil
}

func (s *Store) markRemoved(ctx context.Context, q *dbq.Queries, runID, id int64) error {
	now := s.now().Unix()
	if err := q.KeepVersion(ctx, dbq.KeepVersionParams{RunID: &runID, Now: now, ID: id}); err != nil {
		return err
	}
	return q.MarkRemoved(ctx, dbq.MarkRemovedParams{Now: &now, ID: id})
}

// ContractHistory returns what the syncs changed in contract id, newest
// first: each field that differs between one version and the next, with the
// run that replaced the older one and when. A contract marked removed, or
// current again, has an Upstream change. app.ErrNotFound when there is no
// such contract.
func (s *Store) ContractHistory(ctx context.Context, id int64) ([]app.Change, error) {
	now, err := s.rq.ContractNow(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("contract %d: %w", id, app.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("cache: history of contract %d: %w", id, err)
	}
	vs, err := s.rq.ContractVersions(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("cache: history of contract %d: %w", id, err)
	}
	next := history.Version{Raw: []byte(now.RawJson), Fields: now.FieldsJson, Removed: now.RemovedAt != nil}
	var out []app.Change
	for i := len(vs) - 1; i >= 0; i-- {
		v := vs[i]
		old := history.Version{Raw: []byte(v.RawJson), Fields: v.FieldsJson, Removed: v.RemovedAt != nil}
		for _, ch := range history.Diff(old, next) {
			if v.RunID != nil {
				ch.RunID = *v.RunID
			}
			ch.At = time.Unix(v.ReplacedAt, 0).UTC()
			out = append(out, ch)
		}
		next = old
	}
	return out, nil
}
