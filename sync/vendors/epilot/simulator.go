package epilot

import (
	"fmt"

	"wattfolio/app"
	"wattfolio/internal/simtoml"
	"wattfolio/sync/registry"
	"wattfolio/sync/vendors/epilot/epilotsim"
)

// SimPrefix is where wattfolio sim mounts the simulated portal API, and
// SimCustomer is its portal user's customer id.
const (
	SimPrefix   = "/epilot/portal-api"
	SimCustomer = "portal-user"
)

// The portal user is the metered demo customer: its meters' consumption is
// what the other vendors' contracts of that customer are sized on.
var simulator = &registry.Sim{Prefix: SimPrefix, Meters: true, Start: startSim}

func startSim(in registry.SimInput) registry.Simulator {
	o, _ := in.Tune.(epilotsim.Options)
	o.Seed, o.Token = in.Seed, in.Token
	ids := make([]string, len(in.Customers))
	for k, c := range in.Customers {
		if c.Metered {
			o.Business = o.Business || c.Segment.Net()
			ids[k] = SimCustomer
		}
	}
	s := epilotsim.New(o)
	return registry.Simulator{
		Handler: s,
		Source: func(name, baseURL string) string {
			return fmt.Sprintf("[[source]]\nname = %s\nkind = %q\ncustomer_id = %s\nbase_url = %s\ntoken_env = %s\ntimeout = \"60s\"\n",
				simtoml.String(name), app.VendorEpilot, simtoml.String(SimCustomer), simtoml.String(baseURL), simtoml.String(in.TokenEnv))
		},
		Env:         map[string]string{in.TokenEnv: in.Token},
		CustomerIDs: ids,
		MeteredKWh:  s.AnnualKWh(),
	}
}
