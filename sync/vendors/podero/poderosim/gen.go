package poderosim

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
// the clock the tests run on. It is a winter day: Europe/Berlin is UTC+1.
var today = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

// wireContract is one energy contract exactly in the shape of the API
// docs' sample response: same keys, same order, same JSON types. Pointers
// are the nullable fields.
type wireContract struct {
	Type     *string     `json:"energy_contract_type"`
	Prices   []wirePrice `json:"energy_prices"`
	ID       string      `json:"id"`
	Building *string     `json:"building"`
	MeterID  *string     `json:"meter_id"`
	Supplier *string     `json:"supplier"`
	Currency *string     `json:"currency_energy_price"`
	Includes *bool       `json:"energy_price_includes_external_components"`
}

// wirePrice is a Price object: a price in currency per kWh holding from
// timestamp on. The price is a JSON number, written the way Python's json
// module writes a float ("0.2873", "-0.01234", "0.0").
type wirePrice struct {
	Price     json.Number `json:"price"`
	Timestamp string      `json:"timestamp"`
}

// Suppliers with dynamic (hourly spot) tariffs, and all suppliers.
var (
	spotSuppliers = []string{
		"Tibber", "Rabot Energy", "ostrom", "Octopus Energy Germany", "1KOMMA5° Dynamic Pulse",
		"Stadtwerke München", "E.ON Energie Deutschland",
	}
	fixedSuppliers = []string{
		"Stadtwerke München", "EWE", "E.ON Energie Deutschland", "Vattenfall Europe Sales",
		"EnBW Energie Baden-Württemberg", "Naturstrom", "LichtBlick", "Mainova",
		"Stadtwerke Leipzig", "Stadtwerke Düsseldorf", "RheinEnergie", "N-ERGIE",
		"Octopus Energy Germany", "Tibber",
	}
	meterMakers = []string{"1ESY", "1EMH", "1LGZ", "1ITF", "1EBZ", "1APX", "1DZG"}
)

type user struct {
	id        string
	contracts []*contract
}

type contract struct {
	user string
	wire wireContract
	// payload is the contract's JSON as served; rebuilt on every PUT.
	payload []byte
}

type generator struct {
	simgen.Rand
}

func generate(o Options) []*user {
	g := &generator{Rand: simgen.New(o.Seed, 0x706f6465726f)} // "podero"
	users := make([]*user, o.Users)
	// The demo's own customers are the first users, each on a fixed
	// yearly price that suits them.
	for i, c := range o.Customers[:min(len(o.Customers), len(users))] {
		u := &user{id: g.uuid()}
		w := g.demoContract(c)
		u.contracts = []*contract{{user: u.id, wire: w, payload: simgen.Marshal(&w)}}
		users[i] = u
	}
	for i := range users {
		if users[i] != nil {
			continue
		}
		u := &user{id: g.uuid()}
		buildings := []string{g.uuid()}
		if g.Chance(30) {
			buildings = append(buildings, g.uuid())
		}
		n := 1
		switch p := g.Pick(100); {
		case p >= 85:
			n = 3
		case p >= 50:
			n = 2
		}
		for range n {
			w := g.contract(buildings)
			u.contracts = append(u.contracts, &contract{user: u.id, wire: w, payload: simgen.Marshal(&w)})
		}
		users[i] = u
	}
	return users
}

// uuid is a random (version 4) UUID drawn from the seeded generator.
func (g *generator) uuid() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (g *generator) contract(buildings []string) wireContract {
	w := wireContract{ID: g.uuid()}
	var kind string
	switch p := g.Pick(100); {
	case p < 40:
		kind = "spot_hourly"
	case p < 70:
		kind = "yearly"
	case p < 90:
		kind = "monthly"
	}
	if kind != "" {
		w.Type = &kind
	}
	if g.Chance(80) {
		w.Building = &buildings[g.Pick(len(buildings))]
	}
	if g.Chance(90) {
		m := meterMakers[g.Pick(len(meterMakers))] + strconv.Itoa(g.Between(10, 11)) +
			fmt.Sprintf("%08d", g.IntN(100_000_000))
		w.MeterID = &m
	}
	eur := "EUR"
	if kind == "spot_hourly" {
		w.Supplier = &spotSuppliers[g.Pick(len(spotSuppliers))]
		w.Currency = &eur // required for hourly prices
		switch p := g.Pick(100); {
		case p < 60:
			w.Includes = ptr(false)
		case p < 90:
			w.Includes = ptr(true)
		}
		w.Prices = g.spot(w.Includes != nil && *w.Includes)
	} else {
		if g.Chance(95) {
			w.Supplier = &fixedSuppliers[g.Pick(len(fixedSuppliers))]
		}
		if g.Chance(60) {
			w.Currency = &eur
		}
		switch p := g.Pick(100); {
		case p < 70:
			w.Includes = ptr(true)
		case p < 80:
			w.Includes = ptr(false)
		}
		w.Prices = []wirePrice{{
			Price:     json.Number(pyFloat(int64(g.Between(2200, 3800))*10, 5)), // four decimals
			Timestamp: g.start(kind).Format(time.RFC3339),
		}}
	}
	return w
}

