package podero

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/sync/vendors/internal/jsonfield"
)

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
		return listPage{}, fmt.Errorf("%w: empty body", jsonfield.ErrTruncated)
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
		if jsonfield.IsNull(results) || results[0] != '[' {
			return listPage{}, fmt.Errorf("malformed page: results: want an array, got %s", jsonfield.Describe(results))
		}
		if err := json.Unmarshal(results, &lp.items); err != nil {
			return listPage{}, fmt.Errorf("malformed page: results: %v", err)
		}
		if next := m["next"]; !jsonfield.IsNull(next) {
			if next[0] != '"' || json.Unmarshal(next, &lp.next) != nil {
				return listPage{}, fmt.Errorf("malformed page: next: want a URL or null, got %s", jsonfield.Describe(next))
			}
			lp.next = strings.TrimSpace(lp.next)
		}
		return lp, nil
	}
	return listPage{}, errors.New("malformed answer: want a JSON array of contracts or a page with results")
}

func jsonErr(body []byte, err error) error {
	if cut := jsonfield.Truncation(body, err); cut != nil {
		return cut
	}
	return fmt.Errorf("malformed JSON: %v", err)
}

// readBool reads a nullable boolean.
func readBool(field string, raw json.RawMessage) (*bool, *jsonfield.Error) {
	switch string(raw) {
	case "", "null":
		return nil, nil
	case "true":
		return app.Ptr(true), nil
	case "false":
		return app.Ptr(false), nil
	}
	return nil, &jsonfield.Error{Field: field, Err: fmt.Errorf("want true, false or null, got %s", jsonfield.Describe(raw))}
}

// readPrice reads a price from its JSON number literal, exactly, never
// through float64. A price is required.
func readPrice(field string, raw json.RawMessage) (app.Decimal, *jsonfield.Error) {
	if jsonfield.IsNull(raw) {
		return 0, &jsonfield.Error{Field: field, Err: errors.New("want a number, got null")}
	}
	d, ferr := jsonfield.Decimal(field, raw)
	if ferr != nil {
		return 0, ferr
	}
	return *d, nil
}

// readTime reads an ISO 8601 date-time with a UTC offset (what Django
// REST framework writes) or a plain date, taken as midnight UTC. A
// date-time without an offset is ambiguous for hourly prices and refused.
func readTime(field string, raw json.RawMessage) (time.Time, *jsonfield.Error) {
	return jsonfield.Time(field, raw, "an ISO 8601 date-time with a UTC offset", outbox.PoderoTimeLayouts...)
}
