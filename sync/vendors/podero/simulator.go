package podero

import (
	"wattfolio/sync/registry"
	"wattfolio/sync/vendors/podero/poderosim"
)

// SimPrefix is where wattfolio sim mounts the simulated Podero API;
// SimClientIDEnv names the variable with its OAuth client id, whose
// secret is the simulators' token.
const (
	SimPrefix      = "/podero"
	SimClientIDEnv = "WATTFOLIO_SIM_CLIENT_ID"
	simClientID    = "wattfolio-demo"
)

var simulator = &registry.Sim{Prefix: SimPrefix, Start: startSim}

// startSim makes the demo customers the first users, in their order.
func startSim(in registry.SimInput) registry.Simulator {
	o, _ := in.Tune.(poderosim.Options)
	o.Seed, o.ClientID, o.ClientSecret, o.Customers = in.Seed, simClientID, in.Token, in.Customers
	s := poderosim.New(o)
	users := s.UserIDs()
	ids := make([]string, len(in.Customers))
	copy(ids, users)
	return registry.Simulator{
		Handler:     s,
		Source:      func(name, baseURL string) string { return s.SourceTOML(name, baseURL, SimClientIDEnv, in.TokenEnv) },
		Env:         map[string]string{in.TokenEnv: in.Token, SimClientIDEnv: simClientID},
		CustomerIDs: ids,
	}
}
