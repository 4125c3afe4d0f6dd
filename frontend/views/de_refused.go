package views

// German for the summary of refused filter values (refused.templ).
func init() {
	addGerman(map[string]string{
		"Some values in the address cannot be used.":                               "Einige Werte der Adresse sind nicht verwendbar.",
		"The page shows what the other filters select; correct the marked fields.": "Die Seite zeigt, was die übrigen Filter auswählen; bitte korrigieren Sie die markierten Felder.",
	})
}
