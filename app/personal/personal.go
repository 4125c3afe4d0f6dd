// Package personal finds customers' personal data (IBANs and other bank
// account numbers, e-mail addresses, phone numbers, postal addresses) in
// vendors' records and in text, so that it can be masked where it is shown,
// left out of exports and logs, and kept out of the cache.
//
// A vendor record is searched two ways: by key name (enneo's iban, email,
// phone, deliveryAddress, billingAddress; epilot's addresses, email, phone,
// payment), so a value of any shape under such a key is caught, and by value
// pattern (an IBAN with a valid check sum, an e-mail address) in every
// string, so that a field a vendor adds tomorrow under another name is
// caught too. Customers' names are not personal data here: they are how the
// user tells customers apart.
package personal

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Kind is a sort of personal data.
type Kind string

const (
	IBAN    Kind = "iban" // a bank account: an IBAN, or an account number
	Email   Kind = "email"
	Phone   Kind = "phone"
	Address Kind = "address" // a postal address or part of one
)

// Kinds lists every kind, in the order exports show them.
var Kinds = []Kind{Email, Phone, IBAN, Address}

// Masked replaces a personal value where it is shown.
const Masked = "•••"

// KeyKind is the kind of personal data a field named key holds, judged by
// its name in any of the spellings vendors use (deliveryAddress,
// billing_address, e-mail, Telefon, postal_code, IBAN), or "" when the name
// says nothing personal.
func KeyKind(key string) Kind {
	k := normalKey(key)
	switch {
	case k == "":
		return ""
	case strings.Contains(k, "iban") || strings.Contains(k, "accountnumber") || strings.Contains(k, "kontonummer") ||
		strings.Contains(k, "bankaccount") || strings.Contains(k, "sepa"):
		return IBAN
	case strings.Contains(k, "email") || k == "mail" || k == "mailaddress":
		return Email
	case strings.Contains(k, "phone") || strings.Contains(k, "telefon") || strings.Contains(k, "mobil") ||
		strings.Contains(k, "fax") || k == "tel" || k == "handy":
		return Phone
	case strings.Contains(k, "address") || strings.Contains(k, "adresse") || strings.Contains(k, "anschrift") ||
		strings.Contains(k, "street") || strings.Contains(k, "strasse") || strings.Contains(k, "straße") ||
		strings.Contains(k, "postalcode") || strings.Contains(k, "postcode") || strings.Contains(k, "zipcode") ||
		strings.Contains(k, "housenumber") || strings.Contains(k, "hausnummer") || k == "zip" || k == "plz":
		return Address
	}
	return ""
}

// normalKey lowercases key and drops what is not a letter or a digit, so
// that billing_address, billingAddress and Billing-Address read the same.
func normalKey(key string) string {
	var b strings.Builder
	for _, r := range key {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

var (
	// ibanLike finds IBAN candidates, written together or in groups of four;
	// validIBAN then checks the length and the check sum, so that meter
	// point ids (DE0001234…) and other codes are not taken for one.
	ibanLike  = regexp.MustCompile(`\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b`)
	emailLike = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
)

// validIBAN checks an IBAN's length (15 to 34 characters without spaces)
// and its ISO 7064 mod-97 check sum.
func validIBAN(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	s = s[4:] + s[:4]
	rem := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// Find returns the IBANs and e-mail addresses in s, in order, with their
// kinds.
func Find(s string) []Found {
	var out []Found
	// The expressions are slow next to a scan for what each needs (two
	// capitals and two digits; an @), and most strings have neither.
	if mayHoldIBAN(s) {
		for _, m := range ibanLike.FindAllStringIndex(s, -1) {
			if validIBAN(s[m[0]:m[1]]) {
				out = append(out, Found{Kind: IBAN, Start: m[0], End: m[1]})
			}
		}
	}
	if strings.IndexByte(s, '@') >= 0 {
		for _, m := range emailLike.FindAllStringIndex(s, -1) {
			out = append(out, Found{Kind: Email, Start: m[0], End: m[1]})
		}
	}
	return out
}

// mayHoldIBAN reports whether s has an IBAN's start (a country code and
// two check digits) with room for the rest.
func mayHoldIBAN(s string) bool {
	for i := 0; i+15 <= len(s); i++ {
		if isUpper(s[i]) && isUpper(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			return true
		}
	}
	return false
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Found is personal data in a text: s[Start:End] is of Kind.
type Found struct {
	Kind       Kind
	Start, End int
}

// ReplaceText replaces every IBAN and e-mail address in s with with.
func ReplaceText(s, with string) string {
	found := Find(s)
	if len(found) == 0 {
		return s
	}
	slices.SortFunc(found, func(a, b Found) int { return a.Start - b.Start })
	var b strings.Builder
	last := 0
	for _, f := range found {
		if f.Start < last {
			continue // inside the last match (an IBAN-like local part of an address)
		}
		b.WriteString(s[last:f.Start])
		b.WriteString(with)
		last = f.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// MaskText masks every IBAN and e-mail address in s: for logs, error
// messages and other free text.
func MaskText(s string) string { return ReplaceText(s, Masked) }
