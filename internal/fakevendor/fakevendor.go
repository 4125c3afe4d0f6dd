// Package fakevendor is a sixth vendor, "fakevolt", that exists only to
// show what adding a vendor takes: this package (its descriptor, sources
// section, connector, a small upstream to sync from and the simulator
// wattfolio sim and demo start from the descriptor) plus one
// registration line. The registry test in the root package registers it,
// syncs it into a real cache and looks for it on the portfolio page.
package fakevendor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/sync/engine"
	"wattfolio/sync/registry"
)

// Name is the fake vendor's kind in the sources file.
const Name app.Vendor = "fakevolt"

// Descriptor registers fakevolt.
var Descriptor = registry.Descriptor{
	Info: vendor.Info{
		Name: Name, Label: "FakeVolt", IDsKey: "contract_ids", IDsLabel: "Contract ids",
	},
	Keys:   []string{"region", "contract_ids"},
	Decode: decode,
	New:    connect,
	Sim:    simulator,
}

// Section is fakevolt's part of a [[source]] table.
type Section struct {
	Region      string   // nord (default) or sued
	ContractIDs []string // empty syncs all of the region's
}

// FormFields implements registry.Section.
func (s *Section) FormFields() registry.Fields { return registry.Fields{IDs: s.ContractIDs} }

func decode(r registry.Reader) registry.Section {
	return &Section{
		Region:      r.OneOf("region", "nord", "nord", "sued"),
		ContractIDs: r.IDs("contract_ids", `["v-1"]`, false, registry.AnyID),
	}
}

func connect(c registry.Config) (engine.Connector, error) {
	token, err := c.Secrets.Token()
	if err != nil {
		return nil, err
	}
	client := c.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	return &Client{source: c.Source, base: c.BaseURL, token: token, section: *c.Section.(*Section), http: client}, nil
}

// Client is fakevolt's engine.Connector.
type Client struct {
	source, base, token string
	section             Section
	http                *http.Client
}

// Wire is one contract as fakevolt's /contracts sends it.
type Wire struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
	Name     string `json:"name"`
	Status   string `json:"status"`
	Region   string `json:"region"`
}

// Streams implements engine.Connector: contracts only, no time series.
func (c *Client) Streams() engine.Streams { return engine.Streams{Contracts: c} }

// Contracts lists the region's contracts in one page.
func (c *Client) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/contracts?region="+url.QueryEscape(c.section.Region), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("fakevolt %s: %w", c.source, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fakevolt %s: HTTP %d", c.source, resp.StatusCode)
	}
	var raw []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		return fmt.Errorf("fakevolt %s: %w", c.source, err)
	}
	now := time.Now().UTC()
	var p engine.Page
	for _, r := range raw {
		var w Wire
		if err := json.Unmarshal(r, &w); err != nil {
			return fmt.Errorf("fakevolt %s: %w", c.source, err)
		}
		if len(c.section.ContractIDs) > 0 && !slices.Contains(c.section.ContractIDs, w.ID) {
			continue
		}
		p.Contracts = append(p.Contracts, app.Contract{
			Source: c.source, Vendor: Name, ExternalID: w.ID, Kind: app.KindRetail, Commodity: app.CommodityElectricity,
			Status: w.Status, Customer: app.Customer{ExternalID: w.Customer, Name: w.Customer}, Name: w.Name,
			Raw: r, FetchedAt: now,
		})
	}
	return page(p)
}

// Upstream serves contracts as fakevolt would, to a bearer of token.
func Upstream(token string, contracts ...Wire) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/contracts" || r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		out := []Wire{}
		for _, c := range contracts {
			if c.Region == r.URL.Query().Get("region") {
				out = append(out, c)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
}
