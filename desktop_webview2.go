//go:build desktop

package main

import "github.com/wailsapp/wails/v2/pkg/options/windows"

// windowsOptions says in plain words what is wrong when Windows lacks the
// WebView2 runtime the window is drawn with (or has one that is too old).
// The release build uses Wails' "browser" strategy (tag wv2runtime.browser,
// see build/release.sh): a dialog offers the download page and the app
// exits, so nothing is downloaded or installed behind a user's back. Other
// platforms ignore these options.
func windowsOptions() *windows.Options {
	m := windows.DefaultMessages()
	m.MissingRequirements = "Wattfolio: WebView2 runtime missing"
	m.DownloadPage = "Wattfolio draws its window with Microsoft's WebView2 runtime, which this computer " +
		"does not have (or has in a version that is too old).\n\n" +
		"Press OK to open its download page, install the Evergreen runtime (x64), then start Wattfolio again. " +
		"If you may not install software, ask your IT department for it. " +
		"The command line, wattfolio-cli.exe, works without it.\n\nMinimum version required: "
	m.FailedToInstall = "the WebView2 runtime is missing or too old: install it and start Wattfolio again"
	return &windows.Options{Messages: m}
}
