package sources

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"wattfolio/app"
	"wattfolio/app/tariff/slp"
	"wattfolio/internal/tomlmap"
)

// Customer is one of the user's own customers, a [[customer]] table. It
// links the ids the customer has at several sources: an enneo customer id,
// a prosumer customer id, the EIC it trades under at otark, a Podero user id.
type Customer struct {
	// Name is required and unique within the file, ignoring case.
	Name string
	// Line is the line of the customer's [[customer]] header.
	Line int
	// IDs are the customer's ids in file order: by source as the ids table
	// lists them, then in each source's list order. They are non-empty,
	// distinct, and each names a source of the same file. A customer may
	// have none yet.
	IDs []CustomerID
	// Profile is the BDEW standard load profile to price the customer on
	// where there is no meter data, in the BDEW's spelling (G25); empty
	// when the file names none.
	Profile string
}

// CustomerID is a customer's id at one source. No two customers of a file
// share one.
type CustomerID struct {
	Source     string // the Name of a Source in the same file
	ExternalID string // the id the source knows the customer by
}

var customerKeys = []string{"name", "ids", "profile"}

// owner is the customer an id belongs to, for messages about a second one.
type owner struct {
	label string // `customer "name"` or `customer #2`
	line  int    // the line the id is written on
}

// customers reads the optional [[customer]] tables. sourceNames are the
// names of the file's source tables; nil when they could not be read, in
// which case the ids' source names are not checked (the missing sources are
// the one thing to report).
func (p *parser) customers(doc map[string]any, md toml.MetaData, sourceNames []string) []Customer {
	raw, ok := doc["customer"]
	if !ok {
		return nil
	}
	tables, ok := tomlmap.Tables(raw)
	if !ok {
		p.add(p.lines.root["customer"], "", "customer", app.Msgf("must be a list of [[customer]] tables, not %s", tomlmap.TypeName(raw)))
		return nil
	}
	if len(tables) == 0 {
		return nil
	}
	c := &customerReader{
		p:       p,
		lines:   p.lines.customer,
		order:   idsOrder(md, tables),
		sources: sourceNames,
		names:   map[string]customerName{},
		owners:  map[CustomerID]owner{},
	}
	custs := make([]Customer, len(tables))
	for i, t := range tables {
		custs[i] = c.customer(i, t)
	}
	return custs
}

// idsOrder returns, for the N-th customer table, the rank of each key of its
// ids table in the file: the decoded maps have lost that order, and the keys
// of an inline table share one line. MetaData.Keys has it. With [[customer]]
// headers each header starts a table; in an inline array, "customer =
// [{...}]", MetaData does not tell the tables apart, so each "ids" key starts
// the ids of the next table that has one. A rank map that does not match its
// table (an exotic layout) is ignored by the caller.
func idsOrder(md toml.MetaData, tables []map[string]any) []map[string]int {
	order := make([]map[string]int, len(tables))
	headers := md.Type("customer") == "ArrayHash"
	cur, next := -1, 0 // the table the ids keys belong to; the next to start
	for _, k := range md.Keys() {
		if k[0] != "customer" {
			continue
		}
		switch {
		case headers && len(k) == 1:
			cur = next
			next++
		case !headers && len(k) == 2 && k[1] == "ids":
			for cur = next; cur < len(tables); cur++ {
				if _, ok := tables[cur]["ids"]; ok {
					break
				}
			}
			next = cur + 1
		case len(k) == 3 && k[1] == "ids" && cur >= 0 && cur < len(tables):
			if order[cur] == nil {
				order[cur] = map[string]int{}
			}
			if _, ok := order[cur][k[2]]; !ok {
				order[cur][k[2]] = len(order[cur]) + 1
			}
		}
	}
	return order
}

type customerName struct {
	name string
	line int
}

// customerReader validates the [[customer]] tables one after the other,
// remembering what must be unique across them.
type customerReader struct {
	p       *parser
	lines   *tableLines
	order   []map[string]int
	sources []string
	names   map[string]customerName // folded name -> first customer with it
	owners  map[CustomerID]owner
}

