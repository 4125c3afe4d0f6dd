package db

import (
	"context"
	"time"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// saveTerms stores the kind-specific terms of contract id, replacing what
// was there, and removes terms the contract no longer has.
func saveTerms(ctx context.Context, q *dbq.Queries, id int64, c *app.Contract) error {
	if f := c.Flexibility; f != nil {
		err := q.UpsertFlexibility(ctx, dbq.UpsertFlexibilityParams{
			ContractID: id, AssetID: f.AssetID, AssetName: f.AssetName, ParticipantID: f.ParticipantID,
			ReservationFeeE6:           decimalOrNil(f.ReservationFee),
			ActivationFeeWorkdaysE6:    decimalOrNil(f.ActivationFeeWorkdays),
			ActivationFeeNonWorkdaysE6: decimalOrNil(f.ActivationFeeNonWorkdays),
			MaxPowerKwE6:               decimalOrNil(f.MaxPowerPerActivation),
			MaxActivationsPerInterval:  f.MaxActivationsPerInterval,
			MaxActivationMinutes:       f.MaxActivationMinutes,
			MinMinutesBetween:          f.MinMinutesBetween,
			DaysAllowed:                f.DaysAllowedForActivation,
			PermittedIntervals:         f.PermittedIntervals,
			ToleranceE6:                decimalOrNil(f.Tolerance),
			Renewal:                    f.Renewal,
			NonConformanceClause:       f.NonConformanceClause,
			MinNormalTempE6:            decimalOrNil(f.MinNormalTemperature),
			MaxNormalTempE6:            decimalOrNil(f.MaxNormalTemperature),
			MaxRampUpTempE6:            decimalOrNil(f.MaxRampUpTemperature),
			MinRampDownTempE6:          decimalOrNil(f.MinRampDownTemperature),
		})
		if err != nil {
			return err
		}
	} else if err := q.DeleteFlexibility(ctx, id); err != nil {
		return err
	}

	if p := c.PPA; p != nil {
		err := q.UpsertPPA(ctx, dbq.UpsertPPAParams{
			ContractID: id, PpaType: p.PPAType, Period: p.Period, DeliveryProfile: p.DeliveryProfile,
			SellerTso: p.SellerTSO, BuyerTso: p.BuyerTSO, AssetID: p.AssetID, AssetName: p.AssetName,
			Technology: p.Technology, AssetTso: p.AssetTSO, NominalPowerMwE6: decimalOrNil(p.NominalPowerMW),
			CreatedAt: unixOrNil(p.CreatedAt), UpdatedAt: unixOrNil(p.UpdatedAt),
		})
		if err != nil {
			return err
		}
	} else if err := q.DeletePPA(ctx, id); err != nil {
		return err
	}

	if err := q.DeletePricePoints(ctx, id); err != nil {
		return err
	}
	p := c.Partner
	if p == nil {
		return q.DeletePartner(ctx, id)
	}
	var incl *int64
	if p.IncludesExternalComponents != nil {
		v := int64(0)
		if *p.IncludesExternalComponents {
			v = 1
		}
		incl = &v
	}
	err := q.UpsertPartner(ctx, dbq.UpsertPartnerParams{
		ContractID: id, UserID: p.UserID, ContractType: p.ContractType, BuildingID: p.BuildingID,
		IncludesExternalComponents: incl,
	})
	if err != nil {
		return err
	}
	for _, pp := range p.Prices {
		if err := q.InsertPricePoint(ctx, dbq.InsertPricePointParams{ContractID: id, ValidFrom: pp.From.Unix(), PerKwhE6: int64(pp.PerKWh)}); err != nil {
			return err
		}
	}
	return nil
}

// attachTerms loads the kind-specific terms of cs in four queries, however
// many contracts there are, so a page or an export batch costs the same.
func attachTerms(ctx context.Context, q *dbq.Queries, cs []app.Contract) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	at := make(map[int64]*app.Contract, len(cs))
	for i := range cs {
		ids[i] = cs[i].ID
		at[cs[i].ID] = &cs[i]
	}
	flex, err := q.FlexibilityOf(ctx, ids)
	if err != nil {
		return err
	}
	for _, f := range flex {
		at[f.ContractID].Flexibility = &app.FlexibilityTerms{
			AssetID: f.AssetID, AssetName: f.AssetName, ParticipantID: f.ParticipantID,
			ReservationFee:            decimalOrNilPtr(f.ReservationFeeE6),
			ActivationFeeWorkdays:     decimalOrNilPtr(f.ActivationFeeWorkdaysE6),
			ActivationFeeNonWorkdays:  decimalOrNilPtr(f.ActivationFeeNonWorkdaysE6),
			MaxPowerPerActivation:     decimalOrNilPtr(f.MaxPowerKwE6),
			MaxActivationsPerInterval: f.MaxActivationsPerInterval,
			MaxActivationMinutes:      f.MaxActivationMinutes,
			MinMinutesBetween:         f.MinMinutesBetween,
			DaysAllowedForActivation:  f.DaysAllowed,
			PermittedIntervals:        f.PermittedIntervals,
			Tolerance:                 decimalOrNilPtr(f.ToleranceE6),
			Renewal:                   f.Renewal,
			NonConformanceClause:      f.NonConformanceClause,
			MinNormalTemperature:      decimalOrNilPtr(f.MinNormalTempE6),
			MaxNormalTemperature:      decimalOrNilPtr(f.MaxNormalTempE6),
			MaxRampUpTemperature:      decimalOrNilPtr(f.MaxRampUpTempE6),
			MinRampDownTemperature:    decimalOrNilPtr(f.MinRampDownTempE6),
		}
	}
	ppas, err := q.PPAOf(ctx, ids)
	if err != nil {
		return err
	}
	for _, p := range ppas {
		at[p.ContractID].PPA = &app.PPATerms{
			PPAType: p.PpaType, Period: p.Period, DeliveryProfile: p.DeliveryProfile,
			SellerTSO: p.SellerTso, BuyerTSO: p.BuyerTso, AssetID: p.AssetID, AssetName: p.AssetName,
			Technology: p.Technology, AssetTSO: p.AssetTso, NominalPowerMW: decimalOrNilPtr(p.NominalPowerMwE6),
			CreatedAt: timeOrZero(p.CreatedAt), UpdatedAt: timeOrZero(p.UpdatedAt),
		}
	}
	partners, err := q.PartnerOf(ctx, ids)
	if err != nil {
		return err
	}
	for _, p := range partners {
		t := &app.PartnerTerms{UserID: p.UserID, ContractType: p.ContractType, BuildingID: p.BuildingID}
		if p.IncludesExternalComponents != nil {
			t.IncludesExternalComponents = app.Ptr(*p.IncludesExternalComponents == 1)
		}
		at[p.ContractID].Partner = t
	}
	points, err := q.PricePointsOf(ctx, ids)
	if err != nil {
		return err
	}
	for _, pp := range points {
		if t := at[pp.ContractID].Partner; t != nil {
			t.Prices = append(t.Prices, app.PricePoint{From: time.Unix(pp.ValidFrom, 0).UTC(), PerKWh: app.Decimal(pp.PerKwhE6)})
		}
	}
	return nil
}
