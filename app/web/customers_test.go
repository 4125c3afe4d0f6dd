package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
)

// One field manager's customer, "Hof Sonnenschein", has contracts at four
// vendors; the sources file links its ids there to one account.

const srcPodero = "podero-app"

const hofEIC = "11XHOFSONNE----1"

func hofContracts() map[string][]app.Contract {
	return map[string][]app.Contract{
		srcEnneo: {{
			ExternalID: "800001", Kind: app.KindRetail, Commodity: app.CommodityElectricity, Status: "active",
			Customer: app.Customer{ExternalID: "K-2001", Name: "Sonnenschein GbR"},
			Name:     "Strom Agrar – Hof Sonnenschein", Product: app.Product{Name: "Strom Agrar"},
			ValidFrom: utcDay(2025, 1, 1), ValidTo: utcDay(2026, 12, 31),
			Prices: app.Prices{Currency: "EUR", BasePerYear: dec("240"), WorkingPerKWh: dec("0.271")},
			Raw:    []byte(`{"id":800001}`),
		}},
		srcProsumer: {{
			ExternalID: "F-77", Kind: app.KindFlexibility, Commodity: app.CommodityElectricity, Status: "active",
			Customer:  app.Customer{ExternalID: "C-77", Name: "Sonnenschein (prosumer)"},
			Name:      "<b>Flex</b> Wärmepumpe & Co",
			ValidFrom: utcDay(2026, 1, 1),
			Prices:    app.Prices{Currency: "EUR"},
			Flexibility: &app.FlexibilityTerms{
				AssetID: "A-9", AssetName: "Wärmepumpe Stall", ParticipantID: "PART-3",
				ReservationFee: dec("5.10"), ActivationFeeWorkdays: dec("6.10"), ActivationFeeNonWorkdays: dec("7.10"),
				MaxPowerPerActivation: dec("11.5"), MaxActivationsPerInterval: app.Ptr[int64](3),
				MaxActivationMinutes: app.Ptr[int64](60), MinMinutesBetween: app.Ptr[int64](15),
				DaysAllowedForActivation: app.Ptr[int64](2), PermittedIntervals: "08:00-12:00",
				Tolerance: dec("0.05"), Renewal: app.Ptr[int64](1), NonConformanceClause: "Penalty <50%>",
				MinNormalTemperature: dec("19"), MaxNormalTemperature: dec("21.5"),
				MaxRampUpTemperature: dec("23"), MinRampDownTemperature: dec("17.5"),
			},
			Raw: []byte(`{"contractId":"F-77"}`),
		}},
		srcOtark: {{
			ExternalID: "PPA-77", Kind: app.KindPPA, Commodity: app.CommodityElectricity, Status: "active",
			Customer:  app.Customer{ExternalID: hofEIC, Name: "Hof Sonnenschein Energie"},
			Name:      "PPA Solarpark Hof",
			Parties:   app.Parties{Supplier: "Solarpark Hof GmbH", SupplierCode: "11XSOLARHOF---2", Buyer: "Hof Sonnenschein Energie", BuyerCode: hofEIC},
			ValidFrom: utcDay(2026, 1, 1), ValidTo: utcDay(2026, 3, 31),
			Prices: app.Prices{Currency: "EUR", WorkingPerKWh: dec("0.0655")},
			PPA: &app.PPATerms{
				PPAType: "indexed", Period: "Q1-2026", DeliveryProfile: "ENWEX Solar 2026",
				SellerTSO: "50Hertz", BuyerTSO: "TenneT", AssetID: "SEE901", AssetName: "Solarpark Hof",
				Technology: "solar", AssetTSO: "Amprion", NominalPowerMW: dec("25"),
				CreatedAt: time.Date(2025, 10, 1, 8, 30, 0, 0, time.UTC), UpdatedAt: time.Date(2025, 10, 2, 9, 0, 0, 0, time.UTC),
			},
			Raw: []byte(`{"id":"PPA-77"}`),
		}},
		srcPodero: {{
			ExternalID: "POD-5", Kind: app.KindPartner, Commodity: app.CommodityElectricity, Status: "active",
			Customer: app.Customer{ExternalID: "u-4711"},
			Name:     "Podero Dynamisch",
			Prices:   app.Prices{Currency: "EUR"},
			Partner: &app.PartnerTerms{
				UserID: "u-4711", ContractType: "spot_hourly", IncludesExternalComponents: app.Ptr(false),
				Prices: []app.PricePoint{
					{From: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), PerKWh: app.MustDecimal("0.11")},
					{From: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC), PerKWh: app.MustDecimal("0.1235")}, // in force at now (12:00 UTC)
					{From: time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC), PerKWh: app.MustDecimal("0.15")},
				},
			},
			Raw: []byte(`{"id":"POD-5"}`),
		}},
	}
}

