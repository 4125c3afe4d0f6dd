package podero_test

import (
	"reflect"
	"testing"

	"wattfolio/app"
	"wattfolio/sync/sources"
	_ "wattfolio/sync/vendors"
	"wattfolio/sync/vendors/podero"
	"wattfolio/sync/vendors/podero/poderosim"
)

// The simulator's [[source]] table, which wattfolio sim writes for it,
// parses back to the section that syncs every simulated record. (Here,
// not beside the simulator: the simulator's package may not import the
// connector that imports it.)
func TestSimSourceTOML(t *testing.T) {
	s := poderosim.New(poderosim.Options{Seed: 1, Users: 4, OrgID: "org-1"})
	text := s.SourceTOML("demo-podero", "http://127.0.0.1:8091/podero", "PODERO_ID", "PODERO_SECRET")
	got, err := sources.Parse("sources.toml", []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	want := sources.Source{
		Name: "demo-podero", Vendor: app.VendorPodero, BaseURL: "http://127.0.0.1:8091/podero", Timeout: sources.DefaultTimeout,
		Section: &podero.Section{
			OrgID: "org-1", UserIDs: s.UserIDs(), TokenURL: "http://127.0.0.1:8091/podero/oauth2/token/",
			ClientIDEnv: "PODERO_ID", ClientSecretEnv: "PODERO_SECRET",
		},
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("parsed %+v\nfrom\n%s", got, text)
	}
}
