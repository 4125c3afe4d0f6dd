package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/tariff"
	"wattfolio/db/internal/dbq"
)

// Offers are the user's own data: the sync neither reads nor writes the
// offers table, so they outlive every sync and every source's removal.

// SaveOffers stores offers by name in one transaction: an offer whose name
// is in the cache updates it, the others are added. All or nothing: one
// invalid offer saves none.
func (s *Store) SaveOffers(ctx context.Context, offers []offer.Offer) (created, updated int, err error) {
	if err := ValidOffers(offers); err != nil {
		return 0, 0, fmt.Errorf("cache: save offers: %w", err)
	}
	err = s.inTx(ctx, func(q *dbq.Queries) (err error) {
		created, updated, err = SaveOffersWith(ctx, cacheOffers{q}, offers, s.now())
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("cache: save offers: %w", err)
	}
	return created, updated, nil
}

// OfferWriter writes one backend's offers table, in its caller's
// transaction.
type OfferWriter interface {
	// OfferIDByName returns the id of the offer called name, or an error
	// wrapping app.ErrNotFound.
	OfferIDByName(ctx context.Context, name string) (int64, error)
	// SaveOffer adds the offer r (ID 0) or updates the offer r.ID; it
	// returns the offer's id.
	SaveOffer(ctx context.Context, r OfferRow) (int64, error)
}

// ValidOffers checks every offer, as an import does before it saves any.
func ValidOffers(offers []offer.Offer) error {
	for _, o := range offers {
		if err := invalid(o); err != nil {
			return err
		}
	}
	return nil
}

// SaveOffersWith stores valid offers through w by name, as an import does
// on the cache and the team's book alike: an offer whose name w holds
// updates it, the others are added.
func SaveOffersWith(ctx context.Context, w OfferWriter, offers []offer.Offer, now time.Time) (created, updated int, err error) {
	for _, o := range offers {
		id, err := w.OfferIDByName(ctx, o.Name)
		switch {
		case errors.Is(err, app.ErrNotFound):
			o.ID = 0
			created++
		case err != nil:
			return 0, 0, fmt.Errorf("offer %q: %w", o.Name, err)
		default:
			o.ID = id
			updated++
		}
		if _, err := w.SaveOffer(ctx, OfferToRow(o, now)); err != nil {
			return 0, 0, fmt.Errorf("offer %q: %w", o.Name, err)
		}
	}
	return created, updated, nil
}

// cacheOffers writes the cache's offers table.
type cacheOffers struct{ q *dbq.Queries }

func (c cacheOffers) OfferIDByName(ctx context.Context, name string) (int64, error) {
	id, err := c.q.OfferIDByName(ctx, name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("offer %q: %w", name, app.ErrNotFound)
	}
	return id, err
}

func (c cacheOffers) SaveOffer(ctx context.Context, r OfferRow) (int64, error) {
	return c.q.SaveOffer(ctx, dbq.SaveOfferParams(r))
}

// ErrOfferNameTaken is returned by SaveOffer for a name another offer has.
// It is offer.ErrNameTaken, so that callers need not import the cache.
var ErrOfferNameTaken = offer.ErrNameTaken

// SaveOffer stores one offer, as a form edits it: ID 0 adds it, another ID
// updates (and may rename) that offer. It returns the offer as stored.
func (s *Store) SaveOffer(ctx context.Context, o offer.Offer) (offer.Offer, error) {
	if err := invalid(o); err != nil {
		return offer.Offer{}, fmt.Errorf("cache: save offer %q: %w", o.Name, err)
	}
	now := s.now()
	err := s.inTx(ctx, func(q *dbq.Queries) error {
		other, err := q.OfferIDByName(ctx, o.Name)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case other != o.ID:
			return ErrOfferNameTaken
		}
		if o.ID != 0 {
			if _, err := q.GetOffer(ctx, o.ID); errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("offer %d: %w", o.ID, app.ErrNotFound)
			} else if err != nil {
				return err
			}
		}
		o.ID, err = q.SaveOffer(ctx, dbq.SaveOfferParams(OfferToRow(o, now)))
		return err
	})
	if err != nil {
		return offer.Offer{}, fmt.Errorf("cache: save offer %q: %w", o.Name, err)
	}
	return s.Offer(ctx, o.ID)
}

