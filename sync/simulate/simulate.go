// Package simulate starts every registered vendor's simulator (its
// descriptor's Sim) behind one loopback server, for the demo, the
// end-to-end tests and the benchmarks. Each vendor is mounted under its own
// path prefix, so connectors are always exercised with a non-empty base
// path. The demo's customers (simcust) are the one input the simulators
// share.
package simulate

import (
	"cmp"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/internal/simcust"
	"wattfolio/internal/simtoml"
	"wattfolio/sync/registry"
	// The vendors this build registers, each with its simulator.
	_ "wattfolio/sync/vendors"
	"wattfolio/sync/vendors/enneo"
	"wattfolio/sync/vendors/enneo/enneosim"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/epilot/epilotsim"
	"wattfolio/sync/vendors/otark"
	"wattfolio/sync/vendors/otark/otarksim"
	"wattfolio/sync/vendors/podero"
	"wattfolio/sync/vendors/podero/poderosim"
	"wattfolio/sync/vendors/prosumer"
	"wattfolio/sync/vendors/prosumer/prosumersim"
)

// Options sizes and seeds the simulated vendors.
type Options struct {
	Seed           uint64
	EnneoContracts int    // default 300
	Token          string // the bearer token every simulated vendor accepts
	EnneoBroken    []string
	EpilotMeters   int       // default 20 (a year of quarter hours each)
	EpilotTo       time.Time // end of the epilot data; default midnight UTC today
	EpilotFrom     time.Time // start of the epilot data; default a year before EpilotTo
	EpilotMaxDays  int       // longest PT15M window epilot serves; default 31

	ProsumerCustomers int // default 40
	OtarkContracts    int // default 250
	PoderoUsers       int // default 30
}

// Where wattfolio sim mounts the five vendors' simulators (their
// descriptors' Sim.Prefix), and the simulated epilot portal user.
const (
	EnneoPrefix    = enneo.SimPrefix
	EpilotPrefix   = epilot.SimPrefix
	ProsumerPrefix = prosumer.SimPrefix
	OtarkPrefix    = otark.SimPrefix
	PoderoPrefix   = podero.SimPrefix
	EpilotCustomer = epilot.SimCustomer
)

// TokenEnv is the environment variable the generated sources file names.
const TokenEnv = "WATTFOLIO_SIM_TOKEN"

// DefaultToken is the simulated vendors' token unless Options says otherwise.
const DefaultToken = "sim-token-not-a-secret"

// Upstream is the set of simulated vendors: every registered vendor's
// simulator, started from its descriptor.
type Upstream struct {
	// The five vendors' simulators, for tests that steer them; any
	// vendor's is Server(v).
	Enneo    *enneosim.Server
	Epilot   *epilotsim.Server
	Prosumer *prosumersim.Server
	Otark    *otarksim.Server
	Podero   *poderosim.Server
	sims     []started
	// customers are the demo's own customers, as the simulators have them.
	customers []simcust.Customer
	token     string
	mux       *http.ServeMux
}

// started is one vendor's running simulator.
type started struct {
	vendor app.Vendor
	sim    *registry.Sim
	registry.Simulator
}

// New starts every registered vendor's simulator; the same options give
// the same data. The simulator that Meters starts first: its meters'
// consumption is the metered customers' at the others.
func New(o Options) *Upstream {
	if o.Token == "" {
		o.Token = DefaultToken
	}
	tune := map[app.Vendor]any{
		app.VendorEnneo:    enneosim.Options{Contracts: o.EnneoContracts, Broken: o.EnneoBroken},
		app.VendorEpilot:   epilotsim.Options{Meters: o.EpilotMeters, From: o.EpilotFrom, To: o.EpilotTo, MaxDays: o.EpilotMaxDays},
		app.VendorProsumer: prosumersim.Options{Customers: o.ProsumerCustomers},
		app.VendorOtark:    otarksim.Options{Contracts: o.OtarkContracts},
		app.VendorPodero:   poderosim.Options{Users: o.PoderoUsers},
	}
	u := &Upstream{token: o.Token, mux: http.NewServeMux(), customers: slices.Clone(simcust.Demo)}
	var ds []registry.Descriptor
	for _, d := range registry.All() {
		if d.Sim != nil {
			ds = append(ds, d)
		}
	}
	// Stable: the order of the registry otherwise.
	slices.SortStableFunc(ds, func(a, b registry.Descriptor) int {
		return cmp.Compare(btoi(!a.Sim.Meters), btoi(!b.Sim.Meters))
	})
	metered := false
	for _, d := range ds {
		if !d.Sim.Meters && !metered {
			metered = true
			u.meter()
		}
		s := d.Sim.Start(registry.SimInput{Seed: o.Seed, Token: o.Token, TokenEnv: TokenEnv,
			Customers: slices.Clone(u.customers), Tune: tune[d.Name]})
		u.sims = append(u.sims, started{vendor: d.Name, sim: d.Sim, Simulator: s})
		u.mux.Handle(d.Sim.Prefix+"/", http.StripPrefix(d.Sim.Prefix, s.Handler))
	}
	u.Enneo, _ = u.Server(app.VendorEnneo).(*enneosim.Server)
	u.Epilot, _ = u.Server(app.VendorEpilot).(*epilotsim.Server)
	u.Prosumer, _ = u.Server(app.VendorProsumer).(*prosumersim.Server)
	u.Otark, _ = u.Server(app.VendorOtark).(*otarksim.Server)
	u.Podero, _ = u.Server(app.VendorPodero).(*poderosim.Server)
	return u
}

