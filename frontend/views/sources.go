package views

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/sync/sources"
)

// SourcesList is the Sources page: the configured sources, the customers
// linking their ids, and where the file is.
type SourcesList struct {
	Chrome
	Setup sources.Setup
	// FileErr is why the file cannot be read (it was edited by hand).
	FileErr string
	Notice  string
	CanSync bool
}

// SourceForm adds or edits one source.
type SourceForm struct {
	Chrome
	Old  string // the source edited; "" adds one
	Kind app.Vendor
	// V are the values as typed, by field name.
	V       map[string]string
	Errors  []string
	Test    *app.ConnectionTest
	Keyring bool
	// NoKeyring is set when saving failed for want of a keyring.
	NoKeyring bool
}

// CustomerForm links one customer's ids across the sources.
type CustomerForm struct {
	Chrome
	Old     string // the customer edited; "" adds one
	Name    string
	Profile string
	Sources []sources.Entry
	// IDs are the ids at each source as typed, by source name.
	IDs    map[string]string
	Errors []string
}

// DemoPage follows the demo being prepared.
type DemoPage struct {
	Chrome
	Running bool
	Ready   bool
	Err     string
}

// SourceFieldID is the form field's element id.
func SourceFieldID(name string) string { return "s-" + strings.ReplaceAll(name, "_", "-") }

// Uses reports whether the form's kind has field name.
func (m SourceForm) Uses(name string) bool {
	in := vendor.Of(m.Kind)
	switch name {
	case "ids":
		return in.IDsKey != ""
	case "token", "token_env":
		return in.Auth != vendor.ClientCredentials
	case "customer_id", "org_id", "token_url", "client_id", "client_secret", "client_id_env", "client_secret_env":
		return slices.Contains(in.Fields, name)
	}
	return true
}

// IDsLabel names the kind's ids in scope.
func (m SourceForm) IDsLabel(ctx context.Context) string {
	if l := vendor.Of(m.Kind).IDsLabel; l != "" {
		return T(ctx, l)
	}
	return ""
}

// Stored says where the source's credential is now, for the edit form.
func (m SourceForm) Stored(ctx context.Context, env, entry string) string {
	switch {
	case m.V[entry] != "":
		return T(ctx, "Stored in the keyring. Leave empty to keep it.")
	case m.V[env] != "":
		return Tf(ctx, "Read from the environment variable %s.", m.V[env])
	}
	return ""
}

// Action is where the form saves.
func (m SourceForm) Action() string { return m.Link("/sources", nil) }

// TestAction is where the form's Test connection button posts.
func (m SourceForm) TestAction() string { return m.Link("/sources/test", nil) }

// EditLink edits source name.
func (m SourcesList) EditLink(name string) string {
	return m.Link("/sources/edit", url.Values{"name": {name}})
}

// CustomerLink edits the customer named name ("" adds one).
func (m SourcesList) CustomerLink(name string) string {
	if name == "" {
		return m.Link("/sources/customers/edit", nil)
	}
	return m.Link("/sources/customers/edit", url.Values{"name": {name}})
}

// IDsText is a customer's ids at each source, for the list.
func IDsText(c sources.Customer) string {
	var parts []string
	for _, id := range c.IDs {
		parts = append(parts, id.Source+": "+id.ExternalID)
	}
	return strings.Join(parts, ", ")
}

// TestMessage says in plain words what the connection test found.
func TestMessage(ctx context.Context, t app.ConnectionTest) string {
	switch t.Outcome {
	case app.ConnectionOK:
		if t.Contracts == 0 {
			return T(ctx, "Connected. The vendor answered but sent no contracts for the ids in scope.")
		}
		return Tf(ctx, "Connected. The first answer held %s contracts.", Fmt{Lang: LangOf(ctx)}.Int(t.Contracts))
	case app.ConnectionUnauthorised:
		return T(ctx, "The vendor refused the credential (unauthorised). Check the token or the client id and secret.")
	case app.ConnectionUnreachable:
		return T(ctx, "The vendor could not be reached. Check the base URL and the network connection.")
	case app.ConnectionBadConfig:
		return T(ctx, "These settings cannot make a source yet.")
	}
	return T(ctx, "The vendor answered, but not as expected.")
}

// credentialText says where a source's credential comes from.
func credentialText(ctx context.Context, s sources.Entry) string {
	switch {
	case s.TokenKeyring != "" || s.ClientSecretKeyring != "":
		return T(ctx, "system keyring")
	case s.TokenEnv != "":
		return Tf(ctx, "environment variable %s", s.TokenEnv)
	case s.ClientSecretEnv != "":
		return Tf(ctx, "environment variable %s", s.ClientSecretEnv)
	}
	return T(ctx, "no credential")
}
