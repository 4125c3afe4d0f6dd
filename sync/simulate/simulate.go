// Package simulate composes the simulated vendor upstreams behind one
// loopback server, for the demo, the end-to-end tests and the benchmarks.
// Each vendor is mounted under its own path prefix, so connectors are always
// exercised with a non-empty base path.
package simulate

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"wattfolio/internal/simcust"
	"wattfolio/internal/simtoml"
	"wattfolio/sync/vendors/enneo/enneosim"
	"wattfolio/sync/vendors/epilot/epilotsim"
	"wattfolio/sync/vendors/otark/otarksim"
	"wattfolio/sync/vendors/podero/poderosim"
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

// EnneoPrefix is where the simulated enneo tenant is mounted.
const EnneoPrefix = "/enneo/api/mind"

// EpilotCustomer is the simulated epilot portal user's customer id.
const EpilotCustomer = "portal-user"

// EpilotPrefix is where the simulated epilot portal API is mounted.
const EpilotPrefix = "/epilot/portal-api"

// ProsumerPrefix and OtarkPrefix are where those simulators are mounted.
const (
	ProsumerPrefix = "/prosumer"
	OtarkPrefix    = "/otark"
	PoderoPrefix   = "/podero"
)

// ClientIDEnv names the variable with the simulated Podero's OAuth client
// id; its client secret is the token in TokenEnv.
const ClientIDEnv = "WATTFOLIO_SIM_CLIENT_ID"

// simClientID is the simulated Podero's OAuth client id.
const simClientID = "wattfolio-demo"

// TokenEnv is the environment variable the generated sources file names.
const TokenEnv = "WATTFOLIO_SIM_TOKEN"

// DefaultToken is the simulated vendors' token unless Options says otherwise.
const DefaultToken = "sim-token-not-a-secret"

// Upstream is the set of simulated vendors.
type Upstream struct {
	Enneo    *enneosim.Server
	Epilot   *epilotsim.Server
	Prosumer *prosumersim.Server
	Otark    *otarksim.Server
	Podero   *poderosim.Server
	// customers are the demo's own customers, as the simulators have them.
	customers []simcust.Customer
	token     string
	mux       *http.ServeMux
}

// New builds the simulated vendors; the same options give the same data.
func New(o Options) *Upstream {
	if o.Token == "" {
		o.Token = DefaultToken
	}
	u := &Upstream{token: o.Token, mux: http.NewServeMux()}
	u.Epilot = epilotsim.New(epilotsim.Options{Seed: o.Seed, Meters: o.EpilotMeters, Token: o.Token, From: o.EpilotFrom, To: o.EpilotTo, MaxDays: o.EpilotMaxDays,
		Business: simcust.Demo[0].Segment.Net()})
	u.mux.Handle(EpilotPrefix+"/", http.StripPrefix(EpilotPrefix, u.Epilot))
	u.customers = slices.Clone(simcust.Demo)
	// The portal user's supply contract at enneo covers all their meters.
	u.customers[0].AnnualKWh = u.Epilot.AnnualKWh()
	u.Enneo = enneosim.New(enneosim.Options{Seed: o.Seed, Contracts: o.EnneoContracts, Token: o.Token, Broken: o.EnneoBroken, Customers: u.customers})
	u.mux.Handle(EnneoPrefix+"/", http.StripPrefix(EnneoPrefix, u.Enneo))
	u.Prosumer = prosumersim.New(prosumersim.Options{Seed: o.Seed, Customers: o.ProsumerCustomers, Token: o.Token})
	u.mux.Handle(ProsumerPrefix+"/", http.StripPrefix(ProsumerPrefix, u.Prosumer))
	u.Otark = otarksim.New(otarksim.Options{Seed: o.Seed, Contracts: o.OtarkContracts, APIKey: o.Token})
	u.mux.Handle(OtarkPrefix+"/", http.StripPrefix(OtarkPrefix, u.Otark))
	u.Podero = poderosim.New(poderosim.Options{Seed: o.Seed, Users: o.PoderoUsers, ClientID: simClientID, ClientSecret: o.Token, Customers: u.customers})
	u.mux.Handle(PoderoPrefix+"/", http.StripPrefix(PoderoPrefix, u.Podero))
	return u
}

// Token is the bearer token the simulated vendors accept.
func (u *Upstream) Token() string { return u.token }

