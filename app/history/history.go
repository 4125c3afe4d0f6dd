// Package history provides a contract's versions as text and the changes
// between two of them: the mapped fields by name ("Prices.WorkingPerKWh"),
// whether the vendor still had the contract, and, where no mapped field
// differs, the vendor's raw JSON by path.
package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"wattfolio/app"
)

// Upstream is the pseudo field that says whether the vendor had the contract.
const Upstream = "Upstream"

// The values of Upstream.
const (
	Current = "current"
	Removed = "removed"
)

// skipped are the fields that are no part of what the vendor says about the
// contract: the cache's own, the store's links and the fetch's bookkeeping.
var skipped = map[string]bool{
	"ID": true, "Source": true, "Vendor": true, "Raw": true, "FetchedAt": true, "RemovedAt": true,
	"Customer.AccountID": true, "Customer.AccountName": true,
}

var (
	appPkg      = reflect.TypeFor[app.Contract]().PkgPath()
	timeType    = reflect.TypeFor[time.Time]()
	decimalType = reflect.TypeFor[app.Decimal]()
)

// Fields is the text of c's mapped fields: a JSON object of the non-empty
// values by field name, keys sorted, so the same contract always gives the
// same text and a sync can compare two strings.
func Fields(c *app.Contract) string {
	m := map[string]string{}
	walk(m, "", reflect.ValueOf(c).Elem())
	b, err := json.Marshal(m) // a map of strings always marshals
	if err != nil {
		panic(err)
	}
	return string(b)
}

func walk(m map[string]string, prefix string, v reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name := prefix + f.Name
		if !f.IsExported() || skipped[name] {
			continue
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct && fv.Type().Elem().PkgPath() == appPkg {
			if !fv.IsNil() {
				walk(m, name+".", fv.Elem())
			}
			continue
		}
		if fv.Kind() == reflect.Struct && fv.Type() != timeType && fv.Type().PkgPath() == appPkg {
			walk(m, name+".", fv)
			continue
		}
		if s := text(fv); s != "" {
			if !utf8.ValidString(s) {
				// JSON would turn every invalid byte into U+FFFD, so two
				// different values would read the same and a re-sync
				// that changed one would look unchanged; quoted, each
				// invalid byte stays itself.
				s = strconv.Quote(s)
			}
			m[name] = s
		}
	}
}

// text shows one value: times in RFC 3339 UTC, decimals exactly, a price
// series one "from price" a point.
func text(v reflect.Value) string {
	switch {
	case v.Kind() == reflect.Pointer:
		if v.IsNil() {
			return ""
		}
		return text(v.Elem())
	case v.Type() == timeType:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	case v.Type() == decimalType:
		return v.Interface().(app.Decimal).String()
	case v.Kind() == reflect.Slice:
		parts := make([]string, v.Len())
		for i := range v.Len() {
			e := v.Index(i)
			if e.Kind() == reflect.Struct {
				var fs []string
				for j := range e.NumField() {
					fs = append(fs, text(e.Field(j)))
				}
				parts[i] = strings.Join(fs, " ")
			} else {
				parts[i] = text(e)
			}
		}
		return strings.Join(parts, "; ")
	case v.Kind() == reflect.String:
		return v.String()
	case v.Kind() == reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	return fmt.Sprint(v.Interface())
}

// order is each mapped field's place in app.Contract, so changes are
// listed the way the contract page shows the fields.
var order = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	var walkType func(prefix string, t reflect.Type)
	walkType = func(prefix string, t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != timeType && ft.PkgPath() == appPkg {
				walkType(prefix+f.Name+".", ft)
				continue
			}
			m[prefix+f.Name] = len(m)
		}
	}
	walkType("", reflect.TypeFor[app.Contract]())
	return m
})

// Version is a contract as the cache held it at one time.
type Version struct {
	Raw     []byte
	Fields  string // Fields' text; "" when unknown (stored before history)
	Removed bool
}

// Diff lists what changed from old to new: whether the vendor has the
// contract, then the mapped fields in the contract's order, and, when no
// mapped field changed, the raw JSON's values by path ("raw: prices[0].price"),
// so a change the mapping does not show is not hidden.
func Diff(old, new Version) []app.Change {
	var out []app.Change
	if old.Removed != new.Removed {
		out = append(out, app.Change{Field: Upstream, Old: upstream(old.Removed), New: upstream(new.Removed)})
	}
	if old.Fields != "" && new.Fields != "" && old.Fields != new.Fields {
		out = append(out, diffMaps(decode(old.Fields), decode(new.Fields), "")...)
	}
	if len(out) == 0 || (len(out) == 1 && out[0].Field == Upstream) {
		if !bytes.Equal(old.Raw, new.Raw) {
			out = append(out, diffMaps(flatRaw(old.Raw), flatRaw(new.Raw), "raw: ")...)
		}
	}
	return out
}

func upstream(removed bool) string {
	if removed {
		return Removed
	}
	return Current
}

func decode(s string) map[string]string {
	m := map[string]string{}
	_ = json.Unmarshal([]byte(s), &m) // written by Fields; a bad one reads as empty
	return m
}

func diffMaps(old, new map[string]string, prefix string) []app.Change {
	keys := make([]string, 0, len(old)+len(new))
	for k := range old {
		keys = append(keys, k)
	}
	for k := range new {
		if _, ok := old[k]; !ok {
			keys = append(keys, k)
		}
	}
	ord := order()
	slices.SortFunc(keys, func(a, b string) int {
		ia, oka := ord[a]
		ib, okb := ord[b]
		switch {
		case prefix == "" && oka && okb:
			return ia - ib
		case prefix == "" && oka != okb: // fields this version does not know go last
			if oka {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	var out []app.Change
	for _, k := range keys {
		if old[k] != new[k] {
			out = append(out, app.Change{Field: prefix + k, Old: old[k], New: new[k]})
		}
	}
	return out
}

// flatRaw is a vendor's JSON as values by path: object keys joined with
// dots, array elements by index. Something that is not JSON is one value.
func flatRaw(raw []byte) map[string]string {
	m := map[string]string{}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		m["(text)"] = string(raw)
		return m
	}
	flatten(m, "", v)
	return m
}

func flatten(m map[string]string, path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			flatten(m, p, e)
		}
	case []any:
		for i, e := range v {
			flatten(m, fmt.Sprintf("%s[%d]", path, i), e)
		}
	case nil:
		m[path] = "null"
	case string:
		m[path] = v
	default:
		m[path] = fmt.Sprint(v)
	}
}
