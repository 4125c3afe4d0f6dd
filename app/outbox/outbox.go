// Package outbox is the domain of offline edits: a change a user made to a
// cached contract, waiting to be written back to the vendor, and the
// editable fields with their validation. Values are strings in a canonical
// form: "" is null (or an empty list of prices), booleans are "true" and
// "false", energy_prices is a compact JSON array.
package outbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"wattfolio/app"
)

// States of a change.
const (
	Pending  = "pending"  // waiting to be sent
	Sent     = "sent"     // the vendor accepted it; the cache holds its answer
	Rejected = "rejected" // the vendor refused it; Message says why
	Conflict = "conflict" // the vendor's value changed meanwhile; Theirs holds it
)

// ErrChangedMeanwhile says a change was edited or undone between reading
// it and recording its PUT in flight: the PUT must be worked out anew.
var ErrChangedMeanwhile = errors.New("the change was edited or undone meanwhile")

// EditedWhileSending is the message of a change edited again while its
// earlier values were being written: those are the vendor's now, and the
// change stays pending for the new ones.
const EditedWhileSending = "edited again while it was being sent; the new values go out on the next sync"

// Change is one pending (or settled) edit of one contract.
type Change struct {
	ID         string
	Source     string
	ContractID string // the vendor's id of the contract
	// CustomerID is the vendor's id of the contract's customer (Podero:
	// the user id), needed to address the contract.
	CustomerID string
	// ContractRef is the cache's number of the contract (0 when it is no
	// longer cached) and ContractName its name, for links and lists.
	ContractRef  int64
	ContractName string
	// Base holds the edited fields as they were in the cache when the
	// first edit began; New the values the user wants.
	Base, New map[string]string
	// InFlight holds the values of a PUT that went out without its answer
	// being recorded (a kill, a timeout): the vendor may hold them.
	InFlight  map[string]string
	State     string
	Message   string            // the vendor's message when rejected
	Theirs    map[string]string // the vendor's current values when in conflict
	Attempts  int
	CreatedAt time.Time
	UpdatedAt time.Time
	// BookKey names the change in a team's book once it is pushed there
	// ('wattfolio push'): the team's sync sends it, this cache's own sync
	// leaves it. InBook says it is pending and the book holds its values
	// as they are; edited after its push, it is not InBook until pushed
	// again.
	BookKey string
	InBook  bool
	// Author is who pushed the change, in a team's book.
	Author string
}

// BookOutcome is what a team's book says of a change a laptop pushed: its
// state there (Pending until the team's sync wrote it back), the values
// the book holds (New), and for a conflict the values in its way (Theirs:
// the vendor's, or another analyst's change pushed first, which Message
// names).
type BookOutcome struct {
	Key     string
	State   string
	Message string
	New     map[string]string
	Theirs  map[string]string
}

// Fields lists the edited fields in order.
func (c Change) Fields() []string { return slices.Sorted(maps.Keys(c.New)) }

// Editable Podero contract fields.
const (
	FieldContractType = "energy_contract_type"
	FieldMeterID      = "meter_id"
	FieldSupplier     = "supplier"
	FieldCurrency     = "currency_energy_price"
	FieldIncludes     = "energy_price_includes_external_components"
	FieldBuilding     = "building_id"
	FieldPrices       = "energy_prices"
)

// PoderoFields lists the editable Podero fields.
var PoderoFields = []string{FieldContractType, FieldMeterID, FieldSupplier, FieldCurrency, FieldIncludes, FieldBuilding, FieldPrices}

var (
	uuidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
)

// FieldError is a value an editable field cannot take; Msg, in English,
// says why, and a form shows it beside the field in the user's language.
type FieldError struct {
	Field string
	Msg   app.Msg
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg.String() }

