package views

// DesktopMenu are the desktop window's menu labels. The native menu is
// built once, when the window opens, in the system's language: the
// header's switch changes the pages, not the menu.
type DesktopMenu struct {
	File, SyncNow, ExportView, OpenCache, Quit string
}

// DesktopMenuIn is the menu in lang.
func DesktopMenuIn(lang string) DesktopMenu {
	f := Fmt{Lang: lang}
	return DesktopMenu{
		File:       f.T("File"),
		SyncNow:    f.T("Sync now"),
		ExportView: f.T("Export current view…"),
		OpenCache:  f.T("Open cache folder"),
		Quit:       f.T("Quit"),
	}
}
