package views

// German for the line that says how fresh a slice of a team's book is
// (slice.go, the portfolio and the sync page).
func init() {
	addGerman(map[string]string{
		"Slice of %s for 1 customer, pulled %s":   "Ausschnitt von %s für 1 Kunden, abgerufen am %s",
		"Slice of %s for %s customers, pulled %s": "Ausschnitt von %s für %s Kunden, abgerufen am %s",
	})
}
