package db

import (
	"context"
	"reflect"
	"testing"
	"time"

	"wattfolio/app"
)

func TestKindTermsRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	d := func(v string) *app.Decimal { return app.Ptr(app.MustDecimal(v)) }

	flex := sample("flex-1")
	flex.Kind = app.KindFlexibility
	flex.Flexibility = &app.FlexibilityTerms{
		AssetID: "13", AssetName: "Wärmepumpe Nord", ParticipantID: "20",
		ReservationFee: d("5.1"), ActivationFeeWorkdays: d("6.1"), ActivationFeeNonWorkdays: d("7.1"),
		MaxPowerPerActivation: d("1.1"), MaxActivationsPerInterval: app.Ptr(int64(1)), MaxActivationMinutes: app.Ptr(int64(60)),
		MinMinutesBetween: app.Ptr(int64(3)), DaysAllowedForActivation: app.Ptr(int64(0)), PermittedIntervals: "06:00-22:00",
		Tolerance: d("4.1"), Renewal: app.Ptr(int64(0)), NonConformanceClause: "penalty",
		MinNormalTemperature: d("9.1"), MaxNormalTemperature: d("10.1"), MaxRampUpTemperature: d("11.1"), MinRampDownTemperature: d("-12.1"),
	}
	ppa := sample("con_a1b2c3d4")
	ppa.Kind = app.KindPPA
	ppa.PPA = &app.PPATerms{
		PPAType: "indexed", Period: "Q1-2026", DeliveryProfile: "ENWEX Solar 2026", SellerTSO: "TenneT", BuyerTSO: "TenneT",
		AssetID: "ast_w1x2y3z4", AssetName: "Zonnepark De Wilgen", Technology: "solar", AssetTSO: "TenneT",
		NominalPowerMW: d("25"), CreatedAt: time.Date(2024, 11, 20, 10, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2025, 1, 5, 8, 30, 0, 0, time.UTC),
	}
	partner := sample("3c90c3cc")
	partner.Kind = app.KindPartner
	partner.Partner = &app.PartnerTerms{
		UserID: "u-1", ContractType: "spot_hourly", IncludesExternalComponents: app.Ptr(false),
		Prices: []app.PricePoint{
			{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), PerKWh: app.MustDecimal("0.12345")},
			{From: time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC), PerKWh: app.MustDecimal("-0.05")},
		},
	}
	seed(t, s, "acme", flex, ppa, partner)

	for _, want := range []app.Contract{flex, ppa, partner} {
		got := findByExternal(t, s, want.ExternalID)
		want.ID = got.ID
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s round trip:\n got %+v\nwant %+v", want.ExternalID, got, want)
		}
		one, err := s.GetContract(ctx, got.ID)
		if err != nil || !reflect.DeepEqual(one, want) {
			t.Errorf("GetContract(%s) = %+v, %v", want.ExternalID, one, err)
		}
	}

	// A re-sync that drops the terms and prices leaves none behind.
	partner.Partner.Prices = partner.Partner.Prices[:1]
	flex.Flexibility = nil
	seed(t, s, "acme", flex, partner)
	if got := findByExternal(t, s, "flex-1"); got.Flexibility != nil {
		t.Errorf("stale flexibility terms: %+v", got.Flexibility)
	}
	if got := findByExternal(t, s, "3c90c3cc"); len(got.Partner.Prices) != 1 {
		t.Errorf("prices after re-sync = %v, want one", got.Partner.Prices)
	}
}

func TestAccountsLinkCustomersAcrossSources(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	a := sample("E-1")
	a.Customer = app.Customer{ExternalID: "C-17", Name: "Schmidt"}
	b := sample("E-2")
	b.Customer = app.Customer{ExternalID: "C-99", Name: "Someone else"}
	seed(t, s, "enneo-a", a, b)
	ppa := sample("con_1")
	ppa.Vendor, ppa.Kind = app.VendorOtark, app.KindPPA
	ppa.Customer = app.Customer{ExternalID: "11YSCHMIDT-----Z", Name: "Schmidt Energie"}
	seed(t, s, "otark-a", ppa)

	err := s.ReplaceAccounts(ctx, []app.Account{
		{Name: "Bäckerei Schmidt GmbH", Profile: "G25", Links: []app.AccountLink{{Source: "enneo-a", ExternalID: "C-17"}, {Source: "otark-a", ExternalID: "11YSCHMIDT-----Z"}}},
		{Name: "Empty Ltd"},
	})
	if err != nil {
		t.Fatal(err)
	}
	accts, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 2 || accts[0].Name != "Bäckerei Schmidt GmbH" || accts[0].Total() != 2 || accts[1].Total() != 0 ||
		accts[0].Profile != "G25" || accts[1].Profile != "" {
		t.Fatalf("accounts = %+v", accts)
	}
	page, err := s.ListContracts(ctx, app.ContractFilter{Account: accts[0].ID, Sort: app.SortExternalID})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(page.Contracts); !reflect.DeepEqual(got, []string{"E-1", "con_1"}) {
		t.Errorf("contracts of the account = %v, want [E-1 con_1]", got)
	}
	for _, c := range page.Contracts {
		if c.Customer.AccountName != "Bäckerei Schmidt GmbH" || c.Customer.DisplayName() != "Bäckerei Schmidt GmbH" {
			t.Errorf("%s customer = %+v", c.ExternalID, c.Customer)
		}
	}
	if page, _ := s.ListContracts(ctx, app.ContractFilter{Query: "bäckerei"}); page.Total != 2 {
		t.Errorf("search by account name found %d, want 2", page.Total)
	}
	one, err := s.Account(ctx, accts[0].ID)
	if err != nil || len(one.Links) != 2 || one.Profile != "G25" {
		t.Errorf("Account = %+v, %v", one, err)
	}
	// Replacing drops old accounts and links.
	if err := s.ReplaceAccounts(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if c := findByExternal(t, s, "E-1"); c.Customer.AccountID != 0 || c.Customer.DisplayName() != "Schmidt" {
		t.Errorf("after removing accounts: %+v", c.Customer)
	}
}

func findByExternal(t *testing.T, s *Store, id string) app.Contract {
	t.Helper()
	page, err := s.ListContracts(context.Background(), app.ContractFilter{Query: id, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Contracts {
		if c.ExternalID == id {
			return c
		}
	}
	t.Fatalf("no contract %s", id)
	return app.Contract{}
}
