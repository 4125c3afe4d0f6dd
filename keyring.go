package main

import (
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"

	"wattfolio/sync/sources"
)

// The credentials typed into the app live in the OS keyring (the Secret
// Service on Linux, the Keychain on macOS, the Credential Manager on
// Windows), never in a file or the cache: the sources file names the entry.

// errNoKeyring says the OS keyring cannot be used here (no Secret Service
// running, a locked or missing collection).
var errNoKeyring = sources.ErrNoKeyring

// keyringGet reads the entry user of sources.KeyringService.
func keyringGet(user string) (string, error) {
	v, err := keyring.Get(sources.KeyringService, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", fmt.Errorf("the keyring has no such entry; enter the credential again on the Sources page")
	}
	return v, err
}

// keyringSet stores secret under user; errNoKeyring wraps any failure, whose
// own message (from D-Bus, say) is kept for the log.
func keyringSet(user, secret string) error {
	if err := keyring.Set(sources.KeyringService, user, secret); err != nil {
		return fmt.Errorf("%w: %v", errNoKeyring, err)
	}
	return nil
}

// keyringDelete removes user's entry; a missing one is no error.
func keyringDelete(user string) error {
	err := keyring.Delete(sources.KeyringService, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}