// invalid joins an offer's field errors into one error, nil when it is valid.
func invalid(o offer.Offer) error {
	var errs []error
	for _, fe := range o.Validate() {
		errs = append(errs, fe)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("offer %q: %w", o.Name, errors.Join(errs...))
}

// Offers lists every offer by name.
func (s *Store) Offers(ctx context.Context) ([]offer.Offer, error) {
	rows, err := s.rq.ListOffers(ctx)
	if err != nil {
		return nil, fmt.Errorf("cache: offers: %w", err)
	}
	out := make([]offer.Offer, len(rows))
	for i, r := range rows {
		if out[i], err = OfferFromRow(OfferRow(r)); err != nil {
			return nil, fmt.Errorf("cache: offers: %w", err)
		}
	}
	return out, nil
}

// Offer returns one offer, or app.ErrNotFound.
func (s *Store) Offer(ctx context.Context, id int64) (offer.Offer, error) {
	r, err := s.rq.GetOffer(ctx, id)
	return oneOffer(r, err, fmt.Sprintf("offer %d", id))
}

// OfferByName returns the offer called name, or app.ErrNotFound.
func (s *Store) OfferByName(ctx context.Context, name string) (offer.Offer, error) {
	r, err := s.rq.GetOfferByName(ctx, name)
	return oneOffer(r, err, fmt.Sprintf("offer %q", name))
}

func oneOffer(r dbq.Offer, err error, what string) (offer.Offer, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return offer.Offer{}, fmt.Errorf("%s: %w", what, app.ErrNotFound)
	}
	if err != nil {
		return offer.Offer{}, fmt.Errorf("cache: %s: %w", what, err)
	}
	o, err := OfferFromRow(OfferRow(r))
	if err != nil {
		return offer.Offer{}, fmt.Errorf("cache: %s: %w", what, err)
	}
	return o, nil
}

// DeleteOffer removes one offer, or returns app.ErrNotFound.
func (s *Store) DeleteOffer(ctx context.Context, id int64) error {
	var n int64
	err := s.inTx(ctx, func(q *dbq.Queries) (err error) {
		n, err = q.DeleteOffer(ctx, id)
		return err
	})
	switch {
	case err != nil:
		return fmt.Errorf("cache: delete offer %d: %w", id, err)
	case n == 0:
		return fmt.Errorf("offer %d: %w", id, app.ErrNotFound)
	}
	return nil
}

// offerTerms is terms_json: the nested parts of a tariff. Decimals are
// strings, so that the document holds them exactly in any JSON reader
// (PostgreSQL's jsonb included).
type offerTerms struct {
	Zones     []zoneJSON  `json:"zones,omitempty"`
	GridZones []zoneJSON  `json:"grid_zones,omitempty"`
	Bonuses   []bonusJSON `json:"bonuses,omitempty"`
	PPA       *ppaJSON    `json:"ppa,omitempty"`
	Flex      *flexJSON   `json:"flex,omitempty"`
}

// decimal is an app.Decimal written as its exact decimal string, "0.279".
type decimal app.Decimal

func (d decimal) MarshalText() ([]byte, error) { return []byte(app.Decimal(d).String()), nil }

func (d *decimal) UnmarshalText(b []byte) error {
	v, err := app.ParseDecimal(string(b))
	*d = decimal(v)
	return err
}

type zoneJSON struct {
	Name     string `json:"name,omitempty"`
	Months   []int  `json:"months,omitempty"`
	Weekdays []int  `json:"weekdays,omitempty"` // 0 is Sunday, as time.Weekday
	From     int    `json:"from_minute"`
	To       int    `json:"to_minute"`
	// ValidFrom and ValidTo are Unix seconds, like the columns.
	ValidFrom *int64  `json:"valid_from,omitempty"`
	ValidTo   *int64  `json:"valid_to,omitempty"`
	PerKWh    decimal `json:"per_kwh"`
}

type bonusJSON struct {
	Kind   string  `json:"kind"`
	Amount decimal `json:"amount"`
}

type ppaJSON struct {
	Kind           string   `json:"kind"`
	PricePerKWh    decimal  `json:"price_per_kwh"`
	BaseloadKW     decimal  `json:"baseload_kw"`
	Floor          *decimal `json:"floor_per_kwh,omitempty"`
	Cap            *decimal `json:"cap_per_kwh,omitempty"`
	ResidualMarkup decimal  `json:"residual_markup_per_kwh"`
}

type flexJSON struct {
	ReservationPerMonth      decimal `json:"reservation_per_month"`
	ActivationFeeWorkdays    decimal `json:"activation_fee_workdays"`
	ActivationFeeNonWorkdays decimal `json:"activation_fee_non_workdays"`
	MaxPowerKW               decimal `json:"max_power_kw"`
	MaxActivations           int     `json:"max_activations"`
	PlanWorkdays             int     `json:"plan_workdays"`
	PlanNonWorkdays          int     `json:"plan_non_workdays"`
}

