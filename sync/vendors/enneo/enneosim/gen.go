package enneosim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"wattfolio/internal/simcust"
	"wattfolio/sync/vendors/internal/simgen"
)

// today anchors every simulated date, so that payloads do not change with
// the clock the tests run on.
var today = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// wire is one contract exactly in the shape of the API docs' sample: same
// keys, same order, same JSON types (phone and gridOperatorCode numbers,
// dates Unix seconds). Pointers are the nullable fields.
type wire struct {
	ID               int64        `json:"id"`
	OrderID          int64        `json:"orderId"`
	Tenant           *string      `json:"tenant"`
	CustomerID       string       `json:"customerId"`
	SignupDate       int64        `json:"signupDate"`
	Status           string       `json:"status"`
	StatusCode       int          `json:"statusCode"`
	StatusCodeTitle  string       `json:"statusCodeTitle"`
	Energy           string       `json:"energy"`
	EnergyTypeID     int          `json:"energyTypeId"`
	EnergySubTypeID  int          `json:"energySubTypeId"`
	Email            string       `json:"email"`
	Firstname        string       `json:"firstname"`
	Lastname         string       `json:"lastname"`
	DeliveryAddress  string       `json:"deliveryAddress"`
	IBAN             *string      `json:"iban"`
	MonthlyDeposit   *int64       `json:"monthlyDeposit"`
	StartDate        *int64       `json:"startDate"`
	EndDate          *int64       `json:"endDate"`
	Consumption      any          `json:"consumption"` // any: Broken ids send a string
	CounterNumber    *string      `json:"counterNumber"`
	ProductID        *int         `json:"productId"`
	ProductName      *string      `json:"productName"`
	ProductCode      *string      `json:"productCode"`
	CampaignID       *int         `json:"campaignId"`
	SalesChannelID   *int         `json:"salesChannelId"`
	UnpaidDebt       *json.Number `json:"unpaidDebt"`
	VATRate          *json.Number `json:"vatRate"`
	BasePrice        *json.Number `json:"basePrice"`
	WorkingPrice     *json.Number `json:"workingPrice"`
	BillingAddress   *string      `json:"billingAddress"`
	Business         *bool        `json:"business"`
	Phone            *json.Number `json:"phone"`
	GridOperatorName *string      `json:"gridOperatorName"`
	GridOperatorCode *json.Number `json:"gridOperatorCode"`
	Registers        []struct{}   `json:"registers"`
	ERPURLs          []erpURL     `json:"erpUrls"`
	RawData          any          `json:"rawData"`
	AgentPreview     []preview    `json:"agentPreview"`
	TabPreview       tabPreview   `json:"tabPreview"`
}

type erpURL struct {
	URL  string `json:"url"`
	Logo string `json:"logo"`
}

type preview struct {
	Label   string `json:"label"`
	Value   string `json:"value"`
	Tooltip string `json:"tooltip"`
	URL     string `json:"url"`
}

type tabPreview struct {
	Color string `json:"color"`
	Icon  string `json:"icon"`
}

type person struct {
	customerID  string
	first, last string
	email       string
	phone       string
	iban        string
	delivery    string
	billing     *string
	city        city
}

// generated is one contract: its bytes and what search matches against.
type generated struct {
	id      string
	payload []byte
	search  []string // lower case
}

type generator struct {
	simgen.Rand
	customers int
}

func generate(o Options) []generated {
	g := &generator{Rand: simgen.New(o.Seed, 0x656e6e656f)} // "enneo"
	broken := make(map[string]bool, len(o.Broken))
	for _, id := range o.Broken {
		broken[id] = true
	}
	out := make([]generated, o.Contracts)
	add := func(i int, w *wire) {
		if broken[strconv.FormatInt(w.ID, 10)] {
			w.Consumption = "lots"
		}
		out[i] = generated{
			id:      strconv.FormatInt(w.ID, 10),
			payload: simgen.Marshal(w),
			search:  searchTerms(w),
		}
	}
	// The demo's own customers open the book, so that their contracts
	// are there however few contracts the tenant has.
	i := 0
	for _, c := range o.Customers {
		p := g.demoPerson(c)
		for _, gas := range []bool{false, true} {
			if i < len(out) && (!gas || c.GasKWh > 0) {
				add(i, g.demoContract(int64(o.FirstID+i), i, p, c, gas))
				i++
			}
		}
	}
	var prev *person
	for ; i < len(out); i++ {
		// A fifth of customers have a second contract, typically gas
		// beside electricity, under the same customer id.
		p := prev
		if p == nil || g.IntN(5) != 0 {
			p = g.person()
		}
		prev = p
		add(i, g.contract(int64(o.FirstID+i), i, p))
	}
	return out
}

