package epilot

import (
	"bytes"
	"unsafe"
)

// A time-series response is megabytes of small records, and encoding/json
// spends most of a sync's CPU on them (reflection, a call per lit field, a
// string per timestamp). scanPoints reads the same records with a plain
// byte scanner. It is a fast path only: it accepts a body when it is valid
// JSON of the expected shape and yields exactly what encoding/json would
// (same raw literals, same strings, last duplicate wins), and it gives up
// (ok false) on anything else — bad syntax, escapes in a string it keeps, a
// key that differs from a field name only by case, a wrong type where
// encoding/json would reject the whole array — so parse falls back to
// encoding/json and its errors. TestScanMatchesEncodingJSON holds the two
// paths to the same result.

// scanner walks a JSON text. Every method returns false on anything it
// does not accept.
type scanner struct {
	b     []byte
	i     int
	depth int
	comps slab[componentsT] // the price components of the records
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek is the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// plainString reads a string with no escapes and only ASCII and returns its
// contents; anything else is not accepted (encoding/json would rewrite it).
func (s *scanner) plainString() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	start := s.i + 1
	j := start
	for j < len(s.b) && plainByte[s.b[j]] {
		j++
	}
	if j < len(s.b) && s.b[j] == '"' {
		s.i = j + 1
		return s.b[start:j], true
	}
	return nil, false
}

// plainByte is whether a byte may stand in a plain string: printable
// ASCII but the quote and the backslash. A table lookup per byte is the
// scanner's tightest loop: every key and timestamp goes through it.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipString validates any string (escapes included).
func (s *scanner) skipString() bool {
	if s.peek() != '"' {
		return false
	}
	j := s.i + 1
	for j < len(s.b) {
		c := s.b[j]
		switch {
		case c == '"':
			s.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if j+1 >= len(s.b) {
				return false
			}
			switch s.b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(s.b) {
					return false
				}
				for _, h := range s.b[j+2 : j+6] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				j += 6
			default:
				return false
			}
		default:
			j++
		}
	}
	return false
}

func digit(c byte) bool { return c >= '0' && c <= '9' }

// skipNumber validates a number as RFC 8259 spells it.
func (s *scanner) skipNumber() bool {
	b, j := s.b, s.i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		for j < len(b) && digit(b[j]) {
			j++
		}
	default:
		return false
	}
	if j < len(b) && b[j] == '.' {
		j++
		if j >= len(b) || !digit(b[j]) {
			return false
		}
		for j < len(b) && digit(b[j]) {
			j++
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j >= len(b) || !digit(b[j]) {
			return false
		}
		for j < len(b) && digit(b[j]) {
			j++
		}
	}
	s.i = j
	return true
}

// value skips one value and returns its raw text.
func (s *scanner) value() ([]byte, bool) {
	c := s.peek()
	start := s.i
	ok := false
	switch {
	case c == '"':
		ok = s.skipString()
	case c == '-' || digit(c):
		ok = s.skipNumber()
	case c == 't':
		ok = s.word("true")
	case c == 'f':
		ok = s.word("false")
	case c == 'n':
		ok = s.word("null")
	case c == '{' || c == '[':
		if s.depth++; s.depth > 200 {
			return nil, false
		}
		close := byte('}')
		if c == '[' {
			close = ']'
		}
		s.i++
		if s.eat(close) {
			ok = true
		} else {
			for {
				if c == '{' {
					if !s.skipString() || !s.eat(':') {
						return nil, false
					}
				}
				if _, ok := s.value(); !ok {
					return nil, false
				}
				if s.eat(close) {
					ok = true
					break
				}
				if !s.eat(',') {
					return nil, false
				}
			}
		}
		s.depth--
	}
	if !ok {
		return nil, false
	}
	return s.b[start:s.i], true
}

func (s *scanner) word(w string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(w)) {
		return false
	}
	s.i += len(w)
	return true
}

// object calls field for every key of an object; field reads the value.
// Keys must be plain strings.
func (s *scanner) object(field func(key []byte) bool) bool {
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return true
	}
	for {
		k, ok := s.plainString()
		if !ok || !s.eat(':') || !field(k) {
			return false
		}
		if s.eat('}') {
			return true
		}
		if !s.eat(',') {
			return false
		}
	}
}

