package export

import (
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"wattfolio/app"
	"wattfolio/app/personal"
)

// ContractColumns are the columns of the contracts report, in order. Every
// text column is guarded against formula injection; even the ones we fill
// ourselves (source, vendor, kind, commodity) cost nothing to guard and stay
// safe if that ever changes.
var ContractColumns = []Column[*app.Contract]{
	{"source", "name of the configured source the contract was synced from", func(c *app.Contract) Cell { return Text(c.Source) }},
	{"vendor", "platform of the source: enneo, prosumer, otark, epilot or podero", func(c *app.Contract) Cell { return Text(string(c.Vendor)) }},
	{"kind", "sort of agreement: retail, energy, service, flexibility, ppa, day_ahead, intraday or partner", func(c *app.Contract) Cell { return Text(string(c.Kind)) }},
	{"external_id", "the vendor's id of the contract", func(c *app.Contract) Cell { return Text(c.ExternalID) }},
	{"customer_id", "the vendor's id of the customer", func(c *app.Contract) Cell { return Text(c.Customer.ExternalID) }},
	{"customer_name", "customer name as the vendor sent it", func(c *app.Contract) Cell { return Text(c.Customer.Name) }},
	{"name", "display name of the contract", func(c *app.Contract) Cell { return Text(c.Name) }},
	{"status", "the vendor's status word, lower case", func(c *app.Contract) Cell { return Text(c.Status) }},
	{"commodity", "electricity, gas, water or heat; empty when unknown", func(c *app.Contract) Cell { return Text(string(c.Commodity)) }},
	{"product", "tariff or product name", func(c *app.Contract) Cell { return Text(c.Product.Name) }},
	{"product_code", "tariff or product code", func(c *app.Contract) Cell { return Text(c.Product.Code) }},
	{"valid_from", "start of the contract, ISO 8601 UTC; empty when unknown", func(c *app.Contract) Cell { return Time(c.ValidFrom) }},
	{"valid_to", "end of the contract, ISO 8601 UTC; empty when open-ended", func(c *app.Contract) Cell { return Time(c.ValidTo) }},
	{"signed_at", "when the contract was signed, ISO 8601 UTC; empty when unknown", func(c *app.Contract) Cell { return Time(c.SignedAt) }},
	{"base_price_eur_per_year", "fixed charge (Grundpreis) in EUR per year, net; empty when unknown or not in EUR", func(c *app.Contract) Cell { return Number(eur(c, c.Prices.BasePerYear)) }},
	{"working_price_ct_per_kwh", "energy charge (Arbeitspreis) in euro cents per kWh, net; empty when unknown or not in EUR", func(c *app.Contract) Cell { return cents(eur(c, c.Prices.WorkingPerKWh)) }},
	{"vat_rate", "VAT rate as a fraction: 0.19 for 19 %", func(c *app.Contract) Cell { return Number(c.Prices.VATRate) }},
	{"annual_consumption_kwh", "the vendor's estimate of yearly consumption in kWh", func(c *app.Contract) Cell { return Number(c.AnnualConsumptionKWh) }},
	{"meter_id", "meter number", func(c *app.Contract) Cell { return Text(c.MeterID) }},
	{"grid_operator", "network operator for retail supply", func(c *app.Contract) Cell { return Text(c.Parties.GridOperator) }},
	{"fetched_at", "when Wattfolio fetched the contract, ISO 8601 UTC", func(c *app.Contract) Cell { return Time(c.FetchedAt) }},
	// Added with the prosumer, otark and Podero kinds; appended so that the
	// columns above keep their positions for existing spreadsheets.
	{"account", "your customer (a [[customer]] of the sources file) the vendor's customer is linked to; empty when not linked", func(c *app.Contract) Cell { return Text(c.Customer.AccountName) }},
	{"currency", "ISO 4217 currency of the contract's prices and fees", func(c *app.Contract) Cell { return Text(c.Prices.Currency) }},
	{"seller", "seller or supplier", func(c *app.Contract) Cell { return Text(c.Parties.Supplier) }},
	{"seller_eic", "seller's EIC or market partner code", func(c *app.Contract) Cell { return Text(c.Parties.SupplierCode) }},
	{"buyer", "buyer", func(c *app.Contract) Cell { return Text(c.Parties.Buyer) }},
	{"buyer_eic", "buyer's EIC or market partner code", func(c *app.Contract) Cell { return Text(c.Parties.BuyerCode) }},
	{"flex_reservation_fee", "flexibility: fee for being available, in currency", func(c *app.Contract) Cell {
		return flex(c, func(f *app.FlexibilityTerms) *app.Decimal { return f.ReservationFee })
	}},
	{"flex_activation_fee_workdays", "flexibility: fee per activation on workdays, in currency", func(c *app.Contract) Cell {
		return flex(c, func(f *app.FlexibilityTerms) *app.Decimal { return f.ActivationFeeWorkdays })
	}},
	{"flex_activation_fee_non_workdays", "flexibility: fee per activation on non-workdays, in currency", func(c *app.Contract) Cell {
		return flex(c, func(f *app.FlexibilityTerms) *app.Decimal { return f.ActivationFeeNonWorkdays })
	}},
	{"flex_max_power_kw", "flexibility: maximum power per activation in kW", func(c *app.Contract) Cell {
		return flex(c, func(f *app.FlexibilityTerms) *app.Decimal { return f.MaxPowerPerActivation })
	}},
	{"ppa_type", "PPA and trades: PPA type, e.g. indexed or fixed", func(c *app.Contract) Cell { return ppa(c, func(p *app.PPATerms) string { return p.PPAType }) }},
	{"ppa_period", "PPA and trades: delivery period, e.g. Q1-2026", func(c *app.Contract) Cell { return ppa(c, func(p *app.PPATerms) string { return p.Period }) }},
	{"ppa_delivery_profile", "PPA and trades: delivery profile", func(c *app.Contract) Cell { return ppa(c, func(p *app.PPATerms) string { return p.DeliveryProfile }) }},
	{"asset_name", "the asset the contract is for (PPA plant or flexibility asset)", func(c *app.Contract) Cell { return Text(assetName(c)) }},
	{"asset_technology", "PPA and trades: the asset's technology, e.g. solar or wind", func(c *app.Contract) Cell { return ppa(c, func(p *app.PPATerms) string { return p.Technology }) }},
	{"asset_nominal_power_mw", "PPA and trades: the asset's nominal power in MW", func(c *app.Contract) Cell {
		if c.PPA == nil {
			return Cell{}
		}
		return Number(c.PPA.NominalPowerMW)
	}},
	{"partner_contract_type", "Podero: spot_hourly, monthly or yearly", func(c *app.Contract) Cell {
		if c.Partner == nil {
			return Cell{}
		}
		return Text(c.Partner.ContractType)
	}},
	{"partner_price_includes_external_components", "Podero: true when grid fees, levies and taxes are in the price, false when on top; empty when unknown", func(c *app.Contract) Cell {
		if c.Partner == nil || c.Partner.IncludesExternalComponents == nil {
			return Cell{}
		}
		if *c.Partner.IncludesExternalComponents {
			return Text("true")
		}
		return Text("false")
	}},
	{"partner_price_points", "Podero: number of prices in the contract's price series (1: a constant price)", func(c *app.Contract) Cell {
		if c.Partner == nil {
			return Cell{}
		}
		n := app.DecimalFromInt(int64(len(c.Partner.Prices)))
		return Number(&n)
	}},
	{"removed_at", "when Wattfolio found the vendor no longer has the contract, ISO 8601 UTC; empty while current (fetched_at is then when it was last seen)", func(c *app.Contract) Cell { return Time(c.RemovedAt) }},
}

