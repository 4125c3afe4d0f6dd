// Package frontend holds Wattfolio's user interface: the templ views in
// frontend/views and the static assets (stylesheet, a small script, the icon)
// compiled into the binary.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// Static is the static assets with paths relative to the static folder:
// "app.css", "app.js", "favicon.svg".
var Static fs.FS = mustSub(static, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
