package app

// Account is one of the user's customers, named in the sources file, with
// the ids that customer has at each source: a field manager's customer may
// be a prosumer customer, hold enneo contracts, trade under an EIC at otark
// and be a Podero user, all at once.
type Account struct {
	ID    int64
	Name  string
	Links []AccountLink
	// Profile is the BDEW standard load profile (H25, G25, L25, ...) the
	// account is priced on where it has no meter data; "" when the
	// sources file names none.
	Profile string
	// Contracts counts the account's cached contracts per vendor.
	Contracts map[Vendor]int
}

// AccountLink is the account's id at one configured source.
type AccountLink struct {
	Source     string
	ExternalID string
}

// Total is the number of the account's contracts across vendors.
func (a Account) Total() int {
	n := 0
	for _, c := range a.Contracts {
		n += c
	}
	return n
}
