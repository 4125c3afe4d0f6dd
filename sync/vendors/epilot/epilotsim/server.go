// Package epilotsim simulates the epilot customer portal API (the
// @epilot/customer-portal-client OpenAPI spec) for one portal user: their
// contracts with meters, and each meter's consumption, prices and costs,
// deterministic for a seed. Households and businesses have daily, weekly
// and seasonal load curves, some households feed in solar power, prices
// follow a 15-minute spot market with negative hours, and costs are price
// times consumption. Token checks, an interval some meters refuse, a window
// limit and the shared simfault knobs make connectors earn their keep.
package epilotsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wattfolio/app"
	"wattfolio/internal/simfault"
)

// Options size and seed the simulation.
type Options struct {
	Seed   uint64
	Meters int    // default 20; one contract per meter, every fourth contract has a second meter
	Token  string // the portal token accepted
	// From and To bound the data the portal has; default the year before
	// midnight UTC today.
	From, To time.Time
	// MaxDays is the longest window one request may ask for at PT15M
	// (hours and days get twelve times as long); default 31.
	MaxDays int
	// Business makes every meter a site of one business (the portal user
	// is a company with shops or branches); otherwise one in five is.
	Business bool
	// Legacy is an older deployment, the API of the 0.23.1 client: no
	// /v2/portal/visualization/metadata (404), and the time series know
	// the meter by meter_id only, not by context_entities.
	Legacy bool
}

// Server is the simulated portal. Safe for concurrent use.
type Server struct {
	o        Options
	loc      *time.Location
	mux      *http.ServeMux
	Faults   simfault.Injector
	revision atomic.Int64

	spotOnce sync.Once
	spotFrom int64   // the first quarter hour of the data range
	spots    []int64 // spot prices from spotFrom on; see auction

	mu           sync.Mutex
	revoked      bool
	counts       map[string]int
	blankFrom    time.Time
	blankTo      time.Time
	blankAnswers int
}

// New builds a simulator.
func New(o Options) *Server {
	if o.Meters <= 0 {
		o.Meters = 20
	}
	if o.To.IsZero() {
		o.To = time.Now().UTC().Truncate(24 * time.Hour)
	}
	if o.From.IsZero() {
		o.From = o.To.AddDate(-1, 0, 0)
	}
	if o.MaxDays <= 0 {
		o.MaxDays = 31
	}
	s := &Server{o: o, loc: app.DefaultZone(), mux: http.NewServeMux(), counts: map[string]int{}}
	s.mux.HandleFunc("POST /v2/portal/token/validate", s.auth(s.validate))
	s.mux.HandleFunc("POST /v2/portal/token/revoke", s.auth(s.revoke))
	s.mux.HandleFunc("GET /v2/portal/contract", s.auth(s.contracts))
	s.mux.HandleFunc("GET /v2/portal/contract/{id}", s.auth(s.contract))
	if !o.Legacy {
		s.mux.HandleFunc("GET /v2/portal/visualization/metadata", s.auth(s.metadata))
	}
	s.mux.HandleFunc("GET /v2/portal/consumption", s.auth(s.series("consumption")))
	s.mux.HandleFunc("GET /v2/portal/prices", s.auth(s.series("prices")))
	s.mux.HandleFunc("GET /v2/portal/costs", s.auth(s.series("costs")))
	s.mux.Handle("/_sim/faults", &s.Faults)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, http.StatusNotFound, "NotFound", "no such endpoint")
	})
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.counts[r.URL.Path]++
	s.mu.Unlock()
	s.mux.ServeHTTP(w, r)
}

// SetFaults replaces the faults in force, as every simulated vendor does.
func (s *Server) SetFaults(f simfault.Faults) { s.Faults.Set(f) }

// Requests returns how many requests each path got, and resets the count.
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counts
	s.counts = map[string]int{}
	return c
}

