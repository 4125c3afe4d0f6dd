package enneo

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
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

// fieldError is a value enneo sent that cannot be read; Field is the wire
// name, or empty when the payload as a whole is unreadable.
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

// errTruncated marks a body that ends mid-document: usually a connection cut
// without a Content-Length to notice it by, so it is worth another try.
var errTruncated = errors.New("response body cut off")

// decodeWire reads the envelope. Only syntax and the top-level shape are
// checked here; field types are checked one by one while mapping.
func decodeWire(body []byte) (*wireContract, *fieldError) {
	var w wireContract
	if err := json.Unmarshal(body, &w); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case len(strings.TrimSpace(string(body))) == 0:
			return nil, &fieldError{Err: fmt.Errorf("%w: empty body", errTruncated)}
		case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
			return nil, &fieldError{Err: errTruncated}
		case errors.As(err, &typ):
			// Every field is RawMessage, so only the top level can mismatch.
			return nil, &fieldError{Err: fmt.Errorf("malformed JSON: want an object, got %s", typ.Value)}
		default:
			return nil, &fieldError{Err: fmt.Errorf("malformed JSON: %v", err)}
		}
	}
	return &w, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// describe names a JSON value for an error message. Only mapped fields are
// ever described, and none of them is an IBAN, e-mail or phone number.
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

// readCode reads an identifier that enneo documents as a string but may send
// as a number (gridOperatorCode, customerId…). A number's literal text is
// kept as is, so 1000000000000 stays exactly that.
func readCode(field string, raw json.RawMessage) (string, *fieldError) {
	if isNull(raw) {
		return "", nil
	}
	if isNumber(raw) {
		return string(raw), nil
	}
	if raw[0] != '"' {
		return "", &fieldError{field, fmt.Errorf("want a string or number, got %s", describe(raw))}
	}
	return readString(field, raw)
}

func isNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}

// readDecimal reads a number from its literal text. A numeric string is
// accepted too, since the same API already sends strings as numbers.
func readDecimal(field string, raw json.RawMessage) (*app.Decimal, *fieldError) {
	if isNull(raw) {
		return nil, nil
	}
	lit := string(raw)
	if raw[0] == '"' {
		s, ferr := readString(field, raw)
		if ferr != nil {
			return nil, ferr
		}
		if s == "" {
			return nil, nil
		}
		lit = s
	} else if !isNumber(raw) {
		return nil, &fieldError{field, fmt.Errorf("want a number, got %s", describe(raw))}
	}
	d, err := app.ParseDecimal(lit)
	if err != nil {
		return nil, &fieldError{field, fmt.Errorf("want a number, got %s", describe(raw))}
	}
	return &d, nil
}

// msThreshold: a Unix time this large in seconds would be after the year
// 5000, so it must be milliseconds.
const msThreshold = 100_000_000_000

// readDate reads a date documented as string<date>. enneo actually sends Unix
// seconds; plain dates and RFC 3339 strings are accepted so that a fix on
// their side does not break us. The result is UTC; null gives the zero time.
func readDate(field string, raw json.RawMessage) (time.Time, *fieldError) {
	if isNull(raw) {
		return time.Time{}, nil
	}
	lit := string(raw)
	if raw[0] == '"' {
		s, ferr := readString(field, raw)
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
	} else if !isNumber(raw) {
		return time.Time{}, &fieldError{field, fmt.Errorf("want Unix seconds or a date, got %s", describe(raw))}
	}
	d, err := app.ParseDecimal(lit)
	if err != nil {
		return time.Time{}, &fieldError{field, fmt.Errorf("want Unix seconds or a date, got %s", describe(raw))}
	}
	secs, _ := d.Units()
	if secs >= msThreshold || secs <= -msThreshold {
		return time.UnixMilli(secs).UTC(), nil
	}
	return time.Unix(secs, 0).UTC(), nil
}
