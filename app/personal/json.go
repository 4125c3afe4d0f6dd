package personal

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
)

// Removed stands where Strip took an IBAN or e-mail address out of a text.
const Removed = "[removed]"

// Mask returns the JSON document raw with every personal value replaced by
// Masked: everything under a key that KeyKind names (the values of an
// address object, a phone sent as a number), and each IBAN and e-mail
// address in any other string. Keys, their order and the structure stay, so
// the reader sees what the vendor sent, and null stays null. Text that is
// not JSON has its IBANs and e-mail addresses masked. changed reports
// whether anything was masked.
func Mask(raw []byte) (masked []byte, changed bool) {
	return rewrite(raw, maskMode, Masked)
}

// Strip returns raw without its personal data, to keep it out of the cache:
// keys that KeyKind names are dropped with their values, and IBANs and
// e-mail addresses in other strings are replaced by Removed.
func Strip(raw []byte) (stripped []byte, changed bool) {
	return rewrite(raw, stripMode, Removed)
}

// Extract returns raw's personal data by kind, each value once, in the order
// of the document: what the export writes when asked to include it. An
// address object ({"street": …, "city": …}) is one value, its parts joined
// with ", ".
func Extract(raw []byte) map[Kind][]string {
	out := map[Kind][]string{}
	if !mayHold(raw) {
		return out
	}
	add := func(k Kind, v string) {
		if v = strings.TrimSpace(v); v != "" && !containsString(out[k], v) {
			out[k] = append(out[k], v)
		}
	}
	w := &walker{mode: extractMode, out: &bytes.Buffer{}, add: add}
	if err := w.run(raw); err != nil {
		s := string(raw)
		for _, f := range Find(s) {
			add(f.Kind, s[f.Start:f.End])
		}
	}
	return out
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// hints are lower-case pieces of every key name KeyKind takes for personal
// data, and of none of most keys that are not.
var hints = [][]byte{[]byte("iban"), []byte("konto"), []byte("account"), []byte("sepa"), []byte("mail"),
	[]byte("phone"), []byte("tel"), []byte("mobil"), []byte("fax"), []byte("handy"), []byte("addr"),
	[]byte("adress"), []byte("anschrift"), []byte("street"), []byte("stra"), []byte("post"),
	[]byte("zip"), []byte("plz"), []byte("haus"), []byte("house")}

// mayHold reports whether raw may hold personal data: a hint of a key, an
// @ or an IBAN's start. Most records of most vendors have none, and the
// walk through the document costs a hundred times more than this look.
func mayHold(raw []byte) bool {
	if bytes.IndexByte(raw, '@') >= 0 || mayHoldIBAN(string(raw)) {
		return true
	}
	low := bytes.ToLower(raw)
	for _, h := range hints {
		if bytes.Contains(low, h) {
			return true
		}
	}
	return false
}

type mode int

const (
	maskMode mode = iota
	stripMode
	extractMode
)

func rewrite(raw []byte, m mode, with string) ([]byte, bool) {
	if len(bytes.TrimSpace(raw)) == 0 || !mayHold(raw) {
		return raw, false
	}
	w := &walker{mode: m, out: &bytes.Buffer{}}
	if err := w.run(raw); err != nil {
		s := ReplaceText(string(raw), with)
		return []byte(s), s != string(raw)
	}
	return w.out.Bytes(), w.changed
}

// walker copies a JSON document token by token, keeping the keys' order
// and the numbers' spelling, and rewrites what is personal.
type walker struct {
	dec     *json.Decoder
	mode    mode
	out     *bytes.Buffer
	changed bool
	add     func(Kind, string) // extractMode: collects what is found
}

func (w *walker) run(raw []byte) error {
	w.dec = json.NewDecoder(bytes.NewReader(raw))
	w.dec.UseNumber()
	if err := w.value(""); err != nil {
		return err
	}
	// One document only: trailing data is not JSON we understand.
	if _, err := w.dec.Token(); err != io.EOF {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("data after the JSON document")

// value copies one value; under is the kind of personal data it is part
// of, "" when none.
func (w *walker) value(under Kind) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return w.object(under)
		}
		return w.array(under)
	case string:
		w.str(under, t)
	case json.Number:
		if under != "" {
			w.leaf(under, t.String())
		} else {
			w.out.WriteString(t.String())
		}
	case bool:
		if t {
			w.out.WriteString("true")
		} else {
			w.out.WriteString("false")
		}
	case nil:
		w.out.WriteString("null")
	}
	return nil
}

