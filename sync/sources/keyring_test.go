package sources

import (
	"strings"
	"testing"

	poderovendor "wattfolio/sync/vendors/podero"
)

// A credential typed into the app lives in the OS keyring; the file names
// its entry with token_keyring (client_*_keyring for podero).
func TestParseKeyringEntries(t *testing.T) {
	keyed := strings.Replace(enneo, `token_env = "WATTFOLIO_ENNEO_TOKEN"`, `token_keyring = "stadtwerke-enneo/token"`, 1)
	podero := `[[source]]
name = "pod"
kind = "podero"
base_url = "https://app.podero.com"
token_url = "https://app.podero.com/oauth2/token/"
org_id = "o"
user_ids = ["u1"]
client_id_env = "PODERO_ID"
client_secret_keyring = "pod/client_secret"
`
	srcs, err := Parse("sources.toml", []byte(keyed+podero))
	if err != nil {
		t.Fatal(err)
	}
	if got := srcs[0]; got.TokenKeyring != "stadtwerke-enneo/token" || got.TokenEnv != "" {
		t.Errorf("enneo: TokenKeyring %q, TokenEnv %q", got.TokenKeyring, got.TokenEnv)
	}
	if p := srcs[1].Section.(*poderovendor.Section); p.ClientIDEnv != "PODERO_ID" || p.ClientSecretKeyring != "pod/client_secret" || p.ClientSecretEnv != "" {
		t.Errorf("podero scope %+v", p)
	}

	bad := []struct {
		name, text, want string
	}{
		{"both", strings.Replace(enneo, "token_env", "token_keyring = \"x\"\ntoken_env", 1),
			`sources.toml:5: source "stadtwerke-enneo": token_keyring: set token_env or token_keyring, not both`},
		{"secret pasted", keyed[:strings.Index(keyed, "token_keyring")] + "token_keyring = \"sk live 123!\"\ncontract_ids = [1]\n",
			`sources.toml:5: source "stadtwerke-enneo": token_keyring: must name a keyring entry (letters, digits and . _ @ / -), not the secret itself`},
		{"podero with a token", strings.Replace(podero, "org_id", "token_keyring = \"t\"\norg_id", 1),
			`sources.toml:6: source "pod": token_keyring: kind podero does not use a token; it authenticates with client_id_env and client_secret_env (or client_id_keyring and client_secret_keyring)`},
		{"podero both", strings.Replace(podero, "client_id_env", "client_id_keyring = \"pod/id\"\nclient_id_env", 1),
			`sources.toml:8: source "pod": client_id_keyring: set client_id_env or client_id_keyring, not both`},
		{"unknown keys stay errors", strings.Replace(keyed, "token_keyring", "token_keyring_x = \"a\"\ntoken_keyring", 1),
			`sources.toml:5: source "stadtwerke-enneo": token_keyring_x: unknown key; a source has name, kind, base_url, token_env, token_keyring, timeout, max_requests_per_minute and its kind's keys`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("sources.toml", []byte(tt.text))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error:\n%v\nwant:\n%s", err, tt.want)
			}
		})
	}
}
