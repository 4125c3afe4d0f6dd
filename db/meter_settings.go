package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/db/internal/dbq"
)

// SetMeterUnit records the unit a vendor's consumption records stated for a
// meter. From then on it outranks the unit of the vendor's meter list,
// since the readings stored are in it. Setting the unit a meter already
// has writes nothing.
func (s *Store) SetMeterUnit(ctx context.Context, source, meterExternalID, unit string) error {
	_, err := s.wq.SetMeterUnit(ctx, dbq.SetMeterUnitParams{Unit: unit, ReportedAt: app.Ptr(s.now().Unix()),
		Source: source, ExternalID: meterExternalID})
	if err != nil {
		return fmt.Errorf("cache: unit of meter %s of %q: %w", meterExternalID, source, err)
	}
	return nil
}

// MeterGas returns the gas conversion the user stated for a meter; false
// when they stated none.
func (s *Store) MeterGas(ctx context.Context, meterID int64) (series.GasConversion, bool, error) {
	r, err := s.rq.GetMeterGas(ctx, meterID)
	if errors.Is(err, sql.ErrNoRows) {
		return series.GasConversion{}, false, nil
	}
	if err != nil {
		return series.GasConversion{}, false, fmt.Errorf("cache: gas conversion of meter %d: %w", meterID, err)
	}
	return gasOf(r.CalorificValueE6, r.StateNumberE6, r.SetAt), true, nil
}

func gasOf(cv, sn, at int64) series.GasConversion {
	return series.GasConversion{CalorificValue: app.Decimal(cv), StateNumber: app.Decimal(sn), SetAt: time.Unix(at, 0).UTC()}
}

// MeterGasAll returns every stated gas conversion by meter id, for lists.
func (s *Store) MeterGasAll(ctx context.Context) (map[int64]series.GasConversion, error) {
	rows, err := s.rq.ListMeterGas(ctx)
	if err != nil {
		return nil, fmt.Errorf("cache: gas conversions: %w", err)
	}
	out := make(map[int64]series.GasConversion, len(rows))
	for _, r := range rows {
		out[r.MeterID] = gasOf(r.CalorificValueE6, r.StateNumberE6, r.SetAt)
	}
	return out, nil
}

// SetMeterGas states a meter's calorific value and state number (checked
// against the plausible ranges); SetAt defaults to now. It returns
// app.ErrNotFound when there is no meter id.
func (s *Store) SetMeterGas(ctx context.Context, meterID int64, g series.GasConversion) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if g.SetAt.IsZero() {
		g.SetAt = s.now()
	}
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		if _, err := q.GetMeter(ctx, meterID); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("meter %d: %w", meterID, app.ErrNotFound)
		} else if err != nil {
			return err
		}
		return q.SetMeterGas(ctx, dbq.SetMeterGasParams{MeterID: meterID, CalorificValueE6: int64(g.CalorificValue),
			StateNumberE6: int64(g.StateNumber), SetAt: g.SetAt.Unix()})
	})
	if err != nil {
		return fmt.Errorf("cache: gas conversion of meter %d: %w", meterID, err)
	}
	return nil
}
