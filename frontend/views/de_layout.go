package views

// German for the page frame and the error page (layout.templ).
func init() {
	addGerman(map[string]string{
		"Skip to content":            "Zum Inhalt springen",
		"Main":                       "Hauptmenü",
		"Portfolio":                  "Portfolio",
		"Customers":                  "Kunden",
		"Offers":                     "Angebote",
		"Savings":                    "Ersparnis",
		"Sync":                       "Synchronisieren",
		"Changes":                    "Änderungen",
		"need attention":             "brauchen Aufmerksamkeit",
		"pending":                    "ausstehend",
		"Language and number format": "Sprache und Zahlenformat",
		"Error":                      "Fehler",
		"Back to the portfolio":      "Zurück zum Portfolio",
		"changes the vendor refused or that are in conflict": "Änderungen, die der Anbieter abgelehnt hat oder die in Konflikt stehen",
		"offline edits waiting to be sent":                   "Offline-Änderungen, die auf das Senden warten",
	})
}
