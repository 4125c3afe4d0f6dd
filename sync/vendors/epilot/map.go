package epilot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"wattfolio/app"
	"wattfolio/app/series"
)

// lit is a JSON value kept as its literal, so that one record with a wrong
// type fails alone instead of the whole window.
type lit []byte

func (l *lit) UnmarshalJSON(b []byte) error {
	*l = append((*l)[:0], b...)
	return nil
}

func (l lit) present() bool { return len(l) > 0 && string(l) != "null" }

// decimal reads a JSON number exactly (never through float64).
func (l lit) decimal() (app.Decimal, error) {
	if !l.present() || l[0] == '"' {
		return 0, fmt.Errorf("want a number, got %s", clip(string(l)))
	}
	return app.ParseDecimal(l.view())
}

// view is l as a string sharing its memory, for parsing: nothing writes to
// a lit's bytes once it is read.
func (l lit) view() string { return unsafe.String(unsafe.SliceData(l), len(l)) }

func (l lit) integer() (int64, error) {
	if !l.present() || l[0] == '"' {
		return 0, fmt.Errorf("want an integer, got %s", clip(string(l)))
	}
	return strconv.ParseInt(l.view(), 10, 64)
}

func (l lit) str() (string, bool) {
	v, ok := l.strView()
	return strings.Clone(v), ok
}

// strView is str sharing the literal's memory when the string is plain
// (no escapes, ASCII): for parsing only, never to keep.
func (l lit) strView() (string, bool) {
	if !l.present() {
		return "", true
	}
	if len(l) >= 2 && l[0] == '"' && l[len(l)-1] == '"' {
		in := l[1 : len(l)-1]
		plain := true
		for _, c := range in {
			if !plainByte[c] {
				plain = false
				break
			}
		}
		if plain {
			return lit(in).view(), true
		}
	}
	var s string
	if json.Unmarshal(l, &s) != nil {
		return "", false
	}
	return s, true
}

// slab hands out values from chunks, so that the price components of a
// window (five decimals and their struct per reading) are a few
// allocations instead of six per reading. A chunk is never moved, so the
// pointers stay valid.
type slab[T any] struct {
	size  int // of a chunk
	chunk []T
}

func (s *slab[T]) new(v T) *T {
	if len(s.chunk) == cap(s.chunk) {
		s.chunk = make([]T, 0, max(s.size, 16))
	}
	s.chunk = append(s.chunk, v)
	return &s.chunk[len(s.chunk)-1]
}

type wireContract struct {
	ID             string `json:"_id"`
	Title          string `json:"_title"`
	ContractName   string `json:"contract_name"`
	ContractNumber string `json:"contract_number"`
	Status         string `json:"status"`
	Branch         string `json:"branch"`
	StartDate      string `json:"start_date"`
	TerminationAt  string `json:"termination_date"`
}

type wireMeter struct {
	ID          lit `json:"_id"`
	Title       lit `json:"_title"`
	MeterNumber lit `json:"meter_number"`
	MaLoID      lit `json:"ma_lo_id"`
}

var commodities = map[string]app.Commodity{
	"power": app.CommodityElectricity, "gas": app.CommodityGas, "water": app.CommodityWater,
	"waste_water": app.CommodityWater, "district_heating": app.CommodityHeat,
}

// branchUnits is the unit a meter of a contract's branch counts in, where
// the branch settles it.
var branchUnits = map[string]string{
	"power": series.KWh, "district_heating": series.KWh, "water": series.M3, "waste_water": series.M3,
}

