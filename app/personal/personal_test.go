package personal

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// seed reads a vendor's documented sample payload, kept beside its connector.
func seed(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "sync", "vendors", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// enneoPersonal is what enneo's documented sample carries about the customer
// beyond the name: e-mail, IBAN, phone (a number on the wire) and two
// addresses. The sample's e-mail is what the docs page's e-mail obfuscation
// left ("[email protected]", with a no-break space): only its key finds it.
var enneoPersonal = []string{"[email\u00a0protected]", "DE89370400440532013000", "491721041689",
	"Hugo-Junkers-Str. 5, 82031 Grünwald", "Rechnungssstraße 24, 10587 Berlin"}

// epilotContract is an epilot contract entity with the parts of the
// customer portal's schema the seed page cuts off: addresses as objects,
// e-mail and phone as lists of objects, the SEPA mandate, and a note.
const epilotContract = `{
  "_id": "c0a1e500", "_schema": "contract", "contract_name": "Strom Zuhause", "contract_number": "V-1",
  "billing_address": {"street": "Lindenweg", "street_number": "7", "postal_code": "79098", "city": "Freiburg", "country": "DE"},
  "delivery_address": [{"street": "Am Markt", "street_number": "1a", "postal_code": "79098", "city": "Freiburg"}],
  "email": [{"email": "anna.schneider@example.org", "_tags": ["primary"]}],
  "phone": [{"phone": "+49 761 123456"}],
  "payment": [{"type": "payment_sepa", "data": {"iban": "DE02 1203 0000 0000 2020 51", "bic_number": "BYLADEM1001"}}],
  "notes": "Rückfragen an buchhaltung@lindenweg.example, Konto DE75512108001245126199",
  "ma_lo_id": "51234500000", "meter": "DE0001234567890000000000000000001"
}`

var epilotPersonal = []string{"Lindenweg", "79098", "Am Markt", "anna.schneider@example.org", "761 123456",
	"DE02 1203 0000 0000 2020 51", "buchhaltung@lindenweg.example", "DE75512108001245126199"}

func TestMaskSeeds(t *testing.T) {
	for _, tc := range []struct {
		name     string
		raw      []byte
		personal []string
		keep     []string // what the reader still needs to see
	}{
		{"enneo seed", seed(t, "enneo/testdata/contract_746839.json"), enneoPersonal,
			[]string{`"productName": "Flex 24"`, `"counterNumber": "1ESY1160669167"`, `"firstname": "John"`, `"gridOperatorCode": 1000000000000`, `"iban": "•••"`, `"email": "•••"`, `"phone": "•••"`, `"rawData": null`}},
		{"epilot contract", []byte(epilotContract), epilotPersonal,
			[]string{`"contract_number": "V-1"`, `"ma_lo_id": "51234500000"`, `"meter": "DE0001234567890000000000000000001"`, `"Rückfragen an •••, Konto •••"`, `"street": "•••"`}},
	} {
		masked, changed := Mask(tc.raw)
		if !changed {
			t.Errorf("%s: nothing masked", tc.name)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, masked, "", "  "); err != nil {
			t.Fatalf("%s: the masked record is not JSON: %v\n%s", tc.name, err, masked)
		}
		for _, p := range tc.personal {
			if strings.Contains(pretty.String(), p) {
				t.Errorf("%s: %q still shown", tc.name, p)
			}
		}
		for _, k := range tc.keep {
			if !strings.Contains(pretty.String(), k) {
				t.Errorf("%s: %s lost\n%s", tc.name, k, pretty.String())
			}
		}
		if keysOf(t, masked) != keysOf(t, tc.raw) {
			t.Errorf("%s: masking changed the keys or their order", tc.name)
		}

		stripped, changed := Strip(tc.raw)
		if !changed || !json.Valid(stripped) {
			t.Errorf("%s: strip changed nothing or broke the JSON: %s", tc.name, stripped)
		}
		for _, p := range tc.personal {
			if bytes.Contains(stripped, []byte(p)) {
				t.Errorf("%s: %q still stored", tc.name, p)
			}
		}
	}
}

// keysOf lists a document's keys and nesting in order, to compare structure.
func keysOf(t *testing.T, raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var out []string
	var stack []bool // true: in an object
	key := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return strings.Join(out, " ")
		}
		inObject := len(stack) > 0 && stack[len(stack)-1]
		switch tt := tok.(type) {
		case json.Delim:
			out = append(out, tt.String())
			if tt == '{' || tt == '[' {
				stack = append(stack, tt == '{')
				key = tt == '{'
			} else {
				stack = stack[:len(stack)-1]
				key = len(stack) > 0 && stack[len(stack)-1]
			}
			continue
		case string:
			if inObject && key {
				out = append(out, tt)
				key = false
				continue
			}
		}
		key = inObject
	}
}

