// Package simtoml writes the values of the [[source]] blocks the vendor
// simulators print for the sources file.
package simtoml

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// String quotes s as a TOML basic string. Control characters, and the
// bytes of s that are not UTF-8, are written as \u escapes.
func String(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