// flex is a flexibility amount, empty for other kinds.
func flex(c *app.Contract, get func(*app.FlexibilityTerms) *app.Decimal) Cell {
	if c.Flexibility == nil {
		return Cell{}
	}
	return Number(get(c.Flexibility))
}

// ppa is a PPA text field, empty for other kinds.
func ppa(c *app.Contract, get func(*app.PPATerms) string) Cell {
	if c.PPA == nil {
		return Cell{}
	}
	return Text(get(c.PPA))
}

func assetName(c *app.Contract) string {
	switch {
	case c.PPA != nil && c.PPA.AssetName != "":
		return c.PPA.AssetName
	case c.Flexibility != nil && c.Flexibility.AssetName != "":
		return c.Flexibility.AssetName
	}
	return ""
}

// eur returns d when the contract's prices are in euros. The column names
// promise EUR, and an amount in another currency under them would be wrong
// without anyone noticing, so such an amount is left out.
func eur(c *app.Contract, d *app.Decimal) *app.Decimal {
	if c.Prices.Currency != "" && c.Prices.Currency != "EUR" {
		return nil
	}
	return d
}

// cents is an amount in EUR as ct, exactly. A Decimal times 100 is a
// Decimal while it fits; one that does not (92 billion EUR and more) is
// still a number with four places, written from its exact value, where a
// wrapped product would have put a wrong price under the column.
func cents(d *app.Decimal) Cell {
	if d == nil {
		return Cell{}
	}
	if ct, err := d.MulInt(100); err == nil {
		return Number(&ct)
	}
	r := d.Rat()
	s := strings.TrimRight(r.Mul(r, big.NewRat(100, 1)).FloatString(4), "0")
	return Cell{kind: cellNumber, text: strings.TrimSuffix(s, ".")}
}

// ContractWriter writes the contracts report. Its columns read the row in
// place: a contract is some 560 bytes, which passing by value to each of
// four dozen columns copied for every row.
type ContractWriter struct {
	w   *Writer[*app.Contract]
	row app.Contract
}

// NewContractWriter returns a writer of ContractColumns to w in dialect d.
// With includePersonal the personal data columns follow them; without, the
// report holds no IBAN, e-mail address, phone number or postal address.
func NewContractWriter(w io.Writer, d Dialect, includePersonal bool) *ContractWriter {
	cols := ContractColumns
	if includePersonal {
		cols = append(slices.Clip(ContractColumns), PersonalColumns()...)
	}
	return &ContractWriter{w: NewWriter(w, d, cols)}
}

