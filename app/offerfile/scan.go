package offerfile

import (
	"sort"
	"strconv"
	"strings"
)

// index knows, for each key and array element of a TOML document, the
// line it was written on and, for a bare value, its literal text.
// BurntSushi/toml gives neither: its key positions are unexported, and it
// turns 27.9 into a float64 before we see it, while prices must be read
// exactly as written. So we scan the text ourselves, after the library has
// accepted it: the scanner only needs to follow valid TOML (headers, dotted
// and quoted keys, strings of all four kinds, arrays and inline tables over
// several lines, comments) and must merely never fail on anything else.
//
// Paths join keys and array indexes with pathSep: the second [[offer]]'s
// first [[offer.zone]]'s from is offer·1·zone·0·from, whether the zones are
// written as headers or as an inline array.
type index struct {
	lines  map[string]int
	raw    map[string]string
	arrays map[string]int // [[header]] paths -> tables so far
}

const pathSep = "\x00"

func join(path string, keys ...string) string {
	for _, k := range keys {
		if path == "" {
			path = k
		} else {
			path += pathSep + k
		}
	}
	return path
}

// line returns the line of path, or of the nearest enclosing key that has
// one, or 0.
func (ix *index) line(path string) int {
	for {
		if l, ok := ix.lines[path]; ok {
			return l
		}
		i := strings.LastIndex(path, pathSep)
		if i < 0 {
			return 0
		}
		path = path[:i]
	}
}

type scanner struct {
	s        string
	i        int
	newlines []int // offsets of '\n', for line numbers
	ix       *index
}

func scan(text string) *index {
	sc := &scanner{s: text, ix: &index{lines: map[string]int{}, raw: map[string]string{}, arrays: map[string]int{}}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			sc.newlines = append(sc.newlines, i)
		}
	}
	table := ""
	for {
		sc.blank(true)
		if sc.i >= len(sc.s) {
			return sc.ix
		}
		if sc.s[sc.i] == '[' {
			table = sc.header()
		} else {
			sc.keyValue(table)
		}
		sc.skipLine()
	}
}

func (sc *scanner) lineAt(off int) int { return sort.SearchInts(sc.newlines, off) + 1 }

func (sc *scanner) record(path string, off int) {
	if _, ok := sc.ix.lines[path]; !ok {
		sc.ix.lines[path] = sc.lineAt(off)
	}
}

// header reads [a.b] or [[a.b]] and returns the table's path; each part
// that names an array of tables means its latest table.
func (sc *scanner) header() string {
	start := sc.i
	array := strings.HasPrefix(sc.s[sc.i:], "[[")
	sc.i++
	if array {
		sc.i++
	}
	parts := sc.key()
	path := ""
	for n, part := range parts {
		path = join(path, part)
		if array && n == len(parts)-1 {
			sc.record(path, start)
			count := sc.ix.arrays[path]
			sc.ix.arrays[path] = count + 1
			path = join(path, strconv.Itoa(count))
		} else if count, ok := sc.ix.arrays[path]; ok {
			path = join(path, strconv.Itoa(count-1))
		}
	}
	sc.record(path, start)
	return path
}

func (sc *scanner) keyValue(table string) {
	start := sc.i
	path := table
	for _, part := range sc.key() {
		path = join(path, part)
		sc.record(path, start)
	}
	sc.blank(false)
	if sc.i < len(sc.s) && sc.s[sc.i] == '=' {
		sc.i++
		sc.value(path)
	}
}

