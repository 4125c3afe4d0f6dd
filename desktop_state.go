package main

// The desktop window's size and position, remembered between runs. Plain Go
// (no Wails) so that plain `go test` covers it.

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// Window sizes: the default fits a 1280×800 screen, the minimum a 13-inch
// laptop at 125 % scaling.
const (
	defaultWidth, defaultHeight = 1280, 800
	minWidth, minHeight         = 960, 600
)

// windowState is what window.json holds.
type windowState struct {
	Width       int  `json:"width"`
	Height      int  `json:"height"`
	X           int  `json:"x"`
	Y           int  `json:"y"`
	HasPosition bool `json:"has_position"`
	Maximised   bool `json:"maximised"`
}

// windowStatePath is window.json in the user's state folder
// ($XDG_STATE_HOME/wattfolio on Linux, see platformDirs).
func windowStatePath() string {
	d, err := currentUserDirs()
	if err != nil {
		return ""
	}
	return filepath.Join(d.State, "window.json")
}

// loadWindowState reads the remembered state; a missing or damaged file
// gives the defaults, and sizes are kept within what the window allows.
func loadWindowState(path string) windowState {
	st := windowState{Width: defaultWidth, Height: defaultHeight}
	if path != "" {
		if b, err := os.ReadFile(path); err == nil {
			var s windowState
			if json.Unmarshal(b, &s) == nil {
				st = s
			}
		}
	}
	return st.sane()
}

// sane clamps a remembered state to sizes and positions a window can use:
// at least the minimum size, at most 8K, and a position that keeps the
// title bar reachable.
func (s windowState) sane() windowState {
	const maxSide = 7680
	if s.Width <= 0 || s.Height <= 0 {
		s.Width, s.Height = defaultWidth, defaultHeight
	}
	s.Width = min(max(s.Width, minWidth), maxSide)
	s.Height = min(max(s.Height, minHeight), maxSide)
	if s.HasPosition && (s.X < -s.Width+100 || s.Y < 0 || s.X > maxSide || s.Y > maxSide) {
		s.HasPosition, s.X, s.Y = false, 0, 0
	}
	return s
}

// saveWindowState writes the state for the next run.
func saveWindowState(path string, s windowState) error {
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s.sane(), "", "  ")
	if err != nil {
		return err
	}
	return writeBytes(path, append(b, '\n'))
}
