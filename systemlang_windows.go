package main

import (
	"os"

	"golang.org/x/sys/windows"

	"wattfolio/frontend/views"
)

// systemLang is the app's display language until the user picks one: the
// user's preferred UI language on Windows ("de-DE"), or the locale
// variables when a POSIX shell (MSYS, Wine) sets them.
func systemLang() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if os.Getenv(k) != "" {
			return views.LangFromEnv(os.Getenv)
		}
	}
	if langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME); err == nil && len(langs) > 0 {
		return views.LangFromLocale(langs[0])
	}
	return views.LangEN
}
