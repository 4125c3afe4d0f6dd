package views

import "strings"

// LangFromLocale is the display language for a POSIX locale name
// ("de_DE.UTF-8", "de", "C", "en_US"): German for German locales, English
// for every other.
func LangFromLocale(locale string) string {
	l := strings.ToLower(strings.TrimSpace(locale))
	if l == "de" || strings.HasPrefix(l, "de_") || strings.HasPrefix(l, "de-") || strings.HasPrefix(l, "de.") || strings.HasPrefix(l, "de@") {
		return LangDE
	}
	return LangEN
}

// LangFromEnv picks the display language from the locale variables in the
// order POSIX gives them precedence (LC_ALL, LC_MESSAGES, LANG); getenv is
// os.Getenv outside tests.
func LangFromEnv(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			return LangFromLocale(v)
		}
	}
	return LangEN
}
