package epilot

import (
	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/sync/engine"
	"wattfolio/sync/registry"
)

// Descriptor registers epilot with the sources file, the sync and the views.
var Descriptor = registry.Descriptor{
	Info: vendor.Info{
		Name: app.VendorEpilot, Label: "epilot", Area: vendor.N("retail supply"),
		IDsKey: "contract_ids", IDsLabel: vendor.N("Contract ids (optional; empty syncs every contract the portal user sees)"),
		Fields: []string{"customer_id"},
	},
	Keys:   []string{"contract_ids", "extension_id", "app_id", "customer_id"},
	Decode: decode,
	New:    connect,
	Sim:    simulator,
}

// Section limits an epilot portal source to some contracts; empty means
// every contract the portal user sees.
type Section struct {
	ContractIDs []string
	// ExtensionID and AppID name the portal extension (and its app) that
	// serves consumption, prices and costs; epilot requires both on every
	// time-series request. Empty means the connector's defaults.
	ExtensionID string
	AppID       string
	// CustomerID is the portal user's customer id for [[customer]] links
	// (the portal serves one customer); empty means the source's name.
	CustomerID string
}

// FormFields implements registry.Section.
func (s *Section) FormFields() registry.Fields {
	return registry.Fields{IDs: s.ContractIDs, CustomerID: s.CustomerID}
}

func decode(r registry.Reader) registry.Section {
	return &Section{
		ContractIDs: r.IDs("contract_ids", "", false, registry.AnyID),
		ExtensionID: r.Str("extension_id", false),
		AppID:       r.Str("app_id", false),
		CustomerID:  r.Str("customer_id", false),
	}
}

func connect(c registry.Config) (engine.Connector, error) {
	token, err := c.Secrets.Token()
	if err != nil {
		return nil, err
	}
	e := c.Section.(*Section)
	return New(Config{
		Source: c.Source, BaseURL: c.BaseURL, Token: token, HTTPClient: c.HTTPClient, RequestsPerMinute: c.RequestsPerMinute,
		ContractIDs: e.ContractIDs, ExtensionID: e.ExtensionID, AppID: e.AppID, CustomerID: e.CustomerID,
	})
}
