package views

// German for the desktop window's menu (desktop_menu.go).
func init() {
	addGerman(map[string]string{
		"File":                 "Datei",
		"Export current view…": "Aktuelle Ansicht exportieren…",
		"Open cache folder":    "Cache-Ordner öffnen",
		"Quit":                 "Beenden",
	})
}
