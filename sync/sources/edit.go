package sources

// The app writes the sources file when the user adds, edits or removes a
// source, or links a customer's ids, from its forms. The file stays the
// user's: an edit replaces the one [[source]] or [[customer]] table it is
// about and leaves every other table, the comments between them and the
// top-level settings as they were. In an edited source, the lines the form
// does not manage (timeout, otark's filters, enneo's price units, comments)
// are kept too. Every result is parsed before it is returned, so the app
// never writes a file it would then refuse to read.

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/internal/tomlmap"
)

// Entry is one source as the app's form edits it.
type Entry struct {
	Name    string
	Kind    app.Vendor
	BaseURL string
	// TokenEnv or TokenKeyring names the token; both empty for podero,
	// and may be for prosumer.
	TokenEnv, TokenKeyring string
	// IDs are the ids in scope: enneo's and epilot's contract ids,
	// prosumer's customer ids, Podero's user ids; otark has none.
	IDs []string
	// CustomerID is the epilot portal user's customer id.
	CustomerID string
	// Podero's organisation, token endpoint and client credentials.
	OrgID, TokenURL                      string
	ClientIDEnv, ClientIDKeyring         string
	ClientSecretEnv, ClientSecretKeyring string
}

// IDsKey is the key of the kind's ids in scope; "" for a kind without
// (otark).
func IDsKey(kind app.Vendor) string { return vendor.Of(kind).IDsKey }

// EntryOf is the form's view of a parsed source.
func EntryOf(s Source) Entry {
	e := Entry{Name: s.Name, Kind: s.Vendor, BaseURL: s.BaseURL, TokenEnv: s.TokenEnv, TokenKeyring: s.TokenKeyring}
	if s.Section != nil {
		f := s.Section.FormFields()
		e.IDs, e.CustomerID, e.OrgID, e.TokenURL = f.IDs, f.CustomerID, f.OrgID, f.TokenURL
		e.ClientIDEnv, e.ClientIDKeyring = f.ClientIDEnv, f.ClientIDKeyring
		e.ClientSecretEnv, e.ClientSecretKeyring = f.ClientSecretEnv, f.ClientSecretKeyring
	}
	return e
}

// managedKeys are the keys an Entry writes; an edit replaces these lines
// of the source and keeps the others.
var managedKeys = []string{"name", "kind", "base_url", "token_env", "token_keyring", "contract_ids", "customer_ids", "user_ids",
	"customer_id", "org_id", "token_url", "client_id_env", "client_id_keyring", "client_secret_env", "client_secret_keyring"}

// lines are the Entry's key lines, in the order the example file uses.
func (e Entry) lines() []string {
	var out []string
	kv := func(k, v string) {
		if v != "" {
			out = append(out, k+" = "+tomlmap.Quote(v))
		}
	}
	kv("name", e.Name)
	kv("kind", string(e.Kind))
	kv("base_url", e.BaseURL)
	kv("token_env", e.TokenEnv)
	kv("token_keyring", e.TokenKeyring)
	if k := IDsKey(e.Kind); k != "" && len(e.IDs) > 0 {
		out = append(out, k+" = "+tomlList(e.IDs))
	}
	kv("customer_id", e.CustomerID)
	kv("org_id", e.OrgID)
	kv("token_url", e.TokenURL)
	kv("client_id_env", e.ClientIDEnv)
	kv("client_id_keyring", e.ClientIDKeyring)
	kv("client_secret_env", e.ClientSecretEnv)
	kv("client_secret_keyring", e.ClientSecretKeyring)
	return out
}

// ErrNoSourceLeft is returned by RemoveSource for the file's last source:
// a sources file lists at least one, so the caller removes the file.
var ErrNoSourceLeft = errors.New("no source left in the file")

// SaveSource adds e to the file (old "") or replaces the source named old,
// which keeps its name: the cache keys on it. filename is for messages.
func SaveSource(filename string, data []byte, old string, e Entry) ([]byte, error) {
	d := split(string(data))
	i := d.find("source", old)
	if j := d.find("source", e.Name); j >= 0 && (old == "" || j != i) {
		return nil, &Error{File: filename, Msg: app.Msgf("a source named %q exists already; choose another name", e.Name)}
	}
	switch {
	case old == "":
		d.add(block{table: "source", lines: append([]string{"[[source]]"}, e.lines()...)})
	case i < 0:
		return nil, &Error{File: filename, Msg: app.Msgf("no source named %q (was the file changed meanwhile?)", old)}
	case old != e.Name:
		return nil, &Error{File: filename, Source: fmt.Sprintf("source %q", old), Msg: app.Msgf("a source keeps its name (the cache keys on it); remove it and add a new one instead")}
	default:
		d.blocks[i].lines = merge(d.blocks[i].lines, e.lines())
	}
	return d.check(filename)
}

// RemoveSource removes the source named name and its ids from every
// customer; ErrNoSourceLeft when it was the last.
func RemoveSource(filename string, data []byte, name string) ([]byte, error) {
	f, err := ParseFile(filename, data)
	if err != nil {
		return nil, err
	}
	d := split(string(data))
	i := d.find("source", name)
	if i < 0 {
		return nil, &Error{File: filename, Msg: app.Msgf("no source named %q", name)}
	}
	if len(f.Sources) == 1 {
		return nil, ErrNoSourceLeft
	}
	d.remove(i)
	for _, c := range f.Customers {
		kept := slices.DeleteFunc(slices.Clone(c.IDs), func(id CustomerID) bool { return id.Source == name })
		if len(kept) != len(c.IDs) {
			c.IDs = kept
			if j := d.find("customer", c.Name); j >= 0 {
				d.blocks[j].lines = customerLines(c)
			}
		}
	}
	return d.check(filename)
}

