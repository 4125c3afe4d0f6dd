package sources

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"wattfolio/app"

	enneovendor "wattfolio/sync/vendors/enneo"
)

// The file the app writes is read back by the parser, and keeps what the
// user wrote around the table it changed.
func TestSaveSourceRoundTrips(t *testing.T) {
	example, err := os.ReadFile("../../sources.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	entries := []Entry{
		{Name: "sim-enneo", Kind: app.VendorEnneo, BaseURL: "http://127.0.0.1:9/enneo", TokenKeyring: "sim-enneo/token", IDs: []string{"1", "2"}},
		{Name: "sim-prosumer", Kind: app.VendorProsumer, BaseURL: "http://127.0.0.1:9/p", IDs: []string{"c \"1\""}},
		{Name: "sim-otark", Kind: app.VendorOtark, BaseURL: "http://127.0.0.1:9/o", TokenEnv: "OTARK_KEY"},
		{Name: "sim-epilot", Kind: app.VendorEpilot, BaseURL: "http://127.0.0.1:9/e", TokenKeyring: "sim-epilot/token", CustomerID: "bakery"},
		{Name: "sim-podero", Kind: app.VendorPodero, BaseURL: "http://127.0.0.1:9/pod", TokenURL: "http://127.0.0.1:9/pod/token", OrgID: "org",
			IDs: []string{"u1"}, ClientIDKeyring: "sim-podero/client_id", ClientSecretKeyring: "sim-podero/client_secret"},
	}
	for _, start := range []struct{ name, text string }{{"empty file", ""}, {"the example file", string(example)}} {
		t.Run(start.name, func(t *testing.T) {
			data := []byte(start.text)
			for _, e := range entries {
				if data, err = SaveSource("sources.toml", data, "", e); err != nil {
					t.Fatalf("add %s: %v", e.Name, err)
				}
			}
			f, err := ParseFile("sources.toml", data)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Entry{}
			for _, s := range f.Sources {
				got[s.Name] = EntryOf(s)
			}
			for _, e := range entries {
				if !reflect.DeepEqual(got[e.Name], e) {
					t.Errorf("%s read back as\n%+v\nwant\n%+v", e.Name, got[e.Name], e)
				}
			}
			if start.text != "" && !strings.HasPrefix(string(data), start.text) {
				t.Error("adding sources changed the lines before them")
			}
		})
	}
}

