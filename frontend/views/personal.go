package views

// Personal says what became of the personal data (IBANs, e-mail addresses,
// phone numbers, postal addresses) on a page that shows a vendor's record.
type Personal struct {
	// Masked is true when the record holds some; Shown when the user
	// asked to see it, else the page masks it.
	Masked, Shown bool
	// ShowURL and HideURL are the same page with and without it.
	ShowURL, HideURL string
}

// PersonalExportLink downloads the filtered contracts with the personal
// data columns, which the other export links leave out.
func (m Portfolio) PersonalExportLink() string {
	v := m.Filter.Values()
	v.Set("dialect", "standard")
	v.Set("personal", "include")
	return m.Link("/contracts.csv", v)
}
