package app

import (
	"encoding/json"
	"time"
)

// Vendor names the platform a source speaks to. The vendors a build syncs
// are the ones registered (see app/vendor and sync/registry); the constants
// name those the domain itself treats apart.
type Vendor string

const (
	VendorEnneo    Vendor = "enneo"
	VendorProsumer Vendor = "prosumer"
	VendorOtark    Vendor = "otark"
	VendorEpilot   Vendor = "epilot"
	VendorPodero   Vendor = "podero"
)

// Kind is what sort of agreement a contract is, across vendors.
type Kind string

const (
	KindRetail      Kind = "retail"      // a household or business supply contract (enneo, epilot)
	KindEnergy      Kind = "energy"      // a prosumer energy contract
	KindService     Kind = "service"     // a prosumer service contract
	KindFlexibility Kind = "flexibility" // a prosumer flexibility contract
	KindPPA         Kind = "ppa"         // a power purchase agreement (otark)
	KindDayAhead    Kind = "day_ahead"   // a day-ahead trade (otark)
	KindIntraday    Kind = "intraday"    // an intraday trade (otark)
	KindPartner     Kind = "partner"     // a partner energy contract (Podero)
)

// Kinds lists every kind in the order views offer them.
var Kinds = []Kind{KindRetail, KindEnergy, KindService, KindFlexibility, KindPPA, KindDayAhead, KindIntraday, KindPartner}

// Commodity is what is delivered.
type Commodity string

const (
	CommodityElectricity Commodity = "electricity"
	CommodityGas         Commodity = "gas"
	CommodityWater       Commodity = "water"
	CommodityHeat        Commodity = "heat"
	CommodityUnknown     Commodity = ""
)

// Commodities lists the commodities views offer as filters.
var Commodities = []Commodity{CommodityElectricity, CommodityGas, CommodityWater, CommodityHeat}

// Contract is one vendor's contract, normalised. Optional values are nil or
// the zero time when the vendor did not send them.
type Contract struct {
	// ID is the cache's own id, set by the store; 0 before the contract is stored.
	ID int64
	// Source is the name of the configured source it was synced from.
	Source     string
	Vendor     Vendor
	ExternalID string // the vendor's id for the contract
	Kind       Kind
	Commodity  Commodity
	Status     string // the vendor's status word, lower case

	Customer Customer
	Name     string // a display name: product and customer, or the vendor's own name
	Product  Product
	Parties  Parties

	ValidFrom   time.Time // UTC; zero when unknown
	ValidTo     time.Time // UTC; zero when open-ended
	SignedAt    time.Time
	CancelledAt time.Time

	Prices Prices
	// AnnualConsumptionKWh is the vendor's yearly consumption estimate.
	AnnualConsumptionKWh *Decimal
	MeterID              string

	// Terms that only some kinds have; nil where they do not apply.
	Flexibility *FlexibilityTerms // KindFlexibility
	PPA         *PPATerms         // KindPPA, KindDayAhead, KindIntraday
	Partner     *PartnerTerms     // KindPartner

	// Raw is the vendor's JSON for this contract exactly as received.
	Raw       json.RawMessage
	FetchedAt time.Time // UTC; when it was last seen at the vendor
	// RemovedAt is when Wattfolio found the vendor no longer has the
	// contract (a completed full listing without it, or a 404); zero while
	// it is current. A removed contract is kept, never deleted.
	RemovedAt time.Time
}

// ContractRef names a cached contract: the cache's id, the vendor's id and
// the vendor's id of its customer.
type ContractRef struct {
	ID         int64
	ExternalID string
	CustomerID string
}

// Removed reports whether the vendor no longer has the contract.
func (c Contract) Removed() bool { return !c.RemovedAt.IsZero() }

// Change is one field of a contract that a sync (or a write-back) changed:
// Old and New are the values before and after as text, "" for none. RunID
// is the sync run that made the change, 0 for none; At is when.
type Change struct {
	Field    string
	Old, New string
	RunID    int64
	At       time.Time // UTC
}

// Customer identifies the customer a contract belongs to within one source,
// and the user's own customer (account) it is linked to across sources.
type Customer struct {
	ExternalID string // the vendor's customer id (otark: buyer EIC; Podero: user id)
	Name       string
	// AccountID and AccountName are set by the store when the sources file
	// links this vendor customer to one of the user's customers; 0 otherwise.
	AccountID   int64
	AccountName string
}

// DisplayName is the user's name for the customer if linked, else the vendor's.
func (c Customer) DisplayName() string {
	if c.AccountName != "" {
		return c.AccountName
	}
	if c.Name != "" {
		return c.Name
	}
	return c.ExternalID
}

// Product is the tariff or product a contract is on.
type Product struct {
	Name string
	Code string
}

// Parties names who supplies and who buys, where the vendor says.
type Parties struct {
	Supplier     string // seller, supplier or grid operator for retail
	SupplierCode string // EIC, BDEW or grid operator code
	Buyer        string
	BuyerCode    string
	// GridOperator and GridOperatorCode name the network operator for retail supply.
	GridOperator     string
	GridOperatorCode string
}

// Prices carries a contract's prices with their units in their names. All
// amounts are in Currency; prices are net unless the vendor says otherwise.
type Prices struct {
	Currency string // ISO 4217; "EUR" unless the vendor says otherwise
	// BasePerYear is the fixed charge per year ("Grundpreis").
	BasePerYear *Decimal
	// WorkingPerKWh is the energy charge per kWh ("Arbeitspreis").
	WorkingPerKWh *Decimal
	// VATRate is a fraction: 0.19 for 19 %.
	VATRate *Decimal
}

// ActiveOn reports whether the contract is in force on day (a UTC instant):
// started on or before it and not ended before it.
func (c Contract) ActiveOn(day time.Time) bool {
	if !c.ValidFrom.IsZero() && c.ValidFrom.After(day) {
		return false
	}
	return c.ValidTo.IsZero() || !c.ValidTo.Before(day)
}

// ActiveOnDay reports whether the contract is in force at any moment of the
// calendar day that starts at day (a midnight in the customer's zone, so DST
// days are 23 or 25 hours): the store's ContractFilter.ActiveOn rule.
func (c Contract) ActiveOnDay(day time.Time) bool {
	next := day.AddDate(0, 0, 1)
	return (c.ValidFrom.IsZero() || c.ValidFrom.Before(next)) && (c.ValidTo.IsZero() || !c.ValidTo.Before(day))
}

// Ptr returns a pointer to d, for optional fields.
func Ptr[T any](v T) *T { return &v }