func (c *customerReader) customer(i int, raw map[string]any) Customer {
	cust := Customer{Line: c.lines.header(i)}
	label := fmt.Sprintf("customer #%d", i+1)
	if n, ok := raw["name"].(string); ok && strings.TrimSpace(n) != "" {
		label = fmt.Sprintf("customer %q", n)
	}
	errorf := func(line int, key string, m app.Msg) { c.p.add(line, label, key, m) }

	v, ok := raw["name"]
	name, isString := v.(string)
	switch line := c.lines.key(i, "name"); {
	case !ok:
		errorf(cust.Line, "name", app.Msgf("is required"))
	case !isString:
		errorf(line, "name", app.Msgf("must be a string, not %s", tomlmap.TypeName(v)))
	default:
		folded := strings.ToLower(name)
		first, dup := c.names[folded]
		switch {
		case strings.TrimSpace(name) == "":
			errorf(line, "name", app.Msgf("must not be empty"))
		case strings.TrimSpace(name) != name:
			errorf(line, "name", app.Msgf("%q has leading or trailing spaces", name))
		case dup && first.name == name:
			errorf(line, "name", app.Msgf("duplicate name %q: the customer on line %d already uses it; names must be unique, ignoring case", name, first.line))
		case dup:
			errorf(line, "name", app.Msgf("duplicate name %q: the customer on line %d already uses it (as %q); names must be unique, ignoring case", name, first.line, first.name))
		default:
			c.names[folded] = customerName{name, cust.Line}
			cust.Name = name
		}
	}

	if v, ok := raw["ids"]; ok {
		cust.IDs = c.ids(i, label, v)
	}
	if v, ok := raw["profile"]; ok {
		line := c.lines.key(i, "profile")
		s, isString := v.(string)
		p, perr := slp.Parse(s)
		switch {
		case !isString:
			errorf(line, "profile", app.Msgf("must be a string, not %s", tomlmap.TypeName(v)))
		case perr != nil:
			errorf(line, "profile", app.Msgf("%q is not a standard load profile (H25, G25, L25, P25, S25, H0, G0…G6, L0…L2)", s))
		default:
			cust.Profile = string(p)
		}
	}

	var rest []string
	for k := range raw {
		if !slices.Contains(customerKeys, k) {
			rest = append(rest, k)
		}
	}
	slices.SortFunc(rest, func(a, b string) int {
		return cmp.Or(cmp.Compare(c.lines.key(i, a), c.lines.key(i, b)), cmp.Compare(a, b))
	})
	for _, k := range rest {
		if slices.Contains(c.sources, k) {
			errorf(c.lines.key(i, k), k, app.Msgf("unknown key; a customer's ids at source %q go in its ids table: ids = { %s = [\"...\"] }", k, tomlKey(k)))
			continue
		}
		errorf(c.lines.key(i, k), k, app.Msgf("unknown key; a customer has %s and %s", strings.Join(customerKeys[:len(customerKeys)-1], ", "), customerKeys[len(customerKeys)-1]))
	}
	return cust
}

// ids reads a customer's ids table: source name = id, or a list of them.
func (c *customerReader) ids(i int, label string, v any) []CustomerID {
	table, ok := v.(map[string]any)
	if !ok {
		example := "my-source"
		if len(c.sources) > 0 {
			example = tomlKey(c.sources[0])
		}
		c.p.add(c.lines.key(i, "ids"), label, "ids", app.Msgf("must be a table of source names and ids, like ids = { %s = [\"C-1001\"] }, not %s", example, tomlmap.TypeName(v)))
		return nil
	}
	rank := c.order[i]
	for src := range table {
		if _, ok := rank[src]; !ok {
			rank = nil // order by line and name instead
			break
		}
	}
	srcs := make([]string, 0, len(table))
	for src := range table {
		srcs = append(srcs, src)
	}
	slices.SortFunc(srcs, func(a, b string) int {
		return cmp.Or(cmp.Compare(rank[a], rank[b]), cmp.Compare(c.lines.subKey(i, "ids", a), c.lines.subKey(i, "ids", b)), cmp.Compare(a, b))
	})

	var out []CustomerID
	for _, src := range srcs {
		line := c.lines.subKey(i, "ids", src)
		if c.sources != nil && !slices.Contains(c.sources, src) {
			c.p.add(line, label, "ids", app.Msgf("no source named %q", src))
			continue
		}
		key := "ids." + tomlKey(src)
		errorf := func(m app.Msg) { c.p.add(line, label, key, m) }

		var list []any
		// entry names the list's entry n in m; a single id needs no number.
		entry := func(n int, m app.Msg) app.Msg { return app.Msgf("entry %d: %v", n, m) }
		switch v := table[src].(type) {
		case string:
			list, entry = []any{v}, func(_ int, m app.Msg) app.Msg { return m }
		case []any:
			list = v
		default:
			errorf(app.Msgf("must be an id or a list of ids (strings), not %s", tomlmap.TypeName(v)))
			continue
		}
		seen := map[string]int{}
		for n, e := range list {
			n++
			id, ok := e.(string)
			switch {
			case !ok:
				m := app.Msgf("must be a string, not %s", tomlmap.TypeName(e))
				if i, isInt := e.(int64); isInt {
					m = app.Msgf("must be a string, not %s (write it in quotes: %q)", tomlmap.TypeName(e), strconv.FormatInt(i, 10))
				}
				errorf(entry(n, m))
				continue
			case strings.TrimSpace(id) == "":
				errorf(entry(n, app.Msgf("empty id")))
				continue
			case strings.TrimSpace(id) != id:
				errorf(entry(n, app.Msgf("%q has leading or trailing spaces", id)))
				continue
			}
			if first, dup := seen[id]; dup {
				errorf(entry(n, app.Msgf("duplicate id %s (also entry %d)", id, first)))
				continue
			}
			seen[id] = n
			cid := CustomerID{Source: src, ExternalID: id}
			if o, taken := c.owners[cid]; taken {
				errorf(entry(n, app.Msgf("id %q also belongs to %s (line %d); an id belongs to one customer only", id, o.label, o.line)))
				continue
			}
			c.owners[cid] = owner{label: label, line: line}
			out = append(out, cid)
		}
	}
	return out
}

var (
	bareKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	quoteKey  = strings.NewReplacer(`\`, `\\`, `"`, `\"`)
)

// tomlKey writes key as a TOML key: bare when it can be, quoted otherwise.
func tomlKey(key string) string {
	if bareKeyRE.MatchString(key) {
		return key
	}
	return `"` + quoteKey.Replace(key) + `"`
}
