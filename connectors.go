package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/sources"
	"wattfolio/sync/vendors/enneo"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/otark"
	"wattfolio/sync/vendors/podero"
	"wattfolio/sync/vendors/prosumer"
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
	switch s.Vendor {
	case app.VendorEnneo:
		token, err := s.Secret(look)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(s.Enneo.ContractIDs))
		for i, id := range s.Enneo.ContractIDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		return enneo.New(enneo.Config{
			Source:            s.Name,
			BaseURL:           s.BaseURL,
			Token:             token,
			ContractIDs:       ids,
			HTTPClient:        client,
			RequestsPerMinute: s.MaxRequestsPerMinute,
			WorkingPriceUnit:  string(s.Enneo.WorkingPriceUnit),
			BasePriceUnit:     string(s.Enneo.BasePriceUnit),
		})
	case app.VendorEpilot:
		token, err := s.Secret(look)
		if err != nil {
			return nil, err
		}
		e := s.Epilot
		return epilot.New(epilot.Config{
			Source: s.Name, BaseURL: s.BaseURL, Token: token, HTTPClient: client, RequestsPerMinute: s.MaxRequestsPerMinute,
			ContractIDs: e.ContractIDs, ExtensionID: e.ExtensionID, AppID: e.AppID, CustomerID: e.CustomerID,
		})
	case app.VendorProsumer:
		// The prosumer API documents no authentication: a token is optional.
		var token string
		if s.HasToken() {
			t, err := s.Secret(look)
			if err != nil {
				return nil, err
			}
			token = t
		}
		return prosumer.New(prosumer.Config{
			Source: s.Name, BaseURL: s.BaseURL, Token: token, CustomerIDs: s.Prosumer.CustomerIDs, HTTPClient: client,
			RequestsPerMinute: s.MaxRequestsPerMinute,
		})
	case app.VendorOtark:
		key, err := s.Secret(look)
		if err != nil {
			return nil, err
		}
		o := s.Otark
		perMinute := s.MaxRequestsPerMinute
		if perMinute == 0 {
			perMinute = otark.PublishedBudget
		}
		return otark.New(otark.Config{
			Source: s.Name, BaseURL: s.BaseURL, APIKey: key, HTTPClient: client, RequestsPerMinute: perMinute,
			Status: o.Status, Type: o.Type, EIC: o.EIC,
			DeliveryStart: o.DeliveryStart, DeliveryEnd: o.DeliveryEnd, ActiveOn: o.ActiveOn,
		})
	case app.VendorPodero:
		id, secret, err := s.ClientCredentials(look)
		if err != nil {
			return nil, err
		}
		p := s.Podero
		return podero.New(podero.Config{
			Source: s.Name, BaseURL: s.BaseURL, TokenURL: p.TokenURL, ClientID: id, ClientSecret: secret,
			OrgID: p.OrgID, UserIDs: p.UserIDs, HTTPClient: client, RequestsPerMinute: s.MaxRequestsPerMinute,
		})
	default:
		return nil, fmt.Errorf("source %q: kind %s has no connector in this version of Wattfolio yet", s.Name, s.Vendor)
	}
}

// secretLookup reads secrets from this process's environment and the OS
// keyring (see keyringGet).
func secretLookup() sources.Lookup {
	return sources.Lookup{Getenv: os.Getenv, Keyring: keyringGet}
}
