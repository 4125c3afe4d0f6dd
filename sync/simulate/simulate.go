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
	"strings"
	"time"

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
	token    string
	mux      *http.ServeMux
}

// New builds the simulated vendors; the same options give the same data.
func New(o Options) *Upstream {
	if o.Token == "" {
		o.Token = DefaultToken
	}
	u := &Upstream{
		Enneo: enneosim.New(enneosim.Options{Seed: o.Seed, Contracts: o.EnneoContracts, Token: o.Token, Broken: o.EnneoBroken}),
		token: o.Token,
		mux:   http.NewServeMux(),
	}
	u.mux.Handle(EnneoPrefix+"/", http.StripPrefix(EnneoPrefix, u.Enneo))
	u.Epilot = epilotsim.New(epilotsim.Options{Seed: o.Seed, Meters: o.EpilotMeters, Token: o.Token, From: o.EpilotFrom, To: o.EpilotTo, MaxDays: o.EpilotMaxDays})
	u.mux.Handle(EpilotPrefix+"/", http.StripPrefix(EpilotPrefix, u.Epilot))
	u.Prosumer = prosumersim.New(prosumersim.Options{Seed: o.Seed, Customers: o.ProsumerCustomers, Token: o.Token})
	u.mux.Handle(ProsumerPrefix+"/", http.StripPrefix(ProsumerPrefix, u.Prosumer))
	u.Otark = otarksim.New(otarksim.Options{Seed: o.Seed, Contracts: o.OtarkContracts, APIKey: o.Token})
	u.mux.Handle(OtarkPrefix+"/", http.StripPrefix(OtarkPrefix, u.Otark))
	u.Podero = poderosim.New(poderosim.Options{Seed: o.Seed, Users: o.PoderoUsers, ClientID: simClientID, ClientSecret: o.Token})
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

// linkedCustomers is how many of the simulated customers are linked across
// vendors: a field manager's customer with enneo contracts, a prosumer
// portfolio, otark trades as a buyer and a Podero user, all at once.
const linkedCustomers = 12

// writeCustomers appends [[customer]] blocks that link the k-th customer of
// each simulated vendor under the name of the k-th otark buyer.
func (u *Upstream) writeCustomers(b *strings.Builder) {
	enneo := u.enneoCustomers()
	prosumer := u.Prosumer.CustomerIDs()
	podero := u.Podero.UserIDs()
	buyers := u.Otark.Buyers()
	n := min(linkedCustomers, len(enneo), len(prosumer), len(podero), len(buyers))
	for k := range n {
		fmt.Fprintf(b, "\n[[customer]]\nname = %q\n", buyers[k].Name)
		fmt.Fprintf(b, "ids = { demo-enneo = [%q], demo-prosumer = [%q], demo-otark = [%q], demo-podero = [%q]",
			enneo[k], prosumer[k], buyers[k].EIC, podero[k])
		if k == 0 {
			// The epilot portal user is the first linked customer: their
			// meters' load curves sit beside their other contracts.
			fmt.Fprintf(b, ", demo-epilot = [%q]", EpilotCustomer)
		}
		b.WriteString(" }\n")
	}
}

// enneoCustomers lists the distinct customerId values of the simulated
// enneo contracts, in contract order.
func (u *Upstream) enneoCustomers() []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range u.Enneo.IDs() {
		body, _ := u.Enneo.Payload(id)
		var c struct {
			CustomerID string `json:"customerId"`
		}
		if json.Unmarshal(body, &c) == nil && c.CustomerID != "" && !seen[c.CustomerID] {
			seen[c.CustomerID] = true
			out = append(out, c.CustomerID)
		}
	}
	return out
}
