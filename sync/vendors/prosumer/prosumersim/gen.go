package prosumersim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"wattfolio/sync/vendors/internal/simgen"
)

// today anchors every simulated date (the help page's sample time), so that
// payloads do not change with the clock the tests run on.
var today = time.Date(2026, 2, 27, 0, 50, 37, 528254800, time.UTC)

// The offsets the simulated vendor writes: server clock times in UTC, the
// validity period at midnight in Central European Time.
var (
	utc = time.UTC
	cet = time.FixedZone("", 3600)
)

// netTime is a .NET DateTimeOffset on the wire: seven fractional digits and
// an offset, 2026-02-27T00:50:37.5282548+00:00.
type netTime time.Time

const netLayout = "2006-01-02T15:04:05.0000000-07:00"

func (t netTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).Format(netLayout) + `"`), nil
}

func (t *netTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(netLayout, s)
	*t = netTime(v)
	return err
}

// wirePartner is a ProsumerPartnerContractResponse in the help page's field
// order. Pointers are the nullable fields.
type wirePartner struct {
	ID                   string   `json:"Id"`
	AssetID              int      `json:"AssetId"`
	Created              netTime  `json:"Created"`
	ContractType         string   `json:"ContractType"`
	Description          string   `json:"Description"`
	Name                 string   `json:"Name"`
	OwnerContractID      string   `json:"OwnerContractId"`
	PartnerLegalEntityID int      `json:"PartnerLegalEntityId"`
	ValidFrom            netTime  `json:"ValidFrom"`
	ValidTo              *netTime `json:"ValidTo"`
	SignedTime           *netTime `json:"SignedTime"`
	CancelTime           *netTime `json:"CancelTime"`
}

// wireFlex is a FlexibilityContractResponse in the help page's field order,
// with its spellings. Numbers are json.Number so that whole doubles keep the
// ".0" Newtonsoft writes.
type wireFlex struct {
	MaxPowerPrActivation             json.Number  `json:"MaxPowerPrActivation"`
	AssetID                          int          `json:"AssetId"`
	ID                               string       `json:"Id"`
	MaxNumOfActivationPrTimeInterval int          `json:"MaxNumOfActivationPrTimeInterval"`
	AssetName                        string       `json:"AssetName"`
	ContractID                       string       `json:"ContractId"`
	DaysAllowedForActivation         int          `json:"DaysAllowedForActivation"`
	Name                             string       `json:"Name"`
	PermittedIntervals               string       `json:"PermittedIntervals"`
	ValidFrom                        netTime      `json:"ValidFrom"`
	MaxAllowedActivationTime         int          `json:"MaxAllowedActivationTime"`
	ValidTo                          *netTime     `json:"ValidTo"`
	MininumTimeBetweenActivation     int          `json:"MininumTimeBetweenActivation"`
	CancelTime                       *netTime     `json:"CancelTime"`
	Tolerance                        json.Number  `json:"Tolerance"`
	Signed                           netTime      `json:"Signed"`
	ReservationFee                   json.Number  `json:"ReservationFee"`
	Renewal                          int          `json:"Renewal"`
	ActivationFeeWorkdays            json.Number  `json:"ActivationFeeWorkdays"`
	ParticipantID                    int          `json:"ParticipantId"`
	ActivationFeeNonWorkdays         json.Number  `json:"ActivationFeeNonWorkdays"`
	NonConformanceClause             string       `json:"NonConformanceClause"`
	MinNormalTemperature             *json.Number `json:"MinNormalTemperature"`
	MaxNormalTemperature             *json.Number `json:"MaxNormalTemperature"`
	MaxRampUpTemperature             *json.Number `json:"MaxRampUpTemperature"`
	MinRamDownTemperature            *json.Number `json:"MinRamDownTemperature"`
}

type wirePortfolio struct {
	EnergyContracts      []wirePartner `json:"EnergyContracts"`
	ServiceContracts     []wirePartner `json:"ServiceContracts"`
	FlexibilityContracts []wireFlex    `json:"FlexibilityContracts"`
}

// customer is one simulated customer: the bytes served and the ids in them.
type customer struct {
	id          string
	payload     []byte
	contentType string
	contracts   []string // energy, service, flexibility, in that order
	business    bool
}

type generator struct {
	simgen.Rand
	assetID    int
	legalIDs   []int // the aggregator's partner legal entities
	business   bool  // the customer being generated is a business
	customerNo int
}

func generate(o Options) []customer {
	g := &generator{Rand: simgen.New(o.Seed, 0x70726f73756d6572), assetID: 1000} // "prosumer"
	for range 4 {
		g.legalIDs = append(g.legalIDs, g.Between(10, 99))
	}
	out := make([]customer, o.Customers)
	for i := range out {
		out[i] = g.customer(i)
	}
	return out
}

