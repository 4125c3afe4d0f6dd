package main

import (
	"path/filepath"
	"testing"

	"wattfolio/sync/simulate"
)

func TestPlatformDirs(t *testing.T) {
	const home = "/home/jörg müller"
	winLocal := `C:\Users\Jörg Müller\AppData\Local`
	winRoaming := `C:\Users\Jörg Müller\AppData\Roaming`
	mac := filepath.Join("/Users/jörg müller", "Library", "Application Support", "Wattfolio")
	tests := []struct {
		name    string
		goos    string
		env     map[string]string
		home    string
		want    userDirs
		wantErr bool
	}{
		{"linux defaults", "linux", nil, home, userDirs{
			Data:   filepath.Join(home, ".local", "share", "wattfolio"),
			Config: filepath.Join(home, ".config", "wattfolio"),
			State:  filepath.Join(home, ".local", "state", "wattfolio"),
		}, false},
		{"linux XDG variables", "linux", map[string]string{
			"XDG_DATA_HOME": "/data/Grüße dir", "XDG_CONFIG_HOME": "/cfg/Ä Ö", "XDG_STATE_HOME": "/st/ü",
		}, home, userDirs{
			Data: "/data/Grüße dir/wattfolio", Config: "/cfg/Ä Ö/wattfolio", State: "/st/ü/wattfolio",
		}, false},
		// The XDG specification: a relative path is invalid and ignored.
		{"linux relative XDG ignored", "linux", map[string]string{"XDG_DATA_HOME": "rel/data"}, home, userDirs{
			Data:   filepath.Join(home, ".local", "share", "wattfolio"),
			Config: filepath.Join(home, ".config", "wattfolio"),
			State:  filepath.Join(home, ".local", "state", "wattfolio"),
		}, false},
		{"windows", "windows", map[string]string{"LOCALAPPDATA": winLocal, "APPDATA": winRoaming}, "", userDirs{
			Data:   filepath.Join(winLocal, "Wattfolio"),
			Config: filepath.Join(winRoaming, "Wattfolio"),
			State:  filepath.Join(winLocal, "Wattfolio"),
		}, false},
		{"windows without LOCALAPPDATA", "windows", map[string]string{"APPDATA": winRoaming}, "", userDirs{}, true},
		{"macOS", "darwin", map[string]string{"XDG_DATA_HOME": "/ignored"}, "/Users/jörg müller", userDirs{
			Data: mac, Config: mac, State: mac,
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := platformDirs(tt.goos, func(k string) string { return tt.env[k] }, tt.home)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// A user whose folders have spaces and umlauts in their names: the window
// state goes to the XDG state folder and comes back; sync and export work
// with such paths.
func TestUserFilesAtPathsWithSpacesAndUmlauts(t *testing.T) {
	f := newFixture(t, simulate.Options{Seed: 3, EnneoContracts: 15})
	root := filepath.Join(t.TempDir(), "Jörg Müller", "Eigene Dateien")
	t.Setenv("HOME", root)
	t.Setenv("XDG_STATE_HOME", filepath.Join(root, "Zustand"))

	p := windowStatePath()
	if want := filepath.Join(root, "Zustand", "wattfolio", "window.json"); p != want {
		t.Fatalf("window state at %q, want %q", p, want)
	}
	saved := windowState{Width: 1500, Height: 900, X: 40, Y: 30, HasPosition: true}
	if err := saveWindowState(p, saved); err != nil {
		t.Fatal(err)
	}
	if got := loadWindowState(p); got != saved {
		t.Errorf("window state came back as %+v, want %+v", got, saved)
	}

	cache := filepath.Join(root, "Kunden Cache.db")
	if code, stdout, stderr := runCLI(t, "sync", "--config", f.config, "--db", cache); code != 0 {
		t.Fatalf("sync into %q: exit %d\n%s%s", cache, code, stdout, stderr)
	}
	csv := filepath.Join(root, "Verträge für Grüne Energie.csv")
	if code, _, stderr := runCLI(t, "export", "contracts", "--db", cache, "--source", "demo-enneo", "-o", csv); code != 0 {
		t.Fatalf("export to %q: exit %d: %s", csv, code, stderr)
	}
	if rows := readCSV(t, csv); len(rows) != 16 {
		t.Errorf("%s has %d lines, want header + 15", csv, len(rows))
	}
}
