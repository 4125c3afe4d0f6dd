package otark

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
)

// wireContract is one contract of the list. Every field stays raw until it
// is read, so that a value of the wrong type is reported by its field name
// and nominal_power keeps its exact literal text. Unknown fields are ignored.
type wireContract struct {
	ID              json.RawMessage `json:"id"`
	ExternalID      json.RawMessage `json:"external_id"`
	Type            json.RawMessage `json:"type"`
	Status          json.RawMessage `json:"status"`
	DeliveryStart   json.RawMessage `json:"delivery_start"`
	DeliveryEnd     json.RawMessage `json:"delivery_end"`
	Seller          json.RawMessage `json:"seller"`
	Buyer           json.RawMessage `json:"buyer"`
	CreatedAt       json.RawMessage `json:"created_at"`
	UpdatedAt       json.RawMessage `json:"updated_at"`
	PPAType         json.RawMessage `json:"ppa_type"`
	Period          json.RawMessage `json:"period"`
	DeliveryProfile json.RawMessage `json:"delivery_profile"`
	Asset           json.RawMessage `json:"asset"`
}

type wireParty struct {
	Name json.RawMessage `json:"name"`
	EIC  json.RawMessage `json:"eic"`
	TSO  json.RawMessage `json:"tso"`
}

type wireAsset struct {
	ID           json.RawMessage `json:"id"`
	Name         json.RawMessage `json:"name"`
	NominalPower json.RawMessage `json:"nominal_power"`
	Technology   json.RawMessage `json:"technology"`
	TSO          json.RawMessage `json:"tso"`
}

// fieldError is a value otark sent that cannot be read; Field is the wire
// name (asset.nominal_power for nested ones), or empty for the whole record.
type fieldError struct {
	Field string
	Err   error
}

var kinds = map[string]app.Kind{
	"ppa":       app.KindPPA,
	"day_ahead": app.KindDayAhead,
	"intraday":  app.KindIntraday,
}

