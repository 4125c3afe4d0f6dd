package web

import (
	"reflect"
	"testing"

	"wattfolio/app"
)

// The history masks personal data as the vendor JSON beside it does.
func TestMaskHistory(t *testing.T) {
	tests := []struct {
		name string
		in   app.Change
		want app.Change
	}{
		{"a key named for personal data, whole",
			app.Change{Field: "raw: billingAddress.street", Old: "Hauptstr. 1", New: "Ringstr. 9"},
			app.Change{Field: "raw: billingAddress.street", Old: "•••", New: "•••"}},
		{"an IBAN under any key",
			app.Change{Field: "raw: iban", Old: "DE89370400440532013000", New: ""},
			app.Change{Field: "raw: iban", Old: "•••", New: ""}},
		{"an e-mail address inside a note",
			app.Change{Field: "raw: note", Old: "write to anna@example.com", New: "call"},
			app.Change{Field: "raw: note", Old: "write to •••", New: "call"}},
		{"an ordinary field as it is",
			app.Change{Field: "Parties.Supplier", Old: "RheinEnergie", New: "E.ON", RunID: 3},
			app.Change{Field: "Parties.Supplier", Old: "RheinEnergie", New: "E.ON", RunID: 3}},
		{"a list element under a personal key",
			app.Change{Field: "raw: contacts[0].phone", Old: "null", New: "0301234567"},
			app.Change{Field: "raw: contacts[0].phone", Old: "null", New: "•••"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := maskHistory([]app.Change{tt.in}); !reflect.DeepEqual(got, []app.Change{tt.want}) {
				t.Errorf("maskHistory = %+v, want %+v", got, tt.want)
			}
		})
	}
}
