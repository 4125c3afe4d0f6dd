package web

import (
	"wattfolio/app"
	"wattfolio/frontend/views"
	"wattfolio/sync/sources"
)

// The Sources pages' twins: the sources file as the app reads it. A
// credential is named by its environment variable or keyring entry, never
// given: the file holds no secret and neither does its twin.

type sourcesDoc struct {
	Path      string        `json:"path"`
	Keyring   bool          `json:"keyring"`
	FileError string        `json:"file_error,omitempty"`
	Sources   []entryDoc    `json:"sources"`
	Customers []customerCfg `json:"customers"`
}

type entryDoc struct {
	Name                string     `json:"name"`
	Vendor              app.Vendor `json:"vendor"`
	BaseURL             string     `json:"base_url"`
	IDs                 []string   `json:"ids"`
	CustomerID          string     `json:"customer_id,omitempty"`
	OrgID               string     `json:"org_id,omitempty"`
	TokenURL            string     `json:"token_url,omitempty"`
	TokenEnv            string     `json:"token_env,omitempty"`
	TokenKeyring        string     `json:"token_keyring,omitempty"`
	ClientIDEnv         string     `json:"client_id_env,omitempty"`
	ClientIDKeyring     string     `json:"client_id_keyring,omitempty"`
	ClientSecretEnv     string     `json:"client_secret_env,omitempty"`
	ClientSecretKeyring string     `json:"client_secret_keyring,omitempty"`
}

// customerCfg is a [[customer]] block: the customer's ids at each source.
type customerCfg struct {
	Name    string           `json:"name"`
	Profile string           `json:"profile"`
	IDs     []accountLinkDoc `json:"ids"`
}

func entryDocOf(e sources.Entry) entryDoc {
	d := entryDoc{Name: e.Name, Vendor: e.Kind, BaseURL: e.BaseURL, IDs: e.IDs, CustomerID: e.CustomerID, OrgID: e.OrgID,
		TokenURL: e.TokenURL, TokenEnv: e.TokenEnv, TokenKeyring: e.TokenKeyring, ClientIDEnv: e.ClientIDEnv,
		ClientIDKeyring: e.ClientIDKeyring, ClientSecretEnv: e.ClientSecretEnv, ClientSecretKeyring: e.ClientSecretKeyring}
	if d.IDs == nil {
		d.IDs = []string{}
	}
	return d
}

func sourcesDocOf(m views.SourcesList) sourcesDoc {
	return sourcesDoc{Path: m.Setup.Path, Keyring: m.Setup.Keyring, FileError: m.FileErr,
		Sources: docsOf(m.Setup.Sources, entryDocOf),
		Customers: docsOf(m.Setup.Customers, func(c sources.Customer) customerCfg {
			return customerCfg{Name: c.Name, Profile: c.Profile, IDs: docsOf(c.IDs, func(id sources.CustomerID) accountLinkDoc {
				return accountLinkDoc{Source: id.Source, ExternalID: id.ExternalID}
			})}
		})}
}

// sourceKindsDoc is the first step of adding a source: the vendors.
type sourceKindsDoc struct {
	Vendors []app.Vendor `json:"vendors"`
}

// sourceFormDoc is the add or edit form of a source: its values as the
// form shows them, without any typed credential.
type sourceFormDoc struct {
	Old     string            `json:"old"`
	Vendor  app.Vendor        `json:"vendor"`
	Values  map[string]string `json:"values"`
	Errors  []string          `json:"errors"`
	Keyring bool              `json:"keyring"`
	Test    *connectionDoc    `json:"test,omitempty"`
}

type connectionDoc struct {
	Outcome   app.ConnectionOutcome `json:"outcome"`
	Contracts int                   `json:"contracts"`
	Detail    string                `json:"detail"`
}

func sourceFormDocOf(m views.SourceForm) sourceFormDoc {
	d := sourceFormDoc{Old: m.Old, Vendor: m.Kind, Values: map[string]string{}, Errors: m.Errors, Keyring: m.Keyring}
	for k, v := range m.V {
		if k != "token" && k != "client_id" && k != "client_secret" {
			d.Values[k] = v
		}
	}
	if d.Errors == nil {
		d.Errors = []string{}
	}
	if t := m.Test; t != nil {
		d.Test = &connectionDoc{Outcome: t.Outcome, Contracts: t.Contracts, Detail: t.Detail}
	}
	return d
}

type customerFormDoc struct {
	Old     string            `json:"old"`
	Name    string            `json:"name"`
	Profile string            `json:"profile"`
	IDs     map[string]string `json:"ids"`
	Errors  []string          `json:"errors"`
}

func customerFormDocOf(m views.CustomerForm) customerFormDoc {
	d := customerFormDoc{Old: m.Old, Name: m.Name, Profile: m.Profile, IDs: m.IDs, Errors: m.Errors}
	if d.IDs == nil {
		d.IDs = map[string]string{}
	}
	if d.Errors == nil {
		d.Errors = []string{}
	}
	return d
}

type demoDoc struct {
	Running bool   `json:"running"`
	Ready   bool   `json:"ready"`
	Error   string `json:"error,omitempty"`
}
