package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// userDirs are the per-user folders Wattfolio keeps its files in, each the
// platform's own place for that kind of file.
type userDirs struct {
	Data   string // the cache (portfolio.db) and the demo
	Config string // sources.toml
	State  string // window.json: the window's size and position
}

// currentUserDirs are the folders of the user running this process.
func currentUserDirs() (userDirs, error) {
	home, err := os.UserHomeDir()
	if err != nil && runtime.GOOS != "windows" {
		return userDirs{}, err
	}
	return platformDirs(runtime.GOOS, os.Getenv, home)
}

// platformDirs works out the folders from the platform, its environment and
// the home folder, so that every platform's rules can be tested anywhere:
//   - Windows: the cache and the window state in %LOCALAPPDATA%\Wattfolio,
//     which stays on this machine (a roaming profile would copy a large,
//     busy SQLite file at every logon and logoff, and window positions
//     belong to this machine's screens); the sources file in
//     %APPDATA%\Wattfolio, which roams with the user.
//   - macOS: all in ~/Library/Application Support/Wattfolio.
//   - Linux and other Unix: the XDG base directories, each variable used
//     only when it holds an absolute path, as the specification says.
func platformDirs(goos string, getenv func(string) string, home string) (userDirs, error) {
	switch goos {
	case "windows":
		local, roaming := getenv("LOCALAPPDATA"), getenv("APPDATA")
		if local == "" || roaming == "" {
			return userDirs{}, fmt.Errorf("user folders: LOCALAPPDATA (%q) or APPDATA (%q) is not set in the environment", local, roaming)
		}
		local, roaming = filepath.Join(local, "Wattfolio"), filepath.Join(roaming, "Wattfolio")
		return userDirs{Data: local, Config: roaming, State: local}, nil
	case "darwin", "ios":
		d := filepath.Join(home, "Library", "Application Support", "Wattfolio")
		return userDirs{Data: d, Config: d, State: d}, nil
	}
	xdg := func(name string, fallback ...string) string {
		if v := getenv(name); filepath.IsAbs(v) {
			return filepath.Join(v, "wattfolio")
		}
		return filepath.Join(append(append([]string{home}, fallback...), "wattfolio")...)
	}
	return userDirs{
		Data:   xdg("XDG_DATA_HOME", ".local", "share"),
		Config: xdg("XDG_CONFIG_HOME", ".config"),
		State:  xdg("XDG_STATE_HOME", ".local", "state"),
	}, nil
}
