package main

// defaultCommand is what a run without arguments does. Empty (the usage) for
// the command line; the Windows GUI build sets it to "desktop" with -ldflags
// "-X main.defaultCommand=desktop", because a double-clicked executable has
// no arguments and, without a console, nowhere to print the usage.
var defaultCommand = ""

func withDefaultCommand(args []string) []string {
	if len(args) == 0 && defaultCommand != "" {
		return []string{defaultCommand}
	}
	return args
}
