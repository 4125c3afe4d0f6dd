// Package vendor is what the app shows of each vendor platform: plain data
// the views and handlers read, with no connector behind it. Each vendor
// package declares its Info in its sync descriptor (see sync/registry), and
// registering that descriptor registers the Info here, so a page never
// names a vendor in a switch.
package vendor

import (
	"slices"
	"sync"

	"wattfolio/app"
)

// Auth is how a kind of source authenticates.
type Auth int

const (
	// TokenRequired sources name a token with token_env or token_keyring.
	TokenRequired Auth = iota
	// TokenOptional sources may name one (prosumer documents none).
	TokenOptional
	// ClientCredentials sources name an OAuth 2.0 client id and secret
	// instead of a token.
	ClientCredentials
)

// Layout is how the customer page tabulates a vendor's contracts.
type Layout string

const (
	Retail   Layout = ""         // supply contracts: product, prices, term
	Prosumer Layout = "prosumer" // energy, service and flexibility contracts
	Trading  Layout = "trading"  // PPAs and trades
	Partner  Layout = "partner"  // a partner's energy contracts
)

// Info describes a vendor to people. The strings marked as messages are
// English message ids of the UI catalogue (German in frontend/views).
type Info struct {
	// Name is the sources file's kind and the cache's vendor column.
	Name app.Vendor
	// Label names the platform in the UI ("Podero").
	Label string
	// Area is a message saying what its contracts are ("retail supply").
	Area string
	// Layout is the customer page's table for its contracts.
	Layout Layout
	// CustomerID is a message naming a customer's id there; "" is
	// "Customer ID".
	CustomerID string
	// Auth is how its sources authenticate.
	Auth Auth
	// IDsKey is the sources-file key of the ids in scope ("contract_ids");
	// "" when a source of the kind names none.
	IDsKey string
	// IDsLabel is a message labelling IDsKey in the source form.
	IDsLabel string
	// Fields are the source form's fields beyond the common ones and the
	// ids ("customer_id"; podero's "org_id", "token_url", ...).
	Fields []string
}

var (
	mu    sync.RWMutex
	infos []Info
)

// Register adds or replaces the vendors' Info, in the order given; the
// registry calls it for each descriptor it registers.
func Register(list ...Info) {
	mu.Lock()
	defer mu.Unlock()
	for _, in := range list {
		if i := slices.IndexFunc(infos, func(o Info) bool { return o.Name == in.Name }); i >= 0 {
			infos[i] = in
			continue
		}
		infos = append(infos, in)
	}
}

// All is every registered vendor in registration order.
func All() []Info {
	mu.RLock()
	defer mu.RUnlock()
	return slices.Clone(infos)
}

// Names are the registered vendors' names in registration order.
func Names() []app.Vendor {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]app.Vendor, len(infos))
	for i, in := range infos {
		out[i] = in.Name
	}
	return out
}

// Lookup returns v's Info and whether v is registered.
func Lookup(v app.Vendor) (Info, bool) {
	mu.RLock()
	defer mu.RUnlock()
	for _, in := range infos {
		if in.Name == v {
			return in, true
		}
	}
	return Info{}, false
}

// Of returns v's Info; an unknown vendor (a cache written by another
// version) is labelled with its name.
func Of(v app.Vendor) Info {
	if in, ok := Lookup(v); ok {
		return in
	}
	return Info{Name: v, Label: string(v)}
}

// N marks msg as a message of the UI catalogue, so that the catalogue's
// test finds it and asks for its German; the views translate it.
func N(msg string) string { return msg }

// Unregister removes vendor v; for tests that register a vendor of their own.
func Unregister(v app.Vendor) {
	mu.Lock()
	defer mu.Unlock()
	infos = slices.DeleteFunc(infos, func(o Info) bool { return o.Name == v })
}