// Validate checks one value of an editable Podero field; the message names
// the field. Its error is a *FieldError for a field that is editable.
func Validate(field, value string) error {
	bad := func(m app.Msg) error { return &FieldError{Field: field, Msg: m} }
	if !utf8.ValidString(value) {
		// JSON would send U+FFFD in place of the bad bytes, and the value
		// read back would differ from the one edited.
		return bad(app.Msgf("not valid UTF-8 text (is the terminal set to UTF-8?)"))
	}
	switch field {
	case FieldContractType:
		switch value {
		case "", "spot_hourly", "monthly", "yearly":
			return nil
		}
		return bad(app.Msgf("%q is not one of spot_hourly, monthly, yearly (or empty for none)", value))
	case FieldMeterID:
		if n := utf8.RuneCountInString(value); n > 19 {
			return bad(app.Msgf("%d characters, at most 19 allowed", n))
		}
	case FieldSupplier:
		if n := utf8.RuneCountInString(value); n > 100 {
			return bad(app.Msgf("%d characters, at most 100 allowed", n))
		}
	case FieldCurrency:
		if value != "" && !currencyRE.MatchString(strings.ToUpper(value)) {
			return bad(app.Msgf("%q is not an ISO 4217 code such as EUR (three letters)", value))
		}
	case FieldIncludes:
		if value != "true" && value != "false" {
			return bad(app.Msgf("%q: want true or false", value))
		}
	case FieldBuilding:
		if value != "" && !uuidRE.MatchString(value) {
			return bad(app.Msgf("%q is not a UUID (or empty for all buildings)", value))
		}
	case FieldPrices:
		if _, msg := parsePrices(value, false); !msg.IsZero() {
			return bad(msg)
		}
	default:
		return fmt.Errorf("%q is not an editable field (editable: %s)", field, strings.Join(PoderoFields, ", "))
	}
	return nil
}

type price struct {
	Price json.Number
	At    time.Time // zero: no timestamp, which only Podero's answers may leave out
}

// PoderoTimeLayouts are the forms of a price's timestamp in Podero's
// answers: an ISO 8601 date-time with a UTC offset (what Django REST
// framework writes, with a T or a space) or a plain date, taken as
// midnight UTC. An edit must use the first.
var PoderoTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z07:00", time.DateOnly}

// parsePrices reads a JSON array of {price, timestamp}; "" is no prices.
// An edit (vendor false) gives each price an RFC 3339 timestamp; Podero's
// own answer (vendor true) is read as the connector reads it, so that any
// contract the cache holds can be edited: a single price may have no
// timestamp, and the other layouts are accepted. The message is zero when
// s reads.
func parsePrices(s string, vendor bool) ([]price, app.Msg) {
	if strings.TrimSpace(s) == "" {
		return nil, app.Msg{}
	}
	var items []map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&items); err != nil || dec.InputOffset() != int64(len(strings.TrimRight(s, " \t\r\n"))) {
		return nil, app.Msgf(`want a JSON array of {"price": number, "timestamp": "ISO 8601 date-time"}`)
	}
	layouts := PoderoTimeLayouts[:1]
	if vendor {
		layouts = PoderoTimeLayouts
	}
	out := make([]price, len(items))
	for i, it := range items {
		var p price
		// The cache reads prices as app.Decimal: a number it cannot hold
		// would make the contract unreadable after the write.
		if err := json.Unmarshal(it["price"], &p.Price); err != nil || p.Price == "" {
			return nil, app.Msgf("price #%d: want a number", i+1)
		}
		if _, err := app.ParseDecimal(p.Price.String()); err != nil {
			return nil, app.Msgf("price #%d: want a decimal number such as 0.285, got %s", i+1, app.Clip(p.Price.String(), 40))
		}
		var stamp string
		if ts := it["timestamp"]; json.Unmarshal(ts, &stamp) != nil && !(vendor && (len(ts) == 0 || string(ts) == "null")) {
			return nil, app.Msgf("price #%d: want a timestamp", i+1)
		}
		stamp = strings.TrimSpace(stamp)
		read := false
		for _, layout := range layouts {
			if t, err := time.Parse(layout, stamp); err == nil {
				p.At, read = t.UTC(), true
				break
			}
		}
		switch {
		case !read && vendor && stamp == "" && len(items) == 1:
			// A constant price, in force since always.
		case !read:
			return nil, app.Msgf("price #%d: timestamp %q is not an ISO 8601 date-time with an offset", i+1, app.Clip(stamp, 40))
		case p.At.IsZero() || p.At.Year() < 1 || p.At.Year() > 9999:
			// In UTC it would need a year of other than four digits, which
			// neither ISO 8601's plain form nor the vendor reads back; the
			// first instant of year 1 is Go's zero time, which means "no
			// timestamp" to the canonical form.
			return nil, app.Msgf("price #%d: timestamp %q is out of range (years 0001 to 9999 in UTC)", i+1, app.Clip(stamp, 40))
		}
		out[i] = p
	}
	return out, app.Msg{}
}

