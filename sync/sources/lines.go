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
// layout, say a source written as an inline table) falls back to the line of
// its [[source]] header, or to no line at all.
type lineIndex struct {
	root    map[string]int   // top-level key or table name -> line
	headers []int            // line of the N-th [[source]] header
	blocks  []map[string]int // keys of the N-th [[source]] -> line
}

func indexLines(text string) *lineIndex {
	ix := &lineIndex{root: map[string]int{}}
	text = strings.TrimPrefix(text, "\ufeff")
	const inOther = -2 // inside a table that is not a source's top level
	cur := -1          // -1: top level; n >= 0: the n-th [[source]]
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
			switch {
			case len(path) == 0:
			case array && len(path) == 1 && path[0] == "source":
				ix.headers = append(ix.headers, lineNo)
				ix.blocks = append(ix.blocks, map[string]int{})
				cur = len(ix.blocks) - 1
			case path[0] == "source" && len(path) > 1 && cur >= 0:
				// [source.extra] belongs to the latest source as its key "extra".
				record(ix.blocks[cur], path[1], lineNo)
				cur = inOther
			default:
				record(ix.root, path[0], lineNo)
				cur = inOther
			}
			continue
		}
		path, rest := keyPath(t)
		if len(path) == 0 || !strings.HasPrefix(rest, "=") {
			continue
		}
		switch {
		case cur == -1:
			record(ix.root, path[0], lineNo)
		case cur >= 0:
			record(ix.blocks[cur], path[0], lineNo)
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

// header is the line of the i-th source's header, or of a top-level
// "source = [...]", or 0.
func (ix *lineIndex) header(i int) int {
	if i < len(ix.headers) {
		return ix.headers[i]
	}
	return ix.root["source"]
}

// key is the line of key in the i-th source, or its header line.
func (ix *lineIndex) key(i int, key string) int {
	if i < len(ix.blocks) {
		if l, ok := ix.blocks[i][key]; ok {
			return l
		}
	}
	return ix.header(i)
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
