package tariff

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
)

// ErrNotPriceable wraps the reason a synced contract cannot be priced.
var ErrNotPriceable = errors.New("cannot be priced")

// Unpriceable says why a contract cannot be priced; it is an
// ErrNotPriceable. Reason is in English; a page shows it in the user's
// language.
type Unpriceable struct{ Reason app.Msg }

func (e *Unpriceable) Error() string { return ErrNotPriceable.Error() + ": " + e.Reason.String() }
func (e *Unpriceable) Unwrap() error { return ErrNotPriceable }

// NotPriceable is an ErrNotPriceable for reason.
func NotPriceable(reason app.Msg) error { return &Unpriceable{Reason: reason} }

// defaultVAT is Germany's VAT rate on electricity and gas (gas back at
// 19 % since 1 April 2024), for vendors that state none.
var defaultVAT = app.MustDecimal("0.19")

// FromContract turns a synced contract into a tariff without any typing.
// Spot-linked ones (Podero's price series, epilot's auction component) also
// need SpotOfContract's or FromEpilotPrices' market. A contract that cannot
// be priced returns ErrNotPriceable with the reason in words.
func FromContract(c app.Contract) (Tariff, error) {
	t := Tariff{
		Name:      c.Name,
		Supplier:  c.Parties.Supplier,
		Commodity: c.Commodity,
		Currency:  c.Prices.Currency,
		VATRate:   defaultVAT,
		Start:     c.ValidFrom,
	}
	if c.Prices.VATRate != nil {
		t.VATRate = *c.Prices.VATRate
	}
	switch c.Vendor {
	case app.VendorEnneo:
		// enneo quotes the retail working and base price of a supply
		// contract, net, with the contract's VAT rate; the source's
		// configured units were applied when it was synced.
		if c.Prices.WorkingPerKWh == nil {
			return Tariff{}, NotPriceable(app.Msgf("no working price at the vendor"))
		}
		t.Model = Fixed
		t.WorkingPerKWh = *c.Prices.WorkingPerKWh
		if c.Prices.BasePerYear != nil {
			t.BasePerYear = *c.Prices.BasePerYear
		}
		return t, nil
	case app.VendorPodero:
		return fromPartner(t, c)
	case app.VendorEpilot:
		return Tariff{}, NotPriceable(app.Msgf("epilot's prices are in its meters' price series (see FromEpilotPrices)"))
	case app.VendorProsumer:
		if c.Kind == app.KindFlexibility && c.Flexibility != nil {
			return fromFlex(t, c.Flexibility)
		}
		return Tariff{}, NotPriceable(app.Msgf("a prosumer %s contract carries no prices", c.Kind))
	case app.VendorOtark:
		return fromOtark(t, c)
	}
	return Tariff{}, NotPriceable(app.Msgf("vendor %q has no price mapping", c.Vendor))
}

// fromOtark maps an indexed PPA: its price follows the spot price, and
// otark sends neither the discount nor a floor or cap, so it is priced at
// spot and marked incomplete. A fixed or hybrid PPA's price is not sent at
// all, and trades are not supply contracts.
func fromOtark(t Tariff, c app.Contract) (Tariff, error) {
	if c.Kind != app.KindPPA || c.PPA == nil {
		return Tariff{}, NotPriceable(app.Msgf("otark sends no price for its %s contracts", c.Kind))
	}
	if !strings.EqualFold(c.PPA.PPAType, "indexed") {
		what := c.PPA.PPAType
		if what == "" {
			what = "untyped"
		}
		return Tariff{}, NotPriceable(app.Msgf("otark sends no price for a %s PPA", what))
	}
	t.Model = PPA
	t.PPA = &PPATerms{Kind: IndexedPPA}
	t.Incomplete = "otark sends no discount, floor or cap: the PPA is priced at the spot price, without grid fees, levies and taxes"
	return t, nil
}

