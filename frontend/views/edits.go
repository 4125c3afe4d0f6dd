package views

import (
	"strings"

	"github.com/a-h/templ"

	"wattfolio/app"
	"wattfolio/app/outbox"
)

// EditField is one of a contract's editable vendor fields in the edit form.
type EditField struct {
	Name, Label, Hint string
	// Choices make a select; nil a text input, or a textarea when Textarea.
	Choices  []selectOption
	Textarea bool
	MaxLen   int
	// Value is what the form shows: what was typed, else the pending value,
	// else the vendor's.
	Value string
	// Vendor is the vendor's value as last synced.
	Vendor string
	// Pending is true when a pending change holds a value for the field.
	Pending bool
	Err     string
}

// ContractEdits is the contract page's part for offline edits and notes.
type ContractEdits struct {
	// Editable is true when the vendor takes edits of its fields (Podero).
	Editable bool
	Fields   []EditField
	// Change is the contract's change, pending or settled; nil when none.
	Change *outbox.Change
	Notes  app.ContractNotes
	// NotesForm holds what was typed when the notes are shown again with
	// errors; NotesErr the message per field (notes, tags, next_contact).
	NotesForm map[string]string
	NotesErr  map[string]string
	// Notice says what the last action did; Bad when it failed.
	Notice string
	Bad    bool
}

// ErrorCount is the number of edit fields with an error.
func (e *ContractEdits) ErrorCount() int {
	n := 0
	for _, f := range e.Fields {
		if f.Err != "" {
			n++
		}
	}
	return n
}

// NotesValue is a notes field as the form shows it.
func (e *ContractEdits) NotesValue(f Fmt, name string) string {
	if v, ok := e.NotesForm[name]; ok {
		return v
	}
	switch name {
	case "tags":
		return strings.Join(e.Notes.Tags, ", ")
	case "next_contact":
		if e.Notes.NextContact.IsZero() {
			return ""
		}
		return e.Notes.NextContact.Format("2006-01-02")
	}
	return e.Notes.Text
}

// State is the change's state, "" when there is none.
func (e *ContractEdits) State() string {
	if e.Change == nil {
		return ""
	}
	return e.Change.State
}

// EditLabel is an editable Podero field's label, or its name when it has none.
func (f Fmt) EditLabel(field string) string {
	switch field {
	case outbox.FieldContractType:
		return f.T("Contract type")
	case outbox.FieldMeterID:
		return f.T("Meter id")
	case outbox.FieldSupplier:
		return f.T("Supplier")
	case outbox.FieldCurrency:
		return f.T("Currency of the energy prices")
	case outbox.FieldIncludes:
		return f.T("Prices include taxes, levies and grid fees")
	case outbox.FieldBuilding:
		return f.T("Building")
	case outbox.FieldPrices:
		return f.T("Energy prices")
	}
	return field
}

// EditValue shows a field's value: "" is none, booleans in words.
func (f Fmt) EditValue(field, v string) string {
	switch {
	case v == "" && field == outbox.FieldPrices:
		return f.T("no prices")
	case v == "":
		return f.T("none")
	case field == outbox.FieldIncludes && v == "true":
		return f.T("yes")
	case field == outbox.FieldIncludes && v == "false":
		return f.T("no")
	}
	return v
}

// PoderoEditFields are the form's fields for a Podero contract whose
// vendor values are vendor; values overrides what the form shows.
func PoderoEditFields(fm Fmt, vendor, values map[string]string, pending map[string]bool, errs map[string]string) []EditField {
	out := make([]EditField, 0, len(outbox.PoderoFields))
	for _, name := range outbox.PoderoFields {
		f := EditField{Name: name, Label: fm.EditLabel(name), Vendor: vendor[name], Value: vendor[name], Pending: pending[name], Err: errs[name]}
		if v, ok := values[name]; ok {
			f.Value = v
		}
		switch name {
		case outbox.FieldContractType:
			f.Choices = []selectOption{{"", fm.T("none")}, {"spot_hourly", fm.T("spot, hourly")}, {"monthly", fm.T("monthly")}, {"yearly", fm.T("yearly")}}
		case outbox.FieldIncludes:
			f.Choices = []selectOption{{"true", fm.T("yes")}, {"false", fm.T("no")}}
			if f.Value == "" {
				f.Choices = append([]selectOption{{"", fm.T("not stated")}}, f.Choices...)
			}
		case outbox.FieldMeterID:
			f.MaxLen, f.Hint = 19, fm.T("at most 19 characters")
		case outbox.FieldSupplier:
			f.MaxLen = 100
		case outbox.FieldCurrency:
			f.MaxLen, f.Hint = 3, fm.T("ISO 4217, e.g. EUR")
		case outbox.FieldBuilding:
			f.MaxLen, f.Hint = 36, fm.T("the building's UUID at Podero; empty for all buildings")
		case outbox.FieldPrices:
			f.Textarea = true
			f.Hint = fm.T(`a JSON list, e.g. [{"price": 0.2841, "timestamp": "2026-01-01T00:00:00+01:00"}]; empty for none`)
		}
		out = append(out, f)
	}
	return out
}

// Changes is the page of offline edits: what waits to be sent, what needs
// the user, and what went out.
type Changes struct {
	Chrome
	Attention, Pending, Sent []outbox.Change
	// CanSend is true when the app knows the sources to send to.
	CanSend bool
	Notice  string
	Bad     bool
}

// ConflictFields are the fields of a change in conflict, in order.
func ConflictFields(c outbox.Change) []string {
	var out []string
	for _, f := range c.Fields() {
		if _, ok := c.Theirs[f]; ok {
			out = append(out, f)
		}
	}
	return out
}

// joinLabels names fields for a sentence: "Supplier and Meter id".
func (f Fmt) joinLabels(fields []string) string {
	labels := make([]string, len(fields))
	for i, name := range fields {
		labels[i] = f.EditLabel(name)
	}
	switch len(labels) {
	case 0:
		return ""
	case 1:
		return labels[0]
	}
	return strings.Join(labels[:len(labels)-1], ", ") + " " + f.T("and") + " " + labels[len(labels)-1]
}

// NotesMsgID is the id of the message beside the notes field inputID when
// its value was refused, for aria-describedby; "" when it was not.
func (e *ContractEdits) NotesMsgID(name, inputID string) string {
	if e.NotesErr[name] == "" {
		return ""
	}
	return inputID + "-msg"
}

// NotesInvalid marks a refused notes field for screen readers.
func (e *ContractEdits) NotesInvalid(name, inputID string) templ.Attributes {
	if id := e.NotesMsgID(name, inputID); id != "" {
		return templ.Attributes{"aria-invalid": "true", "aria-describedby": id}
	}
	return nil
}
