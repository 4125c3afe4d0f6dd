package sources

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	enneovendor "wattfolio/sync/vendors/enneo"
	"wattfolio/sync/vendors/epilot"
	"wattfolio/sync/vendors/otark"
	"wattfolio/sync/vendors/podero"
	"wattfolio/sync/vendors/prosumer"
)

// enneo is a valid source; cases append or replace lines to break it.
const enneo = `[[source]]
name = "stadtwerke-enneo"
kind = "enneo"
base_url = "https://demo.enneo.ai/api/mind"
token_env = "WATTFOLIO_ENNEO_TOKEN"
contract_ids = [746839, "746840"]
`

// three are valid sources on lines 1-16, for customers to name.
const three = enneo + `[[source]]
name = "field-prosumer"
kind = "prosumer"
base_url = "https://p.example"
customer_ids = ["c1"]
[[source]]
name = "trading-otark"
kind = "otark"
base_url = "https://o.example"
token_env = "O"
`

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Source
	}{
		{"enneo defaults", enneo, []Source{{
			Name: "stadtwerke-enneo", Vendor: app.VendorEnneo, BaseURL: "https://demo.enneo.ai/api/mind",
			TokenEnv: "WATTFOLIO_ENNEO_TOKEN", Timeout: 30 * time.Second,
			Section: &enneovendor.Section{ContractIDs: []int64{746839, 746840}, WorkingPriceUnit: enneovendor.UnitEURPerKWh, BasePriceUnit: enneovendor.UnitEURPerYear},
		}}},
		{"enneo everything", "\ufeff# comment\r\n[[ source ]] # first\r\nname = 'a_1'\r\nkind = \"enneo\"\r\nbase_url = \"http://localhost:8080/api/\"\r\n" +
			"token_env = \"T\"\r\ntimeout = \"1m30s\"\r\nmax_requests_per_minute = 90\r\ncontract_ids = [\r\n  1, # one\r\n  \"0002\",\r\n]\r\nworking_price_unit = \"ct_per_kwh\"\r\nbase_price_unit = \"eur_per_month\"\r\n",
			[]Source{{
				Name: "a_1", Vendor: app.VendorEnneo, BaseURL: "http://localhost:8080/api", TokenEnv: "T", Timeout: 90 * time.Second,
				MaxRequestsPerMinute: 90,
				Section:              &enneovendor.Section{ContractIDs: []int64{1, 2}, WorkingPriceUnit: enneovendor.UnitCtPerKWh, BasePriceUnit: enneovendor.UnitEURPerMonth},
			}}},
		{"other kinds", `
[[source]]
name = "p"
kind = "prosumer"
base_url = "https://p.example"
customer_ids = ["c1", 2]

[[source]]
name = "o"
kind = "otark"
base_url = "https://o.example/"
token_env = "O"
max_requests_per_minute = 300
status = "in_progress"
type = "ppa"
eic = "11XEXAMPLE-----1"
delivery_start = 2026-01-01
delivery_end = "2026-12-31T23:00:00+01:00"
active_on = 2026-06-01T12:00:00

[[source]]
name = "e"
kind = "epilot"
base_url = "https://e.example"
token_env = "E"

[[source]]
name = "e2"
kind = "epilot"
base_url = "https://e.example"
token_env = "E"
contract_ids = ["c-1"]
extension_id = "ext"
app_id = "app"
customer_id = "baeckerei"

[[source]]
name = "po"
kind = "podero"
base_url = "https://po.example"
token_url = "https://po.example/oauth2/token/"
client_id_env = "ID"
client_secret_env = "SECRET"
org_id = "org"
user_ids = ["u1", "u2"]
`, []Source{
			{Name: "p", Vendor: app.VendorProsumer, BaseURL: "https://p.example", Timeout: DefaultTimeout,
				Section: &prosumer.Section{CustomerIDs: []string{"c1", "2"}}},
			{Name: "o", Vendor: app.VendorOtark, BaseURL: "https://o.example", TokenEnv: "O", Timeout: DefaultTimeout, MaxRequestsPerMinute: 300,
				Section: &otark.Section{Status: "in_progress", Type: "ppa", EIC: "11XEXAMPLE-----1",
					DeliveryStart: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
					DeliveryEnd:   time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC),
					ActiveOn:      time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}},
			{Name: "e", Vendor: app.VendorEpilot, BaseURL: "https://e.example", TokenEnv: "E", Timeout: DefaultTimeout,
				Section: &epilot.Section{}},
			{Name: "e2", Vendor: app.VendorEpilot, BaseURL: "https://e.example", TokenEnv: "E", Timeout: DefaultTimeout,
				Section: &epilot.Section{ContractIDs: []string{"c-1"}, ExtensionID: "ext", AppID: "app", CustomerID: "baeckerei"}},
			{Name: "po", Vendor: app.VendorPodero, BaseURL: "https://po.example", Timeout: DefaultTimeout,
				Section: &podero.Section{OrgID: "org", UserIDs: []string{"u1", "u2"}, TokenURL: "https://po.example/oauth2/token/",
					ClientIDEnv: "ID", ClientSecretEnv: "SECRET"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("sources.toml", []byte(tt.text))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseStorePersonalData(t *testing.T) {
	for text, want := range map[string]bool{
		enneo:                                   false,
		"store_personal_data = true\n" + enneo:  false,
		"store_personal_data = false\n" + enneo: true,
	} {
		f, err := ParseFile("sources.toml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if f.LeaveOutPersonalData != want {
			t.Errorf("%q: LeaveOutPersonalData = %v, want %v", strings.SplitN(text, "\n", 2)[0], f.LeaveOutPersonalData, want)
		}
	}
}

func TestParseFileCustomers(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Customer
	}{
		{"only sources", three, nil},
		{"empty customer list", "customer = []\n" + three, nil},
		{"inline ids, in file order", three + `[[customer]]
name = "Bäckerei Schmidt GmbH"
# enneo customer ids, prosumer customer id, otark buyer EIC
ids = { stadtwerke-enneo = ["C-1001", "C-1002"], field-prosumer = ["cust-17"], trading-otark = "11YSCHMIDT-----Z" }
`, []Customer{{Name: "Bäckerei Schmidt GmbH", Line: 17, IDs: []CustomerID{
			{"stadtwerke-enneo", "C-1001"}, {"stadtwerke-enneo", "C-1002"}, {"field-prosumer", "cust-17"}, {"trading-otark", "11YSCHMIDT-----Z"},
		}}}},
		// The same id at two sources is two ids; a customer may have none.
		{"ids tables, dotted keys, no ids", three + `
[[customer]]
name = "A"
[customer.ids]
trading-otark = "X"
stadtwerke-enneo = ["1", "2"]

[[customer]]
name = "a b"
ids.field-prosumer = "1"
ids.stadtwerke-enneo = "3"

[[customer]]
name = "No contracts yet"

[[customer]]
name = "Empty ids"
ids = { stadtwerke-enneo = [] }
`, []Customer{
			{Name: "A", Line: 18, IDs: []CustomerID{{"trading-otark", "X"}, {"stadtwerke-enneo", "1"}, {"stadtwerke-enneo", "2"}}},
			{Name: "a b", Line: 24, IDs: []CustomerID{{"field-prosumer", "1"}, {"stadtwerke-enneo", "3"}}},
			{Name: "No contracts yet", Line: 29},
			{Name: "Empty ids", Line: 32},
		}},
		// A profile is case-insensitive and kept in the BDEW's spelling.
		{"profiles", three + `[[customer]]
name = "Hof"
profile = "l25"
[[customer]]
name = "Büro"
profile = "G1"
ids = { trading-otark = "X" }
`, []Customer{
			{Name: "Hof", Line: 17, Profile: "L25"},
			{Name: "Büro", Line: 20, Profile: "G1", IDs: []CustomerID{{"trading-otark", "X"}}},
		}},
		{"inline array of customers", "customer = [\n  { name = \"x\", ids = { trading-otark = \"T\", field-prosumer = \"P\" } },\n" +
			"  { name = \"y\" },\n  { name = \"z\", ids = { trading-otark = \"U\", stadtwerke-enneo = [\"Q\", \"R\"] } },\n]\n" + three,
			[]Customer{
				{Name: "x", Line: 1, IDs: []CustomerID{{"trading-otark", "T"}, {"field-prosumer", "P"}}},
				{Name: "y", Line: 1},
				{Name: "z", Line: 1, IDs: []CustomerID{{"trading-otark", "U"}, {"stadtwerke-enneo", "Q"}, {"stadtwerke-enneo", "R"}}},
			}},
	}
	wantSources, err := Parse("sources.toml", []byte(three))
	if err != nil || len(wantSources) != 3 {
		t.Fatalf("Parse(three) = %d sources, %v", len(wantSources), err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFile("sources.toml", []byte(tt.text))
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			if !reflect.DeepEqual(f.Customers, tt.want) {
				t.Errorf("Customers =\n%+v\nwant\n%+v", f.Customers, tt.want)
			}
			if !reflect.DeepEqual(f.Sources, wantSources) {
				t.Errorf("Sources =\n%+v\nwant\n%+v", f.Sources, wantSources)
			}
			srcs, err := Parse("sources.toml", []byte(tt.text))
			if err != nil || !reflect.DeepEqual(srcs, f.Sources) {
				t.Errorf("Parse = %+v, %v; want ParseFile's sources", srcs, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // the joined errors, one per line
	}{
		{"no sources", "# nothing yet\n", []string{
			`sources.toml: no sources: add at least one [[source]] table (see sources.example.toml)`,
		}},
		{"empty source list", "source = []\n", []string{
			`sources.toml:1: source: no sources: add at least one [[source]] table`,
		}},
		{"source not a table", "source = 1\n", []string{
			`sources.toml:1: source: must be a list of [[source]] tables, not an integer`,
		}},
		{"TOML syntax", enneo + "timeout = 30s\n", []string{
			`sources.toml:7: TOML syntax: expected a top-level item to end with a newline, comment, or EOF, but got 's' instead`,
		}},
		{"TOML duplicate key", enneo + "kind = \"otark\"\n", []string{
			`sources.toml:7: TOML syntax: Key 'source.kind' has already been defined.`,
		}},
		{"bad base_url", strings.Replace(enneo, "https://demo.enneo.ai/api/mind", "demo.enneo.ai/api", 1), []string{
			`sources.toml:4: source "stadtwerke-enneo": base_url: must be an absolute http(s) URL`,
		}},
		{"base_url scheme", strings.Replace(enneo, "https://", "ftp://", 1), []string{
			`sources.toml:4: source "stadtwerke-enneo": base_url: must be an absolute http(s) URL`,
		}},
		{"base_url credentials and query", "[[source]]\nname = \"a\"\nkind = \"epilot\"\ntoken_env = \"T\"\nbase_url = \"https://u:p@x.example\"\n" +
			"[[source]]\nname = \"b\"\nkind = \"epilot\"\ntoken_env = \"T\"\nbase_url = \"https://x.example/?k=1\"\n", []string{
			`sources.toml:5: source "a": base_url: must not contain a user name or password; put the secret in an environment variable and name it with token_env`,
			`sources.toml:10: source "b": base_url: must not have a query or fragment; connectors add their own paths and parameters`,
		}},
		{"missing keys, second source", enneo + "\n[[source]]\nkind = \"epilot\"\n\n[[source]]\nname = \"x\"\n", []string{
			`sources.toml:8: source #2: name: is required`,
			`sources.toml:8: source #2: base_url: is required`,
			`sources.toml:8: source #2: token_env: is required`,
			`sources.toml:11: source "x": kind: is required`,
			`sources.toml:11: source "x": base_url: is required`,
			`sources.toml:11: source "x": token_env: is required`,
		}},
		{"empty strings", "[[source]]\nname = \"\"\nkind = \"\"\nbase_url = \" \"\ntoken_env = \"\"\n", []string{
			`sources.toml:2: source #1: name: must not be empty`,
			`sources.toml:3: source #1: kind: must not be empty`,
			`sources.toml:4: source #1: base_url: must not be empty`,
			`sources.toml:5: source #1: token_env: must not be empty`,
		}},
		{"wrong types", "[[source]]\nname = 1\nkind = \"enneo\"\nbase_url = \"https://x.example\"\ntoken_env = \"T\"\ncontract_ids = 5\nworking_price_unit = 1\n", []string{
			`sources.toml:2: source #1: name: must be a string, not an integer`,
			`sources.toml:6: source #1: contract_ids: must be a list, not an integer`,
			`sources.toml:7: source #1: working_price_unit: must be a string, not an integer`,
		}},
		{"bad name", strings.Replace(enneo, `"stadtwerke-enneo"`, `"Stadtwerke Enneo"`, 1), []string{
			`sources.toml:2: source "Stadtwerke Enneo": name: "Stadtwerke Enneo" must start with a lower-case letter or digit and use only a-z, 0-9, '-' and '_'`,
		}},
		{"duplicate names", enneo + "\n" + strings.Replace(enneo, "[[source]]", "[[source]] # again", 1), []string{
			`sources.toml:9: source "stadtwerke-enneo": name: duplicate name "stadtwerke-enneo": the source on line 1 already uses it; names must be unique`,
		}},
		{"unknown kind", strings.Replace(enneo, `kind = "enneo"`, `kind = "enneox"`, 1) + "customer_ids = [1]\n", []string{
			`sources.toml:3: source "stadtwerke-enneo": kind: unknown kind "enneox"; want one of enneo, prosumer, otark, epilot, podero`,
		}},
		{"unknown keys", "colour = \"red\"\n\n" + enneo + "customer_ids = [\"c\"]\nfoo = 1\n[source.extra]\nk = 1\n", []string{
			`sources.toml:1: colour: unknown key; the top of the file may set store_personal_data, each source is a [[source]] table and each customer a [[customer]] table`,
			`sources.toml:9: source "stadtwerke-enneo": customer_ids: not a key of kind enneo (it belongs to kind prosumer)`,
			`sources.toml:10: source "stadtwerke-enneo": foo: unknown key; a source has name, kind, base_url, token_env, token_keyring, timeout, max_requests_per_minute and its kind's keys`,
			`sources.toml:11: source "stadtwerke-enneo": extra: unknown key; a source has name, kind, base_url, token_env, token_keyring, timeout, max_requests_per_minute and its kind's keys`,
		}},
		{"store_personal_data", "store_personal_data = \"no\"\n" + enneo + "store_personal_data = false\n", []string{
			`sources.toml:1: store_personal_data: must be true or false, not a string`,
			`sources.toml:8: source "stadtwerke-enneo": store_personal_data: belongs at the top of the file, before the first [[source]]: it applies to every source`,
		}},
		{"bad timeouts", enneo + "timeout = \"30\"\n" + strings.Replace(enneo, `"stadtwerke-enneo"`, `"b"`, 1) + "timeout = 30\n" +
			strings.Replace(enneo, `"stadtwerke-enneo"`, `"c"`, 1) + "timeout = \"-1s\"\n" +
			strings.Replace(enneo, `"stadtwerke-enneo"`, `"d"`, 1) + "timeout = \"\"\n", []string{
			`sources.toml:7: source "stadtwerke-enneo": timeout: "30" is not a duration; write it like "30s" or "2m"`,
			`sources.toml:14: source "b": timeout: must be a string, not an integer`,
			`sources.toml:21: source "c": timeout: -1s is out of range; it must be more than 0s and at most 10m`,
			`sources.toml:28: source "d": timeout: must not be empty; leave it out for the default 30s`,
		}},
		{"bad max_requests_per_minute", enneo + "max_requests_per_minute = 0\n" +
			strings.Replace(enneo, `"stadtwerke-enneo"`, `"b"`, 1) + "max_requests_per_minute = \"60\"\n" +
			strings.Replace(enneo, `"stadtwerke-enneo"`, `"c"`, 1) + "max_requests_per_minute = 1.5\n" +
			strings.Replace(enneo, `"stadtwerke-enneo"`, `"d"`, 1) + "max_requests_per_minute = 6001\n" +
			"[[source]]\nname = \"o\"\nkind = \"otark\"\nbase_url = \"https://o.example\"\ntoken_env = \"O\"\nmax_requests_per_minute = 301\n", []string{
			`sources.toml:7: source "stadtwerke-enneo": max_requests_per_minute: 0 is out of range; it must be at least 1 (leave it out for no limit of your own)`,
			`sources.toml:14: source "b": max_requests_per_minute: must be a whole number of requests, like 60, not a string`,
			`sources.toml:21: source "c": max_requests_per_minute: must be a whole number of requests, like 60, not a float`,
			`sources.toml:28: source "d": max_requests_per_minute: 6001 is out of range; it must be at most 6000`,
			`sources.toml:34: source "o": max_requests_per_minute: 301 is out of range; otark allows at most 300 requests a minute per API key`,
		}},
		{"enneo without contract_ids", strings.Replace(enneo, `contract_ids = [746839, "746840"]`, "", 1), []string{
			`sources.toml:1: source "stadtwerke-enneo": contract_ids: is required: list the ids to sync, e.g. contract_ids = [746839, 746840]`,
		}},
		{"enneo empty contract_ids", strings.Replace(enneo, `[746839, "746840"]`, "[]", 1), []string{
			`sources.toml:6: source "stadtwerke-enneo": contract_ids: must list at least one id`,
		}},
		{"enneo bad contract ids", strings.Replace(enneo, `[746839, "746840"]`, "[\n  746839,\n  \"\",\n  \"abc\",\n  \"746839\",\n  0,\n  1.5,\n]", 1), []string{
			`sources.toml:6: source "stadtwerke-enneo": contract_ids: entry 2: empty id`,
			`sources.toml:6: source "stadtwerke-enneo": contract_ids: entry 3: "abc" is not an integer id`,
			`sources.toml:6: source "stadtwerke-enneo": contract_ids: entry 4: duplicate id 746839 (also entry 1)`,
			`sources.toml:6: source "stadtwerke-enneo": contract_ids: entry 5: 0 is not a positive id`,
			`sources.toml:6: source "stadtwerke-enneo": contract_ids: entry 6: must be an integer or a string, not a float`,
		}},
		{"enneo units", enneo + "working_price_unit = \"ct\"\nbase_price_unit = \"\"\n", []string{
			`sources.toml:7: source "stadtwerke-enneo": working_price_unit: "ct" is not one of eur_per_kwh, ct_per_kwh`,
			`sources.toml:8: source "stadtwerke-enneo": base_price_unit: "" is not one of eur_per_year, eur_per_month`,
		}},
		{"inline secrets", "password = \"hunter2\"\n" + enneo + "token = \"eyJhbG\"\n\"api-key\" = \"x\"\nSecret = \"s\"\n", []string{
			`sources.toml:1: password: secrets must not be written in this file: put the secret in an environment variable and name that variable with token_env (e.g. token_env = "WATTFOLIO_TOKEN")`,
			`sources.toml:8: source "stadtwerke-enneo": token: secrets must not be written in this file: put the secret in an environment variable and name that variable with token_env (e.g. token_env = "WATTFOLIO_STADTWERKE_ENNEO_TOKEN")`,
			`sources.toml:9: source "stadtwerke-enneo": api-key: secrets must not be written in this file: put the secret in an environment variable and name that variable with token_env (e.g. token_env = "WATTFOLIO_STADTWERKE_ENNEO_TOKEN")`,
			`sources.toml:10: source "stadtwerke-enneo": Secret: secrets must not be written in this file: put the secret in an environment variable and name that variable with token_env (e.g. token_env = "WATTFOLIO_STADTWERKE_ENNEO_TOKEN")`,
		}},
		{"secret in token_env", strings.Replace(enneo, `"WATTFOLIO_ENNEO_TOKEN"`, `"eyJhbGciOi.JIUzI1NiJ9"`, 1), []string{
			`sources.toml:5: source "stadtwerke-enneo": token_env: must be the NAME of an environment variable (letters, digits and '_'), not the secret itself`,
		}},
		{"podero", "[[source]]\nname = \"p\"\nkind = \"podero\"\nbase_url = \"https://x.example\"\ntoken_env = \"X\"\nclient_secret = \"s\"\ntoken_url = \"/oauth\"\nuser_ids = [\"u\", \"u\"]\n", []string{
			`sources.toml:1: source "p": org_id: is required`,
			`sources.toml:1: source "p": client_id_env: is required`,
			`sources.toml:1: source "p": client_secret_env: is required`,
			`sources.toml:5: source "p": token_env: kind podero does not use a token; it authenticates with client_id_env and client_secret_env (or client_id_keyring and client_secret_keyring)`,
			`sources.toml:6: source "p": client_secret: secrets must not be written in this file: put the secret in an environment variable and name that variable with client_secret_env (e.g. client_secret_env = "WATTFOLIO_P_CLIENT_SECRET")`,
			`sources.toml:7: source "p": token_url: must be an absolute http(s) URL`,
			`sources.toml:8: source "p": user_ids: entry 2: duplicate id u (also entry 1)`,
		}},
		{"otark", "[[source]]\nname = \"o\"\nkind = \"otark\"\nbase_url = \"https://x.example\"\ntoken_env = \"X\"\nstatus = \"done\"\neic = \"abc\"\ndelivery_start = 2026-02-01\ndelivery_end = 2026-01-01\nactive_on = 12:00:00\ntype = \"\"\n", []string{
			`sources.toml:6: source "o": status: "done" is not one of pending, in_progress, completed`,
			`sources.toml:7: source "o": eic: "abc" is not an EIC: 16 characters, upper-case letters, digits and '-'`,
			`sources.toml:9: source "o": delivery_end: is before delivery_start`,
			`sources.toml:10: source "o": active_on: must be a date or a date-time, not a time of day`,
			`sources.toml:11: source "o": type: "" is not one of ppa, day_ahead, intraday`,
		}},
		{"prosumer", "[[source]]\nname = \"p\"\nkind = \"prosumer\"\nbase_url = \"https://x.example\"\ncustomer_ids = [\" c\"]\ncontract_ids = [1]\n", []string{
			`sources.toml:5: source "p": customer_ids: entry 1: " c" has leading or trailing spaces`,
			`sources.toml:6: source "p": contract_ids: not a key of kind prosumer (it belongs to kind enneo, epilot)`,
		}},
		{"inline source tables", "# sources\nsource = [\n  {name = \"a\", kind = \"epilot\", base_url = \"x\", token_env = \"T\"},\n  1,\n]\n", []string{
			`sources.toml:2: source: must be a list of [[source]] tables, not a list`,
		}},
		{"inline source table lines fall back", "# sources\nsource = [\n  {name = \"a\", kind = \"epilot\", base_url = \"x\", token_env = \"T\"},\n]\n", []string{
			`sources.toml:2: source "a": base_url: must be an absolute http(s) URL`,
		}},
		// A multi-line string holding "[[source]]" and "name =" must not
		// shift the line numbers of the sources after it.
		{"lines after a multi-line string", "[[source]]\nname = \"a\"\nkind = \"epilot\"\ntoken_env = \"T\"\nbase_url = \"https://x.example\"\nnote = '''\n[[source]]\nname = 1\n'''\n" +
			"[[source]]\nname = \"b\"\nkind = \"epilot\"\ntoken_env = \"T\"\nbase_url = \"x\"\n", []string{
			`sources.toml:6: source "a": note: unknown key; a source has name, kind, base_url, token_env, token_keyring, timeout, max_requests_per_minute and its kind's keys`,
			`sources.toml:14: source "b": base_url: must be an absolute http(s) URL`,
		}},

		// Customers; three holds the sources on lines 1-16.
		{"customer names", three + "[[customer]]\nids = {}\n[[customer]]\nname = 1\n[[customer]]\nname = \" \"\n" +
			"[[customer]]\nname = \"Bäckerei Schmidt GmbH \"\n[[customer]]\nname = \"Bäckerei Schmidt GmbH\"\n" +
			"[[customer]]\nname = \"Bäckerei Schmidt GmbH\"\n[[customer]]\nname = \"BÄCKEREI SCHMIDT GMBH\"\n", []string{
			`sources.toml:17: customer #1: name: is required`,
			`sources.toml:20: customer #2: name: must be a string, not an integer`,
			`sources.toml:22: customer #3: name: must not be empty`,
			`sources.toml:24: customer "Bäckerei Schmidt GmbH ": name: "Bäckerei Schmidt GmbH " has leading or trailing spaces`,
			`sources.toml:28: customer "Bäckerei Schmidt GmbH": name: duplicate name "Bäckerei Schmidt GmbH": the customer on line 25 already uses it; names must be unique, ignoring case`,
			`sources.toml:30: customer "BÄCKEREI SCHMIDT GMBH": name: duplicate name "BÄCKEREI SCHMIDT GMBH": the customer on line 25 already uses it (as "Bäckerei Schmidt GmbH"); names must be unique, ignoring case`,
		}},
		{"customer ids", three + `[[customer]]
name = "Bäckerei Schmidt GmbH"
ids = { stadtwerk-enneo = ["C-1001"], field-prosumer = 17, trading-otark = [1001, "", " X", "Y", "Y", true] }
[[customer]]
name = "B"
[customer.ids]
stadtwerke-enneo = []
field-prosumer = ""
nope = "x"
[[customer]]
name = "C"
ids = ["C-1"]
`, []string{
			`sources.toml:19: customer "Bäckerei Schmidt GmbH": ids: no source named "stadtwerk-enneo"`,
			`sources.toml:19: customer "Bäckerei Schmidt GmbH": ids.field-prosumer: must be an id or a list of ids (strings), not an integer`,
			`sources.toml:19: customer "Bäckerei Schmidt GmbH": ids.trading-otark: entry 1: must be a string, not an integer (write it in quotes: "1001")`,
			`sources.toml:19: customer "Bäckerei Schmidt GmbH": ids.trading-otark: entry 2: empty id`,
			`sources.toml:19: customer "Bäckerei Schmidt GmbH": ids.trading-otark: entry 3: " X" has leading or trailing spaces`,
			`sources.toml:19: customer "Bäckerei Schmidt GmbH": ids.trading-otark: entry 5: duplicate id Y (also entry 4)`,
			`sources.toml:19: customer "Bäckerei Schmidt GmbH": ids.trading-otark: entry 6: must be a string, not a boolean`,
			`sources.toml:24: customer "B": ids.field-prosumer: empty id`,
			`sources.toml:25: customer "B": ids: no source named "nope"`,
			`sources.toml:28: customer "C": ids: must be a table of source names and ids, like ids = { stadtwerke-enneo = ["C-1001"] }, not a list`,
		}},
		{"customer profile", three + "[[customer]]\nname = \"X\"\nprofile = \"G9\"\n[[customer]]\nname = \"Y\"\nprofile = 25\n[[customer]]\nname = \"Z\"\nprofile = \"\"\n", []string{
			`sources.toml:19: customer "X": profile: "G9" is not a standard load profile (H25, G25, L25, P25, S25, H0, G0…G6, L0…L2)`,
			`sources.toml:22: customer "Y": profile: must be a string, not an integer`,
			`sources.toml:25: customer "Z": profile: "" is not a standard load profile (H25, G25, L25, P25, S25, H0, G0…G6, L0…L2)`,
		}},
		{"an id belongs to one customer", three + `[[customer]]
name = "A"
ids = { stadtwerke-enneo = ["C-1", "C-2"], trading-otark = "11YSCHMIDT-----Z" }
[[customer]]
name = "B"
[customer.ids]
stadtwerke-enneo = ["C-3", "C-2"]
trading-otark = "11YSCHMIDT-----Z"
field-prosumer = "C-1" # another source: fine
[[customer]]
ids.trading-otark = "11YSCHMIDT-----Z"
`, []string{
			`sources.toml:23: customer "B": ids.stadtwerke-enneo: entry 2: id "C-2" also belongs to customer "A" (line 19); an id belongs to one customer only`,
			`sources.toml:24: customer "B": ids.trading-otark: id "11YSCHMIDT-----Z" also belongs to customer "A" (line 19); an id belongs to one customer only`,
			`sources.toml:26: customer #3: name: is required`,
			`sources.toml:27: customer #3: ids.trading-otark: id "11YSCHMIDT-----Z" also belongs to customer "A" (line 19); an id belongs to one customer only`,
		}},
		{"customer unknown keys", three + "[[customer]]\nname = \"A\"\nfield-prosumer = [\"c1\"]\ncontract_ids = [1]\n[customer.notes]\ntext = \"x\"\n", []string{
			`sources.toml:19: customer "A": field-prosumer: unknown key; a customer's ids at source "field-prosumer" go in its ids table: ids = { field-prosumer = ["..."] }`,
			`sources.toml:20: customer "A": contract_ids: unknown key; a customer has name, ids and profile`,
			`sources.toml:21: customer "A": notes: unknown key; a customer has name, ids and profile`,
		}},
		{"customer not a list", "customer = 1\n" + three, []string{
			`sources.toml:1: customer: must be a list of [[customer]] tables, not an integer`,
		}},
		{"customer a plain table", three + "[customer]\nname = \"A\"\n", []string{
			`sources.toml:17: customer: must be a list of [[customer]] tables, not a table`,
		}},
		{"customers without sources", "[[customer]]\nname = \"A\"\nids = { x = \"1\" }\n", []string{
			`sources.toml: no sources: add at least one [[source]] table (see sources.example.toml)`,
		}},
		// A source whose name is wrong is reported once, not again for
		// every customer naming it.
		{"customer naming a bad source", strings.Replace(enneo, `"stadtwerke-enneo"`, `"Stadtwerke Enneo"`, 1) +
			"[[customer]]\nname = \"A\"\nids = { \"Stadtwerke Enneo\" = \"1\" }\n", []string{
			`sources.toml:2: source "Stadtwerke Enneo": name: "Stadtwerke Enneo" must start with a lower-case letter or digit and use only a-z, 0-9, '-' and '_'`,
		}},
		{"inline customer lines fall back", "customer = [\n  { name = \"A\", ids = { nope = \"1\" } },\n]\n" + three, []string{
			`sources.toml:1: customer "A": ids: no source named "nope"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("sources.toml", []byte(tt.text))
			if err == nil {
				t.Fatal("Parse succeeded, want errors")
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("errors.As(*Error) failed for %T", err)
			}
		})
	}
}

func TestParseReturnsErrorValues(t *testing.T) {
	_, err := Parse("s.toml", []byte(strings.Replace(enneo, "https://", "", 1)+"foo = 1\n"))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(%v) failed", err)
	}
	want := &Error{File: "s.toml", Line: 4, Source: `source "stadtwerke-enneo"`, Key: "base_url", Msg: app.Msgf("must be an absolute http(s) URL")}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("first error = %+v, want %+v", e, want)
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 2 {
		t.Errorf("%d errors, want 2", n)
	}
}

func TestParseFileCustomerErrorValue(t *testing.T) {
	f, err := ParseFile("s.toml", []byte(three+"[[customer]]\nname = \"Bäckerei Schmidt GmbH\"\n[customer.ids]\nstadtwerk-enneo = \"C-1\"\n"))
	if f != nil {
		t.Errorf("ParseFile returned %+v with errors", f)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(%v) failed", err)
	}
	want := &Error{File: "s.toml", Line: 20, Source: `customer "Bäckerei Schmidt GmbH"`, Key: "ids", Msg: app.Msgf("no source named %q", "stadtwerk-enneo")}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("error = %+v, want %+v", e, want)
	}
	if got := err.Error(); got != `s.toml:20: customer "Bäckerei Schmidt GmbH": ids: no source named "stadtwerk-enneo"` {
		t.Errorf("message = %s", got)
	}
}

func TestExampleFile(t *testing.T) {
	srcs, err := Load("../../sources.example.toml")
	if err != nil {
		t.Fatalf("sources.example.toml: %v", err)
	}
	if len(srcs) != 1 || srcs[0].Section == nil || srcs[0].Name != "stadtwerke-enneo" {
		t.Fatalf("sources.example.toml = %+v, want the one enneo source", srcs)
	}
	f, err := LoadFile("../../sources.example.toml")
	if err != nil {
		t.Fatalf("sources.example.toml: %v", err)
	}
	if !reflect.DeepEqual(f.Sources, srcs) || f.Customers != nil {
		t.Errorf("LoadFile = %+v, want the sources of Load and no customers", f)
	}
}

// Uncommenting every example must give a valid file too, so that what the
// user copies from the comments works.
func TestExampleFileUncommented(t *testing.T) {
	data, err := os.ReadFile("../../sources.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "# "); ok && (strings.HasPrefix(rest, "[") || strings.Contains(rest, " = ")) {
			line = rest
		}
		b.WriteString(line)
	}
	f, err := ParseFile("uncommented.toml", []byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	srcs := f.Sources
	var got []app.Vendor
	for _, s := range srcs {
		got = append(got, s.Vendor)
	}
	want := []app.Vendor{app.VendorEnneo, app.VendorProsumer, app.VendorOtark, app.VendorEpilot, app.VendorPodero}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kinds = %v, want %v", got, want)
	}
	wantCustomers := []string{"Bäckerei Schmidt GmbH (G25): stadtwerke-enneo=C-1001 stadtwerke-enneo=C-1002 prosumer=3f2b8c1e-0000-4000-8000-000000000001 otark-trading=11YSCHMIDT-----Z podero-partner=user-1",
		"Hofladen Weber: stadtwerke-enneo=C-2001 podero-partner=user-2"}
	var gotCustomers []string
	for _, c := range f.Customers {
		s := c.Name + ":"
		if c.Profile != "" {
			s = c.Name + " (" + c.Profile + "):"
		}
		for _, id := range c.IDs {
			s += " " + id.Source + "=" + id.ExternalID
		}
		gotCustomers = append(gotCustomers, s)
	}
	if !reflect.DeepEqual(gotCustomers, wantCustomers) {
		t.Errorf("customers =\n%s\nwant\n%s", strings.Join(gotCustomers, "\n"), strings.Join(wantCustomers, "\n"))
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sources.toml")
	if _, err := Load(path); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("Load(missing) = %v, want a not-exist error naming the file", err)
	}
	if err := os.WriteFile(path, []byte("[[source]]\nname = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":1: source \"x\": kind: is required") {
		t.Errorf("Load = %v, want errors prefixed with %s:line", err, path)
	}
	if _, err := LoadFile(path); err == nil || !strings.HasPrefix(err.Error(), path+":1: source \"x\": kind: is required") {
		t.Errorf("LoadFile = %v, want errors prefixed with %s:line", err, path)
	}
	if _, err := LoadFile(path + ".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadFile(missing) = %v, want a not-exist error", err)
	}
	if err := os.WriteFile(path, []byte(three+"[[customer]]\nname = \"A\"\nids = { field-prosumer = \"c1\" }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFile(path)
	if err != nil || len(f.Sources) != 3 || !reflect.DeepEqual(f.Customers, []Customer{{Name: "A", Line: 17, IDs: []CustomerID{{"field-prosumer", "c1"}}}}) {
		t.Errorf("LoadFile = %+v, %v", f, err)
	}
}

func TestSecret(t *testing.T) {
	env := map[string]string{"SET": " s3cret\n", "EMPTY": "  ", "ID": "client"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		src     Source
		want    string
		wantErr string
	}{
		{Source{Name: "a", TokenEnv: "SET"}, "s3cret", ""},
		{Source{Name: "a", TokenEnv: "UNSET"}, "", `source "a": environment variable UNSET (named by token_env) is not set or empty`},
		{Source{Name: "a", TokenEnv: "EMPTY"}, "", `source "a": environment variable EMPTY (named by token_env) is not set or empty`},
		{Source{Name: "a"}, "", `source "a": no token_env or token_keyring is configured`},
		{Source{Name: "a", TokenKeyring: "a/token"}, "from-keyring", ""},
		{Source{Name: "a", TokenKeyring: "gone"}, "", `source "a": keyring entry "gone" (named by token_keyring): secret not found in keyring`},
		{Source{Name: "a", TokenKeyring: "blank"}, "", `source "a": keyring entry "blank" (named by token_keyring) is empty`},
	}
	keyring := func(user string) (string, error) {
		switch user {
		case "a/token":
			return " from-keyring\n", nil
		case "blank":
			return "", nil
		}
		return "", errors.New("secret not found in keyring")
	}
	look := Lookup{Getenv: getenv, Keyring: keyring}
	for _, tt := range tests {
		got, err := tt.src.Secret(look)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
			t.Errorf("%+v.Secret() = %q, %v; want %q, %q", tt.src, got, err, tt.want, tt.wantErr)
		}
	}

	// A section's own credentials (podero's client id and secret) are read
	// through Secrets.Credential.
	p := &podero.Section{ClientIDEnv: "ID", ClientSecretEnv: "UNSET"}
	ps := Source{Name: "p", Section: p}.Secrets(look)
	if _, _, err := p.ClientCredentials(ps); err == nil || err.Error() != `source "p": environment variable UNSET (named by client_secret_env) is not set or empty` {
		t.Errorf("ClientCredentials error = %v", err)
	}
	env["UNSET"] = "shh"
	if id, secret, err := p.ClientCredentials(ps); id != "client" || secret != "shh" || err != nil {
		t.Errorf("ClientCredentials = %q, %q, %v", id, secret, err)
	}
	pk := &podero.Section{ClientIDEnv: "ID", ClientSecretKeyring: "a/token"}
	if id, secret, err := pk.ClientCredentials(Source{Name: "p", Section: pk}.Secrets(look)); id != "client" || secret != "from-keyring" || err != nil {
		t.Errorf("ClientCredentials from the keyring = %q, %q, %v", id, secret, err)
	}
	if _, err := (Source{Name: "k", TokenKeyring: "a/token"}).Secret(Lookup{Getenv: getenv}); err == nil || !strings.Contains(err.Error(), "no keyring") {
		t.Errorf("Secret without a keyring: %v; want it to say there is no keyring", err)
	}
}
