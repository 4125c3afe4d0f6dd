package app

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// German letters as people type them without the key: "Müller" is often
// written "Mueller", and sometimes "Muller".
var umlautsSpelled = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// FoldSearch is s as the search compares it: lower case, umlauts spelled
// out (ü → ue), other accents dropped (é → e), white space runs as one
// space. A query is folded so; see SearchText for what it is matched in.
func FoldSearch(s string) string {
	return stripAccents(umlautsSpelled.Replace(strings.ToLower(s)))
}

// SearchText is the text a search looks in for s: its fold, and, where
// it differs, its fold with umlauts reduced to their base letter, so that
// "Mueller", "Muller" and "Müller" all find "Müller".
func SearchText(s string) string {
	spelled := FoldSearch(s)
	plain := stripAccents(strings.ToLower(strings.ReplaceAll(s, "ß", "ss")))
	if plain == spelled {
		return spelled
	}
	return spelled + "\x1f" + plain
}

func stripAccents(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Join(strings.FieldsFunc(out, func(r rune) bool { return unicode.IsSpace(r) && r != '\x1f' }), " ")
}