// fromPartner maps a Podero partner contract: one price is a constant
// working price; several a price that changes at each timestamp, priced
// slot by slot like a spot price (see SpotOfContract).
func fromPartner(t Tariff, c app.Contract) (Tariff, error) {
	p := c.Partner
	if p == nil || len(p.Prices) == 0 {
		return Tariff{}, NotPriceable(app.Msgf("no energy price at the vendor"))
	}
	t.Model = Dynamic
	if len(p.Prices) == 1 {
		t.Model = Fixed
		t.WorkingPerKWh = p.Prices[0].PerKWh
	}
	if p.IncludesExternalComponents == nil || !*p.IncludesExternalComponents {
		// The bare wholesale price: grid fees, levies and taxes come on
		// top, and Podero does not send them. The figure is priced and
		// shown, but marked so no saving is claimed against it.
		t.Incomplete = "grid fees, levies and taxes are not in Podero's price and not known"
		if p.IncludesExternalComponents == nil {
			t.Incomplete = "Podero does not say whether grid fees, levies and taxes are in the price"
		}
	}
	return t, nil
}

// SpotOfContract is the market of a Podero contract whose price changes
// over time: each price holds until the next one; the last until `until`.
func SpotOfContract(c app.Contract, until time.Time) Market {
	p := c.Partner
	if p == nil || len(p.Prices) < 2 {
		return Market{}
	}
	m := Market{SpotSource: app.Msgf("%s's price series (%s)", c.Source, p.ContractType)}
	for i, pp := range p.Prices {
		end := until
		if i+1 < len(p.Prices) {
			end = p.Prices[i+1].From
		}
		if end.After(pp.From) {
			m.Spot = append(m.Spot, Rate{Start: pp.From.Unix(), End: end.Unix(), PerKWh: pp.PerKWh})
		}
	}
	return m
}

// fromFlex prices a prosumer flexibility contract as revenue. The plan
// (activations a month) is the caller's assumption; see FlexTerms.
func fromFlex(t Tariff, f *app.FlexibilityTerms) (Tariff, error) {
	if f.ReservationFee == nil && f.ActivationFeeWorkdays == nil && f.ActivationFeeNonWorkdays == nil {
		return Tariff{}, NotPriceable(app.Msgf("no fees at the vendor"))
	}
	t.Model = Flexibility
	ft := &FlexTerms{}
	for _, p := range []struct {
		dst *app.Decimal
		src *app.Decimal
	}{{&ft.ReservationPerMonth, f.ReservationFee}, {&ft.ActivationFeeWorkdays, f.ActivationFeeWorkdays},
		{&ft.ActivationFeeNonWorkdays, f.ActivationFeeNonWorkdays}, {&ft.MaxPowerKW, f.MaxPowerPerActivation}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
	if f.MaxActivationsPerInterval != nil {
		ft.MaxActivations = int(*f.MaxActivationsPerInterval)
	}
	t.Flex = ft
	return t, nil
}

// FromEpilotPrices maps an epilot contract priced by its meter's price
// series: the auction component is the spot price of each slot, source fee
// and margin the markup, the grid fee and taxes/levies the charges, as the
// latest price reading states them (the current price sheet). The spot
// prices are the market's, from the same series.
func FromEpilotPrices(c app.Contract, latest series.Reading) (Tariff, error) {
	p := latest.Parts
	if p == nil || p.Auction == nil {
		return Tariff{}, NotPriceable(app.Msgf("the meter's prices have no auction component"))
	}
	t := Tariff{Name: c.Name, Supplier: c.Parties.Supplier, Commodity: c.Commodity, Currency: c.Prices.Currency,
		Model: Dynamic, VATRate: defaultVAT, Start: c.ValidFrom, Negative: NegativeCredit}
	if latest.Tax.Set {
		t.VATRate = app.Decimal(latest.Tax.Rate * app.DecimalScale / 100)
		t.Gross = latest.Tax.Inclusive
	}
	var err error
	add := func(dst *app.Decimal, v *app.Decimal) {
		if v != nil && err == nil {
			*dst, err = dst.Add(*v)
		}
	}
	add(&t.WorkingPerKWh, p.SourceFee)
	add(&t.WorkingPerKWh, p.Margin)
	add(&t.Charges.GridPerKWh, p.GridFee)
	add(&t.Charges.LeviesPerKWh, p.TaxesLevies)
	if err != nil {
		return Tariff{}, fmt.Errorf("price components: %w", err)
	}
	return t, nil
}
