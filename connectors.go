package main

import (
	"fmt"
	"net/http"
	"strconv"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/sources"
	"wattfolio/sync/vendors/enneo"
)

// connect builds the engine's view of each configured source: its connector,
// with credentials read from the environment now, so a missing variable is
// reported before anything is fetched.
func connect(srcs []sources.Source, getenv func(string) string) ([]engine.Source, error) {
	out := make([]engine.Source, 0, len(srcs))
	for _, s := range srcs {
		conn, err := connector(s, getenv)
		if err != nil {
			return nil, err
		}
		out = append(out, engine.Source{Name: s.Name, Vendor: s.Vendor, BaseURL: s.BaseURL, Connector: conn})
	}
	return out, nil
}

func connector(s sources.Source, getenv func(string) string) (engine.Connector, error) {
	client := &http.Client{Timeout: s.Timeout}
	switch s.Vendor {
	case app.VendorEnneo:
		token, err := s.Secret(getenv)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(s.Enneo.ContractIDs))
		for i, id := range s.Enneo.ContractIDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		return enneo.New(enneo.Config{
			Source:           s.Name,
			BaseURL:          s.BaseURL,
			Token:            token,
			ContractIDs:      ids,
			HTTPClient:       client,
			WorkingPriceUnit: string(s.Enneo.WorkingPriceUnit),
			BasePriceUnit:    string(s.Enneo.BasePriceUnit),
		})
	default:
		return nil, fmt.Errorf("source %q: kind %s has no connector in this version of Wattfolio yet", s.Name, s.Vendor)
	}
}