func (g *generator) customer(i int) customer {
	g.customerNo++
	g.business = g.Chance(15)
	c := customer{id: g.guid(), contentType: "application/json; charset=utf-8", business: g.business}
	if i%3 == 2 {
		// Content negotiation on the vendor's side sometimes lands on the
		// other JSON type; the connector must take both.
		c.contentType = "text/json; charset=utf-8"
	}
	p := wirePortfolio{EnergyContracts: []wirePartner{}, ServiceContracts: []wirePartner{}, FlexibilityContracts: []wireFlex{}}
	assets := map[assetKind]int{}
	asset := func(k assetKind) int {
		if id, ok := assets[k]; ok {
			return id
		}
		g.assetID += g.Between(1, 9)
		assets[k] = g.assetID
		return g.assetID
	}
	for _, i := range g.distinct(len(energyDefs), g.weighted(10, 45, 30, 15)) {
		d := energyDefs[i]
		p.EnergyContracts = append(p.EnergyContracts, g.partner(d.name, d.contractType, d.description, asset(d.asset)))
	}
	for _, i := range g.distinct(len(serviceDefs), g.weighted(35, 45, 20)) {
		d := serviceDefs[i]
		p.ServiceContracts = append(p.ServiceContracts, g.partner(d.name, d.contractType, d.description, asset(d.asset)))
	}
	for _, i := range g.distinct(len(flexDefs), g.weighted(40, 40, 20)) {
		d := flexDefs[i]
		owner := ""
		if n := len(p.EnergyContracts); n > 0 {
			owner = p.EnergyContracts[g.Pick(n)].ID
		}
		p.FlexibilityContracts = append(p.FlexibilityContracts, g.flex(d, asset(d.asset), owner))
	}
	for _, e := range p.EnergyContracts {
		c.contracts = append(c.contracts, e.ID)
	}
	for _, e := range p.ServiceContracts {
		c.contracts = append(c.contracts, e.ID)
	}
	for _, e := range p.FlexibilityContracts {
		c.contracts = append(c.contracts, e.ID)
	}
	c.payload = simgen.Marshal(p)
	return c
}

// period is a contract's dates; nil pointers are null on the wire.
type period struct {
	from         time.Time
	to, cancel   *time.Time
	signed       time.Time
	signedMissed bool // SignedTime null: signed on paper, never recorded
}

// period draws a contract's life: mostly running, some not started yet,
// some run out, some cancelled.
func (g *generator) period() period {
	midnight := func(days int) time.Time {
		d := today.In(cet).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, cet)
	}
	var p period
	switch n := g.Pick(100); {
	case n < 62: // active
		from := -g.Between(20, 2200)
		p.from = midnight(from)
		if g.Chance(50) {
			p.to = ptr(midnight(g.Between(30, 1500)))
		}
		if g.Chance(8) {
			// Notice given; the contract runs until the cancellation takes effect.
			c := midnight(g.Between(10, 90))
			p.cancel, p.to = &c, &c
		}
	case n < 74: // pending
		p.from = midnight(g.Between(7, 150))
		if g.Chance(40) {
			p.to = ptr(p.from.AddDate(g.Between(1, 3), 0, 0))
		}
	case n < 88: // ended
		to := -g.Between(1, 700)
		p.from = midnight(to - g.Between(180, 1800))
		p.to = ptr(midnight(to))
	default: // cancelled
		c := -g.Between(1, 400)
		p.from = midnight(c - g.Between(30, 900))
		cancel := today.Add(time.Duration(c)*24*time.Hour + g.ticks(24*time.Hour)).In(utc)
		p.cancel = &cancel
		if g.Chance(60) {
			p.to = ptr(midnight(c))
		}
	}
	p.signed = p.from.AddDate(0, 0, -g.Between(3, 60)).Add(time.Duration(g.Between(8, 18))*time.Hour + g.ticks(time.Hour)).In(utc)
	if p.signed.After(today) {
		// Nothing is signed in the future: a pending contract was signed lately.
		p.signed = today.Add(-g.ticks(20 * 24 * time.Hour))
	}
	p.signedMissed = g.Chance(5)
	return p
}