// demoPerson is a demo customer as enneo's ERP holds them: a company is
// all last name, as ERPs file a firm's name, with a shared mailbox.
func (g *generator) demoPerson(c simcust.Customer) *person {
	p := g.person()
	p.first, p.last = c.First, c.Last
	if c.First == "" && c.Last == "" {
		p.last = c.Name
		p.email = "energie@" + slug(c.Name) + ".example.com"
	} else {
		p.email = strings.ToLower(ascii(c.First)+"."+ascii(c.Last)) + "@example.com"
	}
	return p
}

// slug is a company name as a mail domain: letters and digits of its
// words, hyphenated, without the legal form.
func slug(name string) string {
	var words []string
	for _, w := range strings.Fields(strings.ToLower(ascii(name))) {
		switch w {
		case "gmbh", "ag", "bv", "u.a.", "kg", "mbh":
			continue
		}
		words = append(words, strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, w))
	}
	return strings.Join(words, "-")
}

func (g *generator) person() *person {
	g.customers++
	first := firstNames[g.Pick(len(firstNames))]
	last := lastNames[g.Pick(len(lastNames))]
	c := cities[g.Pick(len(cities))]
	p := &person{
		customerID: strconv.Itoa(300000 + g.customers*7 + g.Pick(7)),
		first:      first,
		last:       last,
		city:       c,
		delivery:   g.address(c),
		phone:      fmt.Sprintf("49%d%07d", mobilePrefixes[g.Pick(len(mobilePrefixes))], g.IntN(10_000_000)),
		iban:       iban(banks[g.Pick(len(banks))], fmt.Sprintf("%010d", g.Int64N(10_000_000_000))),
	}
	local := ascii(first) + "." + ascii(last)
	if g.Chance(30) {
		local += strconv.Itoa(g.Between(1, 99))
	}
	p.email = strings.ToLower(local) + "@" + []string{"example.com", "example.org", "example.net"}[g.Pick(3)]
	if g.Chance(25) {
		b := g.address(cities[g.Pick(len(cities))])
		p.billing = &b
	}
	return p
}

func (g *generator) address(c city) string {
	no := strconv.Itoa(g.Between(1, 120))
	if g.Chance(10) {
		no += string(rune('a' + g.Pick(4)))
	}
	return fmt.Sprintf("%s %s, %s %s", streets[g.Pick(len(streets))], no, c.zip, c.name)
}

func (g *generator) contract(id int64, i int, p *person) *wire {
	gas := !g.Chance(70)
	var prod product
	switch {
	case gas:
		prod = gasProducts[g.Pick(len(gasProducts))]
	default:
		prod = powerProducts[g.Pick(len(powerProducts))]
	}
	st := g.status()

	// Prices in 1/10000 EUR, so that four decimals stay exact.
	var working, consumption int
	reduced := false
	switch {
	case gas:
		working = g.Between(800, 1500)
		consumption = g.Between(4000, 12000)
		reduced = g.Chance(30)
	case prod.subType == 2:
		working = g.Between(2400, 3000)
		consumption = g.Between(4000, 12000)
	case prod.subType == 3:
		working = g.Between(2600, 3400)
		consumption = g.Between(2500, 9000)
	default:
		working = g.Between(2700, 4200)
		consumption = g.Between(1500, 6000)
	}
	if prod.business {
		working = min(working, g.Between(2400, 3400))
		if gas {
			working = g.Between(800, 1200)
		}
		consumption = g.Between(10000, 80000)
	}
	base := g.Between(750, 1833) * 12 * 100 // monthly cents, as most tariffs set it
	if g.Chance(20) {
		base = g.Between(900_000, 2_200_000) // a yearly price with four decimals
	}
	start, signup, end := g.dates(st.name)
	vat := 19
	if reduced && end != nil && *end >= gasVATCut.Unix() && *end < gasVATBack.Unix() {
		// Gas was billed at 7 % from October 2022 to March 2024; an ERP
		// keeps the rate a contract that ended then was billed at.
		vat = 7
	}
	w := g.wire(id, i, p, prod, st, terms{working: working, base: base, vat: vat, consumption: consumption, start: start, signup: signup, end: end})
	if g.Chance(15) {
		w.Tenant = &tenants[g.Pick(len(tenants))]
	}
	if g.Chance(10) {
		g.blank(w)
	}
	return w
}

// Gas was billed at the reduced VAT rate from gasVATCut to gasVATBack.
var (
	gasVATCut  = time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)
	gasVATBack = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
)

// terms are a contract's prices (1/10000 EUR), VAT percent, kWh a year and
// dates (Unix seconds).
type terms struct {
	working, base, vat, consumption int
	start, signup                   int64
	end                             *int64
}

