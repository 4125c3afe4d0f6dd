//go:build !windows

package main

import (
	"os"

	"wattfolio/frontend/views"
)

// systemLang is the app's display language until the user picks one: the
// locale's (LC_ALL, LC_MESSAGES, LANG), German or English.
func systemLang() string { return views.LangFromEnv(os.Getenv) }