func (g *generator) partner(name, contractType, description string, assetID int) wirePartner {
	p := g.period()
	w := wirePartner{
		ID:                   g.guid(),
		AssetID:              assetID,
		Created:              netTime(p.signed.Add(-g.ticks(72 * time.Hour)).In(utc)),
		ContractType:         contractType,
		Description:          description,
		Name:                 name,
		OwnerContractID:      g.guid(),
		PartnerLegalEntityID: g.legalIDs[g.Pick(len(g.legalIDs))],
		ValidFrom:            netTime(p.from),
		ValidTo:              (*netTime)(p.to),
		CancelTime:           (*netTime)(p.cancel),
	}
	if !p.signedMissed {
		w.SignedTime = ptr(netTime(p.signed))
	}
	if g.business && strings.HasPrefix(name, "PV-Einspeisung") {
		w.Description += ", Gewerbeanlage"
	}
	return w
}

func (g *generator) flex(d flexDef, assetID int, owner string) wireFlex {
	p := g.period()
	pw := householdPower[d.asset]
	power := g.Between(pw[0], pw[1]) // tenths of kW
	if g.business {
		power = g.Between(300, 2500)
	}
	models := assetModels[d.asset]
	workday := g.Between(50, 1200) // cents
	if owner == "" {
		owner = g.guid()
	}
	w := wireFlex{
		MaxPowerPrActivation:             number(int64(power), 1),
		AssetID:                          assetID,
		ID:                               g.guid(),
		MaxNumOfActivationPrTimeInterval: g.Between(1, 4),
		AssetName:                        models[g.Pick(len(models))],
		ContractID:                       owner,
		DaysAllowedForActivation:         g.Pick(3),
		Name:                             d.name,
		PermittedIntervals:               permittedIntervals[g.Pick(len(permittedIntervals))],
		ValidFrom:                        netTime(p.from),
		MaxAllowedActivationTime:         []int{15, 30, 45, 60, 90, 120, 180, 240}[g.Pick(8)],
		ValidTo:                          (*netTime)(p.to),
		MininumTimeBetweenActivation:     []int{30, 60, 120, 180, 240, 360, 480}[g.Pick(7)],
		CancelTime:                       (*netTime)(p.cancel),
		Tolerance:                        number(int64(g.Between(4, 20))*5, 1), // 2.0–10.0 %
		Signed:                           netTime(p.signed),
		ReservationFee:                   number(int64(g.Between(500, 6000)), 2),
		Renewal:                          g.Pick(3),
		ActivationFeeWorkdays:            number(int64(workday), 2),
		ParticipantID:                    g.Between(100, 999),
		NonConformanceClause:             nonConformance[g.Pick(len(nonConformance))],
	}
	// Activations on weekends and holidays cost more, never less.
	w.ActivationFeeNonWorkdays = number(int64(g.Between(workday, 1500)), 2)
	if d.asset == assetHeatPump {
		// A heat pump is steered within the house's comfort band (°C).
		minT := g.Between(180, 210)
		maxT := g.Between(max(minT+10, 210), 240)
		w.MinNormalTemperature = ptr(number(int64(minT), 1))
		w.MaxNormalTemperature = ptr(number(int64(maxT), 1))
		w.MaxRampUpTemperature = ptr(number(int64(maxT+g.Between(5, 30)), 1))
		w.MinRamDownTemperature = ptr(number(int64(minT-g.Between(5, 30)), 1))
	}
	return w
}

// weighted draws 0, 1, 2… with the given weights in percent.
func (g *generator) weighted(weights ...int) int {
	n := g.Pick(100)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return 0
}

// distinct picks k different indexes below n, in ascending order.
func (g *generator) distinct(n, k int) []int {
	perm := g.Perm(n)[:min(k, n)]
	for i := 1; i < len(perm); i++ {
		for j := i; j > 0 && perm[j] < perm[j-1]; j-- {
			perm[j], perm[j-1] = perm[j-1], perm[j]
		}
	}
	return perm
}

// ticks is a random duration below d in .NET's 100 ns ticks.
func (g *generator) ticks(d time.Duration) time.Duration {
	return time.Duration(g.Int64N(int64(d/100))) * 100
}

// guid is a random (version 4) GUID as .NET writes it.
func (g *generator) guid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// number writes v / 10^places as Newtonsoft writes a double: the shortest
// form, but a whole number keeps ".0" ("20.0", "5.1", "12.75").
func number(v int64, places int) json.Number {
	s := strconv.FormatInt(v, 10)
	if places > 0 {
		if len(s) <= places {
			s = strings.Repeat("0", places-len(s)+1) + s
		}
		s = s[:len(s)-places] + "." + s[len(s)-places:]
		s = strings.TrimRight(s, "0")
	}
	if strings.HasSuffix(s, ".") || !strings.Contains(s, ".") {
		s = strings.TrimSuffix(s, ".") + ".0"
	}
	return json.Number(s)
}

func ptr[T any](v T) *T { return &v }
