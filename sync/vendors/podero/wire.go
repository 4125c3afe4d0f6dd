package podero

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
)

// errTruncated marks a body that ends mid-document: usually a connection
// cut without a Content-Length to notice it by, so it is worth another try.
var errTruncated = errors.New("response body cut off")

// listPage is one answer of the contracts collection: its contracts, still
// raw so that each is mapped (and fails) on its own, and the next link.
type listPage struct {
	items []json.RawMessage
	next  string
}

// decodeList reads a bare JSON array of contracts or a Django REST
// framework page {"count","next","previous","results"}.
func decodeList(body []byte) (listPage, error) {
	s := strings.TrimSpace(string(body))
	if s == "" {
		return listPage{}, fmt.Errorf("%w: empty body", errTruncated)
	}
	var lp listPage
	switch s[0] {
	case '[':
		if err := json.Unmarshal(body, &lp.items); err != nil {
			return listPage{}, jsonErr(body, err)
		}
		return lp, nil
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return listPage{}, jsonErr(body, err)
		}
		results, ok := m["results"]
		if !ok {
			return listPage{}, errors.New("malformed answer: want a JSON array of contracts or a page with results")
		}
		if isNull(results) || results[0] != '[' {
			return listPage{}, fmt.Errorf("malformed page: results: want an array, got %s", describe(results))
		}
		if err := json.Unmarshal(results, &lp.items); err != nil {
			return listPage{}, fmt.Errorf("malformed page: results: %v", err)
		}
		if next := m["next"]; !isNull(next) {
			if next[0] != '"' || json.Unmarshal(next, &lp.next) != nil {
				return listPage{}, fmt.Errorf("malformed page: next: want a URL or null, got %s", describe(next))
			}
			lp.next = strings.TrimSpace(lp.next)
		}
		return lp, nil
	}
	return listPage{}, errors.New("malformed answer: want a JSON array of contracts or a page with results")
}

func jsonErr(body []byte, err error) error {
	if truncated(body, err) {
		return errTruncated
	}
	return fmt.Errorf("malformed JSON: %v", err)
}

// truncated tells a document that stops short from one that is wrong.
func truncated(body []byte, err error) bool {
	var syn *json.SyntaxError
	return len(strings.TrimSpace(string(body))) == 0 ||
		errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input"
}

// fieldError is a contract value that cannot be read; Field is the wire
// name (with a list index where it helps), or empty when the contract as a
// whole is unreadable. id is the contract's id when it could be read.
type fieldError struct {
	id    string
	Field string
	Err   error
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// describe names a JSON value for an error message. Only contract fields
// are ever described, never the token endpoint's answer.
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
		return "", &fieldError{Field: field, Err: fmt.Errorf("want a string, got %s", describe(raw))}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", &fieldError{Field: field, Err: err}
	}
	return strings.TrimSpace(s), nil
}

// readBool reads a nullable boolean.
func readBool(field string, raw json.RawMessage) (*bool, *fieldError) {
	switch string(raw) {
	case "", "null":
		return nil, nil
	case "true":
		return app.Ptr(true), nil
	case "false":
		return app.Ptr(false), nil
	}
	return nil, &fieldError{Field: field, Err: fmt.Errorf("want true, false or null, got %s", describe(raw))}
}

// readPrice reads a price from its JSON number literal, exactly: the
// literal goes through json.Number to app.ParseDecimal, never float64.
func readPrice(field string, raw json.RawMessage) (app.Decimal, *fieldError) {
	if isNull(raw) {
		return 0, &fieldError{Field: field, Err: errors.New("want a number, got null")}
	}
	var n json.Number
	if raw[0] == '"' || json.Unmarshal(raw, &n) != nil {
		return 0, &fieldError{Field: field, Err: fmt.Errorf("want a number, got %s", describe(raw))}
	}
	d, err := app.ParseDecimal(n.String())
	if err != nil {
		return 0, &fieldError{Field: field, Err: fmt.Errorf("want a number, got %s: %v", describe(raw), err)}
	}
	return d, nil
}

// readTime reads an ISO 8601 date-time with a UTC offset (what Django
// REST framework writes) or a plain date, taken as midnight UTC. A
// date-time without an offset is ambiguous for hourly prices and refused.
func readTime(field string, raw json.RawMessage) (time.Time, *fieldError) {
	s, ferr := readString(field, raw)
	if ferr != nil {
		return time.Time{}, ferr
	}
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, &fieldError{Field: field, Err: fmt.Errorf("want an ISO 8601 date-time with a UTC offset, got %s", describe(raw))}
}
