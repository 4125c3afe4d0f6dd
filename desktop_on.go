//go:build desktop

package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"wattfolio/app/web"
	"wattfolio/db"
	"wattfolio/frontend/views"
)

// appIcon is the window's icon (also build/wattfolio.desktop's).
//
//go:embed build/appicon.png
var appIcon []byte

// errNoDesktop is never returned by a desktop build.
var errNoDesktop = errors.New("no desktop shell")

// runDesktop opens the one handler in a native window and returns when the
// window is closed. It never touches the network: the window shows the cache
// as it is, and only "Sync now" talks to the vendors.
func runDesktop(ctx context.Context, h http.Handler, cachePath string) error {
	log := slog.Default().With("component", "desktop")
	// Every request below comes from the window itself, in process.
	h = web.Window(h)
	statePath := windowStatePath()
	st := loadWindowState(statePath)

	var wctx context.Context // the Wails runtime's context, set in OnStartup
	sh := &shell{next: h, log: log, probeFile: os.Getenv("WATTFOLIO_DESKTOP_PROBE")}
	sh.save = func(title, name string) (string, error) {
		dir, base := filepath.Split(name)
		o := runtime.SaveDialogOptions{
			Title:                title,
			DefaultFilename:      base,
			CanCreateDirectories: true,
			Filters:              []runtime.FileFilter{{DisplayName: "CSV files (*.csv)", Pattern: "*.csv"}},
		}
		if dir != "" {
			o.DefaultDirectory = filepath.Clean(dir)
		} else if d, err := os.UserHomeDir(); err == nil {
			o.DefaultDirectory = d
		}
		return runtime.SaveFileDialog(wctx, o)
	}

	saveState := func() {
		if wctx == nil {
			return
		}
		s := windowState{Maximised: runtime.WindowIsMaximised(wctx)}
		if !s.Maximised && !runtime.WindowIsMinimised(wctx) && !runtime.WindowIsFullscreen(wctx) {
			s.Width, s.Height = runtime.WindowGetSize(wctx)
			s.X, s.Y = runtime.WindowGetPosition(wctx)
			s.HasPosition = true
		} else {
			// Keep the normal size from before, for when the user restores it.
			s.Width, s.Height, s.X, s.Y, s.HasPosition = st.Width, st.Height, st.X, st.Y, st.HasPosition
		}
		if err := saveWindowState(statePath, s); err != nil {
			log.Warn("remember window size", "err", err)
		}
	}

	syncNow := func(*menu.CallbackData) {
		// The same request as the Sync page's button, then show that page,
		// which follows the run until it finishes.
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "http://wails/sync", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			_, _ = runtime.MessageDialog(wctx, runtime.MessageDialogOptions{
				Type:    runtime.InfoDialog,
				Title:   "Sync now",
				Message: "This window was opened without a sources file, so there is nothing to sync.\n\nStart it with: wattfolio desktop --db FILE --config sources.toml",
			})
			return
		}
		runtime.WindowExecJS(wctx, `window.location.href = "/sync";`)
	}
	exportView := func(*menu.CallbackData) {
		// The page knows its own filters; app.js asks the shell to save them.
		runtime.WindowExecJS(wctx, `window.wattfolio ? window.wattfolio.exportView() : (window.location.href = "/contracts");`)
	}
	openCache := func(*menu.CallbackData) {
		if err := openFolder(filepath.Dir(cachePath)); err != nil {
			_, _ = runtime.MessageDialog(wctx, runtime.MessageDialogOptions{
				Type:    runtime.ErrorDialog,
				Title:   "Open cache folder",
				Message: fmt.Sprintf("Could not open %s: %v", filepath.Dir(cachePath), err),
			})
		}
	}

	labels := views.DesktopMenuIn(systemLang())
	appMenu := menu.NewMenu()
	file := appMenu.AddSubmenu(labels.File)
	file.AddText(labels.SyncNow, keys.CmdOrCtrl("r"), syncNow)
	file.AddText(labels.ExportView, keys.CmdOrCtrl("e"), exportView)
	file.AddText(labels.OpenCache, nil, openCache)
	file.AddSeparator()
	file.AddText(labels.Quit, keys.CmdOrCtrl("q"), func(*menu.CallbackData) { runtime.Quit(wctx) })
	if goruntime.GOOS == "darwin" {
		appMenu.Append(menu.EditMenu()) // copy and paste need it on macOS
	}

	start := options.Normal
	if st.Maximised {
		start = options.Maximised
	}
	return wails.Run(&options.App{
		Title:            "Wattfolio",
		Width:            st.Width,
		Height:           st.Height,
		MinWidth:         minWidth,
		MinHeight:        minHeight,
		WindowStartState: start,
		BackgroundColour: &options.RGBA{R: 0xf4, G: 0xf6, B: 0xf8, A: 0xff},
		Menu:             appMenu,
		AssetServer: &assetserver.Options{
			// Assets stays nil so that every request, GET or POST, reaches
			// the one handler.
			Handler: sh,
		},
		Linux: &linux.Options{
			Icon:             appIcon,
			ProgramName:      "wattfolio",
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever,
		},
		Windows: windowsOptions(),
		OnStartup: func(c context.Context) {
			wctx = c
			if st.HasPosition && !st.Maximised {
				runtime.WindowSetPosition(c, st.X, st.Y)
			}
			if sh.probeFile != "" {
				go probeLoop(ctx, c)
			}
		},
		OnBeforeClose: func(context.Context) bool {
			saveState()
			return false
		},
	})
}

