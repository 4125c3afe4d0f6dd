package podero

import (
	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/sync/engine"
	"wattfolio/sync/registry"
)

// Descriptor registers Podero with the sources file, the sync and the
// views. Podero authenticates with OAuth 2.0 client credentials, not a
// token.
var Descriptor = registry.Descriptor{
	Info: vendor.Info{
		Name: app.VendorPodero, Label: "Podero", Area: vendor.N("partner energy"), Layout: vendor.Partner, CustomerID: vendor.N("User ID"),
		Auth: vendor.ClientCredentials, IDsKey: "user_ids", IDsLabel: vendor.N("User ids"),
		Fields: []string{"org_id", "token_url", "client_id", "client_secret", "client_id_env", "client_secret_env"},
	},
	Keys:   []string{"org_id", "user_ids", "token_url", "client_id_env", "client_secret_env", "client_id_keyring", "client_secret_keyring"},
	Decode: decode,
	New:    connect,
	Sim:    simulator,
}

// Section holds the partner organisation, its users and the OAuth 2.0
// client credentials setup. The credentials are read from the environment
// or the keyring, like every secret.
type Section struct {
	OrgID           string
	UserIDs         []string
	TokenURL        string
	ClientIDEnv     string
	ClientSecretEnv string
	// ClientIDKeyring and ClientSecretKeyring name keyring entries instead
	// of the variables; one of each pair is set.
	ClientIDKeyring     string
	ClientSecretKeyring string
}

// FormFields implements registry.Section.
func (s *Section) FormFields() registry.Fields {
	return registry.Fields{IDs: s.UserIDs, OrgID: s.OrgID, TokenURL: s.TokenURL,
		ClientIDEnv: s.ClientIDEnv, ClientIDKeyring: s.ClientIDKeyring,
		ClientSecretEnv: s.ClientSecretEnv, ClientSecretKeyring: s.ClientSecretKeyring}
}

func decode(r registry.Reader) registry.Section {
	sc := &Section{
		OrgID:   r.Str("org_id", true),
		UserIDs: r.IDs("user_ids", `["u1"]`, true, registry.AnyID),
	}
	sc.ClientIDEnv, sc.ClientIDKeyring = r.Credential("client_id")
	sc.ClientSecretEnv, sc.ClientSecretKeyring = r.Credential("client_secret")
	sc.TokenURL = r.URL("token_url", true)
	return sc
}

// ClientCredentials reads the OAuth client id and secret the section names.
func (s *Section) ClientCredentials(secrets registry.Secrets) (id, secret string, err error) {
	if id, err = secrets.Credential("client_id", s.ClientIDEnv, s.ClientIDKeyring); err != nil {
		return "", "", err
	}
	if secret, err = secrets.Credential("client_secret", s.ClientSecretEnv, s.ClientSecretKeyring); err != nil {
		return "", "", err
	}
	return id, secret, nil
}

func connect(c registry.Config) (engine.Connector, error) {
	p := c.Section.(*Section)
	id, secret, err := p.ClientCredentials(c.Secrets)
	if err != nil {
		return nil, err
	}
	return New(Config{
		Source: c.Source, BaseURL: c.BaseURL, TokenURL: p.TokenURL, ClientID: id, ClientSecret: secret,
		OrgID: p.OrgID, UserIDs: p.UserIDs, HTTPClient: c.HTTPClient, RequestsPerMinute: c.RequestsPerMinute,
	})
}
