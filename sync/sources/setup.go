package sources

import "errors"

// Setup is the sources file as the app's Sources page shows it.
type Setup struct {
	// Path is the file the app reads and writes.
	Path      string
	Sources   []Entry
	Customers []Customer
	// Keyring is true when the OS keyring can hold the credentials typed
	// into the app; without it they must come from environment variables.
	Keyring bool
}

// Credential is what the user typed for a source: its token, or Podero's
// client id and secret. An empty field keeps what the source names now.
type Credential struct {
	Token, ClientID, ClientSecret string
}

// Empty reports whether nothing was typed.
func (c Credential) Empty() bool { return c.Token == "" && c.ClientID == "" && c.ClientSecret == "" }

// ErrNoKeyring says the OS keyring cannot be used on this computer (no
// Secret Service running, say), so a typed credential cannot be kept.
var ErrNoKeyring = errors.New("no keyring is available on this computer")
