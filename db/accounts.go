package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// ReplaceAccounts makes the cache's accounts exactly as given (the sources
// file is their only source), in one transaction.
func (s *Store) ReplaceAccounts(ctx context.Context, accounts []app.Account) error {
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		if err := q.DeleteAccounts(ctx); err != nil {
			return err
		}
		for _, a := range accounts {
			id, err := q.InsertAccount(ctx, dbq.InsertAccountParams{Name: a.Name, Profile: a.Profile, SearchName: app.SearchText(a.Name)})
			if err != nil {
				return fmt.Errorf("account %q: %w", a.Name, err)
			}
			for _, l := range a.Links {
				err := q.InsertAccountLink(ctx, dbq.InsertAccountLinkParams{AccountID: id, SourceName: l.Source, ExternalID: l.ExternalID})
				if err != nil {
					return fmt.Errorf("account %q: link %s %s: %w", a.Name, l.Source, l.ExternalID, err)
				}
			}
		}
		return q.RefreshCustomerKeys(ctx)
	})
	if err != nil {
		return fmt.Errorf("cache: replace accounts: %w", err)
	}
	s.cache.accountsReplaced()
	return nil
}

// Accounts lists the user's customers with their contract counts per
// vendor. The list is kept until the next sync, offline edit or
// ReplaceAccounts: every portfolio page shows it.
func (s *Store) Accounts(ctx context.Context) ([]app.Account, error) {
	gen, err := s.generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("cache: accounts: %w", err)
	}
	if as, ok := s.cache.accountList(gen); ok {
		return as, nil
	}
	as, err := s.accounts(ctx)
	if err != nil {
		return nil, err
	}
	s.cache.putAccounts(gen, as)
	return as, nil
}

func (s *Store) accounts(ctx context.Context) ([]app.Account, error) {
	rows, err := s.rq.ListAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("cache: accounts: %w", err)
	}
	var out []app.Account
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			out = append(out, app.Account{ID: r.ID, Name: r.Name, Profile: r.Profile, Contracts: map[app.Vendor]int{}})
		}
		if r.Vendor != "" && r.Contracts > 0 {
			out[len(out)-1].Contracts[app.Vendor(r.Vendor)] += int(r.Contracts)
		}
	}
	return out, nil
}

// Account returns one account with its links, or app.ErrNotFound.
func (s *Store) Account(ctx context.Context, id int64) (app.Account, error) {
	a, err := s.rq.GetAccount(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return app.Account{}, fmt.Errorf("customer %d: %w", id, app.ErrNotFound)
	}
	if err != nil {
		return app.Account{}, fmt.Errorf("cache: customer %d: %w", id, err)
	}
	links, err := s.rq.AccountLinks(ctx, id)
	if err != nil {
		return app.Account{}, fmt.Errorf("cache: customer %d: %w", id, err)
	}
	out := app.Account{ID: a.ID, Name: a.Name, Profile: a.Profile}
	for _, l := range links {
		out.Links = append(out.Links, app.AccountLink{Source: l.SourceName, ExternalID: l.ExternalID})
	}
	return out, nil
}