func parseDay(s string) (time.Time, error) {
	if t, err := parseInstant(s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse("2006-01-02", s)
}

// parseInstant reads an RFC 3339 date-time. RFC 3339 (section 5.6) lets
// the "T" between date and time and the "Z" of UTC be lowercase; Go's
// layout takes them uppercase only, so a lowercase one is raised and the
// text read again (the common uppercase form costs nothing extra).
func parseInstant(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil || len(s) <= 10 || (s[10] != 't' && s[len(s)-1] != 'z') {
		return t, err
	}
	b := []byte(s)
	if b[10] == 't' {
		b[10] = 'T'
	}
	if b[len(b)-1] == 'z' {
		b[len(b)-1] = 'Z'
	}
	if t2, err2 := time.Parse(time.RFC3339Nano, string(b)); err2 == nil {
		return t2, nil
	}
	return t, err
}

// instantUnix is parseInstant(s).Unix() for the form every record's
// timestamp takes, "2006-01-02T15:04:05", optionally a fraction of up to
// nine digits, then "Z" or "±hh:mm", without building a time.Time: a
// year of quarter hours is tens of thousands of timestamps per meter, and
// time.Parse with its zone handling was a tenth of parsing them. Anything
// else (a lowercase t or z, a leap second, a longer fraction) is not ok,
// and parseInstant reads it. FuzzInstantUnix holds the two to the same
// instant.
func instantUnix(s string) (int64, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	ok := true
	num := func(digits string, lo, hi int) int64 {
		var v int
		for _, c := range []byte(digits) {
			if c < '0' || c > '9' {
				ok = false
				return 0
			}
			v = v*10 + int(c-'0')
		}
		if v < lo || v > hi {
			ok = false
		}
		return int64(v)
	}
	year, month := num(s[0:4], 0, 9999), num(s[5:7], 1, 12)
	if !ok {
		return 0, false
	}
	day := num(s[8:10], 1, daysIn(int(month), int(year)))
	sec := num(s[11:13], 0, 23)*3600 + num(s[14:16], 0, 59)*60 + num(s[17:19], 0, 59)
	rest := s[19:]
	if len(rest) > 1 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return 0, false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		off := num(rest[1:3], 0, 23)*3600 + num(rest[4:6], 0, 59)*60
		if rest[0] == '-' {
			off = -off
		}
		sec -= off
	default:
		return 0, false
	}
	if !ok {
		return 0, false
	}
	return daysFromCivil(year, month, day)*86400 + sec, true
}

