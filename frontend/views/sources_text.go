package views

import (
	"context"

	"wattfolio/sync/sources"
)

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
	return T(ctx, "none")
}
