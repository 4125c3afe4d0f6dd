package prosumer

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

// fieldError is a value that cannot be read; Field is the vendor's name for
// it, or empty when the document as a whole is unreadable.
type fieldError struct {
	Field string
	Err   error
}

func (e *fieldError) Error() string {
	if e.Field == "" {
		return e.Err.Error()
	}
	return "field " + e.Field + ": " + e.Err.Error()
}

// errTruncated marks a body that ends mid-document: a connection cut without
// a Content-Length to notice it by, so it is worth another try.
var errTruncated = errors.New("response body cut off")

// decodeObject reads one JSON object into v (a struct of raw fields), so
// that only syntax and the top-level shape are checked here.
func decodeObject(body []byte, v any) *fieldError {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return &fieldError{Err: fmt.Errorf("%w: empty body", errTruncated)}
	}
	if !json.Valid(trimmed) {
		var x any
		err := json.Unmarshal(trimmed, &x)
		var syn *json.SyntaxError
		if errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input" {
			return &fieldError{Err: errTruncated}
		}
		return &fieldError{Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	if trimmed[0] != '{' {
		return &fieldError{Err: fmt.Errorf("want a JSON object, got %s", describe(trimmed))}
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		// Every member is raw, so this cannot happen for valid JSON.
		return &fieldError{Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	return nil
}

// decodeArray reads a collection; null and absence give none.
func decodeArray(field string, raw json.RawMessage) ([]json.RawMessage, *fieldError) {
	if isNull(raw) {
		return nil, nil
	}
	if raw[0] != '[' {
		return nil, &fieldError{field, fmt.Errorf("want an array, got %s", describe(raw))}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, &fieldError{field, err}
	}
	return items, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// describe names a JSON value for an error message.
func describe(raw json.RawMessage) string {
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

func isNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
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

// readCode reads an identifier the vendor sends as a number (AssetId,
// ParticipantId) or a string; a number keeps its literal text.
func readCode(field string, raw json.RawMessage) (string, *fieldError) {
	if isNumber(raw) {
		return string(raw), nil
	}
	if !isNull(raw) && raw[0] != '"' {
		return "", &fieldError{field, fmt.Errorf("want a number or string, got %s", describe(raw))}
	}
	return readString(field, raw)
}

// readDecimal reads a number from its literal text, never through float64.
// The API is .NET and sends numbers as numbers: a string is a wrong type.
func readDecimal(field string, raw json.RawMessage) (*app.Decimal, *fieldError) {
	if isNull(raw) {
		return nil, nil
	}
	if !isNumber(raw) {
		return nil, &fieldError{field, fmt.Errorf("want a number, got %s", describe(raw))}
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, &fieldError{field, fmt.Errorf("want a number, got %s", describe(raw))}
	}
	d, err := app.ParseDecimal(n.String())
	if err != nil {
		return nil, &fieldError{field, err}
	}
	return &d, nil
}

// readInt reads a whole number (a count, minutes or an enumeration value).
// "3.0" is accepted, since some serialisers write whole doubles that way.
func readInt(field string, raw json.RawMessage) (*int64, *fieldError) {
	d, ferr := readDecimal(field, raw)
	if ferr != nil || d == nil {
		return nil, ferr
	}
	whole, frac := d.Units()
	if frac != 0 {
		return nil, &fieldError{field, fmt.Errorf("want a whole number, got %s", describe(raw))}
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
func readTime(field string, raw json.RawMessage) (time.Time, *fieldError) {
	s, ferr := readString(field, raw)
	if ferr != nil {
		if !isNull(raw) && raw[0] != '"' {
			ferr.Err = fmt.Errorf("want a timestamp string, got %s", describe(raw))
		}
		return time.Time{}, ferr
	}
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(layoutOffset, s)
	if err != nil {
		var err2 error
		if t, err2 = time.Parse(layoutNoOffset, s); err2 != nil {
			return time.Time{}, &fieldError{field, fmt.Errorf("want a timestamp such as 2026-02-27T00:50:37.5282548+00:00, got %s", describe(raw))}
		}
	}
	if y := t.UTC().Year(); y <= 1 || y >= 9999 {
		return time.Time{}, nil
	}
	return t.UTC(), nil
}
