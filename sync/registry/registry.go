// Package registry is the vendor registry: one Descriptor per vendor says
// what the sources file accepts for it, how its connector is built and how
// the app shows it. The sources parser, the sync command and the views read
// the descriptors instead of switching on the vendor, so adding a vendor is
// its own package (which declares a Descriptor) plus one line in the list of
// sync/vendors.
//
// The package is a leaf: it knows the engine's Connector and the app's
// plain vendor data, never a vendor package, so that each vendor package can
// import it to declare itself.
package registry

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/sync/engine"
)

// Descriptor is one vendor.
type Descriptor struct {
	// Info is what the views show of the vendor; its Name is the sources
	// file's kind.
	vendor.Info
	// Keys are the vendor's own keys of a [[source]] table, besides the
	// common ones; a key no kind lists is reported as unknown on its line,
	// and another kind's key as belonging to that kind.
	Keys []string
	// Budget is the vendor's published request budget per minute and
	// credential, which max_requests_per_minute may lower but not raise;
	// 0 when it publishes none.
	Budget int
	// Decode reads the vendor's keys of one [[source]] table. It reports
	// each problem through r, on the key's line, and returns the section
	// as far as it is valid.
	Decode func(r Reader) Section
	// New builds the connector of a validated source.
	New func(c Config) (engine.Connector, error)
	// Sim is the vendor's simulator; nil when it has none.
	Sim *Sim
}

// Reader reads one [[source]] table's keys for a Descriptor's Decode. Each
// method marks its key as read and reports a problem on the key's line
// (a missing required key on the table's header line); a key no method
// reads is reported as unknown.
type Reader interface {
	// Str reads a string; "" when absent or wrong.
	Str(key string, required bool) string
	// OneOf reads an optional string that must be one of allowed; def
	// when absent or wrong.
	OneOf(key, def string, allowed ...string) string
	// IDs reads a list of ids written as integers or strings; check
	// returns each id's canonical form (PositiveID, AnyID) or an error.
	// example completes the hint for a missing required list.
	IDs(key, example string, required bool, check func(string) (string, error)) []string
	// Instant reads a TOML date or date-time, or a string holding one,
	// as UTC when it has no offset.
	Instant(key string) time.Time
	// URL reads an absolute http(s) URL.
	URL(key string, required bool) string
	// Credential reads the pair key_env / key_keyring, exactly one of
	// which must be set.
	Credential(key string) (env, entry string)
	// Errorf reports a problem with key on the key's line; m is an
	// English message (app.Msgf) the app's forms translate.
	Errorf(key string, m app.Msg)
}

// Section is a vendor's own part of a [[source]] table, as its Decode
// returns it (a pointer to the vendor's typed struct).
type Section interface {
	// FormFields are the values the app's source form edits.
	FormFields() Fields
}

// Fields are the source form's vendor-specific values (see
// vendor.Info.Fields); a kind sets the ones it has.
type Fields struct {
	IDs                                  []string
	CustomerID                           string
	OrgID, TokenURL                      string
	ClientIDEnv, ClientIDKeyring         string
	ClientSecretEnv, ClientSecretKeyring string
}

// Config is what New gets: the validated source and the means to reach it.
type Config struct {
	Source  string // the source's name, for errors
	BaseURL string
	// RequestsPerMinute is max_requests_per_minute; 0 is no limit of the
	// user's (a vendor with a Budget keeps it then).
	RequestsPerMinute int
	Section           Section
	HTTPClient        *http.Client
	Secrets           Secrets
}

// Secrets reads a source's credentials at run time; errors name the source
// and the variable or keyring entry, never the value.
type Secrets interface {
	// HasToken reports whether the source names a token.
	HasToken() bool
	// Token reads the token named by token_env or token_keyring.
	Token() (string, error)
	// Credential reads a section's own secret: the keyring entry when
	// entry is set, else the environment variable env; key ("client_id")
	// names the pair in errors.
	Credential(key, env, entry string) (string, error)
}

var (
	mu   sync.RWMutex
	list []Descriptor
)

// Register adds vendors in the order given (the order the sources file's
// messages list them in) and their Info for the views. A descriptor with a
// registered name replaces it.
func Register(ds ...Descriptor) {
	mu.Lock()
	defer mu.Unlock()
	for _, d := range ds {
		if d.Name == "" || d.Decode == nil || d.New == nil {
			panic(fmt.Sprintf("registry: descriptor %q lacks a name, Decode or New", d.Name))
		}
		if i := slices.IndexFunc(list, func(o Descriptor) bool { return o.Name == d.Name }); i >= 0 {
			list[i] = d
		} else {
			list = append(list, d)
		}
		vendor.Register(d.Info)
	}
}

// Unregister removes vendor v; for tests that register a vendor of their
// own and must leave the list as they found it.
func Unregister(v app.Vendor) {
	mu.Lock()
	defer mu.Unlock()
	list = slices.DeleteFunc(list, func(o Descriptor) bool { return o.Name == v })
	vendor.Unregister(v)
}

// Lookup returns the descriptor of vendor v.
func Lookup(v app.Vendor) (Descriptor, bool) {
	mu.RLock()
	defer mu.RUnlock()
	for _, d := range list {
		if d.Name == v {
			return d, true
		}
	}
	return Descriptor{}, false
}

// All returns every registered descriptor in registration order.
func All() []Descriptor {
	mu.RLock()
	defer mu.RUnlock()
	return slices.Clone(list)
}

// PositiveID is an IDs check for positive integer ids; it returns the id
// without leading zeros. Its errors are app.Msg values, so that the forms
// translate them.
func PositiveID(s string) (string, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strings.HasPrefix(s, "+") {
		return "", app.Msgf("%q is not an integer id", s)
	}
	if n <= 0 {
		return "", app.Msgf("%d is not a positive id", n)
	}
	return strconv.FormatInt(n, 10), nil
}

// AnyID is an IDs check for opaque string ids.
func AnyID(s string) (string, error) {
	if strings.TrimSpace(s) != s {
		return "", app.Msgf("%q has leading or trailing spaces", s)
	}
	return s, nil
}