// demoContract is a demo customer's current electricity (or gas) contract,
// fully priced: net business prices with base prices in the hundreds of
// euros, gross household prices of 27–40 ct/kWh.
func (g *generator) demoContract(id int64, i int, p *person, c simcust.Customer, gas bool) *wire {
	t := terms{vat: 19, consumption: c.AnnualKWh}
	var prod product
	switch {
	case gas && c.Segment.Net():
		prod = businessGas
		t.consumption = c.GasKWh
		t.working = g.Between(600, 900)
		t.base = g.Between(300, 700) * 10_000
	case gas:
		prod = householdGas
		t.consumption = c.GasKWh
		t.working = g.Between(1000, 1400)
		t.base = g.Between(10, 16) * 12 * 10_000
	case c.Segment == simcust.Agriculture:
		prod = agriProduct
	case c.Segment == simcust.Business:
		prod = businessPower
	default:
		prod = householdProducts[g.Pick(len(householdProducts))]
	}
	switch {
	case gas:
	case !c.Segment.Net():
		t.working = g.Between(2700, 4000)
		t.base = g.Between(850, 1600) * 12 * 100
	case c.AnnualKWh >= 100_000:
		// A metered (RLM) customer buys cheaper and pays for metering.
		t.working = g.Between(1700, 2300)
		t.base = g.Between(900, 1800) * 10_000
	default:
		t.working = g.Between(2100, 2800)
		t.base = g.Between(240, 600) * 10_000
	}
	st := statuses[0]
	start := time.Date(today.Year(), today.Month()-time.Month(g.Between(2, 30)), 1, 0, 0, 0, 0, time.UTC)
	t.start, t.signup = start.Unix(), start.AddDate(0, 0, -g.Between(14, 60)).Unix()
	return g.wire(id, i, p, prod, st, t)
}

// wire builds the payload of a contract of p under prod.
func (g *generator) wire(id int64, i int, p *person, prod product, st statusDef, t terms) *wire {
	gross := (int64(t.consumption)*int64(t.working) + int64(t.base)) * int64(100+t.vat) / 100
	deposit := (gross/12 + 9_999) / 10_000

	op := operators[p.city.operator]
	opName, opCode := op.name, op.power
	if prod.gas {
		opCode = op.gas
		if op.gasName != "" {
			opName = op.gasName
		}
	}
	energy, energyType, icon := "electricity", 1, "electricity"
	meter := meterMakers[g.Pick(len(meterMakers))]
	if prod.gas {
		energy, energyType, icon = "gas", 2, "gas"
		meter = gasMeterMakers[g.Pick(len(gasMeterMakers))]
	}
	meter += fmt.Sprintf("%010d", g.Int64N(10_000_000_000))
	orderID := int64(100000 + i*13 + g.Pick(13))
	erp := fmt.Sprintf("https://erp.example.com/contract/%d", orderID)

	return &wire{
		ID:               id,
		OrderID:          orderID,
		CustomerID:       p.customerID,
		SignupDate:       t.signup,
		Status:           st.name,
		StatusCode:       st.code,
		StatusCodeTitle:  st.name,
		Energy:           energy,
		EnergyTypeID:     energyType,
		EnergySubTypeID:  prod.subType,
		Email:            p.email,
		Firstname:        p.first,
		Lastname:         p.last,
		DeliveryAddress:  p.delivery,
		IBAN:             &p.iban,
		MonthlyDeposit:   &deposit,
		StartDate:        &t.start,
		EndDate:          t.end,
		Consumption:      t.consumption,
		CounterNumber:    &meter,
		ProductID:        &prod.id,
		ProductName:      &prod.name,
		ProductCode:      &prod.code,
		CampaignID:       ptr(g.Between(1, 12)),
		SalesChannelID:   ptr(g.Between(1, 5)),
		UnpaidDebt:       g.debt(),
		VATRate:          num(scaled(int64(t.vat), 2)),
		BasePrice:        num(scaled(int64(t.base), 4)),
		WorkingPrice:     num(scaled(int64(t.working), 4)),
		BillingAddress:   p.billing,
		Business:         ptr(prod.business),
		Phone:            num(p.phone),
		GridOperatorName: &opName,
		GridOperatorCode: num(opCode),
		Registers:        []struct{}{{}},
		ERPURLs:          []erpURL{{URL: erp, Logo: "powercloud"}},
		AgentPreview: []preview{{
			Label:   "Tarif",
			Value:   prod.name,
			Tooltip: fmt.Sprintf("AP: %s ct/kWh\nGP: %s €/Jahr", scaled(int64(t.working), 2), scaled(int64(t.base), 4)),
			URL:     erp,
		}},
		TabPreview: tabPreview{Color: st.color, Icon: icon},
	}
}

