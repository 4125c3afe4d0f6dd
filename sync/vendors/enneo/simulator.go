package enneo

import (
	"encoding/json"
	"fmt"
	"strings"

	"wattfolio/app"
	"wattfolio/internal/simcust"
	"wattfolio/internal/simtoml"
	"wattfolio/sync/registry"
	"wattfolio/sync/vendors/enneo/enneosim"
)

// SimPrefix is where wattfolio sim mounts the simulated enneo tenant.
const SimPrefix = "/enneo/api/mind"

var simulator = &registry.Sim{Prefix: SimPrefix, Start: startSim}

// startSim opens the simulated tenant's book with the demo customers.
func startSim(in registry.SimInput) registry.Simulator {
	o, _ := in.Tune.(enneosim.Options)
	o.Seed, o.Token, o.Customers = in.Seed, in.Token, in.Customers
	s := enneosim.New(o)
	return registry.Simulator{
		Handler:     s,
		Source:      func(name, baseURL string) string { return simSource(s, name, baseURL, in.TokenEnv) },
		Env:         map[string]string{in.TokenEnv: in.Token},
		CustomerIDs: simCustomerIDs(s, in.Customers),
	}
}

// simSource lists every simulated contract, ten ids a line.
func simSource(s *enneosim.Server, name, baseURL, tokenEnv string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[[source]]\nname = %s\nkind = %q\n", simtoml.String(name), app.VendorEnneo)
	fmt.Fprintf(&b, "base_url = %s\n", simtoml.String(baseURL))
	fmt.Fprintf(&b, "token_env = %s\n", simtoml.String(tokenEnv))
	b.WriteString("contract_ids = [")
	for i, id := range s.IDs() {
		if i > 0 {
			b.WriteString(", ")
		}
		if i%10 == 0 {
			b.WriteString("\n  ")
		}
		b.WriteString(id)
	}
	b.WriteString(",\n]\n")
	return b.String()
}

// simCustomerIDs finds each demo customer among the contract holders (a
// company's name, a person's first and last name); the first contract of
// a name gives its customerId.
func simCustomerIDs(s *enneosim.Server, cs []simcust.Customer) []string {
	byName := map[string]string{}
	for _, id := range s.IDs() {
		body, _ := s.Payload(id)
		var c struct {
			CustomerID string `json:"customerId"`
			First      string `json:"firstname"`
			Last       string `json:"lastname"`
		}
		if json.Unmarshal(body, &c) == nil && c.CustomerID != "" {
			name := strings.TrimSpace(c.First + " " + c.Last)
			if _, seen := byName[name]; !seen {
				byName[name] = c.CustomerID
			}
		}
	}
	out := make([]string, len(cs))
	for k, c := range cs {
		out[k] = byName[c.Name]
	}
	return out
}
