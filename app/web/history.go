package web

import (
	"strings"

	"wattfolio/app"
	"wattfolio/app/personal"
)

// maskHistory masks personal data in a contract's history as the contract
// page masks the vendor's JSON: a value under a key that names personal
// data (raw: billingAddress.street) is masked whole, and IBANs and e-mail
// addresses in any other value.
func maskHistory(changes []app.Change) []app.Change {
	out := make([]app.Change, len(changes))
	for i, ch := range changes {
		whole := false
		if path, ok := strings.CutPrefix(ch.Field, "raw: "); ok {
			for _, key := range strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' }) {
				if personal.KeyKind(key) != "" {
					whole = true
				}
			}
		}
		ch.Old, ch.New = maskValue(ch.Old, whole), maskValue(ch.New, whole)
		out[i] = ch
	}
	return out
}

func maskValue(s string, whole bool) string {
	if s == "" || s == "null" {
		return s
	}
	if whole {
		return personal.Masked
	}
	return personal.MaskText(s)
}
