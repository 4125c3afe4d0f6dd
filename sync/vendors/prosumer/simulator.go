package prosumer

import (
	"slices"

	"wattfolio/internal/simcust"
	"wattfolio/sync/registry"
	"wattfolio/sync/vendors/prosumer/prosumersim"
)

// SimPrefix is where wattfolio sim mounts the simulated prosumer API.
const SimPrefix = "/prosumer"

var simulator = &registry.Sim{Prefix: SimPrefix, Start: startSim}

func startSim(in registry.SimInput) registry.Simulator {
	o, _ := in.Tune.(prosumersim.Options)
	o.Seed, o.Token = in.Seed, in.Token
	s := prosumersim.New(o)
	return registry.Simulator{
		Handler:     s,
		Source:      func(name, baseURL string) string { return s.SourceTOML(name, baseURL, in.TokenEnv) },
		Env:         map[string]string{in.TokenEnv: in.Token},
		CustomerIDs: simCustomerIDs(s, in.Customers),
	}
}

// simCustomerIDs gives each demo customer a prosumer customer of the same
// kind (business or household), each prosumer customer at most once.
func simCustomerIDs(s *prosumersim.Server, cs []simcust.Customer) []string {
	free := s.CustomerIDs()
	out := make([]string, len(cs))
	for k, c := range cs {
		if i := slices.IndexFunc(free, func(id string) bool { return s.Business(id) == c.Segment.Net() }); i >= 0 {
			out[k] = free[i]
			free = slices.Delete(free, i, i+1)
		}
	}
	return out
}
