package epilotsim

import (
	"fmt"
	"math"
	"time"

	"wattfolio/app"
)

// Every value is a pure function of (seed, meter, instant): any window of
// any size, in any order, at any interval, gives the same numbers, so a
// re-sync, a benchmark and a test agree without the simulator keeping
// state.

// profile is what kind of customer a meter belongs to.
type profile struct {
	business  bool
	pv        bool    // households with solar panels feed in at midday
	ntht      bool    // a double-tariff meter: readings typed nt / ht
	annualKWh float64 // yearly consumption
	gridFee   int64   // EUR per kWh, e6: the local grid operator's fee
	levies    int64   // EUR per kWh, e6: electricity tax, levies, concession fee
	quarter   bool    // supports PT15M
	lies      bool    // metadata offers PT15M but the endpoint refuses it
	kwp       float64 // the size of the solar panels, if any
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit is a deterministic number in [0, 1).
func unit(seed uint64, parts ...uint64) float64 {
	h := seed
	for _, p := range parts {
		h = splitmix(h ^ p)
	}
	return float64(h>>11) / (1 << 53)
}

func (s *Server) profile(meter int) profile {
	u := func(k uint64) float64 { return unit(s.o.Seed, uint64(meter), k) }
	p := profile{business: meter%5 == 4 || s.o.Business}
	p.pv = !p.business && u(1) < 0.35
	p.ntht = !p.business && u(2) < 0.5
	switch {
	case s.o.Business:
		p.annualKWh = 12000 + 28000*u(3) // a shop or a branch
	case p.business:
		p.annualKWh = 20000 + 180000*u(3)
	default:
		p.annualKWh = 1800 + 3500*u(3)
	}
	// Net figures of 2025: a business pays 6–9 ct/kWh grid fees, a
	// household 8–11.5; both pay the electricity tax of 2.05 ct and the
	// levies (KWKG 0.277, §19 StromNEV 1.558, offshore 0.816 ct), and the
	// concession fee of 0.11 ct (business) or about 1.66 ct (household).
	const tax, levies = 20500, 2770 + 15580 + 8160
	if p.business {
		p.gridFee = 60000 + int64(30000*u(4))
		p.levies = tax + levies + 1100
	} else {
		p.gridFee = 80000 + int64(35000*u(4))
		p.levies = tax + levies + 16600
	}
	p.quarter = meter%7 != 6 // every seventh is an old meter: hours at best
	p.lies = meter%11 == 10 && p.quarter
	p.kwp = 4 + 6*u(10)
	return p
}

// local breaks an instant into what the load curves depend on.
type local struct {
	hour    float64 // local hour of day, 0..24
	q       int     // local quarter hour of the day, 0..95, for the tables; -1 off the quarter
	weekday time.Weekday
	yday    int // day of year
	day     int64
	season  float64 // season(yday)
}

// clock breaks instants into local time with one zone lookup per span of
// a local day at one UTC offset, where time.Time's Hour, Minute, Weekday,
// YearDay and Year did one each for every quarter hour: that was the
// largest part of the simulator's cost in a sync. The fields are the
// same integers time.Time gives, so the floats made of them are too.
type clock struct {
	loc      *time.Location
	lo, hi   int64 // [lo, hi): instants of one local day at one UTC offset
	base     int64 // the instant at which the wall clock of the span reads 00:00
	midnight int64 // the local day's first instant, its P1D bucket
	now      local // the last instant asked for; the rest is the span's
}

func (s *Server) clock() clock { return clock{loc: s.loc} }

// at is ts in local time, valid until the next call. A pointer, as the
// curves take theirs: copying the struct per quarter hour showed in the
// profile.
func (c *clock) at(ts int64) *local {
	if ts < c.lo || ts >= c.hi {
		c.fill(ts)
	}
	sod := ts - c.base // seconds since local midnight on the wall clock
	c.now.hour = float64(sod/3600) + float64(sod%3600/60)/60
	c.now.q = -1
	if sod%900 == 0 {
		c.now.q = int(sod / 900)
	}
	return &c.now
}

func (c *clock) fill(ts int64) {
	t := time.Unix(ts, 0).In(c.loc)
	h, m, sec := t.Clock()
	c.base = ts - int64(h*3600+m*60+sec)
	c.lo, c.hi = c.base, c.base+86400
	start, end := t.ZoneBounds() // zero where the offset never changes
	if !start.IsZero() {
		c.lo = max(c.lo, start.Unix())
	}
	if !end.IsZero() {
		c.hi = min(c.hi, end.Unix())
	}
	y, mo, d := t.Date()
	c.midnight = time.Date(y, mo, d, 0, 0, 0, 0, c.loc).Unix()
	yday := t.YearDay()
	c.now = local{weekday: t.Weekday(), yday: yday, day: int64(y)*1000 + int64(yday), season: season(yday)}
}

// season is 1 in midwinter and 0 in midsummer.
func season(yday int) float64 { return (1 + math.Cos(2*math.Pi*float64(yday-15)/365)) / 2 }

// The curves' terms that depend on the local hour alone, per quarter hour
// of the day: math.Exp, Sin and Cos were the next largest cost, and a
// table entry is the very float the expression gives.
var (
	homeShape [7][96]float64 // a household's load shape by weekday and quarter
	workShape [7][96]float64 // a business's
	pvSun     [96]float64    // the sine of the sun's arc
	spotPeaks [96]float64    // the morning and evening price peaks
	spotSolar [96]float64    // the midday solar dip's bell
)

func init() {
	for q := range 96 {
		h := quarterHour(q)
		for wd := range time.Weekday(7) {
			homeShape[wd][q] = shapeAt(false, wd, h)
			workShape[wd][q] = shapeAt(true, wd, h)
		}
		pvSun[q] = sunAt(h)
		spotPeaks[q] = peaksAt(h)
		spotSolar[q] = solarAt(h)
	}
}

// quarterHour is the local hour at quarter q as clock.at computes it.
func quarterHour(q int) float64 { return float64(q/4) + float64(q%4*15)/60 }

// shapeAt is a meter's load at local hour h relative to its mean.
func shapeAt(business bool, wd time.Weekday, h float64) float64 {
	weekend := wd == time.Saturday || wd == time.Sunday
	var shape float64
	if business {
		shape = 0.35
		if !weekend && h >= 7 && h < 18 {
			shape = 1.9 + 0.3*math.Sin((h-7)/11*math.Pi)
		} else if wd == time.Saturday && h >= 8 && h < 13 {
			shape = 0.9
		}
	} else {
		shape = 0.45 + 0.9*math.Exp(-(h-7.5)*(h-7.5)/2) + 1.4*math.Exp(-(h-19)*(h-19)/4)
		if weekend {
			shape += 0.5 * math.Exp(-(h-12.5)*(h-12.5)/6)
		}
	}
	return shape
}

func sunAt(h float64) float64   { return math.Sin((h - 6) / 14 * math.Pi) }
func peaksAt(h float64) float64 { return 35*math.Exp(-(h-8)*(h-8)/3) + 55*math.Exp(-(h-19)*(h-19)/4) }
func solarAt(h float64) float64 { return math.Exp(-(h - 13) * (h - 13) / 6) }

// shapeOf is shapeAt at l, from the tables.
func shapeOf(business bool, l *local) float64 {
	switch {
	case l.q < 0:
		return shapeAt(business, l.weekday, l.hour)
	case business:
		return workShape[l.weekday][l.q]
	default:
		return homeShape[l.weekday][l.q]
	}
}

// hourly is a table's entry for l, or f at l's hour off the quarter hour.
func hourly(table *[96]float64, l *local, f func(float64) float64) float64 {
	if l.q >= 0 {
		return table[l.q]
	}
	return f(l.hour)
}

// quarterKWh is a meter's consumption in the quarter hour starting at ts
// (Wh-rounded, as meters report), and its feed-in.
func (s *Server) quarterKWh(meter int, p *profile, l *local, ts int64) (use, feed app.Decimal) {
	h := l.hour
	shape := shapeOf(p.business, l)
	seasonal := 0.8 + 0.45*l.season
	noise := 0.75 + 0.5*unit(s.o.Seed, uint64(meter), uint64(ts), 7)
	kwh := p.annualKWh / 35040 * shape * seasonal * noise
	if rev := s.revision.Load(); rev > 0 && ts >= s.o.To.Unix()-2*86400 {
		// A late correction: the meter operator revised the last two days.
		kwh *= 1 + 0.01*float64(rev)
	}
	use = app.Decimal(int64(math.Round(kwh*1000)) * 1000)
	if p.pv && h > 6 && h < 20 {
		sun := hourly(&pvSun, l, sunAt)
		cloud := 0.3 + 0.7*unit(s.o.Seed, uint64(meter), uint64(l.day), 9)
		gen := p.kwp * 0.25 * sun * sun * (1.1 - 0.8*l.season) * cloud
		// What the house does not use itself goes to the grid.
		if gen > kwh {
			feed = app.Decimal(int64(math.Round((gen-kwh)*1000)) * 1000)
			use = app.Decimal(int64(math.Round(kwh*0.3*1000)) * 1000)
		}
	}
	return use, feed
}

// spot is the day-ahead auction price in EUR per kWh (e6) for the quarter
// hour at ts: the same for every meter, with morning and evening peaks, a
// solar dip at midday that goes negative on sunny spring and summer
// weekends, and noise.
func (s *Server) spot(l *local, ts int64) int64 {
	weekend := l.weekday == time.Saturday || l.weekday == time.Sunday
	eurMWh := 70 + 25*l.season
	eurMWh += hourly(&spotPeaks, l, peaksAt)
	sun := (1 - l.season) * hourly(&spotSolar, l, solarAt)
	dip := 90 * sun * (0.6 + 0.8*unit(s.o.Seed, uint64(l.day), 21))
	if weekend {
		dip *= 1.6
	}
	eurMWh -= dip
	eurMWh += 12 * (unit(s.o.Seed, uint64(ts), 22) - 0.5)
	// EUR/MWh with two decimals is EUR/kWh with five: exact in e6.
	return int64(math.Round(eurMWh*100)) * 10
}

// priceParts are the components of a meter's price at ts, EUR per kWh e6.
type priceParts struct{ auction, levies, source, grid, margin int64 }

func (p priceParts) total() int64 { return p.auction + p.levies + p.source + p.grid + p.margin }

// fixedParts are a meter's price components but the auction price.
func fixedParts(p *profile) priceParts {
	return priceParts{levies: p.levies, source: 5000, grid: p.gridFee, margin: 18000}
}

func (s *Server) price(p *profile, l *local, ts int64) priceParts {
	pp := fixedParts(p)
	pp.auction = s.auction(l, ts)
	return pp
}

// auction is spot(l, ts) from a table of the data range's quarter hours,
// filled on first use: every meter's prices and costs share it, and a sync
// asks for them all.
func (s *Server) auction(l *local, ts int64) int64 {
	s.spotOnce.Do(func() {
		s.spotFrom = s.o.From.Unix() + (900-s.o.From.Unix()%900)%900 // as render starts
		c := s.clock()
		s.spots = make([]int64, 0, max(s.o.To.Unix()-s.spotFrom, 0)/900+1)
		for t := s.spotFrom; t < s.o.To.Unix(); t += 900 {
			s.spots = append(s.spots, s.spot(c.at(t), t))
		}
	})
	if i := (ts - s.spotFrom) / 900; ts >= s.spotFrom && (ts-s.spotFrom)%900 == 0 && i < int64(len(s.spots)) {
		return s.spots[i]
	}
	return s.spot(l, ts)
}

// point is one simulated quarter hour of one meter.
type point struct {
	ts        int64
	use, feed app.Decimal
	channel   string // consumption type
	price     priceParts
	cost      app.Decimal // price × use, exact to six places
}

// point is the quarter hour at ts; a response computes only what it shows
// (a price list needs no load curve), since the simulator shares the
// benchmark's cores with the sync it serves. It fills pt rather than
// returning a copy of it, for the same reason.
func (s *Server) point(pt *point, meter int, p *profile, l *local, ts int64, use, price bool) {
	*pt = point{ts: ts}
	if use {
		pt.use, pt.feed = s.quarterKWh(meter, p, l, ts)
	}
	if price {
		pt.price = s.price(p, l, ts)
	}
	if use && price {
		cost, err := pt.use.Mul(app.Decimal(pt.price.total()))
		if err != nil {
			// A quarter hour's energy and price are a few kWh and euros by
			// construction: a cost out of range is the generator's bug.
			panic(fmt.Sprintf("epilotsim: meter %d at %d: %v", meter, ts, err))
		}
		pt.cost = cost
	}
	if p.ntht {
		pt.channel = "ht"
		if l.hour < 6 || l.hour >= 22 {
			pt.channel = "nt"
		}
	}
}

// AnnualKWh is the yearly consumption the meters are drawn around, all
// together: what a supplier would put in the customer's contract.
func (s *Server) AnnualKWh() int {
	var sum float64
	for m := range s.o.Meters {
		sum += s.profile(m).annualKWh
	}
	return int(math.Round(sum/1000)) * 1000
}