// blank nulls an assortment of nullable fields, at least one, the way
// incomplete ERP migrations leave them.
func (g *generator) blank(w *wire) {
	fields := []func(){
		func() { w.BasePrice = nil },
		func() { w.WorkingPrice = nil },
		func() { w.Consumption = nil },
		func() { w.CounterNumber = nil },
		func() { w.BillingAddress = nil },
		func() { w.Phone = nil },
		func() { w.IBAN = nil },
		func() { w.ProductCode = nil },
		func() { w.GridOperatorName = nil },
		func() { w.GridOperatorCode = nil },
		func() { w.MonthlyDeposit = nil },
		func() { w.VATRate = nil },
		func() { w.CampaignID = nil },
		func() { w.SalesChannelID = nil },
		func() { w.Business = nil },
		func() { w.UnpaidDebt = nil },
		func() { w.Registers = nil },
		func() { w.ERPURLs = nil },
	}
	n := 0
	for _, f := range fields {
		if g.Chance(30) {
			f()
			n++
		}
	}
	if n == 0 {
		fields[g.Pick(len(fields))]()
	}
}

func (g *generator) status() statusDef {
	n := g.Pick(100)
	for _, s := range statuses {
		if n < s.weight {
			return s
		}
		n -= s.weight
	}
	return statuses[0]
}

// dates gives start, signup and end (nil while open) as Unix seconds at
// midnight UTC, like the API docs' sample.
func (g *generator) dates(status string) (start, signup int64, end *int64) {
	day := func(t time.Time) int64 { return t.Unix() }
	ago := func(lo, hi int) time.Time { return today.AddDate(0, 0, -g.Between(lo, hi)) }
	firstOfMonth := func(t time.Time) time.Time {
		if g.Chance(50) {
			return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		}
		return t
	}
	switch status {
	case "pending":
		s := ago(0, 30)
		return day(today.AddDate(0, 0, g.Between(14, 90))), day(s), nil
	case "terminated":
		st := firstOfMonth(ago(400, 2900))
		e := st.AddDate(0, 0, g.Between(365, 1460))
		if limit := ago(1, 300); e.After(limit) {
			e = limit
		}
		if !e.After(st) {
			e = st.AddDate(0, 0, 30)
		}
		return day(st), day(st.AddDate(0, 0, -g.Between(7, 60))), ptr(day(e))
	case "cancelled":
		sg := ago(30, 700)
		st := sg.AddDate(0, 0, g.Between(14, 60))
		e := st.AddDate(0, 0, g.Between(0, 365))
		if !e.Before(today) {
			e = today.AddDate(0, 0, -1)
		}
		if e.Before(st) {
			e = st
		}
		return day(st), day(sg), ptr(day(e))
	default:
		st := firstOfMonth(ago(30, 2500))
		return day(st), day(st.AddDate(0, 0, -g.Between(7, 60))), nil
	}
}

func (g *generator) debt() *json.Number {
	switch n := g.Pick(100); {
	case n < 80:
		return num("0")
	case n < 95:
		return num(scaled(int64(g.Between(500, 40000)), 2))
	}
	return nil
}

// scaled formats v / 10^places the way a JSON encoder writes a float:
// shortest form, no trailing zeros ("0.2853", "149.88", "120").
func scaled(v int64, places int) string {
	s := strconv.FormatInt(v, 10)
	if places == 0 {
		return s
	}
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	s = s[:len(s)-places] + "." + s[len(s)-places:]
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

func num(s string) *json.Number { n := json.Number(s); return &n }

func ptr[T any](v T) *T { return &v }

// iban builds a German IBAN with a valid ISO 7064 check sum.
func iban(blz, account string) string {
	digits := blz + account + "131400" // "DE" = 13 14, check digits 00
	rem := 0
	for _, c := range digits {
		rem = (rem*10 + int(c-'0')) % 97
	}
	return fmt.Sprintf("DE%02d%s%s", 98-rem, blz, account)
}

// ascii folds German letters for e-mail addresses.
func ascii(s string) string {
	return strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss").Replace(s)
}

func searchTerms(w *wire) []string {
	terms := []string{
		strconv.FormatInt(w.ID, 10), w.CustomerID, w.Firstname + " " + w.Lastname,
		w.Firstname, w.Lastname, w.Email, w.DeliveryAddress,
	}
	if w.CounterNumber != nil {
		terms = append(terms, *w.CounterNumber)
	}
	if w.BillingAddress != nil {
		terms = append(terms, *w.BillingAddress)
	}
	for i := range terms {
		terms[i] = strings.ToLower(terms[i])
	}
	return terms
}