// key reads a dotted key of bare and quoted parts.
func (sc *scanner) key() []string {
	var parts []string
	for {
		sc.blank(false)
		if sc.i >= len(sc.s) {
			return parts
		}
		switch c := sc.s[sc.i]; {
		case c == '"' || c == '\'':
			start := sc.i + 1
			sc.str()
			parts = append(parts, unquote(sc.s[start:max(start, sc.i-1)], c))
		case isBare(c):
			start := sc.i
			for sc.i < len(sc.s) && isBare(sc.s[sc.i]) {
				sc.i++
			}
			parts = append(parts, sc.s[start:sc.i])
		default:
			return parts
		}
		sc.blank(false)
		if sc.i >= len(sc.s) || sc.s[sc.i] != '.' {
			return parts
		}
		sc.i++
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// unquote undoes the common escapes of a quoted key; a key with rarer
// ones only loses its line.
func unquote(s string, q byte) string {
	if q == '\'' || !strings.Contains(s, `\`) {
		return s
	}
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}

func (sc *scanner) value(path string) {
	sc.blank(false)
	if sc.i >= len(sc.s) {
		return
	}
	switch sc.s[sc.i] {
	case '"', '\'':
		sc.str()
	case '[':
		n := 0
		sc.items(']', func() {
			el := join(path, strconv.Itoa(n))
			sc.record(el, sc.i)
			sc.value(el)
			n++
		})
	case '{':
		sc.items('}', func() { sc.keyValue(path) })
	default:
		start := sc.i
		sc.token()
		// A local date-time may have a space for its T: 2026-01-01 07:00.
		if sc.i-start == 10 && sc.s[start+4] == '-' && sc.i+1 < len(sc.s) && sc.s[sc.i] == ' ' && sc.s[sc.i+1] >= '0' && sc.s[sc.i+1] <= '9' {
			sc.i++
			sc.token()
		}
		sc.ix.raw[path] = sc.s[start:sc.i]
	}
}

// items reads the items of an array or inline table, the scanner at its
// opening bracket, with item for each.
func (sc *scanner) items(end byte, item func()) {
	sc.i++
	for {
		sc.blank(true)
		if sc.i >= len(sc.s) {
			return
		}
		switch sc.s[sc.i] {
		case end:
			sc.i++
			return
		case ',':
			sc.i++
			continue
		}
		start := sc.i
		item()
		if sc.i == start {
			sc.i++ // not valid TOML; move on rather than loop
		}
	}
}

func (sc *scanner) token() {
	for sc.i < len(sc.s) && !strings.ContainsRune(" \t\r\n,]}#", rune(sc.s[sc.i])) {
		sc.i++
	}
}

// str skips a string of any of TOML's four kinds, the scanner at its
// opening quote.
func (sc *scanner) str() {
	defer func() { sc.i = min(sc.i, len(sc.s)) }()
	q := sc.s[sc.i]
	if triple := strings.Repeat(string(q), 3); strings.HasPrefix(sc.s[sc.i:], triple) {
		sc.i += 3
		for sc.i < len(sc.s) {
			if q == '"' && sc.s[sc.i] == '\\' {
				sc.i += 2
				continue
			}
			if strings.HasPrefix(sc.s[sc.i:], triple) {
				sc.i += 3
				// Up to two quotes may end the content: """a""""".
				for n := 0; n < 2 && sc.i < len(sc.s) && sc.s[sc.i] == q; n++ {
					sc.i++
				}
				return
			}
			sc.i++
		}
		return
	}
	for sc.i++; sc.i < len(sc.s) && sc.s[sc.i] != '\n'; sc.i++ {
		switch sc.s[sc.i] {
		case '\\':
			if q == '"' {
				sc.i++
			}
		case q:
			sc.i++
			return
		}
	}
}

// blank skips spaces and tabs, and with newlines also line ends and comments.
func (sc *scanner) blank(newlines bool) {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\r':
		case '\n':
			if !newlines {
				return
			}
		case '#':
			if !newlines {
				return
			}
			sc.skipLine()
			continue
		default:
			return
		}
		sc.i++
	}
}

// skipLine moves past the end of the current line.
func (sc *scanner) skipLine() {
	if n := strings.IndexByte(sc.s[sc.i:], '\n'); n >= 0 {
		sc.i += n + 1
	} else {
		sc.i = len(sc.s)
	}
}