// Write writes one row. Output is buffered; call Flush at the end.
func (w *ContractWriter) Write(c app.Contract) error {
	w.row = c
	b, err := w.w.begin()
	if err != nil {
		return err
	}
	b = w.w.appendContract(b, &w.row)
	return w.w.end(w.w.cells(b, &w.row, len(ContractColumns)))
}

// appendContract appends the cells of ContractColumns for c, the same
// bytes as their Values through the generic writer (the tests hold the
// two together), without a Cell and a call through a function value for
// each of the four dozen: writing the cells was a sixth of the export's
// CPU at 50,000 contracts, and this takes a tenth off it
// (BenchmarkExportScale in app/web).
func (f format) appendContract(b []byte, c *app.Contract) []byte {
	b = f.text(b, c.Source)
	for _, s := range []string{string(c.Vendor), string(c.Kind), c.ExternalID, c.Customer.ExternalID, c.Customer.Name,
		c.Name, c.Status, string(c.Commodity), c.Product.Name, c.Product.Code} {
		b = f.text(f.sep(b), s)
	}
	b = f.time(f.sep(b), c.ValidFrom)
	b = f.time(f.sep(b), c.ValidTo)
	b = f.time(f.sep(b), c.SignedAt)
	b = f.decimal(f.sep(b), eur(c, c.Prices.BasePerYear))
	b = f.cell(f.sep(b), cents(eur(c, c.Prices.WorkingPerKWh)))
	b = f.decimal(f.sep(b), c.Prices.VATRate)
	b = f.decimal(f.sep(b), c.AnnualConsumptionKWh)
	b = f.text(f.sep(b), c.MeterID)
	b = f.text(f.sep(b), c.Parties.GridOperator)
	b = f.time(f.sep(b), c.FetchedAt)
	for _, s := range []string{c.Customer.AccountName, c.Prices.Currency, c.Parties.Supplier, c.Parties.SupplierCode,
		c.Parties.Buyer, c.Parties.BuyerCode} {
		b = f.text(f.sep(b), s)
	}
	if fl := c.Flexibility; fl != nil {
		for _, d := range []*app.Decimal{fl.ReservationFee, fl.ActivationFeeWorkdays, fl.ActivationFeeNonWorkdays, fl.MaxPowerPerActivation} {
			b = f.decimal(f.sep(b), d)
		}
	} else {
		b = f.seps(b, 4)
	}
	if p := c.PPA; p != nil {
		for _, s := range []string{p.PPAType, p.Period, p.DeliveryProfile, assetName(c), p.Technology} {
			b = f.text(f.sep(b), s)
		}
		b = f.decimal(f.sep(b), p.NominalPowerMW)
	} else {
		b = f.seps(f.text(f.seps(b, 4), assetName(c)), 2)
	}
	if p := c.Partner; p != nil {
		b = f.text(f.sep(b), p.ContractType)
		b = f.sep(b)
		if p.IncludesExternalComponents != nil {
			b = strconv.AppendBool(b, *p.IncludesExternalComponents)
		}
		b = f.number(f.sep(b), int64(app.DecimalFromInt(int64(len(p.Prices)))))
	} else {
		b = f.seps(b, 3)
	}
	return f.time(f.sep(b), c.RemovedAt)
}

// Flush writes out what is buffered, and the header if no row was written,
// and returns the first error the writer met.
func (w *ContractWriter) Flush() error { return w.w.Flush() }

// PersonalColumns are the contracts report's personal data columns, added
// only when the user asks for them: what the vendor's record holds, found as
// the contract page finds it (personal.Extract), several values joined with
// " | ". Each call returns columns that read a record once for all four.
func PersonalColumns() []Column[*app.Contract] {
	var id int64
	var raw []byte
	var found map[personal.Kind][]string
	get := func(c *app.Contract, k personal.Kind) Cell {
		if found == nil || c.ID != id || !sameBytes(raw, c.Raw) {
			id, raw, found = c.ID, c.Raw, personal.Extract(c.Raw)
		}
		return Text(strings.Join(found[k], " | "))
	}
	col := func(k personal.Kind, name, desc string) Column[*app.Contract] {
		return Column[*app.Contract]{name, desc, func(c *app.Contract) Cell { return get(c, k) }}
	}
	return []Column[*app.Contract]{
		col(personal.Email, "personal_email", "e-mail addresses in the vendor's record (only when personal data is included)"),
		col(personal.Phone, "personal_phone", "phone numbers in the vendor's record (only when personal data is included)"),
		col(personal.IBAN, "personal_iban", "IBANs and account numbers in the vendor's record (only when personal data is included)"),
		col(personal.Address, "personal_address", "postal addresses in the vendor's record (only when personal data is included)"),
	}
}

// sameBytes reports whether a and b are the same slice (the same record),
// without comparing contents.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
