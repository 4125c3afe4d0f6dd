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
// db's one mapping (db.SaveTerms, db.LoadTerms), so that the book holds
// what the cache holds.

// bookTerms reads and writes the book's terms tables; the deletes are
// the statements' own.
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
	if err := db.LoadTerms(ctx, bookTerms{s.q}, cs); err != nil {
		return nil, fmt.Errorf("book: contract terms: %w", err)
	}
	out := make([]BookTerms, len(rows))
	for i, r := range rows {
		c := &cs[i]
		out[i] = BookTerms{Source: r.SourceName, ExternalID: r.ExternalID, SearchText: r.SearchText, Flexibility: c.Flexibility, PPA: c.PPA, Partner: c.Partner}
	}
	return out, nil
}

func (q bookTerms) FlexibilityOf(ctx context.Context, ids []int64) ([]db.FlexibilityRow, error) {
	rows, err := q.Queries.FlexibilityOf(ctx, ids)
	return db.Rows(rows, func(r pgq.FlexibilityOfRow) db.FlexibilityRow { return db.FlexibilityRow(r) }), err
}

// PPAOf gives the instants as the cache keeps them, in Unix seconds.
func (q bookTerms) PPAOf(ctx context.Context, ids []int64) ([]db.PPARow, error) {
	rows, err := q.Queries.PPAOf(ctx, ids)
	return db.Rows(rows, func(r pgq.PPAOfRow) db.PPARow {
		return db.PPARow{
			ContractID: r.ContractID, PpaType: r.PpaType, Period: r.Period, DeliveryProfile: r.DeliveryProfile,
			SellerTso: r.SellerTso, BuyerTso: r.BuyerTso, AssetID: r.AssetID, AssetName: r.AssetName,
			Technology: r.Technology, AssetTso: r.AssetTso, NominalPowerMwE6: r.NominalPowerMwE6,
			CreatedAt: unixOrNil(r.CreatedAt), UpdatedAt: unixOrNil(r.UpdatedAt),
		}
	}), err
}

// PartnerOf gives the flag as the cache keeps it, 0 or 1.
func (q bookTerms) PartnerOf(ctx context.Context, ids []int64) ([]db.PartnerRow, error) {
	rows, err := q.Queries.PartnerOf(ctx, ids)
	return db.Rows(rows, func(r pgq.PartnerOfRow) db.PartnerRow {
		return db.PartnerRow{
			ContractID: r.ContractID, UserID: r.UserID, ContractType: r.ContractType, BuildingID: r.BuildingID,
			IncludesExternalComponents: db.FlagOrNil(r.IncludesExternalComponents),
		}
	}), err
}

func (q bookTerms) PricePointsOf(ctx context.Context, ids []int64) ([]db.PricePointRow, error) {
	rows, err := q.Queries.PricePointsOf(ctx, ids)
	return db.Rows(rows, func(r pgq.PricePointsOfRow) db.PricePointRow { return db.PricePointRow(r) }), err
}

// unixOrNil is a timestamptz as Unix seconds; NULL is nil.
func unixOrNil(t pgtype.Timestamptz) *int64 {
	if !t.Valid {
		return nil
	}
	u := t.Time.Unix()
	return &u
}