// OfferRow is a row of the offers table, on the cache and the team's book
// alike: instants in Unix seconds and gross as 0 or 1, as the cache's
// columns hold them (the book's statements convert them). Its fields are
// those of both backends' statements, in their order, so that each
// converts it to its parameters as it is.
type OfferRow struct {
	ID                     int64 // 0: a new offer
	Name                   string
	Supplier               string
	Commodity              string
	Model                  string
	Currency               string
	Gross                  int64
	VatRateE6              int64
	BasePerYearE6          int64
	WorkingPerKwhE6        int64
	GridPerKwhE6           int64
	GridBasePerYearE6      int64
	LeviesPerKwhE6         int64
	ElectricityTaxPerKwhE6 int64
	ConcessionPerKwhE6     int64
	NegativeRule           string
	AverageRule            string
	GuaranteeMonths        int64
	GuaranteeScope         string
	MinTermMonths          int64
	NoticeN                int64
	NoticeUnit             string
	SupplyStart            *int64
	ValidFrom              *int64
	ValidTo                *int64
	Notes                  string
	TermsJson              string
	UpdatedAt              int64
}

// OfferToRow is o as a row of the offers table, updated at now.
func OfferToRow(o offer.Offer, now time.Time) OfferRow {
	t := o.Tariff
	terms := offerTerms{Zones: zonesJSON(t.Zones), GridZones: zonesJSON(t.GridZones)}
	for _, b := range t.Bonuses {
		terms.Bonuses = append(terms.Bonuses, bonusJSON{Kind: string(b.Kind), Amount: decimal(b.Amount)})
	}
	if p := t.PPA; p != nil {
		terms.PPA = &ppaJSON{
			Kind: string(p.Kind), PricePerKWh: decimal(p.PricePerKWh), BaseloadKW: decimal(p.BaseloadKW),
			Floor: (*decimal)(p.Floor), Cap: (*decimal)(p.Cap), ResidualMarkup: decimal(p.ResidualMarkup),
		}
	}
	if f := t.Flex; f != nil {
		terms.Flex = &flexJSON{
			ReservationPerMonth: decimal(f.ReservationPerMonth), ActivationFeeWorkdays: decimal(f.ActivationFeeWorkdays),
			ActivationFeeNonWorkdays: decimal(f.ActivationFeeNonWorkdays), MaxPowerKW: decimal(f.MaxPowerKW),
			MaxActivations: f.MaxActivations, PlanWorkdays: f.PlanWorkdays, PlanNonWorkdays: f.PlanNonWorkdays,
		}
	}
	doc, err := json.Marshal(terms)
	if err != nil {
		panic("offer terms do not marshal: " + err.Error()) // plain structs of strings and numbers
	}
	gross := int64(0)
	if t.Gross {
		gross = 1
	}
	return OfferRow{
		ID: o.ID, Name: o.Name, Supplier: o.Supplier, Commodity: string(o.Commodity),
		Model: string(t.Model), Currency: t.Currency, Gross: gross, VatRateE6: int64(t.VATRate),
		BasePerYearE6: int64(t.BasePerYear), WorkingPerKwhE6: int64(t.WorkingPerKWh),
		GridPerKwhE6: int64(t.Charges.GridPerKWh), GridBasePerYearE6: int64(t.Charges.GridBasePerYear),
		LeviesPerKwhE6: int64(t.Charges.LeviesPerKWh), ElectricityTaxPerKwhE6: int64(t.Charges.ElectricityTaxPerKWh),
		ConcessionPerKwhE6: int64(t.Charges.ConcessionPerKWh),
		NegativeRule:       string(t.Negative), AverageRule: string(t.Average),
		GuaranteeMonths: int64(t.Guarantee.Months), GuaranteeScope: string(t.Guarantee.Scope),
		MinTermMonths: int64(t.MinTermMonths), NoticeN: int64(t.Notice.N), NoticeUnit: t.Notice.Unit,
		SupplyStart: unixOrNil(t.Start), ValidFrom: unixOrNil(o.ValidFrom), ValidTo: unixOrNil(o.ValidTo),
		Notes: o.Notes, TermsJson: string(doc), UpdatedAt: now.Unix(),
	}
}

