package views

func init() {
	addGerman(map[string]string{
		"Counts under the other filters": "Anzahl unter den übrigen Filtern",
		"By status":                      "Nach Status",
		"By vendor":                      "Nach Anbieter",
		"By commodity":                   "Nach Sparte",
		"Remove this filter":             "Diesen Filter entfernen",
		"not linked to a customer":       "keinem Kunden zugeordnet",
		"No [[customer]] block of the sources file links this id": "Kein [[customer]]-Block der Quellendatei verknüpft diese ID",
	})
}
