package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/db"
	"wattfolio/db/internal/pgq"
)

// The offers a team compares its contracts with, imported into the book
// ('wattfolio offers import --db postgres://…') so that every laptop's
// pull brings them, through package db's one mapping and rules
// (db.ValidOffers, db.SaveOffersWith, db.OfferRow).

// bookOffers writes the book's offers table.
type bookOffers struct{ q *pgq.Queries }

func (b bookOffers) OfferIDByName(ctx context.Context, name string) (int64, error) {
	id, err := b.q.OfferIDByName(ctx, name)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("offer %q: %w", name, app.ErrNotFound)
	}
	return id, err
}

func (b bookOffers) SaveOffer(ctx context.Context, r db.OfferRow) (int64, error) {
	return b.q.SaveOffer(ctx, pgq.SaveOfferParams(r))
}

// SaveOffers stores offers by name in one transaction, as the cache does:
// an offer whose name is in the book updates it, the others are added. All
// or nothing: one invalid offer saves none.
func (s *Store) SaveOffers(ctx context.Context, offers []offer.Offer) (created, updated int, err error) {
	if err := db.ValidOffers(offers); err != nil {
		return 0, 0, fmt.Errorf("book: save offers: %w", err)
	}
	err = s.inTx(ctx, func(q *pgq.Queries) (err error) {
		created, updated, err = db.SaveOffersWith(ctx, bookOffers{q}, offers, s.now())
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("book: save offers: %w", err)
	}
	return created, updated, nil
}

// Offers lists the book's offers by name.
func (s *Store) Offers(ctx context.Context) ([]offer.Offer, error) {
	rows, err := s.q.ListOffers(ctx)
	if err != nil {
		return nil, fmt.Errorf("book: offers: %w", err)
	}
	out := make([]offer.Offer, len(rows))
	for i, r := range rows {
		// The instants the cache keeps as Unix seconds.
		row := db.OfferRow{
			ID: r.ID, Name: r.Name, Supplier: r.Supplier, Commodity: r.Commodity, Model: r.Model,
			Currency: r.Currency, Gross: r.Gross, VatRateE6: r.VatRateE6, BasePerYearE6: r.BasePerYearE6,
			WorkingPerKwhE6: r.WorkingPerKwhE6, GridPerKwhE6: r.GridPerKwhE6, GridBasePerYearE6: r.GridBasePerYearE6,
			LeviesPerKwhE6: r.LeviesPerKwhE6, ElectricityTaxPerKwhE6: r.ElectricityTaxPerKwhE6,
			ConcessionPerKwhE6: r.ConcessionPerKwhE6, NegativeRule: r.NegativeRule, AverageRule: r.AverageRule,
			GuaranteeMonths: r.GuaranteeMonths, GuaranteeScope: r.GuaranteeScope, MinTermMonths: r.MinTermMonths,
			NoticeN: r.NoticeN, NoticeUnit: r.NoticeUnit, SupplyStart: unixOrNil(r.SupplyStart),
			ValidFrom: unixOrNil(r.ValidFrom), ValidTo: unixOrNil(r.ValidTo), Notes: r.Notes,
			TermsJson: r.TermsJson, UpdatedAt: r.UpdatedAt,
		}
		if out[i], err = db.OfferFromRow(row); err != nil {
			return nil, fmt.Errorf("book: offers: %w", err)
		}
	}
	return out, nil
}