func zonesJSON(zs []tariff.Zone) []zoneJSON {
	var out []zoneJSON
	for _, z := range zs {
		j := zoneJSON{Name: z.Name, From: z.From, To: z.To, ValidFrom: unixOrNil(z.ValidFrom), ValidTo: unixOrNil(z.ValidTo), PerKWh: decimal(z.PerKWh)}
		for _, m := range z.Months {
			j.Months = append(j.Months, int(m))
		}
		for _, d := range z.Weekdays {
			j.Weekdays = append(j.Weekdays, int(d))
		}
		out = append(out, j)
	}
	return out
}

func zonesFromJSON(js []zoneJSON) []tariff.Zone {
	var out []tariff.Zone
	for _, j := range js {
		z := tariff.Zone{Name: j.Name, From: j.From, To: j.To, ValidFrom: timeOrZero(j.ValidFrom), ValidTo: timeOrZero(j.ValidTo), PerKWh: app.Decimal(j.PerKWh)}
		for _, m := range j.Months {
			z.Months = append(z.Months, time.Month(m))
		}
		for _, d := range j.Weekdays {
			z.Weekdays = append(z.Weekdays, time.Weekday(d))
		}
		out = append(out, z)
	}
	return out
}

// OfferFromRow is the offer a row of the offers table holds.
func OfferFromRow(r OfferRow) (offer.Offer, error) {
	var terms offerTerms
	if err := json.Unmarshal([]byte(r.TermsJson), &terms); err != nil {
		return offer.Offer{}, fmt.Errorf("offer %q: terms_json: %w", r.Name, err)
	}
	o := offer.Offer{
		ID: r.ID, Name: r.Name, Supplier: r.Supplier, Commodity: app.Commodity(r.Commodity),
		ValidFrom: timeOrZero(r.ValidFrom), ValidTo: timeOrZero(r.ValidTo), Notes: r.Notes,
		UpdatedAt: time.Unix(r.UpdatedAt, 0).UTC(),
		Tariff: tariff.Tariff{
			Name: r.Name, Supplier: r.Supplier, Commodity: app.Commodity(r.Commodity),
			Model: tariff.Model(r.Model), Currency: r.Currency, Gross: r.Gross == 1,
			VATRate: app.Decimal(r.VatRateE6), BasePerYear: app.Decimal(r.BasePerYearE6),
			WorkingPerKWh: app.Decimal(r.WorkingPerKwhE6), Zones: zonesFromJSON(terms.Zones),
			Charges: tariff.Charges{
				GridPerKWh: app.Decimal(r.GridPerKwhE6), GridBasePerYear: app.Decimal(r.GridBasePerYearE6),
				LeviesPerKWh: app.Decimal(r.LeviesPerKwhE6), ElectricityTaxPerKWh: app.Decimal(r.ElectricityTaxPerKwhE6),
				ConcessionPerKWh: app.Decimal(r.ConcessionPerKwhE6),
			},
			GridZones: zonesFromJSON(terms.GridZones),
			Negative:  tariff.NegativeRule(r.NegativeRule), Average: tariff.AverageRule(r.AverageRule),
			Guarantee:     tariff.Guarantee{Months: int(r.GuaranteeMonths), Scope: tariff.GuaranteeScope(r.GuaranteeScope)},
			MinTermMonths: int(r.MinTermMonths),
			Notice:        tariff.Notice{N: int(r.NoticeN), Unit: r.NoticeUnit},
			Start:         timeOrZero(r.SupplyStart),
		},
	}
	for _, b := range terms.Bonuses {
		o.Tariff.Bonuses = append(o.Tariff.Bonuses, tariff.Bonus{Kind: tariff.BonusKind(b.Kind), Amount: app.Decimal(b.Amount)})
	}
	if p := terms.PPA; p != nil {
		o.Tariff.PPA = &tariff.PPATerms{
			Kind: tariff.PPAKind(p.Kind), PricePerKWh: app.Decimal(p.PricePerKWh), BaseloadKW: app.Decimal(p.BaseloadKW),
			Floor: (*app.Decimal)(p.Floor), Cap: (*app.Decimal)(p.Cap), ResidualMarkup: app.Decimal(p.ResidualMarkup),
		}
	}
	if f := terms.Flex; f != nil {
		o.Tariff.Flex = &tariff.FlexTerms{
			ReservationPerMonth: app.Decimal(f.ReservationPerMonth), ActivationFeeWorkdays: app.Decimal(f.ActivationFeeWorkdays),
			ActivationFeeNonWorkdays: app.Decimal(f.ActivationFeeNonWorkdays), MaxPowerKW: app.Decimal(f.MaxPowerKW),
			MaxActivations: f.MaxActivations, PlanWorkdays: f.PlanWorkdays, PlanNonWorkdays: f.PlanNonWorkdays,
		}
	}
	return o, nil
}