// Revise makes the meter operator revise the last two days of every meter
// (values grow by n %), as a late correction does. 0 undoes it.
func (s *Server) Revise(n int) { s.revision.Store(int64(n)) }

// Blank makes every time-series window that overlaps [from, to) answer
// 200 with no records, though the metadata still names the whole range:
// a portal whose hook lost data for a while. It returns how many such
// answers were given since the last call; zero times end it.
func (s *Server) Blank(from, to time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.blankAnswers
	s.blankFrom, s.blankTo, s.blankAnswers = from, to, 0
	return n
}

func (s *Server) blank(from, to time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blankTo.IsZero() || !from.Before(s.blankTo) || !to.After(s.blankFrom) {
		return false
	}
	s.blankAnswers++
	return true
}

// Revoke invalidates the token, as the portal's revoke endpoint does.
func (s *Server) Revoke() { s.mu.Lock(); s.revoked = true; s.mu.Unlock() }

// Range is the data range of every meter.
func (s *Server) Range() (from, to time.Time) { return s.o.From, s.o.To }

// Meters is how many meters the portal user has.
func (s *Server) Meters() int { return s.o.Meters }

// MeterIDs lists the meters' ids as the portal names them, for faults
// aimed at one meter.
func (s *Server) MeterIDs() []string {
	ids := make([]string, s.o.Meters)
	for i := range ids {
		ids[i] = meterID(i)
	}
	return ids
}

// ContractIDs lists the contract ids in portal order.
func (s *Server) ContractIDs() []string {
	ids := make([]string, s.contractCount())
	for i := range ids {
		ids[i] = contractID(i)
	}
	return ids
}

func errBody(status int, reason, msg string) []byte {
	b, _ := json.Marshal(map[string]string{"message": msg, "reason": reason})
	return b
}

func writeErr(w http.ResponseWriter, status int, reason, msg string) {
	simfault.Write(w, status, "application/json", errBody(status, reason, msg), false)
}

func faultBody(status int) []byte {
	return errBody(status, http.StatusText(status), "simulated fault")
}

func (s *Server) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		revoked := s.revoked
		s.mu.Unlock()
		if !ok || tok != s.o.Token || revoked {
			writeErr(w, http.StatusUnauthorized, "Unauthorized", "The portal token is invalid or expired")
			return
		}
		next(w, r)
	}
}

