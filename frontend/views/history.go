package views

import (
	"strings"

	"wattfolio/app/history"
)

// changeLabels name the history's fields as the contract page does.
var changeLabels = map[string]string{
	history.Upstream:                       N("At the vendor"),
	"Kind":                                 N("Kind"),
	"Commodity":                            N("Commodity"),
	"Status":                               N("Status"),
	"Customer.ExternalID":                  N("Customer ID"),
	"Customer.Name":                        N("Customer"),
	"Name":                                 N("Contract name"),
	"Product.Name":                         N("Product"),
	"Product.Code":                         N("Product code"),
	"Parties.Supplier":                     N("Supplier"),
	"Parties.SupplierCode":                 N("Supplier code"),
	"Parties.Buyer":                        N("Buyer"),
	"Parties.BuyerCode":                    N("Buyer code"),
	"Parties.GridOperator":                 N("Grid operator"),
	"Parties.GridOperatorCode":             N("Grid operator code"),
	"ValidFrom":                            N("Valid from"),
	"ValidTo":                              N("Valid to"),
	"SignedAt":                             N("Signed"),
	"CancelledAt":                          N("Cancelled"),
	"Prices.Currency":                      N("Currency"),
	"Prices.BasePerYear":                   N("Base price per year"),
	"Prices.WorkingPerKWh":                 N("Working price per kWh"),
	"Prices.VATRate":                       N("VAT rate"),
	"AnnualConsumptionKWh":                 N("Annual consumption (kWh)"),
	"MeterID":                              N("Meter"),
	"Partner.ContractType":                 N("Contract type"),
	"Partner.BuildingID":                   N("Building"),
	"Partner.IncludesExternalComponents":   N("Price includes grid fees and levies"),
	"Partner.Prices":                       N("Price series"),
	"Partner.UserID":                       N("Podero user"),
	"PPA.NominalPowerMW":                   N("Nominal power (MW)"),
	"Flexibility.MaxPowerPerActivation":    N("Max power per activation (kW)"),
	"Flexibility.ReservationFee":           N("Reservation fee"),
	"Flexibility.ActivationFeeWorkdays":    N("Activation fee, workdays"),
	"Flexibility.ActivationFeeNonWorkdays": N("Activation fee, non-workdays"),
}

// ChangeLabel names a field of the contract history for people: the
// contract page's label where there is one, else the field's own name
// ("raw: energy_prices[2].price" for the vendor's JSON).
func (f Fmt) ChangeLabel(field string) string {
	if l, ok := changeLabels[field]; ok {
		return f.T(l)
	}
	if rest, ok := strings.CutPrefix(field, "raw: "); ok {
		return f.Tf("Vendor data: %s", rest)
	}
	return field
}
