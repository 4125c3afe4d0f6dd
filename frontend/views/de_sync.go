package views

// German for the sync page (sync.templ, app/web/pages.go).
func init() {
	addGerman(map[string]string{
		"Each source's last run and how fresh its contracts are.": "Der letzte Lauf jeder Quelle und wie aktuell ihre Verträge sind.",
		"Syncing…": "Synchronisiert…",
		"A sync is running. This page updates every two seconds.":                       "Eine Synchronisierung läuft. Diese Seite aktualisiert sich alle zwei Sekunden.",
		"The last sync did not finish cleanly. The sources below show what went wrong.": "Die letzte Synchronisierung wurde nicht sauber beendet. Die Quellen unten zeigen, was schiefging.",
		"No sources configured": "Keine Quellen eingerichtet",
		"Add a source to the configuration file, then sync to fill the cache.": "Fügen Sie der Konfigurationsdatei eine Quelle hinzu und synchronisieren Sie, um den Cache zu füllen.",
		"Never synced": "Nie synchronisiert",
		"Data is %s":   "Daten sind %s",
		"Contracts":    "Verträge",
		"Last run":     "Letzter Lauf",
		"Started":      "Gestartet",
		"Finished":     "Beendet",
		"Duration":     "Dauer",
		"%s so far":    "%s bisher",
		"Not fetched":  "Nicht abgerufen",
		"The vendor did not answer after retries; the next sync asks again": "Der Anbieter hat trotz Wiederholungen nicht geantwortet; die nächste Synchronisierung fragt erneut",
		"No run yet":           "Noch kein Lauf",
		"Last successful sync": "Letzte erfolgreiche Synchronisierung",
		"Error:":               "Fehler:",
		"1 record rejected;":   "1 Datensatz abgelehnt;",
		"%s records rejected;": "%s Datensätze abgelehnt;",
		"%s not fetched (the vendor did not answer);": "%s nicht abgerufen (der Anbieter hat nicht geantwortet);",
		"first %s shown": "die ersten %s angezeigt",
		"Sync started. Sources update below as they finish.":                            "Synchronisierung gestartet. Die Quellen unten aktualisieren sich, sobald sie fertig sind.",
		"A sync is already running.":                                                    "Eine Synchronisierung läuft bereits.",
		"Another Wattfolio is syncing this cache (%s). Try again when it has finished.": "Ein anderes Wattfolio synchronisiert diesen Cache (%s). Versuchen Sie es erneut, wenn es fertig ist.",
	})
}

// German for the sync progress panel (SyncProgressPanel, ProgressText).
func init() {
	addGerman(map[string]string{
		"Progress":                            "Fortschritt",
		"Starting…":                           "Startet…",
		"waiting for its turn":                "wartet, bis sie an der Reihe ist",
		"contracts: %s stored (%s pages)":     "Verträge: %s gespeichert (%s Seiten)",
		"listing meters; %s contracts stored": "Zähler werden gelistet; %s Verträge gespeichert",
		"readings: %s of %s meters, %s readings, %s contracts": "Messwerte: %s von %s Zählern, %s Messwerte, %s Verträge",
		"done: %s contracts, %s readings of %s meters":         "fertig: %s Verträge, %s Messwerte von %s Zählern",
		"done: %s contracts":                                   "fertig: %s Verträge",
		"failed: %s":                                           "fehlgeschlagen: %s",
		", %s rejected":                                        ", %s abgelehnt",
		", %s not fetched":                                     ", %s nicht abgerufen",
		"%s, waiting %s (attempt %d of %d)":                    "%s, wartet %s (Versuch %d von %d)",
		"%s, waiting %s (attempt %d)":                          "%s, wartet %s (Versuch %d)",
		"%s, waiting %s":                                       "%s, wartet %s",
	})
}
