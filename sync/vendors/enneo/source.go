package enneo

import (
	"strconv"

	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/sync/engine"
	"wattfolio/sync/registry"
)

// Descriptor registers enneo with the sources file, the sync and the views.
var Descriptor = registry.Descriptor{
	Info: vendor.Info{
		Name: app.VendorEnneo, Label: "enneo", Area: vendor.N("retail supply"),
		IDsKey: "contract_ids", IDsLabel: vendor.N("Contract ids (required; enneo cannot list contracts)"),
	},
	Keys:   []string{"contract_ids", "working_price_unit", "base_price_unit"},
	Decode: decode,
	New:    connect,
	Sim:    simulator,
}

// Section says which enneo contracts to sync. enneo has no listing
// endpoint, so the contracts are named one by one.
type Section struct {
	// ContractIDs are positive, distinct and in file order; the file may
	// spell them as integers or strings.
	ContractIDs []int64
	// WorkingPriceUnit is the unit workingPrice arrives in: enneo does not
	// document it and tenants differ, so the user says which.
	// UnitEURPerKWh (the default, what the demo tenant sends) or UnitCtPerKWh.
	WorkingPriceUnit string
	// BasePriceUnit is UnitEURPerYear (default) or UnitEURPerMonth.
	BasePriceUnit string
}

// FormFields implements registry.Section.
func (s *Section) FormFields() registry.Fields {
	var f registry.Fields
	for _, id := range s.ContractIDs {
		f.IDs = append(f.IDs, strconv.FormatInt(id, 10))
	}
	return f
}

func decode(r registry.Reader) registry.Section {
	sc := &Section{
		WorkingPriceUnit: r.OneOf("working_price_unit", UnitEURPerKWh, UnitEURPerKWh, UnitCtPerKWh),
		BasePriceUnit:    r.OneOf("base_price_unit", UnitEURPerYear, UnitEURPerYear, UnitEURPerMonth),
	}
	for _, id := range r.IDs("contract_ids", "[746839, 746840]", true, registry.PositiveID) {
		n, _ := strconv.ParseInt(id, 10, 64)
		sc.ContractIDs = append(sc.ContractIDs, n)
	}
	return sc
}

func connect(c registry.Config) (engine.Connector, error) {
	token, err := c.Secrets.Token()
	if err != nil {
		return nil, err
	}
	s := c.Section.(*Section)
	ids := make([]string, len(s.ContractIDs))
	for i, id := range s.ContractIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return New(Config{
		Source:            c.Source,
		BaseURL:           c.BaseURL,
		Token:             token,
		ContractIDs:       ids,
		HTTPClient:        c.HTTPClient,
		RequestsPerMinute: c.RequestsPerMinute,
		WorkingPriceUnit:  s.WorkingPriceUnit,
		BasePriceUnit:     s.BasePriceUnit,
	})
}
