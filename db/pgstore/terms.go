package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/db/internal/pgq"
)

// The contract terms the vendors publish beside a contract (flexibility,
// PPA, partner and its price points), written and read through package
// db's one mapping (db.SaveTerms, db.AttachTerms), so that the book holds
// what the cache holds.

// bookTerms writes the book's terms tables; the deletes are the
// statements' own.
type bookTerms struct{ *pgq.Queries }

func (q bookTerms) UpsertFlexibility(ctx context.Context, r db.FlexibilityRow) error {
	return q.Queries.UpsertFlexibility(ctx, pgq.UpsertFlexibilityParams(r))
}

func (q bookTerms) UpsertPPA(ctx context.Context, r db.PPARow) error {
	return q.Queries.UpsertPPA(ctx, pgq.UpsertPPAParams(r))
}

func (q bookTerms) UpsertPartner(ctx context.Context, r db.PartnerRow) error {
	return q.Queries.UpsertPartner(ctx, pgq.UpsertPartnerParams(r))
}

func (q bookTerms) InsertPricePoint(ctx context.Context, r db.PricePointRow) error {
	return q.Queries.InsertPricePoint(ctx, pgq.InsertPricePointParams(r))
}

// BookTerms is a contract of the book with its kind-specific terms and the
// text the portfolio's search looks in.
type BookTerms struct {
	Source, ExternalID, SearchText string
	Flexibility                    *app.FlexibilityTerms
	PPA                            *app.PPATerms
	Partner                        *app.PartnerTerms
}

// Terms lists the book's contracts, by source and external id, with their
// terms and search text.
func (s *Store) Terms(ctx context.Context) ([]BookTerms, error) {
	rows, err := s.q.BookContractIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("book: contract terms: %w", err)
	}
	cs := make([]app.Contract, len(rows))
	for i, r := range rows {
		cs[i] = app.Contract{ID: r.ID}
	}
	if err := attachTerms(ctx, s.q, cs); err != nil {
		return nil, fmt.Errorf("book: contract terms: %w", err)
	}
	out := make([]BookTerms, len(rows))
	for i, r := range rows {
		c := &cs[i]
		out[i] = BookTerms{Source: r.SourceName, ExternalID: r.ExternalID, SearchText: r.SearchText, Flexibility: c.Flexibility, PPA: c.PPA, Partner: c.Partner}
	}
	return out, nil
}

// attachTerms loads the terms of cs in four statements, as the cache does.
func attachTerms(ctx context.Context, q *pgq.Queries, cs []app.Contract) error {
	if len(cs) == 0 {
		return nil
	}
	ids := db.ContractIDs(cs)
	flex, err := q.FlexibilityOf(ctx, ids)
	if err != nil {
		return err
	}
	ppas, err := q.PPAOf(ctx, ids)
	if err != nil {
		return err
	}
	partners, err := q.PartnerOf(ctx, ids)
	if err != nil {
		return err
	}
	points, err := q.PricePointsOf(ctx, ids)
	if err != nil {
		return err
	}
	db.AttachTerms(cs, db.TermRows{
		Flexibility: db.Rows(flex, func(r pgq.FlexibilityOfRow) db.FlexibilityRow { return db.FlexibilityRow(r) }),
		PPA: db.Rows(ppas, func(r pgq.PPAOfRow) db.PPARow {
			// The instants the cache keeps as Unix seconds.
			return db.PPARow{
				ContractID: r.ContractID, PpaType: r.PpaType, Period: r.Period, DeliveryProfile: r.DeliveryProfile,
				SellerTso: r.SellerTso, BuyerTso: r.BuyerTso, AssetID: r.AssetID, AssetName: r.AssetName,
				Technology: r.Technology, AssetTso: r.AssetTso, NominalPowerMwE6: r.NominalPowerMwE6,
				CreatedAt: unixOrNil(r.CreatedAt), UpdatedAt: unixOrNil(r.UpdatedAt),
			}
		}),
		Partner: db.Rows(partners, func(r pgq.PartnerOfRow) db.PartnerRow {
			// The flag the cache keeps as 0 or 1.
			var incl *int64
			if r.IncludesExternalComponents != nil {
				v := int64(0)
				if *r.IncludesExternalComponents {
					v = 1
				}
				incl = &v
			}
			return db.PartnerRow{ContractID: r.ContractID, UserID: r.UserID, ContractType: r.ContractType, BuildingID: r.BuildingID, IncludesExternalComponents: incl}
		}),
		PricePoints: db.Rows(points, func(r pgq.PricePointsOfRow) db.PricePointRow { return db.PricePointRow(r) }),
	})
	return nil
}

// unixOrNil is a timestamptz as Unix seconds; NULL is nil.
func unixOrNil(t pgtype.Timestamptz) *int64 {
	if !t.Valid {
		return nil
	}
	u := t.Time.Unix()
	return &u
}