// meter sets the metered customers' yearly consumption to what the
// simulators that Meters serve.
func (u *Upstream) meter() {
	kwh := 0
	for _, s := range u.sims {
		kwh += s.MeteredKWh
	}
	if kwh == 0 {
		return
	}
	for k := range u.customers {
		if u.customers[k].Metered {
			u.customers[k].AnnualKWh = kwh
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Server is vendor v's simulator (*enneosim.Server, ...); nil when v has
// none.
func (u *Upstream) Server(v app.Vendor) any {
	for _, s := range u.sims {
		if s.vendor == v {
			return s.Handler
		}
	}
	return nil
}

// Token is the bearer token the simulated vendors accept.
func (u *Upstream) Token() string { return u.token }

// Env is the environment the sources file of SourcesTOML reads its
// credentials from. None of it is secret: it opens only the simulators.
func (u *Upstream) Env() map[string]string {
	env := map[string]string{TokenEnv: u.token}
	for _, s := range u.sims {
		maps.Copy(env, s.Env)
	}
	return env
}

func (u *Upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.mux.ServeHTTP(w, r) }

// Listen opens a loopback listener: addr "" picks a free port.
func Listen(addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("address %s is not on loopback: the simulator only serves this machine", addr)
	}
	return net.Listen("tcp", addr)
}

// SourcesTOML is a sources file that syncs every simulated vendor served at
// baseURL (e.g. http://127.0.0.1:8091), with the token in TokenEnv: each
// vendor's [[source]] table as its simulator writes it, then the demo
// customers linked across them.
func (u *Upstream) SourcesTOML(baseURL string) string {
	var b strings.Builder
	b.WriteString("# Sources of the simulated vendors (wattfolio sim). The token is read from\n")
	fmt.Fprintf(&b, "# the environment: export %s=%s\n", TokenEnv, u.token)
	base := strings.TrimRight(baseURL, "/")
	for _, s := range u.ordered(tableOrder) {
		b.WriteString("\n" + s.Source(sourceName(s.vendor), base+s.sim.Prefix))
	}
	u.writeCustomers(&b)
	return b.String()
}

// tableOrder and idsOrder are the orders the generated file has always
// listed the five vendors' tables and a customer's ids in; vendors
// registered since follow in the registry's order.
var (
	tableOrder = []app.Vendor{app.VendorEnneo, app.VendorEpilot, app.VendorProsumer, app.VendorOtark, app.VendorPodero}
	idsOrder   = []app.Vendor{app.VendorEnneo, app.VendorProsumer, app.VendorOtark, app.VendorPodero, app.VendorEpilot}
)

// ordered is the simulators with the vendors of order first, in its order.
func (u *Upstream) ordered(order []app.Vendor) []started {
	out := slices.Clone(u.sims)
	rank := func(s started) int {
		if i := slices.Index(order, s.vendor); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(out, func(a, b started) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

// sourceName is the generated file's source of vendor v.
func sourceName(v app.Vendor) string { return "demo-" + string(v) }

// Customer is a demo customer as the sources file links it.
type Customer struct {
	simcust.Customer
	// IDs are its ids by source name; a vendor it has nothing at is absent.
	IDs map[string]string
}

// Customers are the demo's own customers with their ids at each simulated
// vendor, as each simulator links them: the enneo customer holding their
// contracts, the Podero user, a prosumer customer of the same kind
// (business or household), the otark buyer of their name, and for the
// metered one the epilot portal user.
func (u *Upstream) Customers() []Customer {
	out := make([]Customer, len(u.customers))
	for k, c := range u.customers {
		ids := map[string]string{}
		for _, s := range u.sims {
			if k < len(s.CustomerIDs) && s.CustomerIDs[k] != "" {
				ids[sourceName(s.vendor)] = s.CustomerIDs[k]
			}
		}
		out[k] = Customer{Customer: c, IDs: ids}
	}
	return out
}

// writeCustomers appends a [[customer]] block per demo customer, with the
// standard load profile that prices them where there is no meter data.
func (u *Upstream) writeCustomers(b *strings.Builder) {
	order := u.ordered(idsOrder)
	for _, c := range u.Customers() {
		fmt.Fprintf(b, "\n[[customer]]\nname = %s\nprofile = %q\nids = {", simtoml.String(c.Name), c.Segment.Profile())
		sep := " "
		for _, s := range order {
			if id, ok := c.IDs[sourceName(s.vendor)]; ok {
				fmt.Fprintf(b, "%s%s = [%s]", sep, sourceName(s.vendor), simtoml.String(id))
				sep = ", "
			}
		}
		b.WriteString(" }\n")
	}
}