// Env is the environment the sources file of SourcesTOML reads its
// credentials from. None of it is secret: it opens only the simulators.
func (u *Upstream) Env() map[string]string {
	return map[string]string{TokenEnv: u.token, ClientIDEnv: simClientID}
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
// baseURL (e.g. http://127.0.0.1:8091), with the token in TokenEnv.
func (u *Upstream) SourcesTOML(baseURL string) string {
	var b strings.Builder
	b.WriteString("# Sources of the simulated vendors (wattfolio sim). The token is read from\n")
	fmt.Fprintf(&b, "# the environment: export %s=%s\n\n", TokenEnv, u.token)
	b.WriteString("[[source]]\nname = \"demo-enneo\"\nkind = \"enneo\"\n")
	fmt.Fprintf(&b, "base_url = %q\n", strings.TrimRight(baseURL, "/")+EnneoPrefix)
	fmt.Fprintf(&b, "token_env = %q\n", TokenEnv)
	b.WriteString("contract_ids = [")
	for i, id := range u.Enneo.IDs() {
		if i > 0 {
			b.WriteString(", ")
		}
		if i%10 == 0 {
			b.WriteString("\n  ")
		}
		b.WriteString(id)
	}
	b.WriteString(",\n]\n")
	b.WriteString("\n[[source]]\nname = \"demo-epilot\"\nkind = \"epilot\"\n")
	fmt.Fprintf(&b, "customer_id = %q\n", EpilotCustomer)
	fmt.Fprintf(&b, "base_url = %q\n", strings.TrimRight(baseURL, "/")+EpilotPrefix)
	fmt.Fprintf(&b, "token_env = %q\n", TokenEnv)
	b.WriteString("timeout = \"60s\"\n")
	base := strings.TrimRight(baseURL, "/")
	b.WriteString("\n" + u.Prosumer.SourceTOML("demo-prosumer", base+ProsumerPrefix, TokenEnv))
	b.WriteString("\n" + u.Otark.SourceTOML("demo-otark", base+OtarkPrefix, TokenEnv))
	b.WriteString("\n" + u.Podero.SourceTOML("demo-podero", base+PoderoPrefix, ClientIDEnv, TokenEnv))
	u.writeCustomers(&b)
	return b.String()
}

// Customer is a demo customer as the sources file links it.
type Customer struct {
	simcust.Customer
	// IDs are its ids by source name; a vendor it has nothing at is absent.
	IDs map[string]string
}

// Customers are the demo's own customers with their ids at each simulated
// vendor: the enneo customer holding their contracts, the Podero user, a
// prosumer customer of the same kind (business or household), the otark
// buyer of their name, and for the metered one the epilot portal user.
func (u *Upstream) Customers() []Customer {
	enneo := u.enneoCustomers()
	podero := u.Podero.UserIDs()
	buyers := map[string]string{}
	for _, b := range u.Otark.Buyers() {
		buyers[b.Name] = b.EIC
	}
	prosumer := u.Prosumer.CustomerIDs()
	out := make([]Customer, len(u.customers))
	for k, c := range u.customers {
		ids := map[string]string{}
		if id, ok := enneo[c.Name]; ok {
			ids["demo-enneo"] = id
		}
		for i, id := range prosumer {
			if u.Prosumer.Business(id) == c.Segment.Net() {
				ids["demo-prosumer"] = id
				prosumer = slices.Delete(prosumer, i, i+1)
				break
			}
		}
		if eic, ok := buyers[c.Name]; ok {
			ids["demo-otark"] = eic
		}
		if k < len(podero) {
			ids["demo-podero"] = podero[k]
		}
		if c.Metered {
			ids["demo-epilot"] = EpilotCustomer
		}
		out[k] = Customer{Customer: c, IDs: ids}
	}
	return out
}

// writeCustomers appends a [[customer]] block per demo customer, with the
// standard load profile that prices them where there is no meter data.
func (u *Upstream) writeCustomers(b *strings.Builder) {
	for _, c := range u.Customers() {
		fmt.Fprintf(b, "\n[[customer]]\nname = %s\nprofile = %q\nids = {", simtoml.String(c.Name), c.Segment.Profile())
		sep := " "
		for _, src := range []string{"demo-enneo", "demo-prosumer", "demo-otark", "demo-podero", "demo-epilot"} {
			if id, ok := c.IDs[src]; ok {
				fmt.Fprintf(b, "%s%s = [%s]", sep, src, simtoml.String(id))
				sep = ", "
			}
		}
		b.WriteString(" }\n")
	}
}

// enneoCustomers maps the names of the simulated enneo contract holders
// (a company's name, a person's first and last name) to their customerId;
// the first contract of a name wins.
func (u *Upstream) enneoCustomers() map[string]string {
	out := map[string]string{}
	for _, id := range u.Enneo.IDs() {
		body, _ := u.Enneo.Payload(id)
		var c struct {
			CustomerID string `json:"customerId"`
			First      string `json:"firstname"`
			Last       string `json:"lastname"`
		}
		if json.Unmarshal(body, &c) == nil && c.CustomerID != "" {
			name := strings.TrimSpace(c.First + " " + c.Last)
			if _, seen := out[name]; !seen {
				out[name] = c.CustomerID
			}
		}
	}
	return out
}
