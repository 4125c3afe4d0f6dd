package otarksim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"wattfolio/sync/vendors/internal/simgen"
)

// now anchors every simulated date and status, so that payloads do not
// change with the clock the tests run on.
var now = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// slot is the length of a delivery slot. delivery_end, as in the docs'
// sample, is the start of the last slot delivered.
const slot = 15 * time.Minute

// wire is one contract exactly in the shape of the docs' sample: same keys,
// same order, same JSON types. Trades carry no PPA type and no asset (null).
type wire struct {
	ID              string     `json:"id"`
	ExternalID      string     `json:"external_id"`
	Type            string     `json:"type"`
	Status          string     `json:"status"`
	DeliveryStart   string     `json:"delivery_start"`
	DeliveryEnd     string     `json:"delivery_end"`
	Seller          wireParty  `json:"seller"`
	Buyer           wireParty  `json:"buyer"`
	CreatedAt       string     `json:"created_at"`
	UpdatedAt       string     `json:"updated_at"`
	PPAType         *string    `json:"ppa_type"`
	Period          string     `json:"period"`
	DeliveryProfile string     `json:"delivery_profile"`
	Asset           *wireAsset `json:"asset"`
}

type wireParty struct {
	Name string `json:"name"`
	EIC  string `json:"eic"`
	TSO  string `json:"tso"`
}

type wireAsset struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	NominalPower json.Number `json:"nominal_power"`
	Technology   string      `json:"technology"`
	TSO          string      `json:"tso"`
}

// generated is one contract: its bytes and what the filters look at.
type generated struct {
	id         string
	payload    []byte
	typ        string
	status     string
	start, end time.Time
	seller     string // EIC
	buyer      wireParty
}

type generator struct {
	simgen.Rand
	ids    map[string]bool
	extIDs map[string]bool
	assets []wireAsset // one per park, same index
	seq    int
}

