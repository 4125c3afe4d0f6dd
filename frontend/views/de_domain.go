package views

// German for the messages the domain packages make (app.Msgf) and the
// pages show: the offer form's checks (app/offer, app/offerfile, the
// typed numbers in app/web), the contract edit form's (app/outbox), the
// compare page's notes and reasons (app/compare, app/tariff) and the
// sources form's (sync/sources). The keys, file keys and values in quotes
// stay as they are typed.
func init() {
	addGerman(map[string]string{
		// app/offer: an offer's checks, beside the form's fields.
		"is required":                                  "ist erforderlich",
		"has leading or trailing spaces":               "hat Leerzeichen am Anfang oder Ende",
		"must be one of %s":                            "muss eines von %s sein",
		"must be an ISO 4217 code such as EUR":         "muss ein ISO-4217-Code wie EUR sein",
		"must be between 0 and 100":                    "muss zwischen 0 und 100 liegen",
		"must not be negative":                         "darf nicht negativ sein",
		"must be more than 0":                          "muss größer als 0 sein",
		"a fixed tariff needs a working price":         "ein Festpreistarif braucht einen Arbeitspreis",
		"a time-of-use tariff needs at least one zone": "ein Zeitzonentarif braucht mindestens eine Zone",
		"only a time-of-use tariff (model tou) has zones; grid fee windows go in grid_zone": "nur ein Zeitzonentarif (Modell tou) hat Zonen; Netzentgelt-Zeitfenster gehören in grid_zone",
		"a dynamic tariff must say what a negative price costs: credit or clamp":            "ein dynamischer Tarif muss angeben, was ein negativer Preis kostet: credit oder clamp",
		"must be credit or clamp":                  "muss credit oder clamp sein",
		"applies to dynamic tariffs and PPAs only": "gilt nur für dynamische Tarife und PPAs",
		"an indexed tariff must say how it averages the spot price: plain or load_weighted": "ein indexierter Tarif muss angeben, wie er den Spotpreis mittelt: plain oder load_weighted",
		"must be plain or load_weighted":                                           "muss plain oder load_weighted sein",
		"applies to indexed tariffs only":                                          "gilt nur für indexierte Tarife",
		"%s is for electricity only":                                               "%s gibt es nur für Strom",
		"must be instant or new_customer":                                          "muss instant oder new_customer sein",
		"must be more than 0 for a %s guarantee":                                   "muss für eine Garantie %s größer als 0 sein",
		"must say what the guarantee fixes: full, limited or energy":               "muss angeben, was die Garantie festschreibt: full, limited oder energy",
		"must be full, limited or energy":                                          "muss full, limited oder energy sein",
		"unit must be day, week or month":                                          "die Einheit muss day, week oder month sein",
		"a notice period of 0 has no unit; leave it out":                           "eine Kündigungsfrist von 0 hat keine Einheit; lassen Sie sie weg",
		"is before valid_from":                                                     "liegt vor valid_from",
		"must be months 1 to 12":                                                   "müssen Monate 1 bis 12 sein",
		"must be weekdays mon to sun":                                              "müssen Wochentage mon bis sun sein",
		"must be HH:MM between 00:00 and 23:59":                                    "muss HH:MM zwischen 00:00 und 23:59 sein",
		"equals from; write from = \"00:00\" and to = \"00:00\" for the whole day": "gleicht from; schreiben Sie from = \"00:00\" und to = \"00:00\" für den ganzen Tag",
		"%s needs its %s terms":                                                    "%s braucht seine %s-Bedingungen",
		"only %s (model %s) has %s terms":                                          "nur %s (Modell %s) hat %s-Bedingungen",
		"a PPA":                                                                    "ein PPA",
		"a flexibility contract":                                                   "ein Flexibilitätsvertrag",
		"must be pay_as_produced, baseload or indexed":                             "muss pay_as_produced, baseload oder indexed sein",
		"a baseload PPA needs its constant power, more than 0":                     "ein Baseload-PPA braucht seine konstante Leistung, größer als 0",
		"applies to baseload PPAs only":                                            "gilt nur für Baseload-PPAs",
		"floor and cap apply to indexed PPAs only":                                 "Untergrenze und Obergrenze gelten nur für indexierte PPAs",
		"is below the floor":                                                       "liegt unter der Untergrenze",
		"the plan's %d activations a month exceed max_activations (%d)":            "die %d geplanten Abrufe im Monat übersteigen max_activations (%d)",

		// app/offerfile: an offers file or the form's terms text.
		"unknown key; each offer is an [[offer]] table":                                               "unbekannter Schlüssel; jedes Angebot ist eine [[offer]]-Tabelle",
		"must be a list of [[offer]] tables, not %s":                                                  "muss eine Liste von [[offer]]-Tabellen sein, nicht %s",
		"duplicate name: the offer on line %d already uses it%s; names must be unique, ignoring case": "doppelter Name: das Angebot in Zeile %d verwendet ihn schon%s; Namen müssen eindeutig sein, ohne Rücksicht auf Groß- und Kleinschreibung",
		"must be a string, not %s":                                                                    "muss Text sein, nicht %s",
		"must be true or false, not %s":                                                               "muss true oder false sein, nicht %s",
		"must be a whole number, not %s":                                                              "muss eine ganze Zahl sein, nicht %s",
		"%d is out of range":                                                                          "%d liegt außerhalb des erlaubten Bereichs",
		"write this number in quotes, like %s = \"27.9\"":                                             "schreiben Sie diese Zahl in Anführungszeichen, etwa %s = \"27.9\"",
		"must be a decimal number, not %s":                                                            "muss eine Dezimalzahl sein, nicht %s",
		"must be a decimal number with a point, like 27.9, not %q":                                    "muss eine Dezimalzahl mit Punkt sein, etwa 27.9, nicht %q",
		"must be a decimal number":                                                                    "muss eine Dezimalzahl sein",
		"has more than %d decimal places":                                                             "hat mehr als %d Nachkommastellen",
		"must be a date like 2026-03-31, without a time":                                              "muss ein Datum wie 2026-03-31 sein, ohne Uhrzeit",
		"%q is not a date like 2026-03-31":                                                            "%q ist kein Datum wie 2026-03-31",
		"must be a date like 2026-03-31, not %s":                                                      "muss ein Datum wie 2026-03-31 sein, nicht %s",
		"must be a table, not %s":                                                                     "muss eine Tabelle sein, nicht %s",
		"must be a list of [[%s]] tables, not %s":                                                     "muss eine Liste von [[%s]]-Tabellen sein, nicht %s",
		"unknown key; %s has %s":                                                                      "unbekannter Schlüssel; %s hat %s",
		"is required: true when the prices include VAT (households), false when they are net (businesses)": "ist erforderlich: true, wenn die Preise MwSt. enthalten (Haushalte), false, wenn sie netto sind (Unternehmen)",
		"entry %d: must be a month number 1 to 12":                                                         "Eintrag %d: muss eine Monatszahl von 1 bis 12 sein",
		"entry %d: must be one of mon, tue, wed, thu, fri, sat, sun":                                       "Eintrag %d: muss einer von mon, tue, wed, thu, fri, sat, sun sein",
		"must be a list, not %s":                                                 "muss eine Liste sein, nicht %s",
		"must be HH:MM, like \"22:00\", not %q":                                  "muss HH:MM sein, etwa \"22:00\", nicht %q",
		"%q is not a notice period like \"1 month\", \"6 weeks\" or \"14 days\"": "%q ist keine Kündigungsfrist wie \"1 month\", \"6 weeks\" oder \"14 days\"",
		"line %d: %s": "Zeile %d: %s",
		"only %s go here; the other terms have fields of their own": "hierher gehören nur %s; die übrigen Bedingungen haben eigene Felder",

		// app/web: a number typed into the offer form.
		"must be a number like %s": "muss eine Zahl wie %s sein",
		"is too large":             "ist zu groß",
	})
}
