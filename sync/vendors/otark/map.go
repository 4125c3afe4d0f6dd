package otark

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
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

var kinds = map[string]app.Kind{
	"ppa":       app.KindPPA,
	"day_ahead": app.KindDayAhead,
	"intraday":  app.KindIntraday,
}

// toContract maps one contract object. id is the contract's id as far as it
// could be read, for naming the record and for the cursor.
// The returned error's Field is the wire name (asset.nominal_power for
// nested ones), or empty for the whole record.
func toContract(raw json.RawMessage, source string, fetchedAt time.Time) (app.Contract, string, *jsonfield.Error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return app.Contract{}, "", &jsonfield.Error{Err: fmt.Errorf("want a contract object, got %s", jsonfield.Describe(raw))}
	}
	var w wireContract
	if err := json.Unmarshal(raw, &w); err != nil {
		return app.Contract{}, "", &jsonfield.Error{Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	var r jsonfield.Reader
	str := r.String
	instant := func(field string, raw json.RawMessage) time.Time {
		return r.Time(field, raw, "an RFC 3339 date-time", time.RFC3339Nano)
	}
	object := func(field string, raw json.RawMessage, v any) {
		if jsonfield.IsNull(raw) {
			return
		}
		if raw[0] != '{' {
			r.Keep(jsonfield.Errorf(field, "want an object, got %s", jsonfield.Describe(raw)))
			return
		}
		if err := json.Unmarshal(raw, v); err != nil {
			r.Keep(&jsonfield.Error{Field: field, Err: err})
		}
	}

	id := str("id", w.ID)
	if id == "" {
		// An empty or blank id too: the cache keys contracts by it, so
		// every id-less contract would overwrite the last.
		r.Keep(&jsonfield.Error{Field: "id", Err: errors.New("missing")})
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
	case jsonfield.IsNull(w.Type):
		r.Keep(&jsonfield.Error{Field: "type", Err: errors.New("missing")})
	case typ != "" || w.Type[0] == '"':
		r.Keep(jsonfield.Errorf("type", "unknown contract type %q; want ppa, day_ahead or intraday", typ))
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
	terms.NominalPowerMW = r.Decimal("asset.nominal_power", asset.NominalPower)
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
	if ferr := r.Err(); ferr != nil {
		// The first bad field is enough for the user to find the record.
		return app.Contract{}, id, ferr
	}
	return c, id, nil
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