func generate(o Options) []generated {
	g := &generator{
		Rand:   simgen.New(o.Seed, 0x6f7461726b), // "otark"
		ids:    map[string]bool{},
		extIDs: map[string]bool{},
	}
	for _, p := range parks {
		mw := g.Between(p.minMW*10, p.maxMW*10)
		if g.Chance(40) {
			mw -= mw % 10 // many parks have a round rating
		}
		g.assets = append(g.assets, wireAsset{
			ID:           g.newID("ast_"),
			Name:         p.name,
			NominalPower: json.Number(scaled(int64(mw), 1)),
			Technology:   string(p.tech),
			TSO:          p.tso,
		})
	}
	out := make([]generated, o.Contracts)
	for i := range out {
		var w *wire
		switch n := g.Pick(100); {
		case n < 40:
			w = g.ppa()
		case n < 75:
			w = g.dayAhead()
		default:
			w = g.intraday()
		}
		start, _ := time.Parse(time.RFC3339, w.DeliveryStart)
		end, _ := time.Parse(time.RFC3339, w.DeliveryEnd)
		out[i] = generated{
			id: w.ID, payload: simgen.Marshal(w), typ: w.Type, status: w.Status,
			start: start, end: end, seller: w.Seller.EIC, buyer: w.Buyer,
		}
	}
	// otark lists by id, which is what its after cursor compares.
	slices.SortFunc(out, func(a, b generated) int { return strings.Compare(a.id, b.id) })
	return out
}

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID makes a unique id like the docs' con_a1b2c3d4.
func (g *generator) newID(prefix string) string {
	for {
		b := []byte(prefix)
		for range 8 {
			b = append(b, idChars[g.Pick(len(idChars))])
		}
		if id := string(b); !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}

func (g *generator) externalID(prefix string, year int) string {
	for {
		g.seq++
		id := fmt.Sprintf("%s-%d-%04d", prefix, year, g.Between(1, 9999))
		if !g.extIDs[id] {
			g.extIDs[id] = true
			return id
		}
	}
}

func party(c company) wireParty { return wireParty{Name: c.name, EIC: eic(c.name), TSO: c.tso} }

func (g *generator) buyerIn(c country) company {
	for {
		b := buyers[g.Pick(len(buyers))]
		if b.country == c || g.Chance(20) {
			return b
		}
	}
}

// status says where delivery stands at the simulated now.
func status(start, end time.Time) string {
	switch {
	case start.After(now):
		return "pending"
	case !end.Add(slot).After(now):
		return "completed"
	}
	return "in_progress"
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ppa is a power purchase agreement for one park over a quarter or a year.
func (g *generator) ppa() *wire {
	i := g.Pick(len(parks))
	p, a := parks[i], g.assets[i]
	year := g.Between(2024, 2028)
	var start, next time.Time
	var period string
	if g.Chance(60) {
		q := g.Between(1, 4)
		start = time.Date(year, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
		next = start.AddDate(0, 3, 0)
		period = fmt.Sprintf("Q%d-%d", q, year)
	} else {
		start = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		next = start.AddDate(1, 0, 0)
		period = fmt.Sprintf("CAL-%d", year)
	}
	end := next.Add(-slot)
	var profile string
	switch {
	case p.tech == solar:
		profile = fmt.Sprintf("ENWEX Solar %d", year)
	case p.tech == wind && p.offshore:
		profile = fmt.Sprintf("ENWEX Wind Offshore %d", year)
	case p.tech == wind:
		profile = fmt.Sprintf("ENWEX Wind Onshore %d", year)
	default:
		profile = fmt.Sprintf("Baseload %d", year)
	}
	n := g.Pick(100)
	ppaType := ppaTypes[len(ppaTypes)-1].name
	for _, t := range ppaTypes {
		if n < t.weight {
			ppaType = t.name
			break
		}
		n -= t.weight
	}
	// Signed months ahead of delivery, and never after the simulated now.
	created := start.Add(-time.Duration(g.Between(30*24, 400*24)) * time.Hour)
	if latest := now.Add(-time.Duration(g.Between(24, 90*24)) * time.Hour); created.After(latest) {
		created = latest
	}
	created = created.Truncate(time.Minute).Add(time.Duration(g.Pick(60)) * time.Second)
	seller := company{p.owner, p.country, p.tso}
	return &wire{
		ID:              g.newID("con_"),
		ExternalID:      g.externalID("PPA", created.Year()),
		Type:            "ppa",
		Status:          status(start, end),
		DeliveryStart:   stamp(start),
		DeliveryEnd:     stamp(end),
		Seller:          party(seller),
		Buyer:           party(g.buyerIn(p.country)),
		CreatedAt:       stamp(created),
		UpdatedAt:       stamp(g.updated(created, end)),
		PPAType:         &ppaType,
		Period:          period,
		DeliveryProfile: profile,
		Asset:           &a,
	}
}

// updated is when a contract was last changed: soon after signing, or at
// settlement once delivery is over; never after the simulated now.
func (g *generator) updated(created, end time.Time) time.Time {
	u := created
	switch {
	case end.Before(now) && g.Chance(70):
		u = end.Add(time.Duration(g.Between(24, 20*24)) * time.Hour)
	case g.Chance(50):
		u = created.Add(time.Duration(g.Between(1, 30*24)) * time.Hour)
	}
	if u.After(now) {
		u = now.Add(-time.Duration(g.Between(1, 12*60)) * time.Minute)
	}
	if u.Before(created) {
		u = created
	}
	return u.Truncate(time.Second)
}

// trade fills a day-ahead or intraday trade between a trading desk and a buyer.
func (g *generator) trade(typ, prefix string, day time.Time, first, last int, profile string, created time.Time) *wire {
	start := day.Add(time.Duration(first-1) * slot)
	end := day.Add(time.Duration(last-1) * slot)
	buyer := buyers[g.Pick(len(buyers))]
	var seller company
	for {
		seller = traders[g.Pick(len(traders))]
		if seller.country == buyer.country || g.Chance(25) {
			break
		}
	}
	return &wire{
		ID:              g.newID("con_"),
		ExternalID:      g.externalID(prefix, day.Year()*10000+int(day.Month())*100+day.Day()),
		Type:            typ,
		Status:          status(start, end),
		DeliveryStart:   stamp(start),
		DeliveryEnd:     stamp(end),
		Seller:          party(seller),
		Buyer:           party(buyer),
		CreatedAt:       stamp(created),
		UpdatedAt:       stamp(g.updated(created, end)),
		Period:          fmt.Sprintf("%s-%s", prefix, day.Format(time.DateOnly)),
		DeliveryProfile: profile,
	}
}

// dayAhead is a trade in the auction the day before delivery: a base or peak
// block, a block of hours or one hour, in quarter-hour slots 1..96.
func (g *generator) dayAhead() *wire {
	day := now.Truncate(24*time.Hour).AddDate(0, 0, g.Between(-45, 1))
	var first, last int
	var profile string
	switch n := g.Pick(100); {
	case n < 35:
		first, last, profile = 1, 96, "Baseload"
	case n < 60:
		first, last, profile = 33, 80, "Peakload"
	case n < 80:
		h := g.Between(0, 20)
		first, last, profile = h*4+1, h*4+16, fmt.Sprintf("Block H%02d-H%02d", h+1, h+4)
	default:
		h := g.Between(0, 23)
		first, last, profile = h*4+1, h*4+4, fmt.Sprintf("H%02d", h+1)
	}
	// The auction closes at noon CET (11:00 UTC) the day before.
	created := day.Add(-13*time.Hour + time.Duration(g.Between(5, 50))*time.Minute + time.Duration(g.Pick(60))*time.Second)
	return g.trade("day_ahead", "DA", day, first, last, profile, created)
}

// intraday is a continuous-market trade of one to eight quarter-hours,
// closed between six hours and five minutes before delivery.
func (g *generator) intraday() *wire {
	day := now.Truncate(24*time.Hour).AddDate(0, 0, g.Between(-20, 1))
	first := g.Between(1, 96)
	last := min(first+g.Pick(8), 96)
	profile := fmt.Sprintf("QH%02d", first)
	if last > first {
		profile = fmt.Sprintf("QH%02d-QH%02d", first, last)
	}
	start := day.Add(time.Duration(first-1) * slot)
	created := start.Add(-time.Duration(g.Between(5, 360))*time.Minute - time.Duration(g.Pick(60))*time.Second)
	if created.After(now) {
		created = now.Add(-time.Duration(g.Between(1, 60)) * time.Minute)
	}
	return g.trade("intraday", "ID", day, first, last, profile, created)
}

// eic makes a company's 16-character Energy Identification Code: "11Y",
// twelve characters from its name, and the EIC check character.
func eic(name string) string {
	body := make([]byte, 0, 12)
	for _, r := range strings.ToUpper(foldASCII(name)) {
		if len(body) == 12 {
			break
		}
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			body = append(body, byte(r))
		}
	}
	for len(body) < 12 {
		body = append(body, '-')
	}
	code := "11Y" + string(body)
	// A check value of 36 ('-') is not allowed; vary the last character.
	for c := checkChar(code); c == '-'; c = checkChar(code) {
		code = code[:14] + string(nextChar(code[14]))
	}
	return code + string(checkChar(code))
}

const eicAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"

// checkChar computes the EIC check character of the first 15 characters,
// as the ENTSO-E EIC reference manual defines it.
func checkChar(code string) byte {
	sum := 0
	for i := range 15 {
		sum += strings.IndexByte(eicAlphabet, code[i]) * (16 - i)
	}
	return eicAlphabet[36-(sum-1)%37]
}

func nextChar(c byte) byte {
	i := strings.IndexByte(eicAlphabet, c)
	return eicAlphabet[(i+1)%36]
}

func foldASCII(s string) string {
	return strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "AE", "Ö", "OE", "Ü", "UE", "ß", "SS", "é", "e").Replace(s)
}

// scaled formats v / 10^places without trailing zeros ("48.6", "25").
func scaled(v int64, places int) string {
	s := strconv.FormatInt(v, 10)
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	s = s[:len(s)-places] + "." + s[len(s)-places:]
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}
