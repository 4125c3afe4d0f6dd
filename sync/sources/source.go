// Package sources reads the user's sources file: the TOML list of vendor
// sources Wattfolio syncs and, optionally, the user's own customers with the
// ids each has at those sources. It validates the whole file up front and
// reports every problem at once with its file and line, because the user
// edits this file by hand and should fix it in one go rather than one error
// per start.
//
// Secrets never live in the file: a source names the environment variable
// that holds its token (token_env), or the entry of the OS keyring the app
// stored it in (token_keyring), and Secret reads it at run time.
package sources

import (
	"fmt"
	"os"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/sync/registry"
)

// DefaultTimeout is the per-request timeout when a source sets none.
const DefaultTimeout = 30 * time.Second

// Source is one configured vendor source. Its Section is typed per vendor,
// rather than a shared bag of options, so that a connector reads only keys
// that were validated for its own kind.
type Source struct {
	// Name is unique within the file; the UI and the cache key on it.
	Name string
	// Vendor is the file's "kind" key. It is called Vendor here because
	// app.Kind means something else (retail, ppa, ...).
	Vendor app.Vendor
	// BaseURL is absolute http(s) with no trailing slash, so a connector can
	// append "/contract/1" without caring how the user typed it.
	BaseURL string
	// TokenEnv names the environment variable holding the secret. It is empty
	// for kinds authenticating with client credentials (podero) and may be
	// empty for prosumer, whose API documents no authentication.
	TokenEnv string
	// TokenKeyring names the OS keyring entry (service KeyringService)
	// holding the secret, as the app stores a credential typed into it.
	// At most one of TokenEnv and TokenKeyring is set.
	TokenKeyring string
	// Timeout bounds each request; DefaultTimeout when not set.
	Timeout time.Duration
	// MaxRequestsPerMinute is the most requests the source sends in any
	// minute, counting retries, fan-out and token requests; 0 is no limit of
	// the user's (otark keeps its published budget regardless).
	MaxRequestsPerMinute int

	// Section is the kind's own keys, decoded by its registry.Descriptor
	// (*enneo.Section for enneo, ...); nil when the kind is unknown.
	Section registry.Section
}

// KeyringService is the OS keyring service under which Wattfolio keeps the
// credentials typed into the app; the sources file names each entry's user.
const KeyringService = "wattfolio"

// Lookup reads the secrets a source names.
type Lookup struct {
	// Getenv reads an environment variable; os.Getenv when nil.
	Getenv func(string) string
	// Keyring reads the entry of KeyringService named user; nil when there
	// is no keyring, and a source naming one is then an error.
	Keyring func(user string) (string, error)
}

// HasToken reports whether the source names a token, in the environment
// or the keyring.
func (s Source) HasToken() bool { return s.TokenEnv != "" || s.TokenKeyring != "" }

// Secret returns the token from the environment variable or the keyring
// entry the source names, with surrounding white space removed (a value
// exported from a file often ends in a newline). The error names the
// source and the variable or entry, never the value.
func (s Source) Secret(l Lookup) (string, error) {
	switch {
	case s.TokenKeyring != "":
		return l.fromKeyring(s.Name, "token_keyring", s.TokenKeyring)
	case s.TokenEnv != "":
		return fromEnv(s.Name, "token_env", s.TokenEnv, l.Getenv)
	}
	return "", fmt.Errorf("source %q: no token_env or token_keyring is configured", s.Name)
}

func (l Lookup) fromKeyring(source, key, user string) (string, error) {
	if l.Keyring == nil {
		return "", fmt.Errorf("source %q: %s names the keyring entry %q, but this computer has no keyring Wattfolio can use; name an environment variable with token_env instead", source, key, user)
	}
	v, err := l.Keyring(user)
	if err != nil {
		return "", fmt.Errorf("source %q: keyring entry %q (named by %s): %w", source, user, key, err)
	}
	if v = strings.TrimSpace(v); v == "" {
		return "", fmt.Errorf("source %q: keyring entry %q (named by %s) is empty", source, user, key)
	}
	return v, nil
}

func fromEnv(source, key, name string, getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return "", fmt.Errorf("source %q: environment variable %s (named by %s) is not set or empty", source, name, key)
	}
	return v, nil
}

// Secrets is the source's credentials as its connector reads them.
func (s Source) Secrets(l Lookup) registry.Secrets { return secrets{s, l} }

type secrets struct {
	s Source
	l Lookup
}

func (c secrets) HasToken() bool         { return c.s.HasToken() }
func (c secrets) Token() (string, error) { return c.s.Secret(c.l) }
func (c secrets) Credential(key, env, entry string) (string, error) {
	return c.l.either(c.s.Name, key, env, entry)
}

// either reads key_keyring's entry when set, else key_env's variable.
func (l Lookup) either(source, key, env, entry string) (string, error) {
	if entry != "" {
		return l.fromKeyring(source, key+"_keyring", entry)
	}
	return fromEnv(source, key+"_env", env, l.Getenv)
}
