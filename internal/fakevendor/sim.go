package fakevendor

import (
	"fmt"

	"wattfolio/internal/simcust"
	"wattfolio/internal/simtoml"
	"wattfolio/sync/registry"
)

// SimPrefix is where wattfolio sim mounts fakevolt's simulator.
const SimPrefix = "/fakevolt"

var simulator = &registry.Sim{Prefix: SimPrefix, Start: startSim}

// startSim supplies every household among the demo customers in the north
// (contracts v-1, v-2, ... under the customer's name) and a farm in the
// south that the generated source, scoped to the north, leaves out.
func startSim(in registry.SimInput) registry.Simulator {
	var wires []Wire
	ids := make([]string, len(in.Customers))
	for k, c := range in.Customers {
		if c.Segment == simcust.Household {
			ids[k] = c.Name
			wires = append(wires, Wire{ID: fmt.Sprintf("v-%d", len(wires)+1), Customer: c.Name, Name: "Nordstrom Haushalt", Status: "active", Region: "nord"})
		}
	}
	wires = append(wires, Wire{ID: fmt.Sprintf("v-%d", len(wires)+1), Customer: "Südhof", Name: "Südstrom", Status: "active", Region: "sued"})
	h := Upstream(in.Token, wires...)
	return registry.Simulator{
		Handler: h,
		Source: func(name, baseURL string) string {
			return fmt.Sprintf("[[source]]\nname = %s\nkind = %q\nbase_url = %s\ntoken_env = %s\nregion = \"nord\"\n",
				simtoml.String(name), Name, simtoml.String(baseURL), simtoml.String(in.TokenEnv))
		},
		Env:         map[string]string{in.TokenEnv: in.Token},
		CustomerIDs: ids,
	}
}
