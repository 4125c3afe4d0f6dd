package poderosim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"wattfolio/sync/vendors/internal/simgen"
)

var (
	uuidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)
	currencyRE = regexp.MustCompile(`^[A-Za-z]{3}$`)
)

// Documented limits of the contract fields.
const (
	maxMeterID  = 19
	maxSupplier = 100
)

// put updates a contract as the docs' PUT does: the body's fields replace
// the stored ones (fields left out keep their value, as a Django REST
// framework serializer with optional fields does), unknown and read-only
// fields are ignored, and the stored contract is answered. Invalid bodies
// get 400 with the errors by field.
func (s *Server) put(w http.ResponseWriter, r *http.Request, u *user, f Faults) {
	cut := f.CutBody
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeDetail(w, http.StatusUnsupportedMediaType,
			fmt.Sprintf("Unsupported media type %q in request.", r.Header.Get("Content-Type")), cut)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		writeDetail(w, http.StatusRequestEntityTooLarge, "Request body too large.", cut)
		return
	}
	var in map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil || in == nil {
		writeDetail(w, http.StatusBadRequest, "JSON parse error - expected an object.", cut)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c := find(u, r.PathValue("energy_contract_id"))
	if c == nil {
		writeDetail(w, http.StatusNotFound, "Not found.", cut)
		return
	}
	if rj := s.rejectNext; rj != nil {
		s.rejectNext = nil
		writeJSON(w, http.StatusBadRequest, simgen.Marshal(map[string][]string{rj.field: {rj.msg}}), cut)
		return
	}
	next, errs := apply(c.wire, in)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, simgen.Marshal(errs), cut)
		return
	}
	c.wire = next
	c.payload = simgen.Marshal(&c.wire)
	s.writes++
	writeJSON(w, http.StatusOK, c.payload, cut)
}

// apply validates the writable fields of in and returns cur updated with
// them, or the errors by field in Django REST framework's shape.
func apply(cur wireContract, in map[string]json.RawMessage) (wireContract, map[string]any) {
	errs := map[string]any{}
	bad := func(field, msg string) { errs[field] = []string{msg} }
	str := func(field string, raw json.RawMessage, check func(string) string) (*string, bool) {
		if string(raw) == "null" {
			return nil, true
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			bad(field, "Not a valid string.")
			return nil, false
		}
		if check != nil {
			if msg := check(s); msg != "" {
				bad(field, msg)
				return nil, false
			}
		}
		return &s, true
	}
	maxLen := func(n int) func(string) string {
		return func(s string) string {
			if utf8.RuneCountInString(s) > n {
				return fmt.Sprintf("Ensure this field has no more than %d characters.", n)
			}
			return ""
		}
	}

	next := cur
	if raw, ok := in["energy_contract_type"]; ok {
		if v, ok := str("energy_contract_type", raw, func(s string) string {
			switch s {
			case "spot_hourly", "monthly", "yearly":
				return ""
			}
			return fmt.Sprintf("%q is not a valid choice.", s)
		}); ok {
			next.Type = v
		}
	}
	if raw, ok := in["building_id"]; ok {
		if v, ok := str("building_id", raw, func(s string) string {
			if !uuidRE.MatchString(s) {
				return "Must be a valid UUID."
			}
			return ""
		}); ok {
			if v != nil {
				*v = canonicalUUID(*v)
			}
			next.Building = v
		}
	}
	if raw, ok := in["meter_id"]; ok {
		if v, ok := str("meter_id", raw, maxLen(maxMeterID)); ok {
			next.MeterID = v
		}
	}
	if raw, ok := in["supplier"]; ok {
		if v, ok := str("supplier", raw, maxLen(maxSupplier)); ok {
			next.Supplier = v
		}
	}
	if raw, ok := in["currency_energy_price"]; ok {
		if v, ok := str("currency_energy_price", raw, func(s string) string {
			if !currencyRE.MatchString(s) {
				return "Enter a valid ISO 4217 currency code."
			}
			return ""
		}); ok {
			next.Currency = v
		}
	}
	if raw, ok := in["energy_price_includes_external_components"]; ok {
		switch string(raw) {
		case "null":
			next.Includes = nil
		case "true":
			next.Includes = ptr(true)
		case "false":
			next.Includes = ptr(false)
		default:
			bad("energy_price_includes_external_components", "Must be a valid boolean.")
		}
	}
	if raw, ok := in["energy_prices"]; ok {
		if prices, perrs := readPrices(raw); perrs != nil {
			errs["energy_prices"] = perrs
		} else {
			next.Prices = prices
		}
	}
	if len(errs) == 0 && next.Type != nil && *next.Type == "spot_hourly" && len(next.Prices) > 0 && next.Currency == nil {
		bad("currency_energy_price", "This field is required for hourly prices.")
	}
	if len(errs) > 0 {
		return cur, errs
	}
	return next, nil
}

// readPrices validates a list of Price objects; the error is a message or
// one error object per item, as Django REST framework reports nested lists.
func readPrices(raw json.RawMessage) ([]wirePrice, any) {
	var items []json.RawMessage
	if string(raw) == "null" {
		return nil, []string{"This field may not be null."}
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, []string{"Expected a list of items."}
	}
	out := make([]wirePrice, len(items))
	itemErrs := make([]map[string][]string, len(items))
	failed := false
	for i, it := range items {
		e := map[string][]string{}
		var m map[string]json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(it))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil || m == nil {
			e["non_field_errors"] = []string{"Invalid data. Expected a dictionary."}
		} else {
			if p, ok := m["price"]; !ok {
				e["price"] = []string{"This field is required."}
			} else if n, ok := number(p); ok {
				out[i].Price = n
			} else {
				e["price"] = []string{"A valid number is required."}
			}
			if ts, ok := m["timestamp"]; !ok {
				e["timestamp"] = []string{"This field is required."}
			} else if t, ok := timestamp(ts); ok {
				out[i].Timestamp = t
			} else {
				e["timestamp"] = []string{"Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."}
			}
		}
		if len(e) > 0 {
			failed = true
		}
		itemErrs[i] = e
	}
	if failed {
		return nil, itemErrs
	}
	sort.SliceStable(out, func(a, b int) bool {
		ta, _ := time.Parse(time.RFC3339Nano, out[a].Timestamp)
		tb, _ := time.Parse(time.RFC3339Nano, out[b].Timestamp)
		return ta.Before(tb)
	})
	return out, nil
}

// number reads a JSON number, or a numeric string as Django REST
// framework's FloatField accepts it, and keeps its literal.
func number(raw json.RawMessage) (json.Number, bool) {
	s := strings.TrimSpace(string(raw))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false
		}
		s = strings.TrimSpace(s)
	}
	var n json.Number
	if err := json.Unmarshal([]byte(s), &n); err != nil || s == "" || s[0] == '"' {
		return "", false
	}
	return n, true
}

// timestamp reads an ISO 8601 date-time with an offset and writes it back
// in RFC 3339, keeping the offset given.
func timestamp(raw json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return "", false
	}
	return t.Format(time.RFC3339Nano), true
}

func canonicalUUID(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "-", ""))
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}
