package views

import "testing"

// The window's menu speaks the system's language, as the pages do.
func TestDesktopMenuIn(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want DesktopMenu
	}{
		{LangDE, DesktopMenu{"Datei", "Jetzt synchronisieren", "Aktuelle Ansicht exportieren…", "Cache-Ordner öffnen", "Beenden"}},
		{LangEN, DesktopMenu{"File", "Sync now", "Export current view…", "Open cache folder", "Quit"}},
	} {
		if got := DesktopMenuIn(tc.lang); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.lang, got, tc.want)
		}
	}
}
