package sources

import "strings"

// lineIndex tells on which line a key was written, for messages about values
// that parsed fine but mean something wrong. BurntSushi/toml records key
// positions only per dotted key, so the keys of the N-th [[source]] all share
// one entry; we scan the text ourselves instead.
//
// It is a line scanner, not a TOML parser, and that is good enough for the
// files people write: it follows table headers, skips comments, single-line
// strings, multi-line strings and multi-line arrays or inline tables, and
// records the first line of each key. A key it cannot place (an exotic
// layout, say a source written as an inline table, or one key among several
// in an inline table) falls back to the line of the key holding it, to its
// [[source]] or [[customer]] header, or to no line at all.
type lineIndex struct {
	root     map[string]int // top-level key or table name -> line
	source   *tableLines    // the [[source]] tables
	customer *tableLines    // the [[customer]] tables
}

// tableLines indexes the tables of one array of tables, [[name]].
type tableLines struct {
	name    string
	root    map[string]int              // the lineIndex's root, for "name = [...]"
	headers []int                       // line of the N-th [[name]] header
	blocks  []map[string]int            // keys of the N-th table -> line
	subs    []map[string]map[string]int // keys of the N-th table's sub-tables, [name.sub] or sub.key = ...
}

func indexLines(text string) *lineIndex {
	ix := &lineIndex{root: map[string]int{}}
	ix.source = &tableLines{name: "source", root: ix.root}
	ix.customer = &tableLines{name: "customer", root: ix.root}
	arrays := map[string]*tableLines{"source": ix.source, "customer": ix.customer}

	text = strings.TrimPrefix(text, "\ufeff")
	// Where the keys that follow go: the top level (keys != nil, arr == nil),
	// the current table of an array (arr != nil, sub == ""), one of its
	// sub-tables (sub != ""), or nowhere (keys == nil, arr == nil), inside a
	// table we do not index.
	var (
		keys = ix.root
		arr  *tableLines
		sub  string
	)
	var st valueScanner
	for n, line := range strings.Split(text, "\n") {
		lineNo := n + 1
		if st.open() {
			st.scan(line)
			continue
		}
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		if t[0] == '[' {
			array := strings.HasPrefix(t, "[[")
			path, _ := keyPath(strings.TrimLeft(t, "["))
			keys, arr, sub = nil, nil, ""
			if len(path) == 0 {
				continue
			}
			a := arrays[path[0]]
			switch {
			case a != nil && array && len(path) == 1:
				a.headers = append(a.headers, lineNo)
				a.blocks = append(a.blocks, map[string]int{})
				a.subs = append(a.subs, map[string]map[string]int{})
				arr = a
			case a != nil && len(path) > 1 && len(a.blocks) > 0:
				// [source.extra] belongs to the latest source as its key "extra".
				i := len(a.blocks) - 1
				record(a.blocks[i], path[1], lineNo)
				if !array && len(path) == 2 {
					arr, sub = a, path[1]
				}
			default:
				record(ix.root, path[0], lineNo)
			}
			continue
		}
		path, rest := keyPath(t)
		if len(path) == 0 || !strings.HasPrefix(rest, "=") {
			continue
		}
		switch {
		case arr != nil && sub != "":
			record(arr.sub(len(arr.blocks)-1, sub), path[0], lineNo)
		case arr != nil:
			i := len(arr.blocks) - 1
			record(arr.blocks[i], path[0], lineNo)
			if len(path) > 1 {
				// ids.field-prosumer = [...]: a key of the sub-table "ids".
				record(arr.sub(i, path[0]), path[1], lineNo)
			}
		case keys != nil:
			record(keys, path[0], lineNo)
		}
		st.scan(rest[1:])
	}
	return ix
}

func record(m map[string]int, key string, line int) {
	if _, ok := m[key]; !ok {
		m[key] = line
	}
}

func (a *tableLines) sub(i int, name string) map[string]int {
	m := a.subs[i][name]
	if m == nil {
		m = map[string]int{}
		a.subs[i][name] = m
	}
	return m
}

// header is the line of the i-th table's header, or of a top-level
// "source = [...]", or 0.
func (a *tableLines) header(i int) int {
	if i < len(a.headers) {
		return a.headers[i]
	}
	return a.root[a.name]
}

// key is the line of key in the i-th table, or its header line.
func (a *tableLines) key(i int, key string) int {
	if i < len(a.blocks) {
		if l, ok := a.blocks[i][key]; ok {
			return l
		}
	}
	return a.header(i)
}

// subKey is the line of key in the sub-table sub of the i-th table, or the
// line of sub itself, or the table's header line. The keys of an inline
// table, "ids = { a = 1 }", are on the line of sub.
func (a *tableLines) subKey(i int, sub, key string) int {
	if i < len(a.subs) {
		if l, ok := a.subs[i][sub][key]; ok {
			return l
		}
	}
	return a.key(i, sub)
}

// keyPath reads a dotted key (bare or quoted parts) at the start of s and
// returns its parts and what follows, trimmed.
func keyPath(s string) (path []string, rest string) {
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return path, s
		}
		var part string
		switch q := s[0]; q {
		case '"', '\'':
			end := strings.IndexByte(s[1:], q)
			if end < 0 {
				return nil, s
			}
			part, s = s[1:1+end], s[2+end:]
		default:
			end := strings.IndexFunc(s, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
			})
			if end < 0 {
				end = len(s)
			}
			if end == 0 {
				return path, s
			}
			part, s = s[:end], s[end:]
		}
		path = append(path, part)
		s = strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(s, ".") {
			return path, s
		}
		s = s[1:]
	}
}

// valueScanner follows a value across lines: open brackets and multi-line
// strings, so that their inner lines are not mistaken for keys or headers.
type valueScanner struct {
	depth int    // open [ and {
	multi string // the closing delimiter of an open multi-line string
}

func (v *valueScanner) open() bool { return v.depth > 0 || v.multi != "" }

func (v *valueScanner) scan(s string) {
	for i := 0; i < len(s); i++ {
		if v.multi != "" {
			j := strings.Index(s[i:], v.multi)
			if j < 0 {
				return
			}
			i += j + len(v.multi) - 1
			v.multi = ""
			continue
		}
		switch c := s[i]; c {
		case '#':
			return
		case '"', '\'':
			if delim := strings.Repeat(string(c), 3); strings.HasPrefix(s[i:], delim) {
				v.multi = delim
				i += 2
				continue
			}
			for i++; i < len(s) && s[i] != c; i++ {
				if c == '"' && s[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			v.depth++
		case ']', '}':
			if v.depth > 0 {
				v.depth--
			}
		}
	}
}
