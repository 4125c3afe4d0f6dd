//go:build desktop

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"wattfolio/db"
)

// errNoDesktop is never returned by a desktop build.
var errNoDesktop = errors.New("no desktop shell")

// runDesktop opens the one handler in a native window. Assets stays nil so
// every request, GET or POST, reaches the handler.
func runDesktop(ctx context.Context, h http.Handler, cachePath string) error {
	return wails.Run(&options.App{
		Title:     "Wattfolio",
		Width:     1280,
		Height:    800,
		MinWidth:  960,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Handler: h,
		},
	})
}

func cmdDesktop(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("desktop", "desktop --db FILE [--config FILE]", stderr)
	dbPath := fs.String("db", "", "the cache file")
	config := fs.String("config", "", "sources file; with it the Sync page can sync now")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dbPath == "" {
		fmt.Fprintln(stderr, "desktop needs --db")
		return errUsage
	}
	store, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	srcs, err := loadSourcesIf(*config)
	if err != nil {
		return err
	}
	return runDesktop(ctx, handler(ctx, store, srcs), *dbPath)
}