func TestEditKeepsTheRest(t *testing.T) {
	text := `# my sources
store_personal_data = false

[[source]]
name = "stadtwerke-enneo"
kind = "enneo"
base_url = "https://demo.enneo.ai/api/mind"
token_env = "WATTFOLIO_ENNEO_TOKEN"
contract_ids = [
  746839,   # the bakery
  746840,
]
working_price_unit = "ct_per_kwh"  # our tenant sends cents

# trading desk
[[source]]
name = "trading-otark"
kind = "otark"
base_url = "https://o.example"
token_env = "O"
status = "completed"

[[customer]]
name = "Bäckerei Schmidt"
ids = { stadtwerke-enneo = "C-1", trading-otark = "11YSCHMIDT-----Z" }
`
	e := Entry{Name: "stadtwerke-enneo", Kind: app.VendorEnneo, BaseURL: "https://enneo.example", TokenKeyring: "stadtwerke-enneo/token", IDs: []string{"1"}}
	edited, err := SaveSource("sources.toml", []byte(text), "stadtwerke-enneo", e)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFile("sources.toml", edited)
	if err != nil {
		t.Fatal(err)
	}
	s := f.Sources[0]
	if s.BaseURL != "https://enneo.example" || s.TokenKeyring != "stadtwerke-enneo/token" || s.TokenEnv != "" ||
		!reflect.DeepEqual(s.Section, &enneovendor.Section{ContractIDs: []int64{1}, WorkingPriceUnit: enneovendor.UnitCtPerKWh, BasePriceUnit: enneovendor.UnitEURPerYear}) {
		t.Errorf("edited source %+v %+v", s, s.Section)
	}
	for _, keep := range []string{"# my sources", "store_personal_data = false", `working_price_unit = "ct_per_kwh"  # our tenant sends cents`, "# trading desk", `status = "completed"`} {
		if !strings.Contains(string(edited), keep) {
			t.Errorf("the edit lost %q:\n%s", keep, edited)
		}
	}
	if !f.LeaveOutPersonalData || len(f.Sources) != 2 || len(f.Customers) != 1 {
		t.Errorf("file after the edit: %d sources, %d customers, leave out %v", len(f.Sources), len(f.Customers), f.LeaveOutPersonalData)
	}

	// Removing a source drops its ids from the customers, keeps the rest.
	removed, err := RemoveSource("sources.toml", edited, "trading-otark")
	if err != nil {
		t.Fatal(err)
	}
	f, err = ParseFile("sources.toml", removed)
	if err != nil {
		t.Fatalf("%v\n%s", err, removed)
	}
	if len(f.Sources) != 1 || f.Sources[0].Name != "stadtwerke-enneo" {
		t.Errorf("sources after removing: %+v", f.Sources)
	}
	if want := []CustomerID{{"stadtwerke-enneo", "C-1"}}; !reflect.DeepEqual(f.Customers[0].IDs, want) {
		t.Errorf("customer ids after removing = %+v, want %+v", f.Customers[0].IDs, want)
	}
	if !strings.Contains(string(removed), "# trading desk") {
		t.Error("removing a source lost the comment before it")
	}
	if _, err := RemoveSource("sources.toml", removed, "stadtwerke-enneo"); !errors.Is(err, ErrNoSourceLeft) {
		t.Errorf("removing the last source: %v, want ErrNoSourceLeft", err)
	}

	// Linking a customer's ids replaces its table.
	linked, err := SaveCustomer("sources.toml", edited, "bäckerei schmidt", Customer{Name: "Bäckerei Schmidt", Profile: "G25",
		IDs: []CustomerID{{"stadtwerke-enneo", "C-1"}, {"stadtwerke-enneo", "C-2"}, {"trading-otark", "11YSCHMIDT-----Z"}}})
	if err != nil {
		t.Fatal(err)
	}
	f, err = ParseFile("sources.toml", linked)
	if err != nil {
		t.Fatal(err)
	}
	if c := f.Customers[0]; c.Profile != "G25" || len(c.IDs) != 3 || len(f.Sources) != 2 {
		t.Errorf("linked customer %+v", c)
	}
}

func TestEditMistakes(t *testing.T) {
	base, err := SaveSource("sources.toml", nil, "", Entry{Name: "a", Kind: app.VendorOtark, BaseURL: "https://o.example", TokenEnv: "O"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func() ([]byte, error)
		want string
	}{
		{"duplicate name", func() ([]byte, error) {
			return SaveSource("sources.toml", base, "", Entry{Name: "a", Kind: app.VendorOtark, BaseURL: "https://o.example", TokenEnv: "O"})
		}, `sources.toml: a source named "a" exists already; choose another name`},
		{"rename", func() ([]byte, error) {
			return SaveSource("sources.toml", base, "a", Entry{Name: "b", Kind: app.VendorOtark, BaseURL: "https://o.example", TokenEnv: "O"})
		}, `sources.toml: source "a": a source keeps its name (the cache keys on it); remove it and add a new one instead`},
		{"bad URL names the source and field", func() ([]byte, error) {
			return SaveSource("sources.toml", base, "", Entry{Name: "b", Kind: app.VendorOtark, BaseURL: "o.example", TokenEnv: "O"})
		}, `sources.toml:10: source "b": base_url: must be an absolute http(s) URL`},
		{"ids of a missing source", func() ([]byte, error) {
			return SaveCustomer("sources.toml", base, "", Customer{Name: "X", IDs: []CustomerID{{"nope", "1"}}})
		}, `sources.toml:10: customer "X": ids: no source named "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.edit()
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v\nwant %s", err, tt.want)
			}
		})
	}
}