func (s *Server) validate(w http.ResponseWriter, r *http.Request) {
	if _, done := s.Faults.Intercept(w, r, "", faultBody); done {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	s.Revoke()
	simfault.Write(w, http.StatusOK, "application/json", []byte(`{"message":"Token revoked successfully"}`), false)
}

// Contracts and meters: contract i has meter i; every fourth contract also
// has meter Meters+i/4 … until the meters run out. Keep it simple: the
// first ceil(Meters*4/5) contracts, the rest of the meters are second meters.
func (s *Server) contractCount() int { return s.o.Meters - s.o.Meters/5 }

func (s *Server) metersOf(c int) []int {
	ms := []int{c}
	if c%4 == 0 {
		if extra := s.contractCount() + c/4; extra < s.o.Meters {
			ms = append(ms, extra)
		}
	}
	return ms
}

func contractID(i int) string { return fmt.Sprintf("c0a1e5%02x-7e57-4d1c-9a00-%012d", i%256, i) }
func meterID(i int) string    { return fmt.Sprintf("3e7e40%02x-0b5e-4c1a-8e00-%012d", i%256, i) }

func indexOf(id, prefix string) (int, bool) {
	if len(id) != 36 || !strings.HasPrefix(id, prefix) {
		return 0, false
	}
	n, err := strconv.Atoi(id[24:])
	return n, err == nil
}

func (s *Server) contractJSON(i int) map[string]any {
	p := s.profile(i)
	name := "Strom Zuhause Dynamisch"
	if p.business {
		name = "Gewerbestrom Spot"
	}
	return map[string]any{
		"_id": contractID(i), "_schema": "contract", "_title": fmt.Sprintf("%s %d", name, 1000+i),
		"_org": "739224", "_created_at": s.o.From.Format(time.RFC3339), "_updated_at": s.o.From.Format(time.RFC3339),
		"contract_name": name, "contract_number": fmt.Sprintf("V-%06d", 100000+i),
		"status": "active", "branch": "power", "billing_period": "monthly",
		"start_date": s.o.From.Format("2006-01-02"),
	}
}

func (s *Server) contracts(w http.ResponseWriter, r *http.Request) {
	f, done := s.Faults.Intercept(w, r, "", faultBody)
	if done {
		return
	}
	q := r.URL.Query()
	from, err1 := strconv.Atoi(q.Get("from"))
	size, err2 := strconv.Atoi(q.Get("size"))
	if q.Get("from") == "" {
		from, err1 = 0, nil
	}
	if q.Get("size") == "" {
		size, err2 = 100, nil // the spec's default; it names no maximum
	}
	if err1 != nil || err2 != nil || from < 0 || size < 1 {
		writeErr(w, http.StatusBadRequest, "BadRequest", "from must be >= 0 and size >= 1")
		return
	}
	data := []map[string]any{}
	for i := from; i < min(from+min(size, s.contractCount()), s.contractCount()); i++ {
		data = append(data, s.contractJSON(i))
	}
	b, _ := json.Marshal(map[string]any{"data": data, "hits": s.contractCount()})
	simfault.Write(w, http.StatusOK, "application/json", simfault.Alter(f, b, "contract_name"), f.CutBody)
}

func (s *Server) meterJSON(m int) map[string]any {
	return map[string]any{
		"_id": meterID(m), "_schema": "meter", "_title": fmt.Sprintf("1EMH00%08d", 4711000+m),
		"_org": "739224", "_created_at": s.o.From.Format(time.RFC3339), "_updated_at": s.o.From.Format(time.RFC3339),
		"meter_number": fmt.Sprintf("1EMH00%08d", 4711000+m), "ma_lo_id": fmt.Sprintf("5%010d", 1234500000+m),
		"meter_type": "three-phase-meter", "sector": "power", "tariff_type": map[bool]string{true: "ht_nt", false: "single"}[s.profile(m).ntht],
	}
}

func (s *Server) contract(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f, done := s.Faults.Intercept(w, r, id, faultBody)
	if done {
		return
	}
	c, ok := indexOf(id, "c0a1e5")
	if !ok || c >= s.contractCount() {
		writeErr(w, http.StatusNotFound, "NotFound", "contract not found")
		return
	}
	var meters []map[string]any
	for _, m := range s.metersOf(c) {
		meters = append(meters, s.meterJSON(m))
	}
	b, _ := json.Marshal(map[string]any{
		"entity": s.contractJSON(c), "orders": []any{}, "meters": meters, "files": []any{},
		"relations": []any{}, "billing_accounts": []any{},
	})
	simfault.Write(w, http.StatusOK, "application/json", simfault.Alter(f, b, "meter_number"), f.CutBody)
}

// meterParam finds the meter of a time-series request: context_entities
// (a JSON array of {entity_id, entity_schema}) or the deprecated meter_id,
// the only one an older deployment knows.
func meterParam(q url.Values, legacy bool) string {
	if ce := q.Get("context_entities"); ce != "" && !legacy {
		var es []struct {
			ID     string `json:"entity_id"`
			Schema string `json:"entity_schema"`
		}
		if json.Unmarshal([]byte(ce), &es) == nil {
			for _, e := range es {
				if e.Schema == "meter" {
					return e.ID
				}
			}
		}
	}
	return q.Get("meter_id")
}

func (s *Server) meterOf(w http.ResponseWriter, q url.Values) (int, bool) {
	id := meterParam(q, s.o.Legacy)
	m, ok := indexOf(id, "3e7e40")
	if !ok || m >= s.o.Meters {
		writeErr(w, http.StatusNotFound, "NotFound", "meter not found")
		return 0, false
	}
	return m, true
}

func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("app_id") == "" || q.Get("extensionId") == "" {
		writeErr(w, http.StatusBadRequest, "BadRequest", "app_id and extensionId are required")
		return
	}
	m, ok := s.meterOf(w, q)
	if !ok {
		return
	}
	if _, done := s.Faults.Intercept(w, r, meterID(m), faultBody); done {
		return
	}
	p := s.profile(m)
	ivs := []string{"PT1H", "P1D", "P1M"}
	if p.quarter || p.lies {
		ivs = append([]string{"PT15M"}, ivs...)
	}
	types := []map[string]any{{"id": "consumption", "label": "Verbrauch", "aggregation_group": "energy", "statistical_method": "sum"}}
	if p.pv {
		types = append(types, map[string]any{"id": "feed-in", "label": "Einspeisung", "aggregation_group": "energy", "statistical_method": "sum"})
	}
	types = append(types, map[string]any{"id": "price", "label": "Preis", "aggregation_group": "price", "statistical_method": "average"})
	b, _ := json.Marshal(map[string]any{
		"type_options": types, "intervals": ivs,
		"data_range": map[string]string{"from": s.o.From.UTC().Format(time.RFC3339), "to": s.o.To.UTC().Format(time.RFC3339)},
	})
	simfault.Write(w, http.StatusOK, "application/json", b, false)
}

