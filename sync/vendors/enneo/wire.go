package enneo

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
)

// wireContract is the part of enneo's contract payload that Wattfolio maps.
// Every field stays raw until it is read, so that a value of the wrong type is
// reported by its field name and numbers keep their exact literal text: money
// and 13-digit codes never pass through float64. Fields not listed here
// (iban, email, phone, addresses, rawData…) are kept only in Raw.
type wireContract struct {
	ID               json.RawMessage `json:"id"`
	Tenant           json.RawMessage `json:"tenant"`
	CustomerID       json.RawMessage `json:"customerId"`
	SignupDate       json.RawMessage `json:"signupDate"`
	Status           json.RawMessage `json:"status"`
	Energy           json.RawMessage `json:"energy"`
	Firstname        json.RawMessage `json:"firstname"`
	Lastname         json.RawMessage `json:"lastname"`
	StartDate        json.RawMessage `json:"startDate"`
	EndDate          json.RawMessage `json:"endDate"`
	Consumption      json.RawMessage `json:"consumption"`
	CounterNumber    json.RawMessage `json:"counterNumber"`
	ProductName      json.RawMessage `json:"productName"`
	ProductCode      json.RawMessage `json:"productCode"`
	VATRate          json.RawMessage `json:"vatRate"`
	BasePrice        json.RawMessage `json:"basePrice"`
	WorkingPrice     json.RawMessage `json:"workingPrice"`
	GridOperatorName json.RawMessage `json:"gridOperatorName"`
	GridOperatorCode json.RawMessage `json:"gridOperatorCode"`
}

// decodeWire reads the envelope. Only syntax and the top-level shape are
// checked here; field types are checked one by one while mapping.
func decodeWire(body []byte) (*wireContract, *jsonfield.Error) {
	var w wireContract
	if err := json.Unmarshal(body, &w); err != nil {
		if cut := jsonfield.Truncation(body, err); cut != nil {
			return nil, &jsonfield.Error{Err: cut}
		}
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			// Every field is RawMessage, so only the top level can mismatch.
			return nil, &jsonfield.Error{Err: fmt.Errorf("malformed JSON: want an object, got %s", typ.Value)}
		}
		return nil, &jsonfield.Error{Err: fmt.Errorf("malformed JSON: %v", err)}
	}
	return &w, nil
}

// readDecimal reads a number from its literal text. A numeric string is
// accepted too, since the same API already sends strings as numbers.
func readDecimal(field string, raw json.RawMessage) (*app.Decimal, *jsonfield.Error) {
	if jsonfield.IsNull(raw) || raw[0] != '"' {
		return jsonfield.Decimal(field, raw)
	}
	s, ferr := jsonfield.String(field, raw)
	if ferr != nil || s == "" {
		return nil, ferr
	}
	d, err := app.ParseDecimal(s)
	if err != nil {
		return nil, jsonfield.Errorf(field, "want a number, got %s", jsonfield.Describe(raw))
	}
	return &d, nil
}

// msThreshold: a Unix time this large in seconds would be after the year
// 5000, so it must be milliseconds.
const msThreshold = 100_000_000_000

// readDate reads a date documented as string<date>. enneo actually sends Unix
// seconds; plain dates and RFC 3339 strings are accepted so that a fix on
// their side does not break us. The result is UTC; null gives the zero time.
func readDate(field string, raw json.RawMessage) (time.Time, *jsonfield.Error) {
	if jsonfield.IsNull(raw) {
		return time.Time{}, nil
	}
	lit := string(raw)
	if raw[0] == '"' {
		s, ferr := jsonfield.String(field, raw)
		if ferr != nil {
			return time.Time{}, ferr
		}
		if s == "" {
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, nil
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC(), nil
		}
		lit = s
	} else if !jsonfield.IsNumber(raw) {
		return time.Time{}, jsonfield.Errorf(field, "want Unix seconds or a date, got %s", jsonfield.Describe(raw))
	}
	d, err := app.ParseDecimal(lit)
	if err != nil {
		return time.Time{}, jsonfield.Errorf(field, "want Unix seconds or a date, got %s", jsonfield.Describe(raw))
	}
	secs, _ := d.Units()
	if secs >= msThreshold || secs <= -msThreshold {
		return time.UnixMilli(secs).UTC(), nil
	}
	return time.Unix(secs, 0).UTC(), nil
}
