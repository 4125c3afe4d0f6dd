// Package contractdiff compares two app.Contracts field by field, for the
// connectors' tests: every field that differs is named, with values shown
// as values rather than addresses.
package contractdiff

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"wattfolio/app"
)

var appPkg = reflect.TypeFor[app.Contract]().PkgPath()

// Diff returns one line per field that differs, "Field = got, want want",
// or nil when the contracts are equal. It descends into the structs of
// package app and into the terms a contract points to when both sides have
// them, so a line names e.g. Prices.WorkingPerKWh or PPA.AssetName.
func Diff(got, want app.Contract) []string {
	return diff(nil, "", reflect.ValueOf(got), reflect.ValueOf(want))
}

func diff(out []string, prefix string, g, w reflect.Value) []string {
	for i := range g.NumField() {
		name := prefix + g.Type().Field(i).Name
		gf, wf := g.Field(i), w.Field(i)
		if gf.Kind() == reflect.Pointer && !gf.IsNil() && !wf.IsNil() && descend(gf.Type().Elem()) {
			out = diff(out, name+".", gf.Elem(), wf.Elem())
			continue
		}
		if descend(gf.Type()) {
			out = diff(out, name+".", gf, wf)
			continue
		}
		if !reflect.DeepEqual(gf.Interface(), wf.Interface()) {
			out = append(out, fmt.Sprintf("%s = %s, want %s", name, Show(gf.Interface()), Show(wf.Interface())))
		}
	}
	return out
}

// descend reports whether t is a struct of package app whose fields can all
// be compared one by one.
func descend(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t.PkgPath() != appPkg {
		return false
	}
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return false
		}
	}
	return true
}

// Show formats a value for a test message: a nil pointer as "nil", other
// pointers by what they point to, decimals and times by their String, and
// raw JSON as its text.
func Show(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case []byte:
		return string(v)
	case json.RawMessage:
		return string(v)
	case time.Time:
		return v.String()
	case fmt.Stringer:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return "nil"
		}
		return v.String()
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "nil"
		}
		return Show(rv.Elem().Interface())
	}
	return fmt.Sprintf("%+v", v)
}