// daysIn is the number of days of a month of the proleptic Gregorian
// calendar.
func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to the date (the
// proleptic Gregorian calendar; March-based years, so that the leap day
// ends a year).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// mapContract maps GET /v2/portal/contract/{id} to a contract and its meters.
func (c *Client) mapContract(id string, body []byte) (app.Contract, []series.Meter, *app.RecordError) {
	rec := "contract " + id
	fail := func(field string, err error) (app.Contract, []series.Meter, *app.RecordError) {
		return app.Contract{}, nil, &app.RecordError{Source: c.cfg.Source, Record: rec, Field: field, Err: err}
	}
	var d struct {
		Entity json.RawMessage   `json:"entity"`
		Meters []json.RawMessage `json:"meters"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		return fail("", fmt.Errorf("not a contract document: %v", err))
	}
	var e wireContract
	if err := json.Unmarshal(d.Entity, &e); err != nil {
		return fail("entity", err)
	}
	if e.ID != id {
		return fail("entity._id", fmt.Errorf("is %q, want %q", clip(e.ID), id))
	}
	ct := app.Contract{
		Source: c.cfg.Source, Vendor: app.VendorEpilot, ExternalID: id, Kind: app.KindRetail,
		Commodity: commodities[e.Branch], Status: strings.ToLower(e.Status),
		Name: e.ContractName, Product: app.Product{Name: e.ContractName, Code: e.ContractNumber},
		Customer: app.Customer{ExternalID: c.cfg.CustomerID},
		Raw:      d.Entity, FetchedAt: c.cfg.Now().UTC(),
	}
	if ct.Name == "" {
		ct.Name = e.Title
	}
	if e.StartDate != "" {
		t, err := parseDay(e.StartDate)
		if err != nil {
			return fail("entity.start_date", fmt.Errorf("not a date: %q", clip(e.StartDate)))
		}
		ct.ValidFrom = t
	}
	if e.TerminationAt != "" {
		if t, err := parseDay(e.TerminationAt); err == nil {
			ct.ValidTo = t
		}
	}
	// A power meter counts kWh, a heat meter kWh (or MWh, which the
	// records' unit turns into kWh) and a water meter m³. A gas meter may
	// count m³ or kWh: only its consumption records tell (the schema
	// defaults a record without a unit to its meter counter's, which the
	// portal does not send with the contract), so "" leaves the unit the
	// cache has, which the records set.
	unit := branchUnits[e.Branch]
	var meters []series.Meter
	for i, raw := range d.Meters {
		var w wireMeter
		if err := json.Unmarshal(raw, &w); err != nil {
			return fail(fmt.Sprintf("meters[%d]", i), err)
		}
		mid, ok1 := w.ID.str()
		num, ok2 := w.MeterNumber.str()
		title, _ := w.Title.str()
		if !ok1 || mid == "" {
			return fail(fmt.Sprintf("meters[%d]._id", i), errors.New("missing or not a string"))
		}
		if !ok2 {
			return fail(fmt.Sprintf("meters[%d].meter_number", i), fmt.Errorf("not a string: %s", clip(string(w.MeterNumber))))
		}
		if num == "" {
			num = title
		}
		if ct.MeterID == "" {
			ct.MeterID = num
		}
		meters = append(meters, series.Meter{
			Source: c.cfg.Source, ExternalID: mid, ContractExternalID: id, Number: num, Label: title,
			Unit: unit, Zone: app.DefaultZoneName, Raw: raw,
		})
	}
	return ct, meters, nil
}

type wireMoney struct {
	Amount  lit    `json:"unit_amount"`
	Decimal lit    `json:"unit_amount_decimal"`
	Cur     string `json:"unit_amount_currency"`
}

type wirePoint struct {
	Timestamp string `json:"timestamp"`
	Value     lit    `json:"value"`
	Type      lit    `json:"type"`
	Unit      lit    `json:"unit"`
	wireMoney
	Components *struct {
		Auction        lit `json:"auction_price_amount"`
		AuctionDec     lit `json:"auction_price_amount_decimal"`
		TaxesLevies    lit `json:"taxes_levies_amount"`
		TaxesLeviesDec lit `json:"taxes_levies_amount_decimal"`
		SourceFee      lit `json:"source_fee_amount"`
		SourceFeeDec   lit `json:"source_fee_amount_decimal"`
		GridFee        lit `json:"grid_fee_amount"`
		GridFeeDec     lit `json:"grid_fee_amount_decimal"`
		Margin         lit `json:"margin_amount"`
		MarginDec      lit `json:"margin_amount_decimal"`
	} `json:"components"`
	TaxBehavior string `json:"tax_behavior"`
	TaxRate     lit    `json:"tax_rate"`
}

// money reads an amount from its decimal string (EUR, exact) and checks it
// against the integer cents; with no decimal string the cents are used.
func money(cents, dec lit, field string) (app.Decimal, string, error) {
	var ct app.Decimal // the cents in a Decimal's units
	if cents.present() {
		n, err := cents.integer()
		if err != nil {
			return 0, field, err
		}
		if ct, err = app.Decimal(n).MulInt(10_000); err != nil {
			return 0, field, fmt.Errorf("%w: %d cents", app.ErrDecimalRange, n)
		}
	}
	if dec.present() {
		s, ok := dec.strView()
		if !ok {
			return 0, field + "_decimal", fmt.Errorf("want a decimal string, got %s", clip(string(dec)))
		}
		d, err := app.ParseDecimal(s)
		if err != nil {
			return 0, field + "_decimal", err
		}
		if cents.present() {
			// The cents are the decimal rounded; allow either rounding rule.
			// The difference is taken in a Decimal's units, not in the
			// hundredths of them a comparison in cents would need, so that
			// every amount that fits a Decimal compares without overflow.
			diff, err := d.Sub(ct)
			if err != nil || diff <= -app.DecimalScale/100 || diff >= app.DecimalScale/100 {
				return 0, field, fmt.Errorf("%d cents disagree with %s_decimal %q", ct/10_000, field, s)
			}
		}
		return d, "", nil
	}
	if !cents.present() {
		return 0, field, errors.New("missing")
	}
	return ct, "", nil
}

// parse decodes one time-series response into b; a bad record becomes a
// failure naming the meter, the instant and the field.
func (c *Client) parse(meter string, m series.Measure, body []byte, b *series.Batch) error {
	key := map[series.Measure]string{series.Consumption: "consumptions", series.Price: "prices", series.Cost: "costs"}[m]
	pp := pointBufs.Get().(*[]wirePoint)
	defer func() {
		clear((*pp)[:cap(*pp)]) // drop the references into body before the slice is reused
		pointBufs.Put(pp)
	}()
	pts, ok := scanPoints(body, key, *pp)
	if ok {
		*pp = pts
	} else {
		var err error
		if pts, err = decodePoints(body, key); err != nil {
			return err
		}
	}
	b.Readings = make([]series.Reading, 0, len(pts))
	parts, decs := slab[series.Parts]{size: len(pts)}, slab[app.Decimal]{size: 5 * len(pts)}
	for i := range pts {
		p := &pts[i]
		r, field, err := c.point(m, p, b, &parts, &decs)
		if err != nil {
			b.Failures = append(b.Failures, &app.RecordError{
				Source: c.cfg.Source, Record: fmt.Sprintf("meter %s %s at %s", meter, m, clip(p.Timestamp)),
				Field: field, Err: err,
			})
			continue
		}
		b.Readings = append(b.Readings, r)
	}
	return nil
}

// pointBufs recycles the records of a response between windows: a month of
// quarter hours is thousands of them.
var pointBufs = sync.Pool{New: func() any { return new([]wirePoint) }}

// channel is a consumption type as the cache keeps it, lower case. The
// common ones come back as constants: a year of quarter hours repeats them
// tens of thousands of times, and typ shares the response's memory.
func channel(typ string) string {
	switch typ {
	case "":
		return ""
	case "nt", "NT":
		return "nt"
	case "ht", "HT":
		return "ht"
	case "feed-in":
		return "feed-in"
	}
	return strings.Clone(strings.ToLower(typ))
}

// decodePoints is what scanPoints does, with encoding/json: the reference
// and the fallback for anything the scanner does not accept.
func decodePoints(body []byte, key string) ([]wirePoint, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	raw, ok := doc[key]
	if !ok {
		return nil, fmt.Errorf("no %q in the response", key)
	}
	var pts []wirePoint
	if err := json.Unmarshal(raw, &pts); err != nil {
		return nil, fmt.Errorf("%s: %v", key, err)
	}
	return pts, nil
}

// unitOf reads a consumption record's unit into the batch and returns v in
// it. The schema requires the field but leaves its type open, so a record
// without one is taken to be in its window's unit (kWh when no record
// says). Wh become kWh here, exactly, so that the cache and everything
// priced from it knows two units only: kWh and the m³ of gas meters.
func unitOf(p *wirePoint, b *series.Batch, v app.Decimal) (app.Decimal, error) {
	if !p.Unit.present() {
		return v, nil
	}
	s, ok := p.Unit.strView()
	if !ok {
		return v, fmt.Errorf("want a string, got %s", clip(string(p.Unit)))
	}
	var mul int64 = 1
	if strings.EqualFold(s, "MWh") {
		// Heat meters count MWh; the cache keeps energy in kWh.
		s, mul = series.KWh, 1000
	}
	unit, div, err := series.ParseUnit(s)
	if err != nil {
		return v, err
	}
	if mul != 1 {
		kwh, err := v.MulInt(mul)
		if err != nil {
			return v, fmt.Errorf("%s MWh: %w", v, err)
		}
		v = kwh
	}
	switch {
	case b.Unit == "":
		b.Unit = unit // a constant: nothing of the body is kept
	case b.Unit != unit:
		return v, fmt.Errorf("%s where the rest of the window is in %s", unit, b.Unit)
	}
	if div != 1 {
		if v%app.Decimal(div) != 0 {
			// A Decimal keeps six places; a thousandth of a Wh more would
			// be rounded away, and a meter's sum must add up exactly.
			return v, fmt.Errorf("%s Wh is finer than a thousandth of a Wh", v)
		}
		v /= app.Decimal(div)
	}
	return v, nil
}

func (c *Client) point(m series.Measure, p *wirePoint, b *series.Batch, partSlab *slab[series.Parts], decSlab *slab[app.Decimal]) (series.Reading, string, error) {
	ts, ok := instantUnix(p.Timestamp)
	if !ok {
		t, err := parseInstant(p.Timestamp)
		if err != nil {
			return series.Reading{}, "timestamp", fmt.Errorf("not an ISO 8601 date-time: %q", clip(p.Timestamp))
		}
		ts = t.Unix()
	}
	r := series.Reading{TS: ts}
	var err error
	if m == series.Consumption {
		if r.Value, err = p.Value.decimal(); err != nil {
			return r, "value", err
		}
		typ, ok := p.Type.strView()
		if !ok {
			return r, "type", fmt.Errorf("not a string: %s", clip(string(p.Type)))
		}
		r.Channel = channel(typ)
		if r.Value, err = unitOf(p, b, r.Value); err != nil {
			return r, "unit", err
		}
		return r, "", nil
	}
	var field string
	if r.Value, field, err = money(p.Amount, p.Decimal, "unit_amount"); err != nil {
		return r, field, err
	}
	if p.Cur == "" {
		return r, "unit_amount_currency", errors.New("missing")
	}
	if b.Currency == "" {
		b.Currency = strings.Clone(p.Cur) // p.Cur shares the body, which must not outlive the parse
	} else if p.Cur != b.Currency {
		return r, "unit_amount_currency", fmt.Errorf("%q where the rest of the series is in %q", clip(p.Cur), b.Currency)
	}
	switch p.TaxBehavior {
	case "inclusive", "exclusive":
	default:
		return r, "tax_behavior", fmt.Errorf("%q: want inclusive or exclusive", clip(p.TaxBehavior))
	}
	rate, err := p.TaxRate.integer()
	if err != nil || rate < 0 || rate > 100 {
		return r, "tax_rate", fmt.Errorf("want a percentage 0..100, got %s", clip(string(p.TaxRate)))
	}
	r.Tax = series.Tax{Set: true, Inclusive: p.TaxBehavior == "inclusive", Rate: rate}
	if m == series.Price && p.Components != nil {
		pc := p.Components
		var parts series.Parts
		for _, f := range []struct {
			name      string
			cents, dc lit
			dst       **app.Decimal
		}{
			{"components.auction_price_amount", pc.Auction, pc.AuctionDec, &parts.Auction},
			{"components.taxes_levies_amount", pc.TaxesLevies, pc.TaxesLeviesDec, &parts.TaxesLevies},
			{"components.source_fee_amount", pc.SourceFee, pc.SourceFeeDec, &parts.SourceFee},
			{"components.grid_fee_amount", pc.GridFee, pc.GridFeeDec, &parts.GridFee},
			{"components.margin_amount", pc.Margin, pc.MarginDec, &parts.Margin},
		} {
			if !f.cents.present() && !f.dc.present() {
				continue
			}
			d, field, err := money(f.cents, f.dc, f.name)
			if err != nil {
				return r, field, err
			}
			*f.dst = decSlab.new(d)
		}
		r.Parts = partSlab.new(parts)
	}
	return r, "", nil
}