// SaveCustomer adds c (old "") or replaces the customer named old (any
// case), linking the ids c lists; its comments are not kept.
func SaveCustomer(filename string, data []byte, old string, c Customer) ([]byte, error) {
	d := split(string(data))
	i := d.find("customer", old)
	if j := d.find("customer", c.Name); j >= 0 && (old == "" || j != i) {
		return nil, &Error{File: filename, Msg: app.Msgf("a customer named %q exists already", c.Name)}
	}
	switch {
	case old == "":
		d.add(block{table: "customer", lines: customerLines(c)})
	case i < 0:
		return nil, &Error{File: filename, Msg: app.Msgf("no customer named %q (was the file changed meanwhile?)", old)}
	default:
		d.blocks[i].lines = customerLines(c)
	}
	return d.check(filename)
}

func customerLines(c Customer) []string {
	out := []string{"[[customer]]", "name = " + tomlmap.Quote(c.Name)}
	if c.Profile != "" {
		out = append(out, "profile = "+tomlmap.Quote(c.Profile))
	}
	var order []string
	ids := map[string][]string{}
	for _, id := range c.IDs {
		if _, ok := ids[id.Source]; !ok {
			order = append(order, id.Source)
		}
		ids[id.Source] = append(ids[id.Source], id.ExternalID)
	}
	if len(order) > 0 {
		out = append(out, "[customer.ids]")
		for _, s := range order {
			out = append(out, tomlKey(s)+" = "+tomlList(ids[s]))
		}
	}
	return out
}

// doc is a sources file cut into its preamble (top-level settings and
// comments) and one block per [[source]] or [[customer]] table.
type doc struct {
	preamble []string
	blocks   []block
}

// block is one table: its header, its lines, and the comments and blank
// lines that follow it up to the next table (kept with it when it moves).
type block struct {
	table string // "source" or "customer"
	lines []string
	tail  []string
}

var headerRE = regexp.MustCompile(`^\s*\[\[\s*(source|customer)\s*\]\]\s*(#.*)?$`)

func split(text string) *doc {
	d := &doc{}
	text = strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if text == "" {
		return d
	}
	for _, l := range strings.Split(text, "\n") {
		if m := headerRE.FindStringSubmatch(l); m != nil {
			d.blocks = append(d.blocks, block{table: m[1], lines: []string{l}})
			continue
		}
		if len(d.blocks) == 0 {
			d.preamble = append(d.preamble, l)
			continue
		}
		b := &d.blocks[len(d.blocks)-1]
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
			b.tail = append(b.tail, l)
		} else {
			b.lines = append(b.lines, append(b.tail, l)...)
			b.tail = nil
		}
	}
	return d
}

// find is the index of the table of kind table whose name is name (a
// customer's ignoring case), -1 when there is none.
func (d *doc) find(table, name string) int {
	if name == "" {
		return -1
	}
	for i, b := range d.blocks {
		if b.table != table {
			continue
		}
		var v map[string][]map[string]any
		if _, err := toml.Decode(strings.Join(b.lines, "\n"), &v); err != nil || len(v[table]) == 0 {
			continue
		}
		n, _ := v[table][0]["name"].(string)
		if n == name || table == "customer" && strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

// remove drops block i; the comments after it stay, as they introduce
// what follows.
func (d *doc) remove(i int) {
	if tail := d.blocks[i].tail; i > 0 {
		d.blocks[i-1].tail = append(d.blocks[i-1].tail, tail...)
	} else {
		d.preamble = append(d.preamble, tail...)
	}
	d.blocks = slices.Delete(d.blocks, i, i+1)
}

// add appends b after the last table, a blank line before it.
func (d *doc) add(b block) {
	if n := len(d.blocks); n > 0 && len(d.blocks[n-1].tail) == 0 {
		d.blocks[n-1].tail = []string{""}
	} else if n == 0 && len(d.preamble) > 0 && strings.TrimSpace(d.preamble[len(d.preamble)-1]) != "" {
		d.preamble = append(d.preamble, "")
	}
	d.blocks = append(d.blocks, b)
}

func (d *doc) String() string {
	out := slices.Clone(d.preamble)
	for _, b := range d.blocks {
		out = append(append(out, b.lines...), b.tail...)
	}
	return strings.Join(out, "\n") + "\n"
}

// check parses the edited file: what the app writes, it can read.
func (d *doc) check(filename string) ([]byte, error) {
	out := []byte(d.String())
	if _, err := ParseFile(filename, out); err != nil {
		return nil, err
	}
	return out, nil
}

var keyLineRE = regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)\s*=`)

// merge replaces the managed key lines of a source's block with fresh
// ones, after the header, and keeps every other line (a multi-line array
// of a managed key goes with it).
func merge(old, fresh []string) []string {
	out := []string{old[0]}
	out = append(out, fresh...)
	skip := 0 // open brackets of a managed value continuing on the next lines
	for _, l := range old[1:] {
		if skip > 0 {
			skip += bracketDepth(l)
			continue
		}
		if m := keyLineRE.FindStringSubmatch(l); m != nil && slices.Contains(managedKeys, m[1]) {
			skip = bracketDepth(l[strings.Index(l, "=")+1:])
			continue
		}
		out = append(out, l)
	}
	return out
}

// bracketDepth counts '[' less ']' outside strings and comments.
func bracketDepth(s string) int {
	n := 0
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '#':
			return n
		case r == '[':
			n++
		case r == ']':
			n--
		}
	}
	return n
}

func tomlList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = tomlmap.Quote(id)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
