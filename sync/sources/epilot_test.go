package sources

import (
	"testing"

	"wattfolio/sync/vendors/epilot"
)

func TestEpilotExtensionAndApp(t *testing.T) {
	srcs, err := Parse("s.toml", []byte(`[[source]]
name = "portal"
kind = "epilot"
base_url = "https://customer-portal-api.sls.epilot.io"
token_env = "EPILOT_TOKEN"
extension_id = "consumption-ext"
app_id = "energy-app"
`))
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := srcs[0].Section.(*epilot.Section); e == nil || e.ExtensionID != "consumption-ext" || e.AppID != "energy-app" || len(e.ContractIDs) != 0 {
		t.Errorf("epilot scope = %+v", e)
	}
	_, err = Parse("s.toml", []byte(`[[source]]
name = "enneo"
kind = "enneo"
base_url = "https://x.example/api/mind"
token_env = "T"
contract_ids = [1]
app_id = "energy-app"
`))
	if err == nil {
		t.Error("app_id accepted on an enneo source")
	}
}