func (s *Server) series(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("extensionId") == "" {
			writeErr(w, http.StatusBadRequest, "BadRequest", "extensionId is required")
			return
		}
		m, ok := s.meterOf(w, q)
		if !ok {
			return
		}
		f, done := s.Faults.Intercept(w, r, meterID(m), faultBody)
		if done {
			return
		}
		from, err1 := time.Parse(time.RFC3339Nano, q.Get("from"))
		to, err2 := time.Parse(time.RFC3339Nano, q.Get("to"))
		if err1 != nil || err2 != nil || !to.After(from) {
			writeErr(w, http.StatusBadRequest, "BadRequest", "from and to must be ISO 8601 date-times with from < to")
			return
		}
		p := s.profile(m)
		iv := q.Get("interval")
		maxDays := s.o.MaxDays
		switch iv {
		case "PT15M":
			if !p.quarter || p.lies {
				writeErr(w, http.StatusBadRequest, "IntervalNotSupported", "interval PT15M is not supported for this meter")
				return
			}
		case "PT1H", "P1D":
			maxDays *= 12
		case "P1M":
			writeErr(w, http.StatusBadRequest, "IntervalNotSupported", "interval P1M is not supported by this app")
			return
		default:
			writeErr(w, http.StatusBadRequest, "BadRequest", "interval must be one of PT15M, PT1H, P1D, P1M")
			return
		}
		if to.Sub(from) > time.Duration(maxDays)*24*time.Hour {
			writeErr(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("the window may span at most %d days at %s", maxDays, iv))
			return
		}
		if s.blank(from, to) {
			key := kind
			if kind == "consumption" {
				key = "consumptions"
			}
			simfault.Write(w, http.StatusOK, "application/json", []byte(`{"`+key+`":[]}`), false)
			return
		}
		bp := bodies.Get().(*[]byte)
		body := s.render((*bp)[:0], kind, m, p, iv, from, to)
		field := "value"
		if kind != "consumption" {
			field = "unit_amount"
		}
		simfault.Write(w, http.StatusOK, "application/json", simfault.Alter(f, body, field), f.CutBody)
		*bp = body
		bodies.Put(bp)
	}
}

// bodies recycles response buffers: a month of quarter-hour prices is about
// 1.5 MB, and growing a fresh one for every request made the simulator the
// largest allocator of a benchmarked sync.
var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 1<<16); return &b }}