// canonicalPrices writes prices compactly with keys in a fixed order,
// instants in UTC and in time order, so equal prices compare equal: Podero
// stores a series sorted by time whatever order it was sent in, and an edit
// typed out of order must not look like a change someone else made.
func canonicalPrices(ps []price) string {
	if len(ps) == 0 {
		return ""
	}
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b price) int { return a.At.Compare(b.At) })
	var b bytes.Buffer
	b.WriteByte('[')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		ts := []byte("null")
		if !p.At.IsZero() {
			ts, _ = json.Marshal(p.At.Format(time.RFC3339Nano))
		}
		fmt.Fprintf(&b, `{"price":%s,"timestamp":%s}`, p.Price, ts)
	}
	b.WriteByte(']')
	return b.String()
}

// Canonical is value in the form changes store and compare: prices
// rewritten compactly; other values as given. Call after Validate.
func Canonical(field, value string) string {
	if field == FieldPrices {
		if ps, msg := parsePrices(value, false); msg.IsZero() {
			return canonicalPrices(ps)
		}
	}
	switch field {
	case FieldBuilding:
		return canonicalUUID(value)
	case FieldCurrency:
		return strings.ToUpper(value)
	}
	return value
}

// PoderoValues reads the editable fields of a Podero contract's JSON (as
// the vendor sent it) in canonical form. The answer names the building
// "building", the PUT "building_id"; either is read.
func PoderoValues(raw []byte) (map[string]string, error) {
	var w map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("contract JSON: %v", err)
	}
	out := make(map[string]string, len(PoderoFields))
	str := func(raw json.RawMessage) string {
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	out[FieldContractType] = str(w["energy_contract_type"])
	out[FieldMeterID] = str(w["meter_id"])
	out[FieldSupplier] = str(w["supplier"])
	out[FieldCurrency] = strings.ToUpper(str(w["currency_energy_price"]))
	b := w["building"]
	if len(b) == 0 || string(b) == "null" {
		b = w["building_id"]
	}
	out[FieldBuilding] = canonicalUUID(str(b))
	switch string(w[FieldIncludes]) {
	case "true", "false":
		out[FieldIncludes] = string(w[FieldIncludes])
	default:
		out[FieldIncludes] = ""
	}
	if p := w[FieldPrices]; len(p) > 0 && string(p) != "null" {
		ps, msg := parsePrices(string(p), true)
		if !msg.IsZero() {
			return nil, fmt.Errorf("contract JSON: %s: %v", FieldPrices, msg)
		}
		out[FieldPrices] = canonicalPrices(ps)
	} else {
		out[FieldPrices] = ""
	}
	return out, nil
}

// PoderoBody is the JSON body of a PUT carrying fields: "" is null, or an
// empty list for energy_prices.
func PoderoBody(fields map[string]string) ([]byte, error) {
	body := make(map[string]json.RawMessage, len(fields))
	for f, v := range fields {
		if err := Validate(f, v); err != nil {
			return nil, err
		}
		switch {
		case f == FieldPrices && v == "":
			body[f] = json.RawMessage("[]")
		case f == FieldPrices:
			body[f] = json.RawMessage(Canonical(f, v))
		case v == "":
			body[f] = json.RawMessage("null")
		case f == FieldIncludes:
			body[f] = json.RawMessage(v)
		default:
			s, _ := json.Marshal(v)
			body[f] = s
		}
	}
	return json.Marshal(body)
}

// RejectedError is a vendor's refusal of a write: the change is not to be
// sent again as it is. Message is the vendor's own words.
type RejectedError struct {
	Status  int
	Message string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("the vendor refused the change (HTTP %d): %s", e.Status, e.Message)
}

// canonicalUUID writes a UUID in lower case with dashes; anything else is
// returned as it is.
func canonicalUUID(s string) string {
	if !uuidRE.MatchString(s) {
		return s
	}
	s = strings.ToLower(strings.ReplaceAll(s, "-", ""))
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}
