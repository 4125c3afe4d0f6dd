// Package simulate composes the simulated vendor upstreams behind one
// loopback server, for the demo, the end-to-end tests and the benchmarks.
// Each vendor is mounted under its own path prefix, so connectors are always
// exercised with a non-empty base path.
package simulate

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"wattfolio/sync/vendors/enneo/enneosim"
)

// Options sizes and seeds the simulated vendors.
type Options struct {
	Seed           uint64
	EnneoContracts int    // default 300
	Token          string // the bearer token every simulated vendor accepts
	EnneoBroken    []string
}

// EnneoPrefix is where the simulated enneo tenant is mounted.
const EnneoPrefix = "/enneo/api/mind"

// TokenEnv is the environment variable the generated sources file names.
const TokenEnv = "WATTFOLIO_SIM_TOKEN"

// DefaultToken is the simulated vendors' token unless Options says otherwise.
const DefaultToken = "sim-token-not-a-secret"

// Upstream is the set of simulated vendors.
type Upstream struct {
	Enneo *enneosim.Server
	token string
	mux   *http.ServeMux
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
	return u
}

// Token is the bearer token the simulated vendors accept.
func (u *Upstream) Token() string { return u.token }

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
	return b.String()
}
