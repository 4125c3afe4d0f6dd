package db

import (
	"context"
	"time"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// A contract's kind-specific terms as rows of the terms tables
// (contract_flexibility, contract_ppa, contract_partner,
// contract_price_points), one mapping of app.Contract to rows and back for
// the cache and the team's book on PostgreSQL (db/pgstore) alike, so that
// both hold the same terms. Instants are Unix seconds and the partner's
// flag 0 or 1 (nil: the vendor did not say), as the cache's columns hold
// them; the book's statements convert them to timestamptz and boolean.
// Each row type has the fields of both backends' generated statements, in
// their order, so that each converts it to its parameters as it is.

// FlexibilityRow is a row of contract_flexibility.
type FlexibilityRow struct {
	ContractID                 int64
	AssetID                    string
	AssetName                  string
	ParticipantID              string
	ReservationFeeE6           *int64
	ActivationFeeWorkdaysE6    *int64
	ActivationFeeNonWorkdaysE6 *int64
	MaxPowerKwE6               *int64
	MaxActivationsPerInterval  *int64
	MaxActivationMinutes       *int64
	MinMinutesBetween          *int64
	DaysAllowed                *int64
	PermittedIntervals         string
	ToleranceE6                *int64
	Renewal                    *int64
	NonConformanceClause       string
	MinNormalTempE6            *int64
	MaxNormalTempE6            *int64
	MaxRampUpTempE6            *int64
	MinRampDownTempE6          *int64
}

// PPARow is a row of contract_ppa.
type PPARow struct {
	ContractID       int64
	PpaType          string
	Period           string
	DeliveryProfile  string
	SellerTso        string
	BuyerTso         string
	AssetID          string
	AssetName        string
	Technology       string
	AssetTso         string
	NominalPowerMwE6 *int64
	CreatedAt        *int64
	UpdatedAt        *int64
}

// PartnerRow is a row of contract_partner.
type PartnerRow struct {
	ContractID                 int64
	UserID                     string
	ContractType               string
	BuildingID                 string
	IncludesExternalComponents *int64
}

// PricePointRow is a row of contract_price_points.
type PricePointRow struct {
	ContractID int64
	ValidFrom  int64
	PerKwhE6   int64
}

// TermsWriter writes one backend's terms tables, in its caller's
// transaction.
type TermsWriter interface {
	UpsertFlexibility(context.Context, FlexibilityRow) error
	DeleteFlexibility(ctx context.Context, contractID int64) error
	UpsertPPA(context.Context, PPARow) error
	DeletePPA(ctx context.Context, contractID int64) error
	UpsertPartner(context.Context, PartnerRow) error
	DeletePartner(ctx context.Context, contractID int64) error
	InsertPricePoint(context.Context, PricePointRow) error
	DeletePricePoints(ctx context.Context, contractID int64) error
}

// SaveTerms stores the kind-specific terms of contract id through w,
// replacing what was there, and removes terms the contract no longer has.
func SaveTerms(ctx context.Context, w TermsWriter, id int64, c *app.Contract) error {
	if f := c.Flexibility; f != nil {
		err := w.UpsertFlexibility(ctx, FlexibilityRow{
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
	} else if err := w.DeleteFlexibility(ctx, id); err != nil {
		return err
	}

	if p := c.PPA; p != nil {
		err := w.UpsertPPA(ctx, PPARow{
			ContractID: id, PpaType: p.PPAType, Period: p.Period, DeliveryProfile: p.DeliveryProfile,
			SellerTso: p.SellerTSO, BuyerTso: p.BuyerTSO, AssetID: p.AssetID, AssetName: p.AssetName,
			Technology: p.Technology, AssetTso: p.AssetTSO, NominalPowerMwE6: decimalOrNil(p.NominalPowerMW),
			CreatedAt: unixOrNil(p.CreatedAt), UpdatedAt: unixOrNil(p.UpdatedAt),
		})
		if err != nil {
			return err
		}
	} else if err := w.DeletePPA(ctx, id); err != nil {
		return err
	}

	if err := w.DeletePricePoints(ctx, id); err != nil {
		return err
	}
	p := c.Partner
	if p == nil {
		return w.DeletePartner(ctx, id)
	}
	err := w.UpsertPartner(ctx, PartnerRow{
		ContractID: id, UserID: p.UserID, ContractType: p.ContractType, BuildingID: p.BuildingID,
		IncludesExternalComponents: FlagOrNil(p.IncludesExternalComponents),
	})
	if err != nil {
		return err
	}
	for _, pp := range p.Prices {
		if err := w.InsertPricePoint(ctx, PricePointRow{ContractID: id, ValidFrom: pp.From.Unix(), PerKwhE6: int64(pp.PerKWh)}); err != nil {
			return err
		}
	}
	return nil
}

// TermsReader reads one backend's terms tables: the rows of the
// contracts ids, price points by contract, then valid_from.
type TermsReader interface {
	FlexibilityOf(ctx context.Context, ids []int64) ([]FlexibilityRow, error)
	PPAOf(ctx context.Context, ids []int64) ([]PPARow, error)
	PartnerOf(ctx context.Context, ids []int64) ([]PartnerRow, error)
	PricePointsOf(ctx context.Context, ids []int64) ([]PricePointRow, error)
}

// LoadTerms sets the kind-specific terms of cs, each by the contract's
// ID, from r in four queries, however many contracts there are, so a page
// or an export batch costs the same.
func LoadTerms(ctx context.Context, r TermsReader, cs []app.Contract) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]int64, len(cs))
	at := make(map[int64]*app.Contract, len(cs))
	for i := range cs {
		ids[i] = cs[i].ID
		at[cs[i].ID] = &cs[i]
	}
	flex, err := r.FlexibilityOf(ctx, ids)
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
	ppas, err := r.PPAOf(ctx, ids)
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
	partners, err := r.PartnerOf(ctx, ids)
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
	points, err := r.PricePointsOf(ctx, ids)
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

// FlagOrNil is a flag as the cache keeps it, 0 or 1; nil stays nil (not
// said).
func FlagOrNil(b *bool) *int64 {
	if b == nil {
		return nil
	}
	v := int64(0)
	if *b {
		v = 1
	}
	return &v
}

// Rows converts each of a generated statement's rows to a terms row.
func Rows[From, To any](rows []From, conv func(From) To) []To {
	out := make([]To, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	return out
}

// cacheTerms reads and writes the cache's terms tables; the deletes are
// the statements' own.
type cacheTerms struct{ *dbq.Queries }

func (q cacheTerms) UpsertFlexibility(ctx context.Context, r FlexibilityRow) error {
	return q.Queries.UpsertFlexibility(ctx, dbq.UpsertFlexibilityParams(r))
}

func (q cacheTerms) UpsertPPA(ctx context.Context, r PPARow) error {
	return q.Queries.UpsertPPA(ctx, dbq.UpsertPPAParams(r))
}

func (q cacheTerms) UpsertPartner(ctx context.Context, r PartnerRow) error {
	return q.Queries.UpsertPartner(ctx, dbq.UpsertPartnerParams(r))
}

func (q cacheTerms) InsertPricePoint(ctx context.Context, r PricePointRow) error {
	return q.Queries.InsertPricePoint(ctx, dbq.InsertPricePointParams(r))
}

func (q cacheTerms) FlexibilityOf(ctx context.Context, ids []int64) ([]FlexibilityRow, error) {
	rows, err := q.Queries.FlexibilityOf(ctx, ids)
	return Rows(rows, func(r dbq.ContractFlexibility) FlexibilityRow { return FlexibilityRow(r) }), err
}

func (q cacheTerms) PPAOf(ctx context.Context, ids []int64) ([]PPARow, error) {
	rows, err := q.Queries.PPAOf(ctx, ids)
	return Rows(rows, func(r dbq.ContractPpa) PPARow { return PPARow(r) }), err
}

func (q cacheTerms) PartnerOf(ctx context.Context, ids []int64) ([]PartnerRow, error) {
	rows, err := q.Queries.PartnerOf(ctx, ids)
	return Rows(rows, func(r dbq.ContractPartner) PartnerRow { return PartnerRow(r) }), err
}

func (q cacheTerms) PricePointsOf(ctx context.Context, ids []int64) ([]PricePointRow, error) {
	rows, err := q.Queries.PricePointsOf(ctx, ids)
	return Rows(rows, func(r dbq.ContractPricePoint) PricePointRow { return PricePointRow(r) }), err
}

// attachTerms loads the kind-specific terms of cs from the cache.
func attachTerms(ctx context.Context, q *dbq.Queries, cs []app.Contract) error {
	return LoadTerms(ctx, cacheTerms{q}, cs)
}
