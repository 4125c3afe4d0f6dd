package registry

import (
	"context"
	"testing"

	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/sync/engine"
)

// The id checks write the canonical id the cache keys on, and their
// refusals are messages the forms translate.
func TestIDChecks(t *testing.T) {
	tests := []struct {
		check   func(string) (string, error)
		in      string
		want    string
		wantErr string
	}{
		{PositiveID, "746839", "746839", ""},
		{PositiveID, "0002", "2", ""},
		{PositiveID, "+2", "", `"+2" is not an integer id`},
		{PositiveID, "0", "", "0 is not a positive id"},
		{PositiveID, "x1", "", `"x1" is not an integer id`},
		{AnyID, "C-1001", "C-1001", ""},
		{AnyID, " C-1", "", `" C-1" has leading or trailing spaces`},
	}
	for _, tt := range tests {
		got, err := tt.check(tt.in)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
			t.Errorf("check(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.wantErr)
		}
		if _, isMsg := err.(app.Msg); err != nil && !isMsg {
			t.Errorf("check(%q) error %T is no app.Msg", tt.in, err)
		}
	}
}

type none struct{}

func (none) FormFields() Fields { return Fields{} }

type idle struct{}

func (idle) Contracts(context.Context, string, func(engine.Page) error) error { return nil }

func (i idle) Streams() engine.Streams { return engine.Streams{Contracts: i} }

// Registering a name again replaces its descriptor in place (the order of
// the kinds in messages stays), for the views too; Unregister leaves no
// trace.
func TestRegisterReplacesAndUnregisters(t *testing.T) {
	d := func(label string) Descriptor {
		return Descriptor{
			Info:   vendor.Info{Name: "testvolt", Label: label},
			Decode: func(Reader) Section { return none{} },
			New:    func(Config) (engine.Connector, error) { return idle{}, nil },
		}
	}
	Register(d("A"), Descriptor{Info: vendor.Info{Name: "testgas", Label: "G"}, Decode: d("").Decode, New: d("").New})
	Register(d("B"))
	t.Cleanup(func() { Unregister("testvolt"); Unregister("testgas") })
	var names []app.Vendor
	for _, x := range All() {
		names = append(names, x.Name)
	}
	if got, ok := Lookup("testvolt"); !ok || got.Label != "B" || len(names) != 2 || names[0] != "testvolt" {
		t.Errorf("Lookup = %+v, %v; order %v", got.Info, ok, names)
	}
	if vendor.Of("testvolt").Label != "B" {
		t.Errorf("the views see %+v", vendor.Of("testvolt"))
	}
	Unregister("testvolt")
	if _, ok := Lookup("testvolt"); ok || vendor.Of("testvolt").Label != "testvolt" {
		t.Errorf("testvolt is still registered: %+v", vendor.Of("testvolt"))
	}
}

// A descriptor without Decode or New is a programming error caught at
// start-up, not a nil call during a sync.
func TestRegisterRefusesAnIncompleteDescriptor(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Register accepted a descriptor without New")
		}
	}()
	Register(Descriptor{Info: vendor.Info{Name: "halfvolt"}, Decode: func(Reader) Section { return none{} }})
}
