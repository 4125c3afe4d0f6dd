package prosumer_test

import (
	"reflect"
	"testing"

	"wattfolio/app"
	"wattfolio/sync/sources"
	_ "wattfolio/sync/vendors"
	"wattfolio/sync/vendors/prosumer"
	"wattfolio/sync/vendors/prosumer/prosumersim"
)

// The simulator's [[source]] table, which wattfolio sim writes for it,
// parses back to the section that syncs every simulated record. (Here,
// not beside the simulator: the simulator's package may not import the
// connector that imports it.)
func TestSimSourceTOML(t *testing.T) {
	s := prosumersim.New(prosumersim.Options{Seed: 2, Customers: 5})
	for _, env := range []string{"WATTFOLIO_SIM_TOKEN", ""} {
		toml := s.SourceTOML("demo-prosumer", "http://127.0.0.1:8091/prosumer/", env)
		srcs, err := sources.Parse("sources.toml", []byte(toml))
		if err != nil {
			t.Fatalf("token_env %q: %v\n%s", env, err, toml)
		}
		if len(srcs) != 1 {
			t.Fatalf("%d sources", len(srcs))
		}
		src := srcs[0]
		if src.Name != "demo-prosumer" || src.Vendor != app.VendorProsumer || src.BaseURL != "http://127.0.0.1:8091/prosumer" ||
			src.TokenEnv != env || !reflect.DeepEqual(src.Section, &prosumer.Section{CustomerIDs: s.CustomerIDs()}) {
			t.Errorf("token_env %q: parsed %+v\n%s", env, src, toml)
		}
	}
}
