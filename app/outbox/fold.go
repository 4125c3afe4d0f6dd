package outbox

import "encoding/json"

// The rules a change follows whichever store holds it (a laptop's cache,
// a team's book): what an edit set back leaves, what is left to send once
// the vendor took some of the values, and the fields as stored.

// DropUnchanged removes from fields those equal to base and reports
// whether none is left. A field whose other value may be at the vendor
// already (kept: a PUT sent whose answer was not recorded, or values
// pushed to a team's book) is kept when set back to its base: the vendor
// may hold, or be sent, the other value.
func DropUnchanged(fields, base, kept map[string]string) bool {
	for f, v := range fields {
		if b, ok := base[f]; ok && b == v {
			if k, sent := kept[f]; sent && k != v {
				continue
			}
			delete(fields, f)
		}
	}
	return len(fields) == 0
}

// AfterSend works out what is left of a change edited again while its
// values sent were being written: the vendor holds held now, so the sent
// fields' base moves to it, and the fields still to send are those of
// next that differ from the new base. A sent field the user set back to
// its old value meanwhile (an edit drops a field set back to its base) is
// sent again with that value. base and next are changed in place; done
// says nothing is left to send.
func AfterSend(base, next, sent, held map[string]string) (done bool) {
	for f := range sent {
		if _, kept := next[f]; !kept {
			next[f] = base[f]
		}
		base[f] = held[f]
	}
	return DropUnchanged(next, base, nil)
}

// EncodeFields is fields as stored: a JSON object of strings, keys sorted.
func EncodeFields(m map[string]string) string {
	if m == nil {
		return "{}"
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

// DecodeFields reads fields as EncodeFields stores them; anything else is
// no fields.
func DecodeFields(s string) map[string]string {
	m := map[string]string{}
	_ = json.Unmarshal([]byte(s), &m)
	return m
}