// demoContract is a yearly fixed price with everything included: net for a
// business or a farm (about 22–27 ct/kWh), gross for a household (29–36).
func (g *generator) demoContract(c simcust.Customer) wireContract {
	kind, eur := "yearly", "EUR"
	building := g.uuid()
	w := wireContract{ID: g.uuid(), Type: &kind, Building: &building, Currency: &eur, Includes: ptr(true)}
	m := meterMakers[g.Pick(len(meterMakers))] + "10" + fmt.Sprintf("%08d", g.IntN(100_000_000))
	w.MeterID = &m
	w.Supplier = &fixedSuppliers[g.Pick(len(fixedSuppliers))]
	price := g.Between(2900, 3600)
	if c.Segment.Net() {
		price = g.Between(2200, 2700)
	}
	w.Prices = []wirePrice{{
		Price:     json.Number(pyFloat(int64(price)*10, 5)),
		Timestamp: g.start(kind).Format(time.RFC3339),
	}}
	return w
}

// start is when a constant-price contract's price took effect: the first
// of a month in the past two years, at midnight in Germany.
func (g *generator) start(kind string) time.Time {
	months := g.Between(1, 24)
	if kind == "yearly" {
		months = 12 * g.Between(1, 2)
	}
	m := time.Date(today.Year(), today.Month()-time.Month(months)+1, 1, 0, 0, 0, 0, time.UTC)
	if kind == "yearly" {
		m = time.Date(m.Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	return berlinMidnight(m)
}

// berlinMidnight is the UTC instant of midnight in Germany on the first of
// d's month: from April to October summer time (UTC+2) is in force on the
// first, from November to March it is not (UTC+1).
func berlinMidnight(d time.Time) time.Time {
	offset := time.Hour
	if d.Month() >= time.April && d.Month() <= time.October {
		offset = 2 * time.Hour
	}
	return d.Add(-offset)
}

// spot draws one or two days of day-ahead hourly prices in 1/100000 EUR
// per kWh, starting at midnight in Germany: cheap at night, a morning and
// an evening peak, and on sunny days a midday dip that can go below zero.
// With external components the grid fee, levies and taxes come on top.
func (g *generator) spot(inclusive bool) []wirePrice {
	hours := g.Between(24, 48)
	day := today.AddDate(0, 0, -g.Pick(3)).Add(-time.Hour) // 00:00 CET
	fees := 0
	if inclusive {
		fees = g.Between(17000, 22000)
	}
	out := make([]wirePrice, hours)
	var base, solar int
	for h := range hours {
		if h%24 == 0 {
			base = g.Between(6000, 14000)
			solar = g.Between(0, 6000)
			if g.Chance(35) {
				solar = g.Between(10000, 20000)
			}
		}
		local := h % 24
		p := base
		switch {
		case local < 6:
			p -= 2500
		case local < 10:
			p += 4000
		case local < 16:
			p -= solar * (3 - abs(local-12)) / 3
		case local < 21:
			p += g.Between(5000, 10000)
		default:
			p += 1000
		}
		p += g.Between(-1500, 1500) + fees
		p = max(-5000, min(45000, p))
		out[h] = wirePrice{
			Price:     json.Number(pyFloat(int64(p), 5)),
			Timestamp: day.Add(time.Duration(h) * time.Hour).Format(time.RFC3339),
		}
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func ptr[T any](v T) *T { return &v }

// pyFloat writes n / 10^places the way Python's json writes a float of that
// value: trailing zeros dropped but one fractional digit kept ("0.0", "0.2",
// "-0.01234").
func pyFloat(n int64, places int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	s = s[:len(s)-places] + "." + strings.TrimRight(s[len(s)-places:], "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	if neg && strings.Trim(s, "0.") != "" {
		s = "-" + s
	}
	return s
}