// toContract maps one contract object. id is the contract's id as far as it
// could be read, for naming the record and for the cursor.
func toContract(raw json.RawMessage, source string, fetchedAt time.Time) (app.Contract, string, *fieldError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return app.Contract{}, "", &fieldError{Err: fmt.Errorf("want a contract object, got %s", describe(raw))}
	}
	var w wireContract
	if err := json.Unmarshal(raw, &w); err != nil {
		return app.Contract{}, "", &fieldError{Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	var errs []*fieldError
	str := func(field string, raw json.RawMessage) string {
		s, e := readString(field, raw)
		if e != nil {
			errs = append(errs, e)
		}
		return s
	}
	instant := func(field string, raw json.RawMessage) time.Time {
		t, e := readTime(field, raw)
		if e != nil {
			errs = append(errs, e)
		}
		return t
	}
	object := func(field string, raw json.RawMessage, v any) {
		if isNull(raw) {
			return
		}
		if raw[0] != '{' {
			errs = append(errs, &fieldError{field, fmt.Errorf("want an object, got %s", describe(raw))})
			return
		}
		if err := json.Unmarshal(raw, v); err != nil {
			errs = append(errs, &fieldError{field, err})
		}
	}

	id := str("id", w.ID)
	if isNull(w.ID) {
		errs = append(errs, &fieldError{"id", errors.New("missing")})
	}
	var seller, buyer wireParty
	var asset wireAsset
	object("seller", w.Seller, &seller)
	object("buyer", w.Buyer, &buyer)
	object("asset", w.Asset, &asset)

	typ := str("type", w.Type)
	kind, ok := kinds[typ]
	switch {
	case ok:
	case isNull(w.Type):
		errs = append(errs, &fieldError{"type", errors.New("missing")})
	case typ != "" || w.Type[0] == '"':
		errs = append(errs, &fieldError{"type", fmt.Errorf("unknown contract type %q; want ppa, day_ahead or intraday", typ)})
	}
	extID := str("external_id", w.ExternalID)
	terms := &app.PPATerms{
		PPAType:         str("ppa_type", w.PPAType),
		Period:          str("period", w.Period),
		DeliveryProfile: str("delivery_profile", w.DeliveryProfile),
		SellerTSO:       str("seller.tso", seller.TSO),
		BuyerTSO:        str("buyer.tso", buyer.TSO),
		AssetID:         str("asset.id", asset.ID),
		AssetName:       str("asset.name", asset.Name),
		Technology:      str("asset.technology", asset.Technology),
		AssetTSO:        str("asset.tso", asset.TSO),
		CreatedAt:       instant("created_at", w.CreatedAt),
		UpdatedAt:       instant("updated_at", w.UpdatedAt),
	}
	mw, e := readDecimal("asset.nominal_power", asset.NominalPower)
	if e != nil {
		errs = append(errs, e)
	}
	terms.NominalPowerMW = mw
	parties := app.Parties{
		Supplier:     str("seller.name", seller.Name),
		SupplierCode: str("seller.eic", seller.EIC),
		Buyer:        str("buyer.name", buyer.Name),
		BuyerCode:    str("buyer.eic", buyer.EIC),
	}
	product := terms.Period
	if product == "" {
		product = terms.DeliveryProfile
	}
	name := joinNonEmpty(" · ", extID, terms.AssetName)
	if extID == "" {
		name = joinNonEmpty(" · ", id, terms.AssetName)
	}
	c := app.Contract{
		Source:     source,
		Vendor:     app.VendorOtark,
		ExternalID: id,
		Kind:       kind,
		Commodity:  app.CommodityElectricity,
		Status:     strings.ToLower(str("status", w.Status)),
		Customer:   app.Customer{ExternalID: parties.BuyerCode, Name: parties.Buyer},
		Name:       name,
		Product:    app.Product{Name: product, Code: extID},
		Parties:    parties,
		ValidFrom:  instant("delivery_start", w.DeliveryStart),
		ValidTo:    instant("delivery_end", w.DeliveryEnd),
		PPA:        terms,
		Raw:        bytes.Clone(raw),
		FetchedAt:  fetchedAt,
	}
	if len(errs) > 0 {
		// The first bad field is enough for the user to find the record.
		return app.Contract{}, id, errs[0]
	}
	return c, id, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// describe names a JSON value for an error message.
func describe(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		if r := []rune(s); len(r) > 40 {
			s = string(r[:40]) + "…"
		}
		return "string " + strconv.Quote(s)
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "boolean " + string(raw)
	case 'n':
		return "null"
	default:
		return "number " + string(raw)
	}
}

// readString reads a string field; null and absence give "".
func readString(field string, raw json.RawMessage) (string, *fieldError) {
	if isNull(raw) {
		return "", nil
	}
	if raw[0] != '"' {
		return "", &fieldError{field, fmt.Errorf("want a string, got %s", describe(raw))}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &fieldError{field, err}
	}
	return strings.TrimSpace(s), nil
}

// readDecimal reads a JSON number from its literal text, never through
// float64; null and absence give nil.
func readDecimal(field string, raw json.RawMessage) (*app.Decimal, *fieldError) {
	if isNull(raw) {
		return nil, nil
	}
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return nil, &fieldError{field, fmt.Errorf("want a number, got %s", describe(raw))}
	}
	d, err := app.ParseDecimal(string(raw))
	if err != nil {
		return nil, &fieldError{field, fmt.Errorf("want a number, got %s: %v", describe(raw), err)}
	}
	return &d, nil
}

// readTime reads an RFC 3339 date-time as UTC; null and absence give the
// zero time.
func readTime(field string, raw json.RawMessage) (time.Time, *fieldError) {
	s, ferr := readString(field, raw)
	if ferr != nil || s == "" {
		if ferr != nil {
			ferr.Err = fmt.Errorf("want an RFC 3339 date-time, got %s", describe(raw))
		}
		return time.Time{}, ferr
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, &fieldError{field, fmt.Errorf("want an RFC 3339 date-time, got %s", describe(raw))}
	}
	return t.UTC(), nil
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
