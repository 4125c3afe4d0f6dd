package prosumer

import (
	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/sync/engine"
	"wattfolio/sync/registry"
)

// Descriptor registers prosumer with the sources file, the sync and the
// views. The prosumer API documents no authentication: a token is optional.
var Descriptor = registry.Descriptor{
	Info: vendor.Info{
		Name: app.VendorProsumer, Label: "Prosumer", Area: vendor.N("energy, service and flexibility"), Layout: vendor.Prosumer,
		Auth: vendor.TokenOptional, IDsKey: "customer_ids", IDsLabel: vendor.N("Customer ids"),
	},
	Keys:   []string{"customer_ids"},
	Decode: decode,
	New:    connect,
	Sim:    simulator,
}

// Section names the customers whose contracts are synced.
type Section struct {
	CustomerIDs []string
}

// FormFields implements registry.Section.
func (s *Section) FormFields() registry.Fields { return registry.Fields{IDs: s.CustomerIDs} }

func decode(r registry.Reader) registry.Section {
	return &Section{CustomerIDs: r.IDs("customer_ids", `["c1"]`, true, registry.AnyID)}
}

func connect(c registry.Config) (engine.Connector, error) {
	var token string
	if c.Secrets.HasToken() {
		t, err := c.Secrets.Token()
		if err != nil {
			return nil, err
		}
		token = t
	}
	return New(Config{
		Source: c.Source, BaseURL: c.BaseURL, Token: token, CustomerIDs: c.Section.(*Section).CustomerIDs, HTTPClient: c.HTTPClient,
		RequestsPerMinute: c.RequestsPerMinute,
	})
}