var hofVendors = map[string]app.Vendor{srcEnneo: app.VendorEnneo, srcProsumer: app.VendorProsumer, srcOtark: app.VendorOtark, srcPodero: app.VendorPodero}

// syncVendor stores contracts as one finished run of source at vendor.
func syncVendor(t testing.TB, s *db.Store, source string, vendor app.Vendor, contracts []app.Contract) {
	t.Helper()
	ctx := context.Background()
	if err := s.EnsureSource(ctx, source, vendor, "https://api."+source+".example/v1"); err != nil {
		t.Fatal(err)
	}
	run, err := s.BeginRun(ctx, source)
	if err != nil {
		t.Fatal(err)
	}
	for i := range contracts {
		contracts[i].Source, contracts[i].Vendor, contracts[i].FetchedAt = source, vendor, fetched
	}
	if err := s.SavePage(ctx, run, source, "contracts", contracts, nil, "1"); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, run, app.RunOK, ""); err != nil {
		t.Fatal(err)
	}
}

// hofStore holds the fixtures of the other tests, Hof Sonnenschein's
// contracts at four vendors, and three accounts.
func hofStore(t testing.TB) *db.Store {
	t.Helper()
	s := openStore(t)
	all := fixtures()
	for src, cs := range hofContracts() {
		syncVendor(t, s, src, hofVendors[src], append(all[src], cs...))
	}
	err := s.ReplaceAccounts(context.Background(), []app.Account{
		{Name: "Hof Sonnenschein", Links: []app.AccountLink{
			{Source: srcEnneo, ExternalID: "K-2001"}, {Source: srcProsumer, ExternalID: "C-77"},
			{Source: srcOtark, ExternalID: hofEIC}, {Source: srcPodero, ExternalID: "u-4711"},
		}},
		{Name: "Bäckerei Müller", Links: []app.AccountLink{{Source: srcEnneo, ExternalID: "K-1001"}, {Source: "gone-source", ExternalID: "X-1"}}},
		{Name: "Neukunde <i>Test</i>"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hofOptions(s *db.Store) Options {
	o := testOptions(s)
	o.Accounts = s
	return o
}

func accountID(t testing.TB, s *db.Store, name string) int64 {
	t.Helper()
	as, err := s.Accounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Name == name {
			return a.ID
		}
	}
	t.Fatalf("no account %q", name)
	return 0
}

func wantAll(t *testing.T, what, txt string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(txt, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestContractPageFlexibilityTerms(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	body := mustGet(t, h, fmt.Sprintf("/contracts/%d", contractID(t, s, "F-77")))
	wantAll(t, "flexibility page", text(body),
		"Flexibility terms",
		"Reservation fee €5.10",
		"Activation fee, workdays €6.10",
		"Activation fee, non-workdays €7.10",
		"Max power per activation 11.5 kW",
		"Max activations per interval 3",
		"Max activation time 60 min",
		"Min time between activations 15 min",
		"Days allowed 2 (vendor code)",
		"Permitted intervals 08:00-12:00",
		"Tolerance 0.05",
		"Renewal 1 (vendor code)",
		"Non-conformance clause Penalty <50%>",
		"Normal temperature, min 19 °C",
		"Normal temperature, max 21.5 °C",
		"Ramp-up temperature, max 23 °C",
		"Ramp-down temperature, min 17.5 °C",
		"Asset Wärmepumpe Stall A-9",
		"Participant PART-3",
		// The customer block: the account, and the vendor's own name and id.
		"Your customer Hof Sonnenschein",
		"Name at vendor Sonnenschein (prosumer)",
		"Customer ID C-77",
	)
	if want := fmt.Sprintf(`<a href="/customers/%d">Hof Sonnenschein</a>`, accountID(t, s, "Hof Sonnenschein")); !strings.Contains(body, want) {
		t.Errorf("the customer block does not link the account: want %s", want)
	}
	if strings.Contains(body, "<b>Flex</b>") || strings.Contains(body, "Penalty <50%>") {
		t.Error("vendor text unescaped")
	}
	// The lede names the user's customer.
	if !strings.Contains(text(body), "Hof Sonnenschein · Flexibility") {
		t.Error("lede does not name the account")
	}
}

func TestContractPagePPATerms(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	body := mustGet(t, h, fmt.Sprintf("/contracts/%d", contractID(t, s, "PPA-77")))
	wantAll(t, "PPA page", text(body),
		"PPA terms",
		"Type indexed", "Period Q1-2026", "Delivery profile ENWEX Solar 2026",
		"Seller Solarpark Hof GmbH EIC 11XSOLARHOF---2 · TSO 50Hertz",
		"Buyer Hof Sonnenschein Energie EIC "+hofEIC+" · TSO TenneT",
		"Asset Solarpark Hof SEE901", "Technology Solar", "Nominal power 25 MW", "Asset TSO Amprion",
		"Created 1 Oct 2025 10:30 CEST", "Updated 2 Oct 2025 11:00 CEST",
		"EIC "+hofEIC, // the vendor customer id is labelled as an EIC for otark
	)
}

func TestContractPagePartnerTerms(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	body := mustGet(t, h, fmt.Sprintf("/contracts/%d", contractID(t, s, "POD-5")))
	wantAll(t, "partner page", text(body),
		"Partner contract",
		"Contract type spot_hourly",
		"Building all buildings",
		"Price includes grid fees, levies and taxes no",
		"User u-4711",
		"Price now 12.35 ct/kWh",
		"Price series",
		"From Europe/Berlin", "Price ct/kWh",
		"23 Nov 2026 11:00 CET 11.00",
		"23 Nov 2026 12:00 CET 12.35 now",
		"23 Nov 2026 14:00 CET 15.00",
	)
	// Exactly the price in force now is highlighted.
	rows := regexp.MustCompile(`<tr class="price-now" aria-current="true">.*?</tr>`).FindAllString(strings.ReplaceAll(body, "\n", ""), -1)
	if len(rows) != 1 || !strings.Contains(text(rows[0]), "12.35") {
		t.Errorf("highlighted rows %q, want the 12.35 one", rows)
	}
}

func TestContractPageUnlinkedCustomer(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	body := mustGet(t, h, fmt.Sprintf("/contracts/%d", contractID(t, s, "746840")))
	txt := text(body)
	if strings.Contains(txt, "Your customer") {
		t.Error("an unlinked customer is shown as an account")
	}
	wantAll(t, "unlinked contract page", txt, "Name at vendor Zahnarztpraxis Weber", "Customer ID K-1002", "Not linked to one of your customers")
	// A retail contract has no kind terms.
	for _, no := range []string{"Flexibility terms", "PPA terms", "Partner contract"} {
		if strings.Contains(txt, no) {
			t.Errorf("retail contract shows %q", no)
		}
	}
}

func TestPortfolioKeyTermsAndDisplayName(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	body := mustGet(t, h, "/contracts?sort=name")
	txt := text(body)
	wantAll(t, "portfolio", txt,
		"Key terms",
		"Reservation €5.10 · Activation €6.10/7.10",
		"indexed · 25 MW solar · Q1-2026",
		"spot_hourly · 12.35 ct/kWh now",
	)
	// The linked customer's name, with the vendor's id under it.
	if !strings.Contains(body, `<span class="primary" title="Hof Sonnenschein (at the vendor: Sonnenschein (prosumer))">Hof Sonnenschein</span> <span class="secondary" title="C-77">C-77</span>`) {
		t.Error("the flexibility row does not show the account name with the vendor id")
	}
	en := text(mustGet(t, h, "/contracts?sort=name&lang=en"))
	wantAll(t, "English portfolio", en, "Reservation €5.10 · Activation €6.10/7.10", "spot_hourly · 12.35 ct/kWh now")
}

func TestPortfolioAccountFilter(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	hof := accountID(t, s, "Hof Sonnenschein")
	body := mustGet(t, h, fmt.Sprintf("/contracts?sort=name&account=%d", hof))
	want := []string{"<b>Flex</b> Wärmepumpe & Co", "Podero Dynamisch", "PPA Solarpark Hof", "Strom Agrar – Hof Sonnenschein"}
	if got := rowNames(body); !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	wantAll(t, "filtered portfolio", body,
		fmt.Sprintf(`<option value="%d" selected>Hof Sonnenschein</option>`, hof),
		`<label for="f-account">Customer</label>`,
		fmt.Sprintf(`href="/contracts.csv?account=%d&amp;dialect=standard&amp;sort=name"`, hof),
	)
	if !strings.Contains(text(body), "4 contracts match the filters") {
		t.Error("count not filtered")
	}
	// The other account's one contract; an unknown account has none.
	if got := rowNames(mustGet(t, h, fmt.Sprintf("/contracts?account=%d", accountID(t, s, "Bäckerei Müller")))); !slices.Equal(got, []string{"Strom Business 24 – Bäckerei Müller"}) {
		t.Errorf("Bäckerei Müller rows %q", got)
	}
	unknown := mustGet(t, h, "/contracts?account=987654")
	if !strings.Contains(text(unknown), "No contracts match these filters") || !strings.Contains(unknown, `<option value="987654" selected>Customer #987654</option>`) {
		t.Error("an unknown account does not show as an empty, still selected filter")
	}
	for _, bad := range []string{"abc", "0", "-3", "1.5"} {
		// The portfolio with the customer field marked (refused_test.go).
		res, page := get(t, h, "/contracts?lang=en&account="+bad)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("account=%s: %d, want 400", bad, res.StatusCode)
		}
		refusedField(t, "account="+bad, page, "f-account", "", fmt.Sprintf("%q is not a customer id", bad))
		if res, _ := get(t, h, "/contracts.csv?account="+bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("CSV account=%s: %d, want 400", bad, res.StatusCode)
		}
	}
}

var groupHead = regexp.MustCompile(`(?s)<tr class="group-head"><th scope="rowgroup" colspan="12">(.*?)</th></tr>`)

func TestPortfolioGroupsByCustomer(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	body := mustGet(t, h, "/contracts?sort=customer")
	heads := groupHead.FindAllStringSubmatch(body, -1)
	var names []string
	for _, m := range heads {
		names = append(names, text(m[1]))
	}
	hof := accountID(t, s, "Hof Sonnenschein")
	// Every customer once, in customer order; Hof Sonnenschein's four
	// contracts from four vendors under one header.
	want := []string{
		"Autohaus Schulz C-9 1 contract on this page",
		"Bäckerei Müller 1 contract on this page",
		"Evil Corp K-1003 1 contract on this page",
		"Hof Sonnenschein 4 contracts on this page",
		"Hotel Adler C-10 1 contract on this page",
		"Zahnarztpraxis Weber K-1002 1 contract on this page",
		"No customer 1 contract on this page", // the PPA fixture names none; it sorts last
	}
	if !slices.Equal(names, want) {
		t.Errorf("group headers\n%q\nwant\n%q", names, want)
	}
	if !strings.Contains(body, fmt.Sprintf(`<a href="/customers/%d">Hof Sonnenschein</a>`, hof)) {
		t.Error("the group header does not link the customer page")
	}
	if len(rowNames(body)) != 10 {
		t.Errorf("%d rows, want 10", len(rowNames(body)))
	}
	// The counts are per page.
	page2 := mustGet(t, h, "/contracts?sort=customer&per=25&page=1")
	if len(groupHead.FindAllString(page2, -1)) != 7 {
		t.Error("headers differ with paging")
	}
	// Not grouped in other orders.
	if groupHead.MatchString(mustGet(t, h, "/contracts?sort=name")) {
		t.Error("group headers without sort=customer")
	}
}

func TestCustomersList(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	body := mustGet(t, h, "/customers")
	if !strings.Contains(body, `<a href="/customers" aria-current="page">Customers</a>`) {
		t.Error("no current Customers nav item")
	}
	rows := map[string][]string{}
	for _, tr := range regexp.MustCompile(`(?s)<tr data-href="[^"]*">(.*?)</tr>`).FindAllStringSubmatch(body, -1) {
		var cells []string
		for _, td := range regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(tr[1], -1) {
			cells = append(cells, text(td[1]))
		}
		rows[cells[0]] = cells[1:]
	}
	// Columns: enneo, epilot, Prosumer, otark, Podero, total.
	want := map[string][]string{
		"Bäckerei Müller":      {"1", "—", "—", "—", "—", "1"},
		"Hof Sonnenschein":     {"1", "—", "1", "1", "1", "4"},
		"Neukunde <i>Test</i>": {"—", "—", "—", "—", "—", "0"},
	}
	for name, cells := range want {
		if !slices.Equal(rows[name], cells) {
			t.Errorf("row %q = %q, want %q", name, rows[name], cells)
		}
	}
	if len(rows) != 3 {
		t.Errorf("%d rows, want 3", len(rows))
	}
	wantAll(t, "customers", text(body), "Customer enneo contracts epilot contracts Prosumer contracts otark contracts Podero contracts Total contracts",
		"3 customers from the sources file, with 5 contracts", "All customers 2 0 1 1 1 5")
	if strings.Contains(body, "<i>Test</i>") {
		t.Error("account name unescaped")
	}
	if !strings.Contains(body, fmt.Sprintf(`href="/customers/%d"`, accountID(t, s, "Hof Sonnenschein"))) {
		t.Error("no link to the customer page")
	}
	// Other pages have the nav item too.
	if !strings.Contains(mustGet(t, h, "/sync"), `<a href="/customers">Customers</a>`) {
		t.Error("no Customers nav item on the sync page")
	}
}

func TestCustomersEmpty(t *testing.T) {
	s := seeded(t)
	h := New(hofOptions(s))
	body := mustGet(t, h, "/customers")
	wantAll(t, "empty customers page", text(body), "No customers yet", "[[customer]]", "name = ")
	// No accounts: the portfolio has no Customer filter.
	if strings.Contains(mustGet(t, h, "/contracts"), `name="account"`) {
		t.Error("Customer filter without customers")
	}
}

func TestCustomerPage(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	hof := accountID(t, s, "Hof Sonnenschein")
	body := mustGet(t, h, fmt.Sprintf("/customers/%d", hof))
	txt := text(body)
	wantAll(t, "customer page", txt,
		"Hof Sonnenschein", "4 contracts from 4 vendors",
		srcEnneo+" · enneo Customer ID K-2001",
		srcProsumer+" · Prosumer Customer ID C-77",
		srcOtark+" · otark EIC "+hofEIC,
		srcPodero+" · Podero User ID u-4711",
		"Export CSV",
	)
	if !strings.Contains(body, fmt.Sprintf(`href="/contracts.csv?account=%d"`, hof)) {
		t.Error("no CSV export of the customer")
	}
	// One section per vendor, in order, each with its contract and the
	// columns of its kind.
	sections := regexp.MustCompile(`(?s)<section class="card vendor-section" aria-labelledby="h-v-([a-z]+)">(.*?)</section>`).FindAllStringSubmatch(body, -1)
	var vendorsSeen []string
	for _, sec := range sections {
		vendorsSeen = append(vendorsSeen, sec[1])
	}
	if want := []string{"enneo", "prosumer", "otark", "podero"}; !slices.Equal(vendorsSeen, want) {
		t.Fatalf("sections %q, want %q", vendorsSeen, want)
	}
	wantSec := map[string][]string{
		"enneo":    {"Working price ct/kWh", "Strom Agrar – Hof Sonnenschein", "27.10", "240.00", "1 Jan 2025 – 31 Dec 2026"},
		"prosumer": {"Reservation fee", "<b>Flex</b> Wärmepumpe & Co", "Flexibility", "€5.10", "€6.10/7.10", "11.5 kW"},
		"otark":    {"Type / period", "PPA Solarpark Hof", "indexed", "Q1-2026", "Solarpark Hof", "solar · 25 MW", "Solarpark Hof GmbH", "6.55"},
		"podero":   {"Price now ct/kWh", "Podero Dynamisch", "all buildings", "spot_hourly", "12.35", "on top", "3"},
	}
	for _, sec := range sections {
		for _, w := range wantSec[sec[1]] {
			if !strings.Contains(text(sec[2]), w) {
				t.Errorf("section %s lacks %q", sec[1], w)
			}
		}
	}
	for _, ext := range []string{"800001", "F-77", "PPA-77", "POD-5"} {
		if !strings.Contains(body, fmt.Sprintf(`href="/contracts/%d"`, contractID(t, s, ext))) {
			t.Errorf("no link to contract %s", ext)
		}
	}
	if strings.Contains(body, "<b>Flex</b>") {
		t.Error("vendor string unescaped")
	}
	if !strings.Contains(body, "&lt;b&gt;Flex&lt;/b&gt; Wärmepumpe &amp; Co") {
		t.Error("vendor string not shown escaped")
	}

	// A link to a source no longer configured, and no contracts at all.
	mu := mustGet(t, h, fmt.Sprintf("/customers/%d", accountID(t, s, "Bäckerei Müller")))
	wantAll(t, "Bäckerei Müller", text(mu), "gone-source · not a configured source X-1", "Strom Business 24 – Bäckerei Müller")
	neu := mustGet(t, h, fmt.Sprintf("/customers/%d", accountID(t, s, "Neukunde <i>Test</i>")))
	wantAll(t, "empty customer", text(neu), "Neukunde <i>Test</i>", "No contracts cached for this customer", "links no ids")
	if strings.Contains(neu, "<i>Test</i>") {
		t.Error("account name unescaped")
	}
}

func TestCustomerPageErrors(t *testing.T) {
	h := New(hofOptions(hofStore(t)))
	for path, want := range map[string]int{
		"/customers/999999":               http.StatusNotFound,
		"/customers/abc":                  http.StatusBadRequest,
		"/customers/0":                    http.StatusBadRequest,
		"/customers/-1":                   http.StatusBadRequest,
		"/customers/99999999999999999999": http.StatusBadRequest,
		"/customers?lang=fr":              http.StatusBadRequest,
	} {
		if res, _ := get(t, h, path); res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	_, body := get(t, h, "/customers/abc")
	if !strings.Contains(text(body), `parameter "id" has the value "abc"`) {
		t.Error("400 page does not name the parameter")
	}
}

func TestCustomersAbsentWithoutAccountReader(t *testing.T) {
	s := hofStore(t)
	h := New(testOptions(s)) // no Accounts
	body := mustGet(t, h, "/contracts")
	if strings.Contains(body, `href="/customers"`) {
		t.Error("Customers nav item without an AccountReader")
	}
	if strings.Contains(body, `name="account"`) {
		t.Error("Customer filter without an AccountReader")
	}
	for _, path := range []string{"/customers", "/customers/1"} {
		if res, _ := get(t, h, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
	}
	// The contract page names the account but does not link to a missing page.
	page := mustGet(t, h, fmt.Sprintf("/contracts/%d", contractID(t, s, "F-77")))
	if !strings.Contains(text(page), "Your customer Hof Sonnenschein") || strings.Contains(page, `href="/customers/`) {
		t.Error("contract page: account not shown, or linked to an absent page")
	}
}

func TestExportCSVKindColumns(t *testing.T) {
	s := hofStore(t)
	h := New(hofOptions(s))
	res, body := get(t, h, fmt.Sprintf("/contracts.csv?account=%d&sort=name", accountID(t, s, "Hof Sonnenschein")))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	byID := map[string]map[string]string{}
	for _, r := range recs[1:] {
		row := map[string]string{}
		for i, name := range head {
			row[name] = r[i]
		}
		byID[row["external_id"]] = row
	}
	if len(byID) != 4 {
		t.Fatalf("%d rows, want Hof Sonnenschein's 4", len(byID))
	}
	want := map[string]map[string]string{
		"F-77": {
			"account": "Hof Sonnenschein", "customer_id": "C-77", "currency": "EUR", "kind": "flexibility",
			"flex_reservation_fee": "5.1", "flex_activation_fee_workdays": "6.1", "flex_activation_fee_non_workdays": "7.1",
			"flex_max_power_kw": "11.5", "asset_name": "Wärmepumpe Stall", "ppa_type": "", "partner_price_points": "",
		},
		"PPA-77": {
			"account": "Hof Sonnenschein", "seller": "Solarpark Hof GmbH", "seller_eic": "11XSOLARHOF---2",
			"buyer": "Hof Sonnenschein Energie", "buyer_eic": hofEIC, "ppa_type": "indexed", "ppa_period": "Q1-2026",
			"ppa_delivery_profile": "ENWEX Solar 2026", "asset_name": "Solarpark Hof", "asset_technology": "solar",
			"asset_nominal_power_mw": "25", "working_price_ct_per_kwh": "6.55", "flex_reservation_fee": "",
		},
		"POD-5": {
			"account": "Hof Sonnenschein", "customer_id": "u-4711", "partner_contract_type": "spot_hourly",
			"partner_price_includes_external_components": "false", "partner_price_points": "3", "asset_name": "",
		},
		"800001": {"account": "Hof Sonnenschein", "partner_contract_type": "", "partner_price_points": "", "seller": ""},
	}
	for id, cols := range want {
		for name, v := range cols {
			if got := byID[id][name]; got != v {
				t.Errorf("%s: %s = %q, want %q", id, name, got, v)
			}
		}
	}
}
