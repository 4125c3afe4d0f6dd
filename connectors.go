package main

import (
	"fmt"
	"net/http"
	"os"

	"wattfolio/sync/engine"
	"wattfolio/sync/registry"
	"wattfolio/sync/sources"
	_ "wattfolio/sync/vendors" // registers the vendors this build syncs
)

// connect builds the engine's view of each configured source: its connector,
// with credentials read from the environment or the keyring now, so a missing variable is
// reported before anything is fetched.
func connect(srcs []sources.Source, look sources.Lookup) ([]engine.Source, error) {
	out := make([]engine.Source, 0, len(srcs))
	for _, s := range srcs {
		conn, err := connector(s, look)
		if err != nil {
			return nil, err
		}
		out = append(out, engine.Source{Name: s.Name, Vendor: s.Vendor, BaseURL: s.BaseURL, Connector: conn})
	}
	return out, nil
}

func connector(s sources.Source, look sources.Lookup) (engine.Connector, error) {
	// Connectors fetch in parallel (the epilot one up to 8 windows at
	// once); the default transport keeps only two idle connections per
	// host and would reconnect for the others on every request.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 16
	client := &http.Client{Timeout: s.Timeout, Transport: transport}
	d, ok := registry.Lookup(s.Vendor)
	if !ok {
		return nil, fmt.Errorf("source %q: kind %s has no connector in this version of Wattfolio yet", s.Name, s.Vendor)
	}
	return d.New(registry.Config{
		Source: s.Name, BaseURL: s.BaseURL, RequestsPerMinute: s.MaxRequestsPerMinute,
		Section: s.Section, HTTPClient: client, Secrets: s.Secrets(look),
	})
}

// secretLookup reads secrets from this process's environment and the OS
// keyring (see keyringGet).
func secretLookup() sources.Lookup {
	return sources.Lookup{Getenv: os.Getenv, Keyring: keyringGet}
}
