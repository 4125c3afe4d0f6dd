package otark

import (
	"wattfolio/sync/registry"
	"wattfolio/sync/vendors/otark/otarksim"
)

// SimPrefix is where wattfolio sim mounts the simulated otark API.
const SimPrefix = "/otark"

var simulator = &registry.Sim{Prefix: SimPrefix, Start: startSim}

// startSim links a demo customer to the buyer trading under its name.
func startSim(in registry.SimInput) registry.Simulator {
	o, _ := in.Tune.(otarksim.Options)
	o.Seed, o.APIKey = in.Seed, in.Token
	s := otarksim.New(o)
	buyers := map[string]string{}
	for _, b := range s.Buyers() {
		buyers[b.Name] = b.EIC
	}
	ids := make([]string, len(in.Customers))
	for k, c := range in.Customers {
		ids[k] = buyers[c.Name]
	}
	return registry.Simulator{
		Handler:     s,
		Source:      func(name, baseURL string) string { return s.SourceTOML(name, baseURL, in.TokenEnv) },
		Env:         map[string]string{in.TokenEnv: in.Token},
		CustomerIDs: ids,
	}
}
