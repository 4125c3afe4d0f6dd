package prosumer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
)

// The vendor's spellings live only in this file: everything past the wire
// structs uses Wattfolio's names.

// wirePortfolio is the answer for one customer. The arrays stay raw so that
// every contract is decoded on its own: a bad value in one names that
// contract and field, and the others carry on.
type wirePortfolio struct {
	EnergyContracts      json.RawMessage `json:"EnergyContracts"`
	ServiceContracts     json.RawMessage `json:"ServiceContracts"`
	FlexibilityContracts json.RawMessage `json:"FlexibilityContracts"`
}

// wirePartner is a ProsumerPartnerContractResponse: an energy or service
// contract. Fields that are only kept in Raw (AssetId, Created,
// OwnerContractId, PartnerLegalEntityId) are not listed.
type wirePartner struct {
	ID           json.RawMessage `json:"Id"`
	ContractType json.RawMessage `json:"ContractType"`
	Description  json.RawMessage `json:"Description"`
	Name         json.RawMessage `json:"Name"`
	ValidFrom    json.RawMessage `json:"ValidFrom"`
	ValidTo      json.RawMessage `json:"ValidTo"`
	SignedTime   json.RawMessage `json:"SignedTime"`
	CancelTime   json.RawMessage `json:"CancelTime"`
}

// wireFlexibility is a FlexibilityContractResponse, with the vendor's
// spellings (MininumTimeBetweenActivation, MinRamDownTemperature) as sent.
// ContractId is kept only in Raw.
type wireFlexibility struct {
	ID                               json.RawMessage `json:"Id"`
	Name                             json.RawMessage `json:"Name"`
	AssetID                          json.RawMessage `json:"AssetId"`
	AssetName                        json.RawMessage `json:"AssetName"`
	ParticipantID                    json.RawMessage `json:"ParticipantId"`
	ValidFrom                        json.RawMessage `json:"ValidFrom"`
	ValidTo                          json.RawMessage `json:"ValidTo"`
	Signed                           json.RawMessage `json:"Signed"`
	CancelTime                       json.RawMessage `json:"CancelTime"`
	ReservationFee                   json.RawMessage `json:"ReservationFee"`
	ActivationFeeWorkdays            json.RawMessage `json:"ActivationFeeWorkdays"`
	ActivationFeeNonWorkdays         json.RawMessage `json:"ActivationFeeNonWorkdays"`
	MaxPowerPrActivation             json.RawMessage `json:"MaxPowerPrActivation"`
	MaxNumOfActivationPrTimeInterval json.RawMessage `json:"MaxNumOfActivationPrTimeInterval"`
	MaxAllowedActivationTime         json.RawMessage `json:"MaxAllowedActivationTime"`
	MininumTimeBetweenActivation     json.RawMessage `json:"MininumTimeBetweenActivation"`
	DaysAllowedForActivation         json.RawMessage `json:"DaysAllowedForActivation"`
	PermittedIntervals               json.RawMessage `json:"PermittedIntervals"`
	Tolerance                        json.RawMessage `json:"Tolerance"`
	Renewal                          json.RawMessage `json:"Renewal"`
	NonConformanceClause             json.RawMessage `json:"NonConformanceClause"`
	MinNormalTemperature             json.RawMessage `json:"MinNormalTemperature"`
	MaxNormalTemperature             json.RawMessage `json:"MaxNormalTemperature"`
	MaxRampUpTemperature             json.RawMessage `json:"MaxRampUpTemperature"`
	MinRamDownTemperature            json.RawMessage `json:"MinRamDownTemperature"`
}

// The three collections of the answer, in the order they are delivered.
var collections = []struct {
	field string
	kind  app.Kind
	get   func(*wirePortfolio) json.RawMessage
}{
	{"EnergyContracts", app.KindEnergy, func(w *wirePortfolio) json.RawMessage { return w.EnergyContracts }},
	{"ServiceContracts", app.KindService, func(w *wirePortfolio) json.RawMessage { return w.ServiceContracts }},
	{"FlexibilityContracts", app.KindFlexibility, func(w *wirePortfolio) json.RawMessage { return w.FlexibilityContracts }},
}

// decodeObject reads one JSON object into v (a struct of raw fields), so
// that only syntax and the top-level shape are checked here.
func decodeObject(body []byte, v any) *jsonfield.Error {
	trimmed := bytes.TrimSpace(body)
	if !json.Valid(trimmed) {
		var x any
		err := json.Unmarshal(trimmed, &x)
		if cut := jsonfield.Truncation(trimmed, err); cut != nil {
			return &jsonfield.Error{Err: cut}
		}
		return &jsonfield.Error{Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	if trimmed[0] != '{' {
		return &jsonfield.Error{Err: fmt.Errorf("want a JSON object, got %s", jsonfield.Describe(trimmed))}
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		// Every member is raw, so this cannot happen for valid JSON.
		return &jsonfield.Error{Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	return nil
}

// decodeArray reads a collection; null and absence give none.
func decodeArray(field string, raw json.RawMessage) ([]json.RawMessage, *jsonfield.Error) {
	if jsonfield.IsNull(raw) {
		return nil, nil
	}
	if raw[0] != '[' {
		return nil, jsonfield.Errorf(field, "want an array, got %s", jsonfield.Describe(raw))
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, &jsonfield.Error{Field: field, Err: err}
	}
	return items, nil
}

// readInt reads a whole number (a count, minutes or an enumeration value).
// "3.0" is accepted, since some serialisers write whole doubles that way.
func readInt(field string, raw json.RawMessage) (*int64, *jsonfield.Error) {
	d, ferr := jsonfield.Decimal(field, raw)
	if ferr != nil || d == nil {
		return nil, ferr
	}
	whole, frac := d.Units()
	if frac != 0 {
		return nil, jsonfield.Errorf(field, "want a whole number, got %s", jsonfield.Describe(raw))
	}
	return &whole, nil
}

// .NET writes DateTimeOffset as 2026-02-27T00:50:37.5282548+00:00 and a
// DateTime of unspecified kind without an offset; both with 0 to 7
// fractional digits. Go's parser accepts any number of them after a ".".
const (
	layoutOffset   = "2006-01-02T15:04:05Z07:00"
	layoutNoOffset = "2006-01-02T15:04:05"
)

// readTime reads a .NET timestamp as UTC. null, "" and .NET's
// DateTime.MinValue and MaxValue (placeholders for "not set") give the zero
// time. A time without an offset is taken to be UTC.
func readTime(field string, raw json.RawMessage) (time.Time, *jsonfield.Error) {
	t, ferr := jsonfield.Time(field, raw, "a timestamp such as 2026-02-27T00:50:37.5282548+00:00", layoutOffset, layoutNoOffset)
	if y := t.Year(); ferr != nil || y <= 1 || y >= 9999 {
		return time.Time{}, ferr
	}
	return t, nil
}
