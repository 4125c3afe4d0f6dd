package views

import (
	"slices"

	"github.com/a-h/templ"
)

// Refusal is a filter value a page refused: the parameter's Name, the Value
// as typed and Msg, the translated sentence shown beside its field.
type Refusal struct {
	Name, Value, Msg string
}

// Refusal returns the refusal of the parameter name, nil when it was used.
func (c Chrome) Refusal(name string) *Refusal {
	for i := range c.Refused {
		if c.Refused[i].Name == name {
			return &c.Refused[i]
		}
	}
	return nil
}

// Typed is what a field shows: the refused value as typed, to correct it,
// else value (the one the page used).
func (c Chrome) Typed(name, value string) string {
	if r := c.Refusal(name); r != nil {
		return r.Value
	}
	return value
}

// MsgID is the id of the message beside the field inputID when its value
// name was refused, for aria-describedby; "" when it was used.
func (c Chrome) MsgID(name, inputID string) string {
	if c.Refusal(name) == nil {
		return ""
	}
	return inputID + "-msg"
}

// Invalid marks a field whose value was refused for screen readers.
func (c Chrome) Invalid(name, inputID string) templ.Attributes {
	if c.Refusal(name) == nil {
		return nil
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": inputID + "-msg"}
}

// RefusedElsewhere is the refusals of parameters without a field among
// fields: a sort, a page number, a hidden setting; the page's summary says them.
func (c Chrome) RefusedElsewhere(fields []string) []Refusal {
	var out []Refusal
	for _, r := range c.Refused {
		if !slices.Contains(fields, r.Name) {
			out = append(out, r)
		}
	}
	return out
}

// portfolioFields are the portfolio's parameters with a field in its form.
var portfolioFields = []string{"q", "account", "source", "vendor", "kind", "commodity", "status", "upstream", "active_on"}

// meterFields, compareFields and savingsFields: the same for the meter,
// compare and savings pages.
var (
	meterFields   = []string{"from", "to", "res"}
	compareFields = []string{"from", "to", "profile", "kwh", "scale"}
	savingsFields = []string{"q", "segment"}
)
