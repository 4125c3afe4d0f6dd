// Package tomlmap holds what the program's TOML files (sources, offers)
// share once BurntSushi/toml has decoded them into plain maps: they are
// read as maps rather than structs so that every mistake is reported, not
// only the first wrong type.
package tomlmap

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Decode decodes text into plain maps. A syntax error comes with its line
// (0 when the library gives none) and says it is one.
func Decode(text string) (doc map[string]any, md toml.MetaData, line int, err error) {
	md, err = toml.Decode(text, &doc)
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return nil, md, pe.Position.Line, errors.New("TOML syntax: " + pe.Message)
	}
	return doc, md, 0, err
}

// Message is how the files' problems read: "file:line: table: key: msg",
// leaving out the parts that are empty (line 0: no single line).
func Message(file string, line int, table, key, msg string) string {
	var b strings.Builder
	b.WriteString(file)
	if line > 0 {
		b.WriteString(":" + strconv.Itoa(line))
	}
	b.WriteString(": ")
	for _, part := range []string{table, key} {
		if part != "" {
			b.WriteString(part + ": ")
		}
	}
	b.WriteString(msg)
	return b.String()
}

// Join joins a file's problems into one error, ordered by line, each on a
// line of its own; nil when there are none.
func Join[E error](errs []E, line func(E) int) error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b E) int { return cmp.Compare(line(a), line(b)) })
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// Tables returns the tables of an array of tables, written as [[name]]
// headers or as an inline array of tables.
func Tables(raw any) ([]map[string]any, bool) {
	tables, ok := raw.([]map[string]any)
	if list, isList := raw.([]any); isList {
		// An inline array, "name = [{...}]"; fine as long as it holds tables.
		ok = true
		for _, e := range list {
			t, isTable := e.(map[string]any)
			ok = ok && isTable
			tables = append(tables, t)
		}
	}
	return tables, ok
}

// TypeName names a decoded value's TOML type for messages: "an integer".
func TypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}

// SortedKeys returns m's keys by the line they are written on, then by
// name, so that messages come in file order.
func SortedKeys(m map[string]any, line func(string) int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(line(a), line(b)), cmp.Compare(a, b)) })
	return keys
}

// Quote writes s as a TOML basic string. strconv.Quote is Go's syntax:
// its \a, \v and \x7f escapes are not TOML's and would not read back.
// Control characters, and bytes that are not UTF-8, become \u escapes.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
