package enneo

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
)

// Price units a source may be configured with. enneo does not document its
// units; the API docs' own tooltip suggests ct/kWh and €/year, while the
// sample payload's values look like EUR, so the tenant's admin must say.
const (
	UnitEURPerKWh   = "eur_per_kwh"
	UnitCtPerKWh    = "ct_per_kwh"
	UnitEURPerYear  = "eur_per_year"
	UnitEURPerMonth = "eur_per_month"
)

// mapper turns one payload into an app.Contract.
type mapper struct {
	source       string
	workingInCt  bool
	basePerMonth bool
}

// toContract maps body, the payload answered for contract askedID. The
// returned error names the offending field when there is one.
func (m mapper) toContract(body []byte, askedID string, fetchedAt time.Time) (app.Contract, *jsonfield.Error) {
	w, ferr := decodeWire(body)
	if ferr != nil {
		return app.Contract{}, ferr
	}
	var r jsonfield.Reader
	str, code := r.String, r.Code
	dec := func(field string, raw json.RawMessage) *app.Decimal {
		d, e := readDecimal(field, raw)
		r.Keep(e)
		return d
	}
	date := func(field string, raw json.RawMessage) time.Time {
		t, e := readDate(field, raw)
		r.Keep(e)
		return t
	}

	id := code("id", w.ID)
	if id == "" {
		id = askedID
	} else if id != askedID {
		// A proxy or cache answering for the wrong contract must not
		// overwrite another row.
		r.Keep(jsonfield.Errorf("id", "answer is for contract %s, asked for %s", id, askedID))
	}
	customer := strings.TrimSpace(str("firstname", w.Firstname) + " " + str("lastname", w.Lastname))
	product := app.Product{Name: str("productName", w.ProductName), Code: code("productCode", w.ProductCode)}

	c := app.Contract{
		Source:     m.source,
		Vendor:     app.VendorEnneo,
		ExternalID: id,
		Kind:       app.KindRetail,
		Commodity:  commodity(str("energy", w.Energy)),
		Status:     strings.ToLower(str("status", w.Status)),
		Customer:   app.Customer{ExternalID: code("customerId", w.CustomerID), Name: customer},
		Name:       joinNonEmpty(" · ", product.Name, customer),
		Product:    product,
		Parties: app.Parties{
			Supplier:         str("tenant", w.Tenant),
			Buyer:            customer,
			GridOperator:     str("gridOperatorName", w.GridOperatorName),
			GridOperatorCode: code("gridOperatorCode", w.GridOperatorCode),
		},
		ValidFrom: date("startDate", w.StartDate),
		ValidTo:   date("endDate", w.EndDate),
		SignedAt:  date("signupDate", w.SignupDate),
		Prices: app.Prices{
			Currency:      "EUR",
			BasePerYear:   dec("basePrice", w.BasePrice),
			WorkingPerKWh: dec("workingPrice", w.WorkingPrice),
			VATRate:       dec("vatRate", w.VATRate),
		},
		AnnualConsumptionKWh: dec("consumption", w.Consumption),
		MeterID:              code("counterNumber", w.CounterNumber),
		Raw:                  bytes.Clone(bytes.TrimSpace(body)),
		FetchedAt:            fetchedAt,
	}
	if ferr := r.Err(); ferr != nil {
		// The first bad field is enough for the user to find the record.
		return app.Contract{}, ferr
	}
	if p := c.Prices.BasePerYear; p != nil && m.basePerMonth {
		year, err := p.MulInt(12)
		if err != nil {
			return app.Contract{}, jsonfield.Errorf("basePrice", "%s a month does not fit as a yearly price: %w", *p, err)
		}
		c.Prices.BasePerYear = &year
	}
	if p := c.Prices.WorkingPerKWh; p != nil && m.workingInCt {
		c.Prices.WorkingPerKWh = app.Ptr(divRound(*p, 100))
	}
	return c, nil
}

func commodity(energy string) app.Commodity {
	switch strings.ToLower(energy) {
	case "electricity", "power", "strom":
		return app.CommodityElectricity
	case "gas":
		return app.CommodityGas
	}
	return app.CommodityUnknown
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// divRound divides d by n rounding half away from zero, matching how
// app.Decimal rounds everywhere else. It rounds on the remainder, since
// adding n/2 first wraps around for a price near the largest Decimal.
func divRound(d app.Decimal, n int64) app.Decimal {
	q, r := int64(d)/n, int64(d)%n
	switch {
	case r > 0 && 2*r >= n:
		q++
	case r < 0 && -2*r >= n:
		q--
	}
	return app.Decimal(q)
}