func (w *walker) object(under Kind) error {
	w.out.WriteByte('{')
	first := true
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		kind := under
		if kind == "" {
			kind = KeyKind(key)
		}
		if kind != "" && under == "" && w.mode != maskMode {
			// The whole value goes: out of the cache, or into the export.
			var v json.RawMessage
			if err := w.dec.Decode(&v); err != nil {
				return err
			}
			if w.mode == stripMode {
				w.changed = true
			} else {
				collect(kind, v, w.add)
			}
			continue
		}
		if !first {
			w.out.WriteByte(',')
		}
		first = false
		w.writeString(key)
		w.out.WriteByte(':')
		if err := w.value(kind); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil { // '}'
		return err
	}
	w.out.WriteByte('}')
	return nil
}

func (w *walker) array(under Kind) error {
	w.out.WriteByte('[')
	for i := 0; w.dec.More(); i++ {
		if i > 0 {
			w.out.WriteByte(',')
		}
		if err := w.value(under); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil { // ']'
		return err
	}
	w.out.WriteByte(']')
	return nil
}

// str copies a string, masking it whole under a personal key and its IBANs
// and e-mail addresses elsewhere.
func (w *walker) str(under Kind, s string) {
	if under != "" {
		w.leaf(under, s)
		return
	}
	found := Find(s)
	if len(found) == 0 {
		w.writeString(s)
		return
	}
	switch w.mode {
	case maskMode:
		w.writeString(ReplaceText(s, Masked))
	case stripMode:
		w.writeString(ReplaceText(s, Removed))
	case extractMode:
		for _, f := range found {
			w.add(f.Kind, s[f.Start:f.End])
		}
		w.writeString(s)
		return
	}
	w.changed = true
}

// leaf writes a value under a personal key (masked: only maskMode gets here).
func (w *walker) leaf(_ Kind, s string) {
	if s == "" {
		w.writeString("")
		return
	}
	w.writeString(Masked)
	w.changed = true
}

// writeString writes s as a JSON string. HTML characters stay as they are
// (the page escapes them; the reader sees < and &), and so does what is not
// ASCII.
func (w *walker) writeString(s string) {
	const hex = "0123456789abcdef"
	b := w.out
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// collect adds the value v of a key of kind k: a string or number as it
// is, an object as its parts joined with ", ", an array item by item.
func collect(k Kind, v json.RawMessage, add func(Kind, string)) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return
	}
	switch v[0] {
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(v, &items) == nil {
			for _, it := range items {
				collect(k, it, add)
			}
		}
	case '{':
		if k == Address {
			add(k, strings.Join(leaves(v), ", "))
			return
		}
		// {"email": "…", "_tags": ["primary"]}: the members that name
		// personal data, or else the whole object's values.
		var members map[string]json.RawMessage
		_ = json.Unmarshal(v, &members)
		keys := slices.Sorted(maps.Keys(members))
		n := 0
		for _, key := range keys {
			if kk := KeyKind(key); kk != "" {
				collect(kk, members[key], add)
				n++
			}
		}
		if n == 0 {
			add(k, strings.Join(leaves(v), ", "))
		}
	case '"':
		var s string
		_ = json.Unmarshal(v, &s)
		add(k, s)
	case 'n', 't', 'f':
	default:
		add(k, string(v))
	}
}

// leaves are the strings and numbers of a JSON value, in document order.
func leaves(v json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var out []string
	key := true // in an object, tokens alternate key and value
	var stack []bool
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		inObject := len(stack) > 0 && stack[len(stack)-1]
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, t == '{')
				key = t == '{'
			default:
				stack = stack[:len(stack)-1]
				key = len(stack) > 0 && stack[len(stack)-1] // a key follows in an object
			}
			continue
		case string:
			if inObject && key {
				key = false
				continue
			}
			if t != "" {
				out = append(out, t)
			}
		case json.Number:
			out = append(out, t.String())
		}
		if inObject {
			key = true
		}
	}
}
