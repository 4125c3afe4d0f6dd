package podero

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
)

// Documented length limits of contract fields.
const (
	MaxMeterIDLen  = 19
	MaxSupplierLen = 100
)

// ContractTypeSpotHourly is the contract type whose prices change every
// hour and must come with a currency.
const ContractTypeSpotHourly = "spot_hourly"

// mapper turns one contract object into an app.Contract.
type mapper struct {
	source string
}

// toContract maps one contract of userID. The error names the offending
// field when there is one; id is the contract's id when it could be read.
func (m mapper) toContract(raw json.RawMessage, userID string, fetchedAt time.Time) (c app.Contract, id string, ferr *jsonfield.Error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return app.Contract{}, "", &jsonfield.Error{Err: fmt.Errorf("want a contract object, got %s", jsonfield.Describe(raw))}
	}
	var w map[string]json.RawMessage
	if err := json.Unmarshal(raw, &w); err != nil {
		return app.Contract{}, "", &jsonfield.Error{Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	id, ferr = jsonfield.String("id", w["id"])
	if ferr != nil {
		return app.Contract{}, "", ferr
	}
	if id == "" {
		return app.Contract{}, "", &jsonfield.Error{Field: "id", Err: errors.New("missing: a contract cannot be stored without its id")}
	}

	var r jsonfield.Reader
	str := func(field string) string { return r.String(field, w[field]) }
	limit := func(field, s string, n int) {
		if l := utf8.RuneCountInString(s); l > n {
			r.Keep(jsonfield.Errorf(field, "%d characters, more than the documented limit of %d", l, n))
		}
	}
	typ := str("energy_contract_type")
	supplier := str("supplier")
	limit("supplier", supplier, MaxSupplierLen)
	meter := str("meter_id")
	limit("meter_id", meter, MaxMeterIDLen)
	// The PUT takes building_id, the answer says building.
	building := str("building")
	if building == "" {
		building = str("building_id")
	}
	currency := strings.ToUpper(str("currency_energy_price"))
	includes, e := readBool("energy_price_includes_external_components", w["energy_price_includes_external_components"])
	r.Keep(e)
	prices, e := readPrices(w["energy_prices"])
	r.Keep(e)
	if r.Err() == nil {
		currency, e = priceCurrency(currency, typ, len(prices) > 0)
		r.Keep(e)
	}
	if ferr := r.Err(); ferr != nil {
		// The first bad field is enough for the user to find the record.
		return app.Contract{}, id, ferr
	}

	return app.Contract{
		Source:     m.source,
		Vendor:     app.VendorPodero,
		ExternalID: id,
		Kind:       app.KindPartner,
		Commodity:  app.CommodityElectricity,
		Status:     "active",
		Customer:   app.Customer{ExternalID: userID},
		Name:       joinNonEmpty(" · ", supplier, typ),
		Parties:    app.Parties{Supplier: supplier},
		Prices: app.Prices{
			Currency:      currency,
			WorkingPerKWh: priceAt(prices, fetchedAt),
		},
		MeterID: meter,
		Partner: &app.PartnerTerms{
			UserID:                     userID,
			ContractType:               typ,
			BuildingID:                 building,
			IncludesExternalComponents: includes,
			Prices:                     prices,
		},
		Raw:       bytes.Clone(raw),
		FetchedAt: fetchedAt,
	}, id, nil
}

// priceCurrency applies the documented currency rule: an ISO 4217 code,
// required for hourly prices; a constant price without one is in EUR. When
// the contract has no prices the currency prices nothing, so a value that
// is no code is not held against it.
func priceCurrency(code, typ string, hasPrices bool) (string, *jsonfield.Error) {
	const field = "currency_energy_price"
	valid := len(code) == 3 && strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
	switch {
	case !hasPrices:
		if valid {
			return code, nil
		}
		return "EUR", nil
	case code == "" && typ == ContractTypeSpotHourly:
		return "", &jsonfield.Error{Field: field, Err: errors.New("missing: an ISO 4217 code is required for spot_hourly prices")}
	case code == "":
		return "EUR", nil
	case !valid:
		return "", &jsonfield.Error{Field: field, Err: fmt.Errorf("want an ISO 4217 code such as EUR, got %q", code)}
	}
	return code, nil
}

// readPrices reads energy_prices, sorted by timestamp. A single price may
// come without a timestamp (a constant price since always); several need
// one each.
func readPrices(raw json.RawMessage) ([]app.PricePoint, *jsonfield.Error) {
	const field = "energy_prices"
	if jsonfield.IsNull(raw) {
		return nil, nil
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, &jsonfield.Error{Field: field, Err: fmt.Errorf("want an array of prices, got %s", jsonfield.Describe(raw))}
	}
	if len(items) == 0 {
		return nil, nil
	}
	out := make([]app.PricePoint, len(items))
	for i, it := range items {
		f := fmt.Sprintf("%s[%d]", field, i)
		var p map[string]json.RawMessage
		if len(it) == 0 || it[0] != '{' || json.Unmarshal(it, &p) != nil {
			return nil, &jsonfield.Error{Field: f, Err: fmt.Errorf("want a price object, got %s", jsonfield.Describe(it))}
		}
		price, e := readPrice(f+".price", p["price"])
		if e != nil {
			return nil, e
		}
		from, e := readTime(f+".timestamp", p["timestamp"])
		if e != nil {
			return nil, e
		}
		// An instant the outbox could not write back (its UTC year not
		// four digits, or Go's zero time, which means "no timestamp")
		// would store a contract that cannot be edited.
		if y := from.Year(); y < 1 || y > 9999 || (from.IsZero() && hasText(p["timestamp"])) {
			return nil, &jsonfield.Error{Field: f + ".timestamp", Err: errors.New("out of range: want a year from 0001 to 9999 in UTC, and not the first instant of year 1")}
		}
		if from.IsZero() && len(items) > 1 {
			return nil, &jsonfield.Error{Field: f + ".timestamp", Err: errors.New("missing: each of several prices needs the time it holds from")}
		}
		out[i] = app.PricePoint{From: from, PerKWh: price}
	}
	slices.SortStableFunc(out, func(a, b app.PricePoint) int { return a.From.Compare(b.From) })
	return out, nil
}

// priceAt is the price in force at t: the last one that started by t, or
// the first when all start later. nil when there are no prices.
func priceAt(prices []app.PricePoint, t time.Time) *app.Decimal {
	if len(prices) == 0 {
		return nil
	}
	p := prices[0].PerKWh
	for _, pp := range prices {
		if pp.From.After(t) {
			break
		}
		p = pp.PerKWh
	}
	return &p
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

// hasText reports whether raw is a JSON string that is not empty.
func hasText(raw json.RawMessage) bool {
	var s string
	return json.Unmarshal(raw, &s) == nil && s != ""
}