// probeLoop asks the page to report itself (see probeJS) until ctx ends.
func probeLoop(ctx, wctx context.Context) {
	t := time.NewTicker(300 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-wctx.Done():
			return
		case <-t.C:
			runtime.WindowExecJS(wctx, probeJS)
		}
	}
}

// openFolder shows dir in the desktop's file manager.
func openFolder(dir string) error {
	var cmd *exec.Cmd
	switch goruntime.GOOS {
	case "darwin":
		cmd = exec.Command("open", dir)
	case "windows":
		cmd = exec.Command("explorer", dir)
	default:
		cmd = exec.Command("xdg-open", dir)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it; xdg-open returns at once
	return nil
}

func cmdDesktop(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("desktop", "desktop [--db FILE] [--config FILE]", stderr)
	dbPath := fs.String("db", "", "the cache file (default: portfolio.db in the user's data directory, as the menu entry uses)")
	config := fs.String("config", "", "sources file; with it the Sync page and File > Sync now can sync (default: sources.toml in the user's config folder, e.g. ~/.config/wattfolio or %APPDATA%\\Wattfolio, if it exists)")
	if err := parse(fs, args); err != nil {
		return err
	}
	// The menu entry's cache is made on first launch; a cache named with
	// --db must exist, and is opened read-only when it cannot be written.
	mode := db.Auto
	if *dbPath == "" {
		mode = db.Create
		d, err := dataDir()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		*dbPath = filepath.Join(d, "portfolio.db")
	}
	// The Sources page writes the per-platform sources file, which the
	// first launch does not have yet.
	setupPath := *config
	if *config == "" {
		if d, err := currentUserDirs(); err == nil {
			setupPath = filepath.Join(d.Config, "sources.toml")
			if fileExists(setupPath) {
				*config = setupPath
			}
		}
	}
	store, err := db.OpenMode(ctx, *dbPath, mode)
	if err != nil {
		return err
	}
	defer store.Close()
	srcs, err := loadSourcesIf(*config)
	if err != nil {
		return err
	}
	// No token: the window's requests never go over TCP (see web.Window).
	h := newDemoSwitch(ctx, "", func(d *demoSwitch) http.Handler {
		return appHandler(ctx, store, srcs, "", appSetup{config: setupPath, demo: d})
	})
	return runDesktop(ctx, h, store.Path())
}