// bucket accumulates quarter hours into one record of the response.
type bucket struct {
	ts              int64
	use, feed, cost app.Decimal
	nt, ht          app.Decimal
	hasNT, hasHT    bool
	auction         int64 // the sum of the auction prices; the other parts are the meter's constants
	n               int64
}

// render appends the response body to buf.
func (s *Server) render(buf []byte, kind string, m int, p profile, iv string, from, to time.Time) []byte {
	start := max(from.Unix(), s.o.From.Unix())
	end := min(to.Unix(), s.o.To.Unix())
	start += (900 - start%900) % 900
	var step int64
	switch iv {
	case "PT15M":
		step = 900
	case "PT1H":
		step = 3600
	default: // P1D: series refuses any other interval
		step = 86400
	}
	// Grow once: a record is at most about 420 bytes (a price with its
	// components), and at most three records share a time stamp.
	per := 3 * 90
	if kind != "consumption" {
		per = 420
	}
	buf = slices.Grow(buf, int(max(end-start, 0)/step+2)*per)
	buf = append(buf, '{', '"')
	if kind == "consumption" {
		buf = append(buf, "consumptions"...) // the spec's key, plural
	} else {
		buf = append(buf, kind...)
	}
	buf = append(buf, `":[`...)
	r := renderer{kind: kind, p: p, first: true}
	// A price record ends in the meter's constant components (the mean of
	// a constant is the constant), formatted once per response, on the
	// stack.
	var tailBuf [512]byte
	var tail []byte
	if kind == "prices" {
		tail = priceTail(tailBuf[:0], fixedParts(&p))
	}
	c := s.clock()
	var cur bucket
	var pt point
	for ts := start; ts < end; ts += 900 {
		l := c.at(ts)
		var bs int64
		switch iv {
		case "PT15M":
			bs = ts
		case "PT1H":
			bs = ts - ts%3600
		case "P1D":
			bs = c.midnight
		}
		if cur.n > 0 && bs != cur.ts {
			buf = r.emit(buf, &cur, tail)
			cur = bucket{}
		}
		cur.ts = bs
		s.point(&pt, m, &p, l, ts, kind != "prices", kind != "consumption")
		cur.n++
		cur.use += pt.use
		cur.feed += pt.feed
		cur.cost += pt.cost
		switch pt.channel {
		case "nt":
			cur.nt += pt.use
			cur.hasNT = true
		case "ht":
			cur.ht += pt.use
			cur.hasHT = true
		}
		cur.auction += pt.price.auction
	}
	buf = r.emit(buf, &cur, tail)
	return append(buf, "]}"...)
}

// renderer appends the records of one response to the buffer its methods
// take and return: a buffer kept in the renderer would cost a write
// barrier on every append while the sync's garbage is collected.
type renderer struct {
	kind  string
	p     profile
	first bool
	// The UTC date of the last time stamp, "2006-01-02T": records come in
	// time order, and a date is worth formatting once a day. An array, not
	// a slice of one, keeps the renderer on the stack.
	day     int64
	date    [24]byte
	dateLen int
}

func (r *renderer) emit(buf []byte, b *bucket, priceTail []byte) []byte {
	if b.n == 0 {
		return buf
	}
	switch r.kind {
	case "consumption":
		if r.p.ntht {
			if b.hasNT {
				buf = r.consRecord(buf, b.ts, b.nt, "nt")
			}
			if b.hasHT {
				buf = r.consRecord(buf, b.ts, b.ht, "ht")
			}
		} else {
			buf = r.consRecord(buf, b.ts, b.use, "")
		}
		if r.p.pv {
			buf = r.consRecord(buf, b.ts, b.feed, "feed-in")
		}
	case "prices":
		pp := fixedParts(&r.p)
		pp.auction = b.auction / b.n
		buf = r.open(buf, b.ts)
		buf = money(buf, "unit_amount", pp.total())
		buf = append(buf, `,"unit_amount_currency":"EUR","components":{`...)
		buf = money(buf, "auction_price_amount", pp.auction)
		buf = append(buf, priceTail...)
	case "costs":
		buf = r.open(buf, b.ts)
		buf = money(buf, "unit_amount", int64(b.cost))
		buf = append(buf, `,"unit_amount_currency":"EUR"`...)
		buf = append(buf, taxes...)
	}
	return buf
}

