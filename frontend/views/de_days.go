package views

// German for the date fields (days.go) and the days app.ParseDayIn refuses.
func init() {
	addGerman(map[string]string{
		"D MMM YYYY":                       "TT.MM.JJJJ",
		"for example %s or %s":             "zum Beispiel %s oder %s",
		"MMM YYYY":                         "MM.JJJJ",
		"not a month; write it like %s":    "kein Monat; schreiben Sie ihn wie %s",
		"not a month from 2000 to 2100":    "kein Monat von 2000 bis 2100",
		"or":                               "oder",
		"%q is %s":                         "%q ist %s",
		"not a date; write it like %s":     "kein Datum; schreiben Sie es wie %s",
		"not a date: there is no month %d": "kein Datum: es gibt keinen Monat %d",
		"not a date Wattfolio can use: the year must be from 1900 to 2199": "kein Datum, mit dem Wattfolio rechnen kann: das Jahr muss zwischen 1900 und 2199 liegen",
		"not a day of the calendar: %s has %d days":                        "kein Tag des Kalenders: %s hat %d Tage",
	})
}
