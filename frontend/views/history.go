package views

import (
	"strings"

	"wattfolio/app/history"
)

// changeLabels name the history's fields as the contract page does.
var changeLabels = map[string]string{
	history.Upstream:                       "At the vendor",
	"Kind":                                 "Kind",
	"Commodity":                            "Commodity",
	"Status":                               "Status",
	"Customer.ExternalID":                  "Customer ID",
	"Customer.Name":                        "Customer",
	"Name":                                 "Contract name",
	"Product.Name":                         "Product",
	"Product.Code":                         "Product code",
	"Parties.Supplier":                     "Supplier",
	"Parties.SupplierCode":                 "Supplier code",
	"Parties.Buyer":                        "Buyer",
	"Parties.BuyerCode":                    "Buyer code",
	"Parties.GridOperator":                 "Grid operator",
	"Parties.GridOperatorCode":             "Grid operator code",
	"ValidFrom":                            "Valid from",
	"ValidTo":                              "Valid to",
	"SignedAt":                             "Signed",
	"CancelledAt":                          "Cancelled",
	"Prices.Currency":                      "Currency",
	"Prices.BasePerYear":                   "Base price per year",
	"Prices.WorkingPerKWh":                 "Working price per kWh",
	"Prices.VATRate":                       "VAT rate",
	"AnnualConsumptionKWh":                 "Annual consumption (kWh)",
	"MeterID":                              "Meter",
	"Partner.ContractType":                 "Contract type",
	"Partner.BuildingID":                   "Building",
	"Partner.IncludesExternalComponents":   "Price includes grid fees and levies",
	"Partner.Prices":                       "Price series",
	"Partner.UserID":                       "Podero user",
	"PPA.NominalPowerMW":                   "Nominal power (MW)",
	"Flexibility.MaxPowerPerActivation":    "Max power per activation (kW)",
	"Flexibility.ReservationFee":           "Reservation fee",
	"Flexibility.ActivationFeeWorkdays":    "Activation fee, workdays",
	"Flexibility.ActivationFeeNonWorkdays": "Activation fee, non-workdays",
}

// ChangeLabel names a field of the contract history for people: the
// contract page's label where there is one, else the field's own name
// ("raw: energy_prices[2].price" for the vendor's JSON).
func ChangeLabel(field string) string {
	if l, ok := changeLabels[field]; ok {
		return l
	}
	if rest, ok := strings.CutPrefix(field, "raw: "); ok {
		return "Vendor data: " + rest
	}
	return field
}