// The other vendors' samples hold no personal data: nothing is masked, the
// record is the same document.
func TestNoFalsePositivesInSeeds(t *testing.T) {
	for _, p := range []string{"prosumer/testdata/portfolio_seed.json", "otark/testdata/contracts_seed.json",
		"podero/testdata/contract_seed.json", "epilot/testdata/contract.json"} {
		raw := seed(t, p)
		masked, changed := Mask(raw)
		if changed {
			t.Errorf("%s: masked something:\n%s", p, masked)
		}
		var a, b any
		json.Unmarshal(raw, &a)
		json.Unmarshal(masked, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the masked copy differs", p)
		}
		if got := Extract(raw); len(got) != 0 {
			t.Errorf("%s: extracted %v", p, got)
		}
	}
}

func TestExtract(t *testing.T) {
	got := Extract(seed(t, "enneo/testdata/contract_746839.json"))
	want := map[Kind][]string{
		Email:   {"[email\u00a0protected]"},
		Phone:   {"491721041689"},
		IBAN:    {"DE89370400440532013000"},
		Address: {"Hugo-Junkers-Str. 5, 82031 Grünwald", "Rechnungssstraße 24, 10587 Berlin"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("enneo seed: %v, want %v", got, want)
	}
	got = Extract([]byte(epilotContract))
	want = map[Kind][]string{
		Address: {"Lindenweg, 7, 79098, Freiburg, DE", "Am Markt, 1a, 79098, Freiburg"},
		Email:   {"anna.schneider@example.org", "buchhaltung@lindenweg.example"},
		Phone:   {"+49 761 123456"},
		IBAN:    {"DE02 1203 0000 0000 2020 51", "DE75512108001245126199"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("epilot contract:\n got %q\nwant %q", got, want)
	}
}

func TestKeyKind(t *testing.T) {
	for key, want := range map[string]Kind{
		"iban": IBAN, "IBAN": IBAN, "bank_account": IBAN, "Kontonummer": IBAN,
		"email": Email, "e-mail": Email, "EmailAddress": Email, "contact_email": Email,
		"phone": Phone, "mobilePhone": Phone, "Telefon": Phone, "fax": Phone,
		"deliveryAddress": Address, "billing_address": Address, "addresses": Address, "Straße": Address,
		"postal_code": Address, "zip": Address, "PLZ": Address, "street_number": Address,
		"id": "", "customerId": "", "firstname": "", "counterNumber": "", "meter_id": "", "ma_lo_id": "",
		"gridOperatorCode": "", "city": "", "billing_period": "", "energy_prices": "", "tso": "", "eic": "",
	} {
		if got := KeyKind(key); got != want {
			t.Errorf("KeyKind(%q) = %q, want %q", key, got, want)
		}
		// The quick look before a walk must never miss a personal key.
		if want != "" && !mayHold([]byte(`{"`+key+`": 1}`)) {
			t.Errorf("mayHold misses key %q", key)
		}
	}
}

func TestMaskText(t *testing.T) {
	for in, want := range map[string]string{
		"IBAN DE89 3704 0044 0532 0130 00 bitte":      "IBAN ••• bitte",
		"write to max.mustermann@example.com today":   "write to ••• today",
		"meter DE0001234567890000000000000000001":     "meter DE0001234567890000000000000000001",
		"EIC 11YGREENENERGY-Z, 10YDE-RWENET---I":      "EIC 11YGREENENERGY-Z, 10YDE-RWENET---I",
		"GB82WEST12345698765432 and a@b.de":           "••• and •••",
		"DE89370400440532013001 (wrong check digits)": "DE89370400440532013001 (wrong check digits)",
	} {
		if got := MaskText(in); got != want {
			t.Errorf("MaskText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLogHandlerMasks(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(LogHandler(slog.NewTextHandler(&b, nil))).With("contact", "anna@example.org")
	log.Warn("mail to bob@example.com bounced", "email", "bob@example.com", "phone", 491721041689,
		"err", os.ErrNotExist, "body", `{"iban":"DE89370400440532013000"}`,
		slog.Group("customer", "deliveryAddress", "Hugo-Junkers-Str. 5"), "contract", "746839")
	out := b.String()
	for _, p := range []string{"anna@example.org", "bob@example.com", "491721041689", "DE89370400440532013000", "Hugo-Junkers"} {
		if strings.Contains(out, p) {
			t.Errorf("log carries %q:\n%s", p, out)
		}
	}
	if !strings.Contains(out, "contract=746839") || !strings.Contains(out, "file does not exist") {
		t.Errorf("log lost what is not personal:\n%s", out)
	}
}

// What is not personal comes out of a rewrite as it went in, escapes and all.
func TestRewriteKeepsOtherValues(t *testing.T) {
	raw := []byte(`{"note":"say \"hi\" \\ back\n\t\u0001 <b>&amp;</b> Grünwald \u2028","n":-1.50e3,"ok":true,"none":null,"list":[1,"a",{}],"empty":{}}`)
	for name, f := range map[string]func([]byte) ([]byte, bool){"mask": Mask, "strip": Strip} {
		out, changed := f(raw)
		var a, b any
		if err := json.Unmarshal(out, &b); err != nil || changed {
			t.Fatalf("%s: %v, changed %v: %s", name, err, changed, out)
		}
		json.Unmarshal(raw, &a)
		if !reflect.DeepEqual(a, b) || !bytes.Contains(out, []byte(`-1.50e3`)) {
			t.Errorf("%s: %s, want the same document as %s", name, out, raw)
		}
	}
}