// foldsTo reports whether key matches one of names ignoring case but not
// exactly: encoding/json would take it as that field, the scanner does not.
func foldsTo(key []byte, names []string) bool {
	for _, n := range names {
		if len(n) == len(key) && n != string(key) && bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

var (
	pointNames = []string{"timestamp", "value", "type", "unit", "unit_amount", "unit_amount_decimal",
		"unit_amount_currency", "components", "tax_behavior", "tax_rate"}
	componentNames = []string{"auction_price_amount", "auction_price_amount_decimal",
		"taxes_levies_amount", "taxes_levies_amount_decimal", "source_fee_amount",
		"source_fee_amount_decimal", "grid_fee_amount", "grid_fee_amount_decimal",
		"margin_amount", "margin_amount_decimal"}
)

// str is a plain string value as a Go string sharing the body's memory (the
// body is never written after it is read), or "" for null.
func (s *scanner) str(dst *string) bool {
	if s.peek() == 'n' {
		return s.word("null") // encoding/json leaves the field as it was
	}
	v, ok := s.plainString()
	if ok {
		*dst = unsafe.String(unsafe.SliceData(v), len(v))
	}
	return ok
}

func (s *scanner) lit(dst *lit) bool {
	v, ok := s.value()
	*dst = v
	return ok
}

type componentsT = struct {
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
}

func (s *scanner) components(p *wirePoint) bool {
	if s.peek() == 'n' {
		p.Components = nil
		return s.word("null")
	}
	c := s.comps.new(componentsT{})
	ok := s.object(func(k []byte) bool {
		var dst *lit
		switch string(k) {
		case "auction_price_amount":
			dst = &c.Auction
		case "auction_price_amount_decimal":
			dst = &c.AuctionDec
		case "taxes_levies_amount":
			dst = &c.TaxesLevies
		case "taxes_levies_amount_decimal":
			dst = &c.TaxesLeviesDec
		case "source_fee_amount":
			dst = &c.SourceFee
		case "source_fee_amount_decimal":
			dst = &c.SourceFeeDec
		case "grid_fee_amount":
			dst = &c.GridFee
		case "grid_fee_amount_decimal":
			dst = &c.GridFeeDec
		case "margin_amount":
			dst = &c.Margin
		case "margin_amount_decimal":
			dst = &c.MarginDec
		default:
			if foldsTo(k, componentNames) {
				return false
			}
			_, ok := s.value()
			return ok
		}
		return s.lit(dst) // a duplicate: the last wins, as in encoding/json
	})
	p.Components = c
	return ok
}

// point reads one record.
func (s *scanner) point(p *wirePoint) bool {
	if s.peek() == 'n' {
		return s.word("null")
	}
	var seen [10]bool
	return s.object(func(k []byte) bool {
		var f int
		switch string(k) {
		case "timestamp":
			f = 0
		case "value":
			f = 1
		case "type":
			f = 2
		case "unit_amount":
			f = 3
		case "unit_amount_decimal":
			f = 4
		case "unit_amount_currency":
			f = 5
		case "components":
			f = 6
		case "tax_behavior":
			f = 7
		case "tax_rate":
			f = 8
		case "unit":
			f = 9
		default:
			if foldsTo(k, pointNames) {
				return false
			}
			_, ok := s.value()
			return ok
		}
		if seen[f] {
			return false
		}
		seen[f] = true
		switch f {
		case 0:
			return s.str(&p.Timestamp)
		case 1:
			return s.lit(&p.Value)
		case 2:
			return s.lit(&p.Type)
		case 3:
			return s.lit(&p.Amount)
		case 4:
			return s.lit(&p.Decimal)
		case 5:
			return s.str(&p.Cur)
		case 6:
			return s.components(p)
		case 7:
			return s.str(&p.TaxBehavior)
		case 8:
			return s.lit(&p.TaxRate)
		default:
			return s.lit(&p.Unit)
		}
	})
}

// scanPoints reads the array under key of a time-series response,
// appending its records to dst (which may be a recycled slice).
func scanPoints(body []byte, key string, dst []wirePoint) (pts []wirePoint, ok bool) {
	s := &scanner{b: body, comps: slab[componentsT]{size: 256}}
	found := false
	if !s.object(func(k []byte) bool {
		if string(k) != key {
			_, ok := s.value()
			return ok
		}
		found = true // a later duplicate replaces an earlier one, as in a map
		pts, ok = s.points(dst[:0])
		return ok
	}) {
		return nil, false
	}
	if s.ws(); s.i != len(s.b) || !found {
		return nil, false
	}
	return pts, true
}

func (s *scanner) points(pts []wirePoint) ([]wirePoint, bool) {
	if s.peek() == 'n' {
		return nil, s.word("null")
	}
	if !s.eat('[') {
		return nil, false
	}
	if pts == nil {
		pts = []wirePoint{} // an empty array is no array missing, as in encoding/json
	}
	if s.eat(']') {
		return pts, true
	}
	for {
		pts = append(pts, wirePoint{})
		if !s.point(&pts[len(pts)-1]) {
			return nil, false
		}
		if s.eat(']') {
			return pts, true
		}
		if !s.eat(',') {
			return nil, false
		}
	}
}
