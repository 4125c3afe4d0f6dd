package app

import "time"

// FlexibilityTerms are a prosumer flexibility contract's fees and limits,
// typed because the comparison prices them. The vendor documents no units;
// fees are taken to be in the contract's currency, power in kW and times in
// minutes, and the vendor's enumerations are kept as their numbers.
type FlexibilityTerms struct {
	AssetID       string
	AssetName     string
	ParticipantID string
	// ReservationFee is paid for being available.
	ReservationFee *Decimal
	// ActivationFeeWorkdays and ActivationFeeNonWorkdays are paid per activation.
	ActivationFeeWorkdays    *Decimal
	ActivationFeeNonWorkdays *Decimal
	MaxPowerPerActivation    *Decimal // kW
	// MaxActivationsPerInterval caps activations in one permitted interval.
	MaxActivationsPerInterval *int64
	MaxActivationMinutes      *int64
	MinMinutesBetween         *int64
	DaysAllowedForActivation  *int64 // the vendor's enumeration value
	PermittedIntervals        string
	Tolerance                 *Decimal
	Renewal                   *int64 // the vendor's enumeration value
	NonConformanceClause      string
	// Temperature bounds in °C.
	MinNormalTemperature   *Decimal
	MaxNormalTemperature   *Decimal
	MaxRampUpTemperature   *Decimal
	MinRampDownTemperature *Decimal
}

// PPATerms are the terms of an otark trading contract (PPA, day-ahead or
// intraday). Seller and buyer with their EIC codes are in Contract.Parties.
type PPATerms struct {
	PPAType         string // e.g. indexed, fixed
	Period          string // e.g. Q1-2026
	DeliveryProfile string // e.g. ENWEX Solar 2026
	SellerTSO       string
	BuyerTSO        string
	AssetID         string
	AssetName       string
	Technology      string // solar, wind, ...
	AssetTSO        string
	NominalPowerMW  *Decimal
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// PartnerTerms are a Podero partner energy contract's terms.
type PartnerTerms struct {
	UserID       string
	ContractType string // spot_hourly, monthly, yearly; "" when the vendor sent null
	// BuildingID is empty when the contract covers all of the user's buildings.
	BuildingID string
	// IncludesExternalComponents says whether grid fees, levies and taxes are
	// in the price; false means the bare wholesale price with those on top.
	IncludesExternalComponents *bool
	// Prices is the energy price over time, in Contract.Prices.Currency per
	// kWh, sorted by From: one entry is a constant price, several a price
	// that changes at each From.
	Prices []PricePoint
}

// PricePoint is a price per kWh that holds from an instant on.
type PricePoint struct {
	From   time.Time // UTC
	PerKWh Decimal
}
