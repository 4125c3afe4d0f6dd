package export

import (
	"io"

	"wattfolio/app"
)

// ContractColumns are the columns of the contracts report, in order. Every
// text column is guarded against formula injection; even the ones we fill
// ourselves (source, vendor, kind, commodity) cost nothing to guard and stay
// safe if that ever changes.
var ContractColumns = []Column[app.Contract]{
	{"source", "name of the configured source the contract was synced from", func(c app.Contract) Cell { return Text(c.Source) }},
	{"vendor", "platform of the source: enneo, prosumer, otark, epilot or podero", func(c app.Contract) Cell { return Text(string(c.Vendor)) }},
	{"kind", "sort of agreement: retail, energy, service, flexibility, ppa, day_ahead, intraday or partner", func(c app.Contract) Cell { return Text(string(c.Kind)) }},
	{"external_id", "the vendor's id of the contract", func(c app.Contract) Cell { return Text(c.ExternalID) }},
	{"customer_id", "the vendor's id of the customer", func(c app.Contract) Cell { return Text(c.Customer.ExternalID) }},
	{"customer_name", "customer name as the vendor sent it", func(c app.Contract) Cell { return Text(c.Customer.Name) }},
	{"name", "display name of the contract", func(c app.Contract) Cell { return Text(c.Name) }},
	{"status", "the vendor's status word, lower case", func(c app.Contract) Cell { return Text(c.Status) }},
	{"commodity", "electricity, gas, water or heat; empty when unknown", func(c app.Contract) Cell { return Text(string(c.Commodity)) }},
	{"product", "tariff or product name", func(c app.Contract) Cell { return Text(c.Product.Name) }},
	{"product_code", "tariff or product code", func(c app.Contract) Cell { return Text(c.Product.Code) }},
	{"valid_from", "start of the contract, ISO 8601 UTC; empty when unknown", func(c app.Contract) Cell { return Time(c.ValidFrom) }},
	{"valid_to", "end of the contract, ISO 8601 UTC; empty when open-ended", func(c app.Contract) Cell { return Time(c.ValidTo) }},
	{"signed_at", "when the contract was signed, ISO 8601 UTC; empty when unknown", func(c app.Contract) Cell { return Time(c.SignedAt) }},
	{"base_price_eur_per_year", "fixed charge (Grundpreis) in EUR per year, net; empty when unknown or not in EUR", func(c app.Contract) Cell { return Number(eur(c, c.Prices.BasePerYear)) }},
	{"working_price_ct_per_kwh", "energy charge (Arbeitspreis) in euro cents per kWh, net; empty when unknown or not in EUR", func(c app.Contract) Cell { return Number(cents(eur(c, c.Prices.WorkingPerKWh))) }},
	{"vat_rate", "VAT rate as a fraction: 0.19 for 19 %", func(c app.Contract) Cell { return Number(c.Prices.VATRate) }},
	{"annual_consumption_kwh", "the vendor's estimate of yearly consumption in kWh", func(c app.Contract) Cell { return Number(c.AnnualConsumptionKWh) }},
	{"meter_id", "meter number", func(c app.Contract) Cell { return Text(c.MeterID) }},
	{"grid_operator", "network operator for retail supply", func(c app.Contract) Cell { return Text(c.Parties.GridOperator) }},
	{"fetched_at", "when Wattfolio fetched the contract, ISO 8601 UTC", func(c app.Contract) Cell { return Time(c.FetchedAt) }},
}

// eur returns d when the contract's prices are in euros. The column names
// promise EUR, and an amount in another currency under them would be wrong
// without anyone noticing, so such an amount is left out.
func eur(c app.Contract, d *app.Decimal) *app.Decimal {
	if c.Prices.Currency != "" && c.Prices.Currency != "EUR" {
		return nil
	}
	return d
}

// cents converts EUR to ct exactly: a Decimal times 100 is still exact.
func cents(d *app.Decimal) *app.Decimal {
	if d == nil {
		return nil
	}
	ct := d.MulInt(100)
	return &ct
}

// ContractWriter writes the contracts report.
type ContractWriter = Writer[app.Contract]

// NewContractWriter returns a writer of ContractColumns to w in dialect d.
func NewContractWriter(w io.Writer, d Dialect) *ContractWriter {
	return NewWriter(w, d, ContractColumns)
}
