package views

import "testing"

func TestLangFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "de_DE.UTF-8"}, LangDE},
		{map[string]string{"LANG": "de_AT.UTF-8"}, LangDE},
		{map[string]string{"LANG": "de"}, LangDE},
		{map[string]string{"LANG": "C"}, LangEN},
		{map[string]string{"LANG": "C.UTF-8"}, LangEN},
		{map[string]string{"LANG": "en_GB.UTF-8"}, LangEN},
		{map[string]string{}, LangEN},
		{map[string]string{"LANG": "dea_XX"}, LangEN}, // not German, only starting with "de"
		// LC_ALL overrides LC_MESSAGES, which overrides LANG.
		{map[string]string{"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, LangEN},
		{map[string]string{"LC_MESSAGES": "de_DE.UTF-8", "LANG": "en_US.UTF-8"}, LangDE},
		{map[string]string{"LC_ALL": "de_CH.UTF-8", "LC_MESSAGES": "C"}, LangDE},
	} {
		if got := LangFromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.env, got, tt.want)
		}
	}
	for locale, want := range map[string]string{"de-DE": LangDE, "en-US": LangEN, "fr-FR": LangEN} {
		if got := LangFromLocale(locale); got != want {
			t.Errorf("Windows UI language %s: %s, want %s", locale, got, want)
		}
	}
}