// taxes end every money record.
const taxes = `,"tax_behavior":"exclusive","tax_rate":19}`

// priceTail is what follows the auction price in a price record.
func priceTail(buf []byte, p priceParts) []byte {
	buf = append(buf, ',')
	buf = money(buf, "taxes_levies_amount", p.levies)
	buf = append(buf, ',')
	buf = money(buf, "source_fee_amount", p.source)
	buf = append(buf, ',')
	buf = money(buf, "grid_fee_amount", p.grid)
	buf = append(buf, ',')
	buf = money(buf, "margin_amount", p.margin)
	buf = append(buf, '}')
	return append(buf, taxes...)
}

// open starts a record: its separator, its brace, its time stamp and a comma.
func (r *renderer) open(buf []byte, ts int64) []byte {
	if !r.first {
		buf = append(buf, ',')
	}
	r.first = false
	buf = append(buf, '{')
	buf = r.stamp(buf, ts)
	return append(buf, ',')
}

// stamp appends "timestamp":"2006-01-02T15:04:05.000Z" by hand:
// time.AppendFormat interprets its layout on every call.
func (r *renderer) stamp(buf []byte, ts int64) []byte {
	day, sec := ts/86400, ts%86400
	if sec < 0 {
		day, sec = day-1, sec+86400
	}
	if r.dateLen == 0 || day != r.day {
		y, mo, d := time.Unix(day*86400, 0).UTC().Date()
		date := strconv.AppendInt(r.date[:0], int64(y), 10)
		date = append(date, '-')
		date = two(date, int(mo))
		date = append(date, '-')
		date = two(date, d)
		date = append(date, 'T')
		r.day, r.dateLen = day, copy(r.date[:], date)
	}
	buf = append(buf, `"timestamp":"`...)
	buf = append(buf, r.date[:r.dateLen]...)
	buf = two(buf, int(sec/3600))
	buf = append(buf, ':')
	buf = two(buf, int(sec%3600/60))
	buf = append(buf, ':')
	buf = two(buf, int(sec%60))
	return append(buf, `.000Z"`...)
}

func two(buf []byte, n int) []byte { return append(buf, byte('0'+n/10), byte('0'+n%10)) }

func (r *renderer) consRecord(buf []byte, ts int64, v app.Decimal, typ string) []byte {
	buf = r.open(buf, ts)
	buf = append(buf, `"value":`...)
	buf = v.Append(buf, '.')
	if typ != "" {
		buf = append(buf, `,"type":"`...)
		buf = append(buf, typ...)
		buf = append(buf, '"')
	}
	// Every simulated meter is a power meter; the unit is sent because
	// the portal's schema requires it and a gas meter's would be m3.
	buf = append(buf, `,"unit":"kWh"`...)
	return append(buf, '}')
}

// cents rounds EUR e6 to whole cents, half away from zero, as the integer
// unit_amount fields carry them.
func cents(e6 int64) int64 {
	if e6 < 0 {
		return -((-e6 + 5000) / 10000)
	}
	return (e6 + 5000) / 10000
}

func money(buf []byte, prefix string, e6 int64) []byte {
	buf = append(append(append(buf, '"'), prefix...), `":`...)
	buf = strconv.AppendInt(buf, cents(e6), 10)
	buf = append(append(append(buf, `,"`...), prefix...), `_decimal":"`...)
	buf = app.Decimal(e6).Append(buf, '.')
	return append(buf, '"')
}
