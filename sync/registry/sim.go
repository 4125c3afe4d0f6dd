package registry

import (
	"net/http"

	"wattfolio/internal/simcust"
)

// Sim is a vendor's simulator, which wattfolio sim, wattfolio demo and the
// end-to-end tests start for every registered vendor that has one. The
// simulator's own package never imports the registry: the vendor package
// adapts it (its simulator.go), so that the simulator's tests may use the
// connector without an import cycle.
type Sim struct {
	// Prefix is the path the simulator is mounted under beside the others
	// ("/enneo/api/mind"), so that connectors always run on a base path.
	Prefix string
	// Meters says the simulator serves the metered demo customers' load
	// curves: it starts before the others, and its MeteredKWh is the yearly
	// consumption the others open those customers' contracts with.
	Meters bool
	// Start builds the simulator; the same input gives the same data.
	Start func(in SimInput) Simulator
}

// SimInput is what every simulator starts from: one seed, one secret and
// the demo's shared customers.
type SimInput struct {
	Seed uint64
	// Token is the secret every simulator accepts (a bearer token, an API
	// key, an OAuth client secret); TokenEnv names the variable the
	// sources file reads it from.
	Token, TokenEnv string
	// Customers are the demo's own customers, the same for every vendor,
	// so that a linked customer is one person or company everywhere.
	Customers []simcust.Customer
	// Tune is the vendor's own options (its simulator package's Options
	// value) or nil for its defaults; Start sets the fields above over it.
	Tune any
}

// Simulator is a started simulator.
type Simulator struct {
	// Handler serves the vendor's API, mounted under Sim.Prefix. It is
	// the simulator's own value (*enneosim.Server), which tests and
	// commands steer (faults, deletions upstream).
	Handler http.Handler
	// Source writes the vendor's [[source]] table that syncs the simulator
	// served at baseURL (its Prefix included) as source name.
	Source func(name, baseURL string) string
	// Env are the variables Source's table reads its credentials from,
	// with their values; none of them opens more than the simulators.
	Env map[string]string
	// CustomerIDs are the ids of SimInput.Customers at the vendor, in
	// their order; "" where a customer has nothing there.
	CustomerIDs []string
	// MeteredKWh is the yearly consumption of the metered customers' load
	// curves, for a Sim that Meters.
	MeteredKWh int
}
